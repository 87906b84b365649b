"""The council's feed (issue 21), timed as it is used: the installed commands started as processes.

1. A first pull by `iro-desktop sync` into a fresh enrolled store of 60 children with three years of changes
   (tests/benchmarks/feed_history.py: over 1,000 placement moves, reviews, details and notices), against
   `iro-desktop import-903` of the same children's final 903 rows into a fresh store. Runs interleaved.
2. An incremental pull of one day's 10 changes against the same `iro-desktop sync` with nothing new.
3. The receiver's throughput: 200 devices (tests/sync/helpers.Device, approved to 8 IROs) pulling at once
   over loopback from two `iro-desktop-receiver serve` processes on one PostgreSQL database, each signed
   GET /v1/feed/0 until no more; against a raw psycopg loop of feed.changes_for's windowed query for the
   same rows, paged the same way (rows fetched only), 200 times.
The receiver for 1 and 2 is `serve` on SQLite, published to by the receiver's own code (feed_helpers.Council).
Ratios only: no threshold is asserted; what is asserted is that each side did the same work.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from iro_desktop.services import council_feed
from iro_desktop.store import create_store, open_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.sync.receiver.feed import FEED_BATCH
from iro_desktop.sync.receiver.storage import FeedChange
from tests.benchmarks.feed_history import History, child_id
from tests.benchmarks.helpers import peaks, process_ms, report, run_measured, table_counts
from tests.sync.feed_helpers import Council, enrolled_to
from tests.sync.helpers import Device, served_identity
from tests.sync.pg import ThrowawayPostgres, find_pg_bin, free_port

ROOT = Path(__file__).resolve().parents[2]
IRO = Path(sys.executable).with_name("iro-desktop")
RECEIVER = Path(sys.executable).with_name("iro-desktop-receiver")
SECRET = "benchmark-feed-passphrase"
ENV = {"IRO_DESKTOP_PASSPHRASE": SECRET}
CHILDREN, RUNS = 60, 3
END = date.today() - timedelta(days=30)  # the history ends before today: nothing in it is in the future
THE_IRO = "Alex Example"
IROS = [f"IRO Example {n}" for n in range(1, 9)]
DEVICES, ROUNDS = 200, 3
WRITTEN = ("children", "episodes", "reviews")


def _serve(db_url: str, folder: Path) -> tuple[subprocess.Popen, str]:
    """`iro-desktop-receiver serve` as deployed, answering; and its address."""
    port = free_port()
    command = [RECEIVER, "serve", "--db", db_url, "--port", str(port), "--key-file", folder / "r.key"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    served_identity(url, server)
    return server, url


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=15)


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """(receiver URL, the council, the history, changes the IRO sees): three years published on SQLite."""
    folder = tmp_path_factory.mktemp("feed")
    db_url = f"sqlite:///{folder / 'receiver.db'}"
    server, url = _serve(db_url, folder)
    council = Council(db_url)
    try:
        council.iro(THE_IRO)
        history = History(CHILDREN, END)
        yield url, council, history, history.publish(council, lambda n: THE_IRO)
    finally:
        council.close()
        _stop(server)


def _store(path: Path, council: Council | None = None, url: str = "") -> Path:
    """A fresh store (the cheap test KDF: unlocking is not what is timed), enrolled and approved if asked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    store = create_store(path, SECRET, kdf=TEST_KDF)
    try:
        if council is not None:
            enrolled_to(store, council, url, THE_IRO)
    finally:
        store.close()
    return path


def _position(db: Path) -> int:
    store = open_store(db, SECRET)
    try:
        return council_feed.position(store)
    finally:
        store.close()


def _last_seq(council: Council) -> int:
    with council.store.reading() as s:
        return s.scalar(select(func.max(FeedChange.seq)))


def test_first_pull_of_three_years_against_importing_the_final_903_rows(feed, tmp_path):
    url, council, history, published = feed
    folder = history.write_903(tmp_path / "903")
    runs: dict[str, list] = {"sync": [], "import": []}
    for n in range(RUNS):  # interleaved: both see the same noise
        pulled = _store(tmp_path / f"sync{n}" / "s.db", council, url)
        runs["sync"].append(run_measured([IRO, "sync", "--db", pulled], ENV, ROOT))
        imported = _store(tmp_path / f"import{n}" / "s.db")
        runs["import"].append(run_measured([IRO, "import-903", "--db", imported, folder], ENV, ROOT))
    written = table_counts(imported, SECRET, WRITTEN)
    assert table_counts(pulled, SECRET, WRITTEN) == written  # the same rows
    assert _position(pulled) == _last_seq(council)  # all of it
    sync_ms, import_ms = process_ms(runs["sync"]), process_ms(runs["import"])
    report(
        f"First pull of {CHILDREN} children, 3 years, {published:,} changes, against importing their final "
        f"903 rows ({', '.join(f'{v:,} {k}' for k, v in written.items())}; median of {RUNS} interleaved)",
        [
            ("iro-desktop import-903 of the final rows, fresh store (baseline)", f"{import_ms:,.0f} ms"),
            ("iro-desktop sync, first pull into a fresh enrolled store", f"{sync_ms:,.0f} ms"),
            ("ratio sync / import", f"{sync_ms / import_ms:.2f}x"),
            ("changes applied per second", f"{published / sync_ms * 1000:,.0f}"),
            ("peak memory, sync / import", peaks(runs, "sync", "import")),
        ],
    )


def _one_day(council: Council, history: History, day: int) -> int:
    """A day's 10 changes: a review and new details for 3 children, a notice for 4."""
    on = END + timedelta(days=day)
    late = tuple(END + timedelta(days=d) for d in range(1, day + 1))
    changes = 0
    for n in range(3):
        changes += council.rows(child_id(n), history.rows(n, END, late)) is not None
        changes += council.details(child_id(n), history.details(n, 2 + day)) is not None
    for n in range(4):
        summary = f"The carers of {child_id(n)} ask for a meeting on {on:%d %b %Y}."
        council.notice(
            child_id(n), "care_plan_change", (on + timedelta(days=20)).isoformat(), summary=summary
        )
        changes += 1
    return changes


def test_a_days_changes_against_a_sync_with_nothing_new(feed, tmp_path):
    url, council, history, _ = feed
    db = _store(tmp_path / "s.db", council, url)
    run_measured([IRO, "sync", "--db", db], ENV, ROOT)  # the first pull, not timed here
    runs: dict[str, list] = {"day": [], "nothing": []}
    changes = []
    for day in range(1, RUNS + 2):
        changes.append(_one_day(council, history, day))
        runs["day"].append(run_measured([IRO, "sync", "--db", db], ENV, ROOT))
        assert _position(db) == _last_seq(council)
        runs["nothing"].append(run_measured([IRO, "sync", "--db", db], ENV, ROOT))
    assert set(changes) == {10}
    day_ms, nothing_ms = process_ms(runs["day"]), process_ms(runs["nothing"])
    report(
        f"Incremental pull: one day's 10 changes for 4 children, store of {CHILDREN} children "
        f"(median of {RUNS + 1} interleaved)",
        [
            ("iro-desktop sync with nothing new (baseline)", f"{nothing_ms:,.0f} ms"),
            ("iro-desktop sync of one day's changes", f"{day_ms:,.0f} ms"),
            ("ratio day / nothing new", f"{day_ms / nothing_ms:.2f}x"),
            ("peak memory, day / nothing new", peaks(runs, "day", "nothing")),
        ],
    )


# ---------------------------------------------------------------- the receiver under 200 devices

WINDOWED = """
SELECT f.seq, f.child_id, f.kind, f.body FROM feed f
JOIN allocations a ON a.child_id = f.child_id AND a.iro_id = %(iro)s
WHERE f.seq > %(after)s AND f.seq >= a.since_seq AND (a.until_seq IS NULL OR f.seq <= a.until_seq)
ORDER BY f.seq LIMIT %(limit)s
"""  # feed.changes_for's query, as SQLAlchemy writes it for PostgreSQL


def _pull(device: Device, url: str, start: threading.Barrier) -> tuple[int, int]:
    """A device's whole pull from position 0: (requests, changes)."""
    with httpx.Client(base_url=url, timeout=120) as client:
        start.wait()
        after, requests, changes, more = 0, 0, 0, True
        while more:
            answer = device.signed(client, "GET", f"/v1/feed/{after}")
            assert answer.status_code == 200, answer.text
            page = answer.json()["feed"]
            requests, changes = requests + 1, changes + len(page["changes"])
            after, more = page["next"], page["more"]
        return requests, changes


def _pull_at_once(devices: list[tuple[Device, str]]) -> tuple[float, int, int]:
    """Every device pulling at once, each on its own thread: (seconds, requests, changes)."""
    start = threading.Barrier(len(devices) + 1)
    with ThreadPoolExecutor(max_workers=len(devices)) as pool:
        pulls = [pool.submit(_pull, device, url, start) for device, url in devices]
        start.wait()
        began = time.perf_counter()
        done = [pull.result() for pull in pulls]
        seconds = time.perf_counter() - began
    return seconds, sum(r for r, _ in done), sum(c for _, c in done)


def _raw_loop(conninfo: str, iro_ids: list[int]) -> tuple[float, int]:
    """The windowed query paged as changes_for pages it, once for each device's IRO: (seconds, rows)."""
    import psycopg

    rows = 0
    with psycopg.connect(conninfo) as conn:
        began = time.perf_counter()
        for iro in iro_ids:
            after, more = 0, True
            while more:
                page = conn.execute(
                    WINDOWED, {"iro": iro, "after": after, "limit": FEED_BATCH + 1}
                ).fetchall()
                more = len(page) > FEED_BATCH
                page = page[:FEED_BATCH]
                rows += len(page)
                after = page[-1][0] if page else after
        return time.perf_counter() - began, rows


def _two_receivers(db_url: str, folder: Path) -> tuple[list[subprocess.Popen], list[str]]:
    first, url_one = _serve(db_url, folder)  # makes the tables and the key the second shares
    second, url_two = _serve(db_url, folder)
    return [first, second], [url_one, url_two]


def test_two_receivers_serving_200_devices_at_once_against_a_raw_select_loop(tmp_path):
    pg_bin = find_pg_bin()
    if pg_bin is None:
        pytest.skip("PostgreSQL's server binaries are not installed: apt-get install postgresql")
    postgres = ThrowawayPostgres(pg_bin).start()
    name = f"feed_{uuid.uuid4().hex[:8]}"
    db_url = postgres.create_database(name)
    servers, urls = _two_receivers(db_url, tmp_path)
    council = Council(db_url)
    try:
        for iro in IROS:
            council.iro(iro)
        published = History(CHILDREN, END).publish(council, lambda n: IROS[n % len(IROS)])
        devices = []
        with httpx.Client(base_url=urls[0]) as one, httpx.Client(base_url=urls[1]) as two:
            for n in range(DEVICES):
                device = Device(f"Laptop {n}")
                assert device.enrol((one, two)[n % 2]).status_code == 202
                council.approve(device.fingerprint, IROS[n % len(IROS)])
                devices.append((device, urls[n % 2]))
        with council.store.reading() as s:
            ids = dict(s.execute(text("SELECT name, id FROM iros")).all())
        conninfo = f"host=127.0.0.1 port={postgres.port} user=app dbname={name}"
        served, raw = [], []
        for _ in range(ROUNDS):  # interleaved, so both see the same noise
            served.append(_pull_at_once(devices))
            raw.append(_raw_loop(conninfo, [ids[IROS[n % len(IROS)]] for n in range(DEVICES)]))
    finally:
        council.close()
        for server in servers:
            _stop(server)
        postgres.stop()
    assert {changes for _, _, changes in served} == {rows for _, rows in raw}  # the same rows, every round
    served_s = statistics.median(seconds for seconds, _, _ in served)
    raw_s = statistics.median(seconds for seconds, _ in raw)
    _, requests, changes = served[0]
    report(
        f"{DEVICES} devices of {len(IROS)} IROs pulling at once from 2 serve processes on one PostgreSQL "
        f"({CHILDREN} children, {published:,} changes; median of {ROUNDS} interleaved rounds)",
        [
            (
                "raw psycopg loop of the windowed query, same pages (baseline)",
                f"{DEVICES / raw_s:,.0f} pulls/s",
            ),
            ("the receivers: signed GET /v1/feed/0 until no more", f"{DEVICES / served_s:,.0f} pulls/s"),
            ("ratio receivers / raw loop", f"{raw_s / served_s:.3f}x"),
            ("all 200 pulls, receivers / raw loop", f"{served_s:.2f} s / {raw_s:.2f} s"),
            ("requests, changes sent per round", f"{requests:,}, {changes:,}"),
        ],
    )
