"""The council's feed pulled through everything that goes wrong: requests and answers cut short, 500s, the
receiver killed and restarted mid-pull, the app itself killed (SIGKILL) while it applies, and the council
publishing while the laptop pulls. Over 1,000 changes for 60 children: in the end the app holds every change
the receiver lets its IRO see, each once and in order, never part of a batch, and the same children and
episodes as a laptop that pulled the same feed in one clean run. On SQLite (one receiver, restarted in
process) and on PostgreSQL (two `serve` processes taken in turn, one killed and started again)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from iro_desktop.services import council_feed
from iro_desktop.services.sync import sync_once
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF
from iro_desktop.sync.receiver import feed
from tests.conftest import PASSPHRASE
from tests.sync.faulty_proxy import FAULTS, FaultyProxy, body_of
from tests.sync.feed_helpers import (
    Council,
    caseload_fingerprint,
    child_rows,
    enrolled_to,
    ledger_seqs,
    store_dump,
    visible_seqs,
)
from tests.sync.helpers import served_identity
from tests.sync.live import LiveReceiver
from tests.sync.test_two_receivers import _two_free_ports

IRO = "Alex Example"
CHILDREN = [f"FC{8000 + n}" for n in range(60)]
REPUBLISHED = 15  # each child's 903 rows, published again with one more placement move each time
BATCH = 50  # changes in one answer: the receiver's FEED_BATCH, made small for more batch boundaries
CLI_KILLS = 3
# `iro-desktop-receiver serve` as installed, with FEED_BATCH set first (the receiver has no option for it)
SERVE = (
    "import sys; from iro_desktop.sync.receiver import cli, feed; feed.FEED_BATCH = {}; sys.exit(cli.main())"
)


class SqliteFeed:
    """One receiver in this process, restarted (stopped and started on its port) when the proxy says."""

    def __init__(self, tmp_path: Path, monkeypatch):
        monkeypatch.setattr(feed, "FEED_BATCH", BATCH)
        self.live = LiveReceiver(tmp_path).start()
        self.db_url, self.ports, self.direct = self.live.db_url, [self.live.port], self.live.url

    def restart(self) -> None:
        self.live.restart()

    def close(self) -> None:
        self.live.stop()


class PostgresFeed:
    """Two `serve` processes on one PostgreSQL database; a restart SIGKILLs one, in turn, and starts it
    again on the same port."""

    def __init__(self, tmp_path: Path, postgres_server):
        self.db_url = postgres_server.create_database(f"feed_faults_{uuid.uuid4().hex[:12]}")
        self.tmp_path, self.ports, self.killed = tmp_path, _two_free_ports(), 0
        self.processes = [self._serve(port) for port in self.ports]
        for port, process in zip(self.ports, self.processes, strict=True):
            served_identity(f"http://127.0.0.1:{port}", process)
        self.direct = f"http://127.0.0.1:{self.ports[0]}"

    def _serve(self, port: int) -> subprocess.Popen:
        """Its log to a file: a pipe nobody reads would fill and stop the receiver."""
        key, log = self.tmp_path / "receiver.key", (self.tmp_path / f"serve-{port}.log").open("ab")
        command = ["serve", "--db", self.db_url, "--port", str(port), "--key-file", str(key)]
        with log:
            return subprocess.Popen(
                [sys.executable, "-c", SERVE.format(BATCH), *command],
                cwd=self.tmp_path,
                stdout=log,
                stderr=log,
            )

    def restart(self) -> None:
        n = self.killed % 2
        self.processes[n].send_signal(signal.SIGKILL)
        self.processes[n].wait()
        self.processes[n] = self._serve(self.ports[n])
        served_identity(f"http://127.0.0.1:{self.ports[n]}", self.processes[n])
        self.killed += 1

    def close(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture(params=["sqlite", "postgresql"])
def receivers(request, tmp_path, monkeypatch):
    if request.param == "sqlite":
        served = SqliteFeed(tmp_path, monkeypatch)
    else:
        served = PostgresFeed(tmp_path, request.getfixturevalue("postgres_server"))
    yield served
    served.close()


class Watch:
    """What the app holds after each kill and each sync (its ledger and position), and where each batch the
    proxy passed whole to it ends; checked at the end against what the receiver shows the IRO, whose
    positions only grow, so what it showed earlier is the start of what it shows then."""

    def __init__(self):
        self.ends, self.held, self.last_end = {0}, [], 0

    def answered(self, request: bytes, response: bytes) -> None:
        if request.startswith(b"GET /v1/feed/") and b" 200 " in response.split(b"\r\n", 1)[0]:
            self.last_end = json.loads(body_of(response))["feed"]["next"]
            self.ends.add(self.last_end)

    def look(self, store) -> None:
        self.held.append((ledger_seqs(store), council_feed.position(store)))

    def assert_whole(self, visible: list[int]) -> None:
        """Each time, the ledger was the start of the IRO's changes, in order with none twice and none
        skipped, and ended, with the position, at the end of a batch: no batch part-applied."""
        for ledger, position in self.held:
            assert ledger == visible[: len(ledger)]
            assert position == (ledger[-1] if ledger else 0) and position in self.ends


class Publisher(threading.Thread):
    """The council raising notices, one after another, while the laptop pulls."""

    def __init__(self, db_url: str):
        super().__init__(daemon=True)
        self.council, self.stop, self.raised = Council(db_url), threading.Event(), 0

    def run(self) -> None:
        while not self.stop.wait(0.05):
            child = CHILDREN[self.raised % len(CHILDREN)]
            self.council.notice(child, kind="complaint", summary=f"Complaint {self.raised} about contact.")
            self.raised += 1

    def finish(self) -> None:
        if not self.stop.is_set():
            self.stop.set()
            if self.ident is not None:  # started
                self.join()
            self.council.close()


def _publish(council: Council) -> None:
    """60 allocated children, then their 903 rows republished with more moves, new details and a notice."""
    council.iro(IRO)
    for n, child in enumerate(CHILDREN):
        council.rows(child, child_rows(child, date(2012, 1, 1 + n % 28), date(2024, 1, 8), moves=3))
        council.details(child, {"child": {"first_name": "Ash", "last_name": f"Fictional{n}"}})
        council.allocate(child, IRO)
    for moves in range(4, 4 + REPUBLISHED):
        for n, child in enumerate(CHILDREN):
            rows = child_rows(child, date(2012, 1, 1 + n % 28), date(2024, 1, 8), moves=moves, every_days=30)
            council.rows(child, rows)
    for n, child in enumerate(CHILDREN):
        council.details(child, {"child": {"first_name": "Kit", "last_name": f"Example{n}"}})
        council.notice(child, summary="The carers have given 28 days' notice.")


def _written(store) -> dict[str, list[str]]:
    """What the feed wrote: every table but the audit trail and the device's own settings, without the
    moments rows were written or the ids the store chose (caseload_fingerprint links episodes to children)."""
    return store_dump(store, ("audit_log", "settings"), unstamped=("created_at", "received_at"), ids=False)


def _writing(store) -> bool:
    """Whether another process holds the store's write lock: it is inside a transaction that writes."""
    conn = store.engine.raw_connection()
    try:
        conn.driver_connection.execute("PRAGMA busy_timeout = 0")
        try:
            conn.driver_connection.execute("BEGIN IMMEDIATE")
        except sqlcipher.OperationalError:
            return True
        conn.driver_connection.execute("ROLLBACK")
        return False
    finally:
        conn.driver_connection.execute("PRAGMA busy_timeout = 5000")
        conn.close()


def _kill_the_cli_while_it_applies(store, store_path: Path, watch: Watch, rng: random.Random) -> int:
    """`iro-desktop sync` started and, once its first batch has landed, SIGKILLed a random moment into the
    transaction applying a later batch (sent to it and not yet committed, the store's write lock held).
    How many times it died holding a batch it had been sent and not committed."""
    env = {**os.environ, "IRO_DESKTOP_PASSPHRASE": PASSPHRASE}
    command = [sys.executable, "-m", "iro_desktop", "sync", "--db", str(store_path)]
    mid_apply = 0
    for _ in range(CLI_KILLS):
        before = len(ledger_seqs(store))
        cli = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while cli.poll() is None and len(ledger_seqs(store)) == before:
            time.sleep(0.01)
        while cli.poll() is None and not (watch.last_end > council_feed.position(store) and _writing(store)):
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        cli.send_signal(signal.SIGKILL)
        cli.wait()
        watch.look(store)
        mid_apply += watch.last_end > council_feed.position(store)
    return mid_apply


def _sync_until_done(store, watch: Watch, publisher: Publisher) -> None:
    """services.sync.sync_once again and again, as the app's timer would, until a pull runs to the end
    after the council has stopped publishing."""
    for passes in range(1, 300):
        if passes == 4:
            publisher.finish()
        report = sync_once(store)
        watch.look(store)
        if passes >= 4 and report.feed is not None and report.feed.problem is None:
            return
    raise AssertionError("The feed was never pulled to its end.")


def test_every_change_arrives_once_in_order_and_whole_through_faults(receivers, store, store_path, tmp_path):
    council, watch = Council(receivers.db_url), Watch()
    proxy = FaultyProxy(
        receivers.ports[0],
        0.0,
        receivers.restart,
        seed=21,
        faulted=(b"GET /v1/feed/",),
        more_upstreams=receivers.ports[1:],
        on_response=watch.answered,
    )
    clean = create_store(
        tmp_path / "clean.db", PASSPHRASE, kdf=TEST_KDF, iro_name=IRO, council_name="Example Borough"
    )
    publisher = Publisher(receivers.db_url)
    try:
        _publish(council)
        enrolled_to(store, council, proxy.url, IRO)
        publisher.start()
        mid_apply = _kill_the_cli_while_it_applies(store, store_path, watch, random.Random(21))
        proxy.fault_rate, proxy.plan = 0.25, list(FAULTS)  # each kind of fault at least once, then at random
        _sync_until_done(store, watch, publisher)
        enrolled_to(clean, council, receivers.direct, IRO)  # the same IRO's new laptop, no faults on the way
        assert sync_once(clean).feed.problem is None
        visible = visible_seqs(council, IRO)
        assert mid_apply >= 1 and set(proxy.injected) == set(FAULTS), (mid_apply, proxy.injected)
        assert set(proxy.upstream_turns) == set(receivers.ports)  # on PostgreSQL, pulls met both processes
        assert len(visible) > 1000 + publisher.raised and publisher.raised > 0
        watch.assert_whole(visible)
        assert ledger_seqs(store) == visible == ledger_seqs(clean)
        assert council_feed.position(store) == visible[-1]
        assert caseload_fingerprint(store) == caseload_fingerprint(clean)
        assert len(caseload_fingerprint(store)["children"]) == len(CHILDREN)
        assert _written(store) == _written(clean)  # row for row
    finally:
        publisher.finish()
        proxy.close()
        clean.close()
        council.close()
