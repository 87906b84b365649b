"""Every GUI test runs in the shipped font at the desktop's default size, so no size it checks depends on
the fonts a machine happens to have."""

from __future__ import annotations

import pytest

from tests.gui.fonts import use_shipped_font


@pytest.fixture(autouse=True)
def _shipped_font_by_default(qapp):
    use_shipped_font(qapp)


@pytest.fixture
def shipped_font(qapp):
    """Call with a point size to measure at a larger system font; the default comes back afterwards."""
    yield lambda points: use_shipped_font(qapp, points)
    use_shipped_font(qapp)
