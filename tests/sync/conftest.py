"""Receiver fixtures: the real app served by uvicorn on a loopback port, over SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from iro_desktop.sync.receiver import create_app
from iro_desktop.sync.receiver.storage import ReceiverStore
from tests.sync.pg import ThrowawayPostgres, find_pg_bin

_database_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server():
    pg_bin = find_pg_bin()
    if pg_bin is None:
        pytest.skip(
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql"
        )
    server = ThrowawayPostgres(pg_bin).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'receiver.db'}"
    return request.getfixturevalue("postgres_server").create_database(f"receiver_{next(_database_names)}")


@dataclass
class LiveReceiver:
    base_url: str
    db_url: str
    store: ReceiverStore
    identity: dict

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)


class ServerThread:
    """uvicorn serving an app on an already-bound loopback socket, in a background thread."""

    def __init__(self, app, ssl: dict | None = None):
        # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only then, and without it every response
        # waits ~40 ms for a delayed ACK (Nagle).
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", **(ssl or {}))
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the receiver did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.sock.close()


@pytest.fixture
def receiver(db_url, tmp_path):
    app = create_app(db_url, tmp_path / "receiver.key")
    with ServerThread(app) as served:
        live = LiveReceiver(
            f"http://127.0.0.1:{served.port}", db_url, app.state.store, app.state.signer.identity()
        )
        yield live
    app.state.store.dispose()
