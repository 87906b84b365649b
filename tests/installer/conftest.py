"""The built bundle for the installer tests: the folder IRO_DESKTOP_BUNDLE names (CI always sets it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.benchmarks.conftest import display  # noqa: F401 (its own Xvfb, for the bundle's window)


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The folder holding the `iro-desktop` binary. Unset: skip (a developer's quick run). Set but missing:
    fail, so CI cannot pass by testing nothing."""
    folder = os.environ.get("IRO_DESKTOP_BUNDLE")
    if not folder:
        pytest.skip("IRO_DESKTOP_BUNDLE is unset: build the bundle with `make test` or set it to its folder")
    path = Path(folder).resolve()
    if not (path / "iro-desktop").is_file():
        pytest.fail(f"IRO_DESKTOP_BUNDLE={folder} holds no iro-desktop binary")
    return path
