"""A council's scale: two receiver processes (`iro-desktop-receiver serve`, as installed) started at once on
two ports over one PostgreSQL database, sharing one receipt key. Laptops send to either, retry on the other,
and replay a request to the other: every record is kept once, every receipt verifies, and a nonce spent at
one process is spent at both, because nonces live in the database, not in a process."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from iro_desktop.records.bundle import to_json
from iro_desktop.sync.protocol import record_path
from iro_desktop.sync.receiver.storage import ReceivedRecord, ReceiverStore
from tests.sync.helpers import Device, make_bundle, receipt_verifies, served_identity

RECEIVER = Path(sys.executable).parent / "iro-desktop-receiver"
LAPTOPS, RECORDS_EACH = 6, 8


@pytest.fixture
def two_receivers(postgres_server, tmp_path):
    """(database URL, [client of process 1, client of process 2], the receivers' identity)."""
    db_url = postgres_server.create_database(f"two_receivers_{uuid.uuid4().hex[:12]}")
    key = tmp_path / "receiver.key"
    processes, clients = [], []
    try:
        ports = _two_free_ports()
        for port in ports:  # started at once, on a new database, as a service manager would
            command = [RECEIVER, "serve", "--db", db_url, "--port", str(port), "--key-file", key]
            processes.append(subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE, text=True))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        clients += [httpx.Client(base_url=url, timeout=30) for url in urls]
        identities = [served_identity(url, p) for url, p in zip(urls, processes, strict=True)]
        assert [p.poll() for p in processes] == [None, None], [p.communicate()[1][-300:] for p in processes]
        yield db_url, clients, identities
    finally:
        for client in clients:
            client.close()
        for process in processes:
            process.terminate()
            process.wait(timeout=15)


def _two_free_ports() -> list[int]:
    """Two different ports: both sockets are held until both are known."""
    with socket.socket() as one, socket.socket() as two:
        one.bind(("127.0.0.1", 0))
        two.bind(("127.0.0.1", 0))
        return [one.getsockname()[1], two.getsockname()[1]]


def _approved_laptops(db_url: str, clients: list[httpx.Client], count: int) -> list[Device]:
    laptops = [Device(f"Laptop {n}") for n in range(count)]
    for n, laptop in enumerate(laptops):
        assert laptop.enrol(clients[n % 2]).status_code == 202  # enrolled at either process, pending
        approve = [RECEIVER, "approve", laptop.fingerprint, "--by", "Sam Admin", "--db", db_url]
        approved = subprocess.run(approve, capture_output=True, text=True)
        assert approved.returncode == 0, approved.stderr
    return laptops


def _send_and_retry_on_the_other(laptop: Device, clients: list[httpx.Client], identity: dict) -> list[bool]:
    """Each record to one process, then again (a retry after a lost answer) to the other."""
    verified = []
    for n in range(RECORDS_EACH):
        bundle = make_bundle(laptop.key)
        first, retry = clients[n % 2], clients[(n + 1) % 2]
        answers = [laptop.put(first, bundle), laptop.put(retry, bundle)]
        verified += [a.status_code in (200, 201) and receipt_verifies(a.json(), identity) for a in answers]
    return verified


def test_two_processes_started_at_once_make_one_schema_and_one_key(two_receivers):
    """Before, one of the two died with IntegrityError (both creating the tables), and the key file could be
    read half-written by the other."""
    _, _, identities = two_receivers
    assert identities[0] == identities[1] and identities[0]["fingerprint"]


def test_two_processes_over_one_database_keep_each_record_once(two_receivers):
    db_url, clients, [identity, _] = two_receivers
    laptops = _approved_laptops(db_url, clients, LAPTOPS)
    with ThreadPoolExecutor(max_workers=LAPTOPS) as pool:
        results = list(pool.map(lambda one: _send_and_retry_on_the_other(one, clients, identity), laptops))
    assert all(all(verified) for verified in results)
    store = ReceiverStore(db_url)
    try:
        with store.session() as s:
            kept = s.scalar(select(func.count()).select_from(ReceivedRecord))
    finally:
        store.engine.dispose()
    assert kept == LAPTOPS * RECORDS_EACH


def test_a_request_replayed_to_the_other_process_is_refused(two_receivers):
    db_url, clients, _ = two_receivers
    [laptop] = _approved_laptops(db_url, clients, 1)
    bundle = make_bundle(laptop.key)
    body, path = to_json(bundle), record_path(bundle.record_id, bundle.content_hash)
    headers = laptop.headers("PUT", path, body)
    first = clients[0].put(path, content=body, headers=headers)
    replay = clients[1].put(path, content=body, headers=headers)
    assert first.status_code == 201
    assert replay.status_code == 401 and "seen before" in replay.json()["detail"]
