"""Fixtures for the SSDA903 tests: the public fake data beside the project, and the councils' validator.

The validator (csc-validator-be-903) pins pandas<2, so it lives in its own virtual environment at
.venv-validate903 in the repository root: made once (about 30 s), then reused. Never in the app's venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA_903 = ROOT.parent / "shared" / "data" / "903"  # public fake data: read from there, never committed
VALIDATOR_VENV = ROOT / ".venv-validate903"
VALIDATOR_PIN = "csc-validator-be-903==0.1.17"
RUNNER = Path(__file__).with_name("validator_runner.py")
THREE_TABLES = ("header.csv", "episodes.csv", "reviews.csv")


def fake_903(name: str) -> Path:
    """A folder (or file) of the public fake 903 data; the test is skipped, saying why, when it is absent."""
    path = DATA_903 / name
    if not path.exists():
        pytest.skip(f"The public SSDA903 fake data is not at {path}; these tests read it from there.")
    return path


def three_tables(source: Path, folder: Path) -> Path:
    """Header, episodes and reviews alone: the validator loads every CSV in a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in THREE_TABLES:
        shutil.copy(source / name, folder / name)
    return folder


def _venv_python() -> Path:
    return VALIDATOR_VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ensure_validator() -> Path:
    marker = VALIDATOR_VENV / ".installed"
    python = _venv_python()
    if python.exists() and marker.exists() and marker.read_text().strip() == VALIDATOR_PIN:
        return python
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--clear", str(VALIDATOR_VENV)], check=True, timeout=300
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", VALIDATOR_PIN],
            check=True,
            timeout=900,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"The councils' 903 validator ({VALIDATOR_PIN}) could not be installed: {exc}")
    marker.write_text(VALIDATOR_PIN + "\n")
    return python


@pytest.fixture(scope="session")
def validator():
    """validate(folder, year, ruleset) -> the validator's findings, as validator_runner.py prints them."""
    python = _ensure_validator()

    def validate(folder: Path, year: int | str, ruleset: str) -> dict:
        out = subprocess.run(
            [str(python), "-W", "ignore", str(RUNNER), str(folder), str(year), ruleset],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout)

    return validate


def reviews_findings(result: dict, rules: set[str] | None = None) -> list[dict]:
    return [
        f for f in result["findings"] if f["table"] == "Reviews" and (rules is None or f["rule"] in rules)
    ]
