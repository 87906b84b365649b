"""The built bundle against the same app installed in the venv: what a council's IT installs, started as a
process as installer/README.md starts it, timed against `.venv/bin/iro-desktop` doing the same in the same
run, interleaved. Each process's peak memory too. The bundle is IRO_DESKTOP_BUNDLE (`make bench` after
`make bundle`; default dist/iro-desktop)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.benchmarks.conftest import DEMO_SECRET, MADE_ON
from tests.benchmarks.helpers import interleaved, peaks, process_ms, report

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("IRO_DESKTOP_BUNDLE", ROOT / "dist" / "iro-desktop"))
FROZEN = BUNDLE / "iro-desktop"
VENV = Path(sys.executable).with_name("iro-desktop")
RUNS = 5

pytestmark = pytest.mark.skipif(not FROZEN.exists(), reason=f"no bundle at {BUNDLE}: `make bundle` builds it")


def test_the_bundle_against_the_venv_install(demo_files, tmp_path):
    db = demo_files(60)
    tasks = {
        "--version": ["--version"],
        "caseload --json (60 children)": ["caseload", "--db", db, "--json", "--as-of", MADE_ON.isoformat()],
        "self-test (60 children, offscreen)": ["self-test", "--db", db],
    }
    commands = {f"{where} {task}": [program, *args] for task, args in tasks.items()
                for where, program in (("bundle", FROZEN), ("venv", VENV))}
    env = {"IRO_DESKTOP_PASSPHRASE": DEMO_SECRET, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "IRO_DESKTOP_LOG_DIR": str(tmp_path / "log")}
    runs = interleaved(commands, RUNS, env, tmp_path)
    rows = []
    for task in tasks:
        bundle, venv = process_ms(runs[f"bundle {task}"]), process_ms(runs[f"venv {task}"])
        rows += [
            (f"{task}: venv install (baseline)", f"{venv:6.0f} ms"),
            (f"{task}: bundle", f"{bundle:6.0f} ms"),
            (f"{task}: ratio (target <= 1.2x)", f"{bundle / venv:6.2f}x"),
            (f"{task}: peak memory, bundle / venv", peaks(runs, f"bundle {task}", f"venv {task}")),
        ]
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    rows.append(("bundle size on disk (target < 180 MB)", f"{size / 1e6:.0f} MB"))
    report(f"The bundle against the venv install (median of {RUNS} interleaved runs each)", rows)
