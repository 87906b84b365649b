"""Started as a subprocess by the 903 import benchmark, so each run's peak memory is its own:
`python -m tests.benchmarks.import903_child encrypted|plain|csv SOURCE WORKDIR`.

Prints one JSON object: seconds for the work (the import twice, or the plain CSV parse), and the
process's peak resident memory before and after it.
"""

from __future__ import annotations

import csv
import json
import resource
import sys
import time
from pathlib import Path

SECRET = "benchmark-import-passphrase"
TABLES = ("header.csv", "episodes.csv", "reviews.csv")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _parse_csv(source: Path) -> dict:
    """The baseline: the three files read row by row with the standard library, nothing kept."""
    start = time.perf_counter()
    rows = 0
    for name in TABLES:
        with (source / name).open(newline="", encoding="utf-8-sig") as f:
            rows += sum(1 for _ in csv.DictReader(f))
    return {"seconds": time.perf_counter() - start, "rows": rows}


def _store(kind: str, workdir: Path):
    from iro_desktop.store import Store, create_store
    from iro_desktop.store.keys import TEST_KDF

    if kind == "encrypted":  # the real store; the key derivation is measured elsewhere
        return create_store(workdir / "enc.db", SECRET, kdf=TEST_KDF)
    from iro_desktop.store.models import Profile
    from tests.benchmarks.test_bench_store import _plain_engine

    store = Store(workdir / "plain.db", _plain_engine(workdir / "plain.db"), "plain")
    with store.session() as s:
        s.add(Profile(id=1))
    return store


def _import_twice(kind: str, source: Path, workdir: Path) -> dict:
    from iro_desktop.services.import903 import import_903

    store = _store(kind, workdir)
    start = time.perf_counter()
    report = import_903(store, source)
    first = time.perf_counter() - start
    start = time.perf_counter()
    import_903(store, source)  # the same extract again: nothing to write
    again = time.perf_counter() - start
    store.close()
    return {"seconds": first, "again_seconds": again, "reviews": report.reviews.created}


def main(kind: str, source: str, workdir: str) -> None:
    if kind != "csv":
        import iro_desktop.services.import903  # noqa: F401  (imports are not what is measured)
    before = _peak_mb()
    work = _parse_csv(Path(source)) if kind == "csv" else _import_twice(kind, Path(source), Path(workdir))
    print(json.dumps({**work, "peak_mb_before": before, "peak_mb": _peak_mb()}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
