"""The real receiver served by uvicorn on 127.0.0.1 in a thread, restartable on the same port and database,
and a device store with signed records queued: what the client, fault and benchmark tests share."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import uvicorn
from sqlalchemy import func, select

from iro_desktop.records.keys import device_fingerprint, device_key
from iro_desktop.records.sealed import save_signed, sign_bundle
from iro_desktop.records.signing import canonical
from iro_desktop.sync.client import enrol
from iro_desktop.sync.receiver.app import create_app
from iro_desktop.sync.receiver.storage import APPROVED, ReceivedRecord, ReceiverStore
from tests.sync.pg import free_port


class LiveReceiver:
    def __init__(self, folder: Path, port: int | None = None):
        self.db_url = f"sqlite:///{folder / 'receiver.db'}"
        self.key_file = folder / "receiver.key"
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def _app(self):
        return create_app(self.db_url, self.key_file)

    def _tls(self) -> dict:
        """uvicorn's TLS settings: none here (TLSReceiver serves a certificate)."""
        return {}

    def start(self) -> LiveReceiver:
        config = uvicorn.Config(
            self._app(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", **self._tls()
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("The receiver did not start.")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def approve(self, fingerprint: str) -> None:
        held = ReceiverStore(self.db_url)
        try:
            held.set_status(fingerprint, APPROVED)
        finally:
            held.dispose()

    def held(self) -> list[ReceivedRecord]:
        held = ReceiverStore(self.db_url)
        try:
            with held.session() as s:
                return list(s.scalars(select(ReceivedRecord).order_by(ReceivedRecord.id)))
        finally:
            held.dispose()

    def count(self) -> int:
        held = ReceiverStore(self.db_url)
        try:
            with held.session() as s:
                return s.scalar(select(func.count(ReceivedRecord.id)))
        finally:
            held.dispose()


def enrolled(store, receiver: LiveReceiver, url: str | None = None) -> str:
    """Enrol the store's device and approve it, as the council's administrator would."""
    enrol(store, url or receiver.url)
    receiver.approve(device_fingerprint(store))
    return device_fingerprint(store)


def queue_signed_records(store, n: int) -> list[str]:
    """n small records signed by the device key and queued, without finalising n reviews one by one."""
    key = device_key(store)
    ids = []
    with store.session() as s:
        for i in range(n):
            record_id = str(uuid.uuid4())
            doc = {"kind": "review", "record_id": record_id, "n": i, "summary": "A fictional test record."}
            save_signed(
                s, sign_bundle(key, record_id, 1, "review", canonical(doc), None, None), None, None, None
            )
            ids.append(record_id)
    return ids
