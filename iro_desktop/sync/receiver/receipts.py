"""The receiver's own Ed25519 key and the receipts it signs: an IRO's proof that a record arrived.

The key is made on first start and kept in a PEM file readable by its owner only (0600). Devices pin its
public key when they enrol and verify every receipt against it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from sqlalchemy.engine import make_url

from iro_desktop.private_files import private_dir
from iro_desktop.records.signing import b64, fingerprint, raw_public_key, receipt_statement, sign


def default_key_file(db_url: str) -> Path:
    """Beside a SQLite database file (receiver.db -> receiver.key), else receiver.key in this folder."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).with_suffix(".key")
    return Path("receiver.key")


def load_key(path: Path) -> Ed25519PrivateKey:
    key = load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 key.")
    return key


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    path = Path(path)
    if path.exists():
        return load_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    private_dir(path.parent)
    # Written whole beside it, then linked into place, which fails if the name is taken: two receivers
    # started at once over one database both end up with the one key, never half a file or two keys.
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(draft, path)
    except FileExistsError:
        return load_key(path)  # the other receiver's key, complete: it was linked in whole
    finally:
        draft.unlink()
    return key


class ReceiptSigner:
    def __init__(self, key: Ed25519PrivateKey):
        self._key = key
        self.public_key = raw_public_key(key)
        self.fingerprint = fingerprint(self.public_key)

    def sign(self, message: bytes) -> str:
        """The receiver key's signature (b64): receipts, and the export's signed list."""
        return sign(self._key, message)

    def identity(self) -> dict:
        return {"public_key": b64(self.public_key), "fingerprint": self.fingerprint}

    def receipt(
        self, record_id: str, content_hash: str, received_at: datetime, device: str
    ) -> tuple[str, str]:
        """The receipt as JSON text and its signature (b64). The receipt holds exactly the fields of
        receipt_statement, so a device verifies with receipt_statement(**fields minus 'statement')."""
        statement = receipt_statement(record_id, content_hash, iso_utc(received_at), self.fingerprint, device)
        return statement.decode("utf-8"), self.sign(statement)


def iso_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def receipt_body(receipt_json: str, signature: str) -> dict:
    return {"receipt": json.loads(receipt_json), "signature": signature}
