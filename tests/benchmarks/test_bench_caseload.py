"""Caseload benchmarks: read model + Qt table model at 60, 1,000 and 10,000 children; cold start.

Ratios are against baselines measured in the same run; absolute figures are for reference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

import pytest

from iro_desktop.services.caseload import load_caseload
from iro_desktop.services.demo import populate_demo
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from tests.benchmarks.cold_start import BENCH_SECRET
from tests.benchmarks.helpers import median_ms, report, timed

TODAY = date(2026, 11, 25)
SIZES = (60, 1000, 10000)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    made = {}
    for size in SIZES:
        db = tmp_path_factory.mktemp(f"n{size}") / "s.db"
        store = create_store(db, BENCH_SECRET, kdf=TEST_KDF, is_demo=True)
        populate_demo(store, TODAY, size=size)
        made[size] = store
    yield made
    for store in made.values():
        store.close()


def test_read_model_and_table_model_scale_linearly(qapp, stores):
    from iro_desktop.gui.caseload.model import CaseloadModel

    def build(store):
        model = CaseloadModel()
        model.set_rows(load_caseload(store, TODAY))
        return model

    figures = {size: median_ms(timed(lambda s=store: build(s), repeat=5)) for size, store in stores.items()}
    report(
        "Caseload read model + Qt table model (median of 5)",
        [
            *((f"{size:>6} children", f"{ms:8.1f} ms") for size, ms in figures.items()),
            ("60 children (target < 50 ms)", f"{figures[60]:.1f} ms"),
            ("10,000 / 60 (target <= 200x; linear would be 167x)", f"{figures[10000] / figures[60]:.0f}x"),
        ],
    )


def _launch_until_painted(kind: str, db) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.cold_start", kind, str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert "painted" in out.stdout, out.stderr
    return elapsed


def test_cold_start_against_a_bare_pyside6_window(stores):
    db = stores[60].path
    app, bare = [], []
    for _ in range(5):  # interleaved, so both see the same noise
        bare.append(_launch_until_painted("bare", db))
        app.append(_launch_until_painted("app", db))
    report(
        "Cold start to the caseload painted, 60 children, KDF excluded (median of 5)",
        [
            ("iro-desktop", f"{median_ms(app):.0f} ms"),
            ("bare PySide6 window with a table (baseline)", f"{median_ms(bare):.0f} ms"),
            ("ratio (target <= 2x)", f"{median_ms(app) / median_ms(bare):.2f}x"),
        ],
    )
