"""Records tests start from the demo caseload: held reviews with nothing left to put right."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from iro_desktop.services.minutes import minutes
from iro_desktop.store.models import Review
from tests.conftest import TODAY


def ready_reviews(store, n: int = 1) -> list[int]:
    """Held reviews that could be finalised today, first `n`."""
    with store.session() as s:
        held = s.scalars(select(Review.id).where(Review.status == "held").order_by(Review.id)).all()
    found = [r for r in held if not minutes(store, r, TODAY).problems]
    return found[:n]


@pytest.fixture
def ready_review(demo_store) -> int:
    return ready_reviews(demo_store)[0]
