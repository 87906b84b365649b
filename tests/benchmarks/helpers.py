"""Shared timing helpers: medians and percentiles of repeated runs, printed as a small table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

MEASURED = Path(__file__).with_name("measured.py")  # each process's own peak memory
Runs = dict[str, list[tuple[float, float]]]  # per command: (seconds, peak MiB) of each run


def timed(fn: Callable[[], object], repeat: int = 5) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def percentile_ms(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))] * 1000


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n== {title}")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


def run_measured(command: list, env: dict | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Seconds from start to exit, and the peak resident memory in MiB, of one process."""
    out = subprocess.run(
        [sys.executable, "-S", MEASURED, *map(str, command)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    seconds, _cpu, peak, status = out.stdout.split()
    assert out.returncode == 0 and status == "0", out.stderr
    return float(seconds), int(peak) / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes or KiB


def interleaved(commands: dict[str, list], repeat: int = 5, env: dict | None = None, cwd=None) -> Runs:
    """Each command `repeat` times, taken in turn, so every command sees the same noise."""
    runs: Runs = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(run_measured(command, env, cwd))
    return runs


def process_ms(runs: list[tuple[float, float]]) -> float:
    return statistics.median(seconds for seconds, _ in runs) * 1000


def peaks(runs: Runs, measured: str, baseline: str) -> str:
    return f"{max(m for _, m in runs[measured]):.0f} MiB / {max(m for _, m in runs[baseline]):.0f} MiB"


def table_counts(db, secret: str, tables: tuple[str, ...]) -> dict[str, int]:
    """The rows in each of `tables` of the store at `db`: what a timed command wrote, to compare."""
    from sqlalchemy import text

    from iro_desktop.store import open_store

    store = open_store(db, secret)
    try:
        with store.engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
    finally:
        store.close()
