"""Caseload benchmarks: read model, alone and with the Qt table model, at 60, 1,000 and 10,000 children.
The app's cold start, as a user starts it, is timed in test_bench_gui.py.

Ratios are against baselines measured in the same run; absolute figures are for reference.
"""

from __future__ import annotations

from datetime import date

import pytest

from iro_desktop.services.caseload import load_caseload
from iro_desktop.store import open_store
from tests.benchmarks.conftest import DEMO_SECRET
from tests.benchmarks.helpers import median_ms, report, timed

TODAY = date(2026, 11, 25)
SIZES = (60, 1000, 10000)


@pytest.fixture(scope="module")
def stores(demo_files):
    made = {size: open_store(demo_files(size), DEMO_SECRET) for size in SIZES}
    yield made
    for store in made.values():
        store.close()


def test_read_model_and_table_model_scale_linearly(qapp, stores):
    from iro_desktop.gui.caseload.model import CaseloadModel

    def build(store):
        model = CaseloadModel()
        model.set_rows(load_caseload(store, TODAY))
        return model

    alone, built = {}, {}
    for size, store in stores.items():
        alone[size] = median_ms(timed(lambda s=store: load_caseload(s, TODAY), repeat=5))
        built[size] = median_ms(timed(lambda s=store: build(s), repeat=5))
    report(
        "Caseload read model (load_caseload), alone and with the Qt table model (median of 5 each)",
        [
            *((f"{n:>6} children, alone / with model", f"{alone[n]:.1f} / {built[n]:.1f} ms") for n in SIZES),
            ("60 children with the table model (target < 50 ms)", f"{built[60]:.1f} ms"),
            ("10,000 / 60, alone (target < 170x; linear is 167x)", f"{alone[10000] / alone[60]:.0f}x"),
            ("10,000 / 60, with the table model (target < 170x)", f"{built[10000] / built[60]:.0f}x"),
        ],
    )
