"""903 import benchmark: the whole public fake set (2,675 children, 5,050 episodes, 12,582 reviews).

Targets: under 10 s, and under 300 MB peak memory for the process doing it. Each run is a fresh
subprocess so its peak memory is its own. Baselines measured in the same run: the same files parsed with
csv.DictReader, and the same import into an unencrypted SQLite store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmarks.helpers import report

ROOT = Path(__file__).resolve().parents[2]
FAKE_SET = ROOT.parent / "shared" / "data" / "903" / "d2i_fake"


def _run(kind: str, workdir: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.import903_child", kind, str(FAKE_SET), str(workdir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_import_of_the_public_fake_set(tmp_path):
    if not FAKE_SET.is_dir():
        pytest.skip(f"The public SSDA903 fake data is not at {FAKE_SET}; this benchmark reads it from there.")
    parse = _run("csv", tmp_path)
    plain = _run("plain", tmp_path)
    enc = _run("encrypted", tmp_path)
    report(
        "903 import of the public fake set (2,675 children, 5,050 episodes, 12,582 reviews)",
        [
            ("import into the encrypted store (target < 10 s)", f"{enc['seconds']:.2f} s"),
            ("the same files imported again (nothing changes)", f"{enc['again_seconds']:.2f} s"),
            ("peak memory of that process (target < 300 MB)", f"{enc['peak_mb']:.0f} MB"),
            ("  of which before the import (Python, SQLAlchemy)", f"{enc['peak_mb_before']:.0f} MB"),
            ("reviews taken", f"{enc['reviews']:,}"),
            (
                "baseline: same import, unencrypted SQLite",
                f"{plain['seconds']:.2f} s, {plain['peak_mb']:.0f} MB",
            ),
            ("ratio encrypted / unencrypted", f"{enc['seconds'] / plain['seconds']:.2f}x"),
            (
                "baseline: csv.DictReader parse of the 3 files",
                f"{parse['seconds'] * 1000:.0f} ms, {parse['rows']:,} rows",
            ),
            ("ratio import / plain parse", f"{enc['seconds'] / parse['seconds']:.0f}x"),
        ],
    )
