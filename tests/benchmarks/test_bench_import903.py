"""903 import benchmark: what an IRO runs, `iro-desktop import-903 FOLDER`, started as a process.

Baselines in the same run, interleaved with the import so that all see the same noise:
- the write floor (import903_child.py floor): a process that unlocks the same kind of store, reads the same
  three CSV files with csv and inserts as many plain rows into the same tables as the import wrote;
- the fixed cost of any command: `iro-desktop --help` (Python and the command line) and `iro-desktop
  settings` (that, and unlocking the store).
Every store is fresh, made with the cheap test KDF, so the key derivation is not what is measured. Peak
memory is each import process's own, at 1, 2 and 4 times the public fake set (copies of its rows with the
child ids made unique). Targets: the import within 5x the floor; its peak memory at 4x within 1.3x of 1x.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import pytest

from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from tests.benchmarks.helpers import report, table_counts

ROOT = Path(__file__).resolve().parents[2]
FAKE_SET = ROOT.parent / "shared" / "data" / "903" / "d2i_fake"
TABLES = ("header.csv", "episodes.csv", "reviews.csv")
WRITTEN = ("children", "periods_of_care", "episodes", "reviews")
SECRET = "benchmark-import-passphrase"
IRO = Path(sys.executable).with_name("iro-desktop")
CHILD = Path(__file__).with_name("import903_child.py")
MEASURED = Path(__file__).with_name("measured.py")
RUNS = 3
TIMES = (1, 2, 4)


class Run(NamedTuple):
    seconds: float
    cpu: float  # user and system seconds of the process
    peak_mb: float


def _copies(times: int, folder: Path) -> Path:
    """The three tables with their rows `times` over, each copy's child ids made unique."""
    folder.mkdir()
    for name in TABLES:
        with (FAKE_SET / name).open(newline="", encoding="utf-8-sig") as f:
            columns, *rows = list(csv.reader(f))
        assert columns[0] == "CHILD"
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(columns)
            for copy in range(times):
                out.writerows([f"{row[0]}-{copy}" if copy else row[0], *row[1:]] for row in rows)
    return folder


def _fresh_store(folder: Path) -> Path:
    folder.mkdir()
    create_store(folder / "s.db", SECRET, kdf=TEST_KDF).close()
    return folder / "s.db"


def _measure(command: list) -> Run:
    out = subprocess.run(
        [sys.executable, "-S", MEASURED, *map(str, command)],
        capture_output=True,
        text=True,
        env={**os.environ, "IRO_DESKTOP_PASSPHRASE": SECRET},
        cwd=ROOT,
        timeout=900,
    )
    seconds, cpu, peak_kib, status = out.stdout.split()
    assert out.returncode == 0 and status == "0", out.stderr
    return Run(float(seconds), float(cpu), int(peak_kib) / 1024)  # Linux reports KiB


def _median(runs: list[Run], what: str) -> float:
    return statistics.median(getattr(run, what) for run in runs)


def test_import_903_as_the_iro_runs_it(tmp_path):
    if not FAKE_SET.is_dir():
        pytest.skip(f"The public SSDA903 fake data is not at {FAKE_SET}; this benchmark reads it from there.")
    if not IRO.exists():
        pytest.skip(f"No installed command at {IRO}: run `make setup` first.")
    sets = {times: _copies(times, tmp_path / f"x{times}") for times in TIMES}
    runs: dict[str, list[Run]] = defaultdict(list)
    written: dict[str, int] = {}
    for n in range(RUNS):
        runs["help"].append(_measure([IRO, "--help"]))
        db = _fresh_store(tmp_path / f"import{n}")
        runs["settings"].append(_measure([IRO, "settings", "--db", db]))
        runs["import"].append(_measure([IRO, "import-903", "--db", db, sets[1]]))
        runs["again"].append(_measure([IRO, "import-903", "--db", db, sets[1]]))
        written = written or table_counts(db, SECRET, WRITTEN)
        floor_db = _fresh_store(tmp_path / f"floor{n}")
        runs["floor"].append(_measure([sys.executable, CHILD, "floor", floor_db, sets[1], *written.values()]))
        assert table_counts(floor_db, SECRET, WRITTEN) == written  # as many rows as the import
    peaks = {1: _median(runs["import"], "peak_mb")}
    for times in TIMES[1:]:
        peaks[times] = _measure(
            [IRO, "import-903", "--db", _fresh_store(tmp_path / f"s{times}"), sets[times]]
        ).peak_mb

    def timed(name: str) -> str:
        return f"{_median(runs[name], 'seconds'):.2f} s wall, {_median(runs[name], 'cpu'):.2f} s CPU"

    def ratio(what: str) -> str:
        return f"{_median(runs['import'], what) / _median(runs['floor'], what):.1f}x"

    report(
        "903 import of the public fake set as a process: "
        + ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in written.items())
        + f" written (median of {RUNS})",
        [
            ("write floor: the 3 CSVs parsed, the same rows executemany'd", timed("floor")),
            ("iro-desktop import-903 (target <= 5x the floor)", timed("import")),
            ("ratio import / floor", f"{ratio('seconds')} wall, {ratio('cpu')} CPU"),
            ("the same files imported again (nothing changes)", timed("again")),
            ("fixed cost: iro-desktop --help", timed("help")),
            ("fixed cost: iro-desktop settings (unlocks the store)", timed("settings")),
            (
                "peak memory of the import at 1x / 2x / 4x",
                " / ".join(f"{peaks[t]:.0f}" for t in TIMES) + " MB",
            ),
            ("ratio 4x / 1x (target <= 1.3x)", f"{peaks[4] / peaks[1]:.2f}x"),
            (
                "peak memory of the floor / of settings at 1x",
                f"{_median(runs['floor'], 'peak_mb'):.0f} MB / {_median(runs['settings'], 'peak_mb'):.0f} MB",
            ),
        ],
    )
