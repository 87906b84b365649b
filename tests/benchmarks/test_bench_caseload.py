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


def _launch(mode: str, db) -> dict[str, float]:
    """Seconds from the moment the process was started to each event it reports."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "tests.benchmarks.cold_start", mode, str(db)]
    started = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    events = dict(line.split() for line in out.stdout.splitlines() if line.strip())
    assert "painted" in events, out.stderr
    return {label: float(at) - started for label, at in events.items()}


def test_cold_start_against_a_bare_pyside6_window(stores):
    db = stores[60].path  # made with the cheap test KDF: the KDF is excluded from these figures
    runs = {"bare": [], "instant": [], "typed": []}
    for _ in range(5):  # interleaved, so every mode sees the same noise
        for mode in runs:
            runs[mode].append(_launch(mode, db))

    def med(mode, label, minus=None):
        return median_ms([r[label] - (r[minus] if minus else 0) for r in runs[mode]])

    bare = med("bare", "painted")
    report(
        "Cold start, 60 children, KDF excluded (median of 5 launches each)",
        [
            ("bare PySide6 window with a table painted (baseline)", f"{bare:.0f} ms"),
            ("launch to the unlock dialog painted", f"{med('instant', 'dialog'):.0f} ms"),
            ("  ratio to baseline", f"{med('instant', 'dialog') / bare:.2f}x"),
            ("launch to caseload, passphrase entered instantly", f"{med('instant', 'painted'):.0f} ms"),
            ("  ratio to baseline (target <= 2x)", f"{med('instant', 'painted') / bare:.2f}x"),
            ("background warm-up finished after launch", f"{med('typed', 'warm'):.0f} ms"),
            (
                "Unlock pressed (after warm-up) to caseload painted",
                f"{med('typed', 'painted', 'warm'):.0f} ms",
            ),
            (
                "launch to caseload less the typing time",
                f"{med('typed', 'dialog') + med('typed', 'painted', 'warm'):.0f} ms",
            ),
            (
                "  ratio to baseline (target <= 2x)",
                f"{(med('typed', 'dialog') + med('typed', 'painted', 'warm')) / bare:.2f}x",
            ),
        ],
    )
