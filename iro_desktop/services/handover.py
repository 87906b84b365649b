"""Handing a child over to another IRO: all their records in one encrypted, signed file.

Sending: every row about the child (services/handover_rows.py) is signed with this device's Ed25519 key
(records/keys.py), then encrypted with AES-256-GCM under a key derived by Argon2id (store/keys.py) from a
one-time handover code. The sending IRO reads the code and the device fingerprint to the receiving IRO by
phone, never with the file. The file is read back and checked before removal is offered.
Receiving: the code, the signature and every row are checked before anything is written; the child is
then added in one transaction, or not at all.
"""

from __future__ import annotations

import json
import secrets
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from iro_desktop.private_files import write_private
from iro_desktop.problems import Problem
from iro_desktop.records.keys import device_key
from iro_desktop.records.signing import b64, canonical, fingerprint, raw_public_key, sign, unb64, verify
from iro_desktop.services.handover_rows import RowsRefused, dump, load, sign_again
from iro_desktop.services.handover_texts import dump_texts, load_texts
from iro_desktop.store import Store, audit
from iro_desktop.store.keys import KdfParams
from iro_desktop.store.models import Child, utcnow
from iro_desktop.store.passphrase_policy import new_recovery_key, normalise_recovery_key

FORMAT, VERSION = "iro-desktop-handover", 1
CODE_CHECK = b"iro-desktop-handover-code"
MAX_KDF = KdfParams(time_cost=10, memory_kib=1024 * 1024, parallelism=16)  # a file may not demand more
MAX_PAYLOAD = 512 * 1024 * 1024  # decompressed; guards against a file built to exhaust memory


class HandoverError(Problem):
    """The handover cannot go ahead; the message says why in plain words. Nothing was changed."""


class WrongCode(HandoverError):
    pass


@dataclass(frozen=True)
class Handover:
    """A handover file that has been opened and checked: what it holds and who signed it."""

    payload: dict
    fingerprint: str

    @property
    def child(self) -> dict:
        return self.payload["tables"]["children"][0]

    @property
    def child_ref(self) -> str:
        return self.payload["child_ref"]

    @property
    def child_name(self) -> str:
        return f"{self.child['first_name']} {self.child['last_name']}"

    @property
    def sender(self) -> str:
        sender = self.payload["from"]
        return ", ".join(filter(None, (sender.get("iro_name"), sender.get("council_name")))) or "An IRO"

    @property
    def counts(self) -> dict[str, int]:
        found = {name: len(rows) for name, rows in self.payload["tables"].items() if rows}
        texts = self.payload.get("texts")
        if isinstance(texts, dict) and texts:
            found["saved letters, drafts and withholding choices"] = len(texts)
        return found


@dataclass(frozen=True)
class Sent:
    path: Path
    code: str
    handover: Handover


# --- sealing ------------------------------------------------------------------------------------


def _header(kdf: KdfParams) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {"name": "argon2id", "salt": b64(secrets.token_bytes(16)), **asdict(kdf)},
        "nonce": b64(secrets.token_bytes(12)),
        "check_nonce": b64(secrets.token_bytes(12)),
    }


def _seal(envelope: dict, code: str, kdf: KdfParams) -> bytes:
    header = _header(kdf)
    aead = AESGCM(kdf.derive(code, unb64(header["kdf"]["salt"])))
    aad = canonical(header)
    body = zlib.compress(json.dumps(envelope).encode("utf-8"))
    sealed = {
        **header,
        "check": b64(aead.encrypt(unb64(header["check_nonce"]), CODE_CHECK, aad)),
        "ciphertext": b64(aead.encrypt(unb64(header["nonce"]), body, aad)),
    }
    return json.dumps(sealed, indent=1).encode("ascii")


def _kdf_of(header: dict) -> KdfParams:
    k = header["kdf"]
    kdf = KdfParams(k["time_cost"], k["memory_kib"], k["parallelism"])
    limits = zip((kdf.time_cost, kdf.memory_kib, kdf.parallelism), asdict(MAX_KDF).values(), strict=True)
    if k["name"] != "argon2id" or not all(type(v) is int and 1 <= v <= most for v, most in limits):
        raise HandoverError("This handover file asks for a key derivation this app does not accept.")
    return kdf


def _unseal(data: bytes, code: str, name: str) -> bytes:
    try:
        sealed = json.loads(data)
        header = {key: sealed[key] for key in ("format", "version", "kdf", "nonce", "check_nonce")}
        if header["format"] != FORMAT:
            raise ValueError
        if header["version"] != VERSION:
            raise HandoverError(f"{name} was written by a newer version of iro-desktop: update this app.")
        kdf, salt = _kdf_of(header), unb64(header["kdf"]["salt"])
        if len(salt) != 16:
            raise ValueError("salt")
        check, nonce, ciphertext = (unb64(sealed[k]) for k in ("check", "nonce", "ciphertext"))
        check_nonce = unb64(header["check_nonce"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HandoverError(f"{name} is not an iro-desktop handover file, or it is damaged.") from exc
    aead, aad = AESGCM(kdf.derive(code, salt)), canonical(header)
    try:
        aead.decrypt(check_nonce, check, aad)
    except InvalidTag as exc:
        raise WrongCode(
            "That handover code does not open this file. Check it with the IRO who sent it: "
            "eight groups of five letters and digits. Nothing was imported."
        ) from exc
    try:
        return _inflate(aead.decrypt(nonce, ciphertext, aad))
    except (InvalidTag, zlib.error) as exc:
        raise HandoverError(
            f"{name} has been changed or damaged since it was written. Nothing was imported: ask the "
            "sending IRO to write it again."
        ) from exc


def _inflate(body: bytes) -> bytes:
    inflater = zlib.decompressobj()
    data = inflater.decompress(body, MAX_PAYLOAD)
    if inflater.unconsumed_tail:
        raise zlib.error("too large")
    return data


# --- signing --------------------------------------------------------------------------------------


def _signed(store: Store, payload: dict) -> dict:
    key = device_key(store)
    public = raw_public_key(key)
    return {
        "payload": payload,
        "signature": sign(key, canonical(payload)),
        "public_key": b64(public),
        "fingerprint": fingerprint(public),
    }


def _checked(body: bytes, name: str) -> Handover:
    refused = HandoverError(f"The signature on {name} does not match its contents. Nothing was imported.")
    try:
        envelope = json.loads(body)
        public = unb64(envelope["public_key"])
        payload = envelope["payload"]
        intact = verify(public, canonical(payload), envelope["signature"])
    except (ValueError, KeyError, TypeError) as exc:
        raise refused from exc
    if not intact or envelope.get("fingerprint") != fingerprint(public):
        raise refused
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise refused
    return Handover(payload, fingerprint(public))


def read_handover(path: Path, code: str) -> Handover:
    """Open and check a handover file: the code, then the signature. Writes nothing."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HandoverError(f"Cannot read {path}: {exc.strerror}.") from exc
    return _checked(_unseal(data, normalise_recovery_key(code), path.name), path.name)


# --- sending and receiving ------------------------------------------------------------------------


def _payload(store: Store, child_id: int) -> dict:
    profile = store.profile()
    with store.reading() as s:
        tables, texts = dump(s, child_id), dump_texts(s, child_id)
    return {
        "format": FORMAT,
        "made": utcnow().isoformat(timespec="seconds") + "Z",
        "from": {"iro_name": profile.iro_name, "council_name": profile.council_name},
        "child_ref": tables["children"][0]["child_ref"],
        "tables": tables,
        "texts": texts,  # the reviews' letters, withholding choices and drafts (handover_texts.py)
    }


def send(store: Store, child_id: int, path: Path, kdf: KdfParams | None = None) -> Sent:
    """Write the child's handover file, read it back and check it holds exactly what was sent."""
    path = Path(path)
    if path.is_dir():
        raise HandoverError(f"{path} is a folder: choose a file name for the handover file.")
    payload = _payload(store, child_id)
    code = new_recovery_key()
    try:
        write_private(path, _seal(_signed(store, payload), code, kdf or KdfParams()))
    except OSError as exc:
        raise HandoverError(f"Cannot write {path}: {exc.strerror}.") from exc
    handover = read_handover(path, code)
    if canonical(handover.payload) != canonical(payload):
        raise HandoverError(f"{path.name} did not read back as written: do not use it.")
    with store.session() as s:  # a deallocated child may leave this laptop once handed over
        s.get(Child, child_id).handed_over_at = store.clock.now()
    audit.record(
        store, "handover_sent", subject=handover.child_ref, detail=f"signed by {handover.fingerprint}"
    )
    return Sent(path, code, handover)


def receive(store: Store, handover: Handover) -> int:
    """Add the checked handover's child to the store in one transaction; returns the new child's id."""
    ref = handover.child_ref
    try:
        with store.session() as s:
            if s.scalars(select(Child.id).where(Child.child_ref == ref)).first() is not None:
                raise HandoverError(f"Child {ref} is already in this store. Nothing was imported.")
            child, new_ids, signed = load(s, handover.payload["tables"])
            if child.child_ref != ref:
                raise RowsRefused("the child's id differs from the file's")
            load_texts(s, handover.payload.get("texts", {}), new_ids)
            sign_again(s, signed)
            child_id = child.id
    except (RowsRefused, ValueError, TypeError, KeyError, AttributeError, IntegrityError) as exc:
        why = f" ({exc})" if isinstance(exc, RowsRefused) else ""  # a library's own text is never shown
        raise HandoverError(
            f"The handover file's contents cannot be used{why}. Nothing was imported."
        ) from exc
    audit.record(store, "handover_received", subject=ref, detail=f"signed by {handover.fingerprint}")
    return child_id


def child_id_of(store: Store, child_ref: str) -> int:
    with store.reading() as s:
        child_id = s.scalars(select(Child.id).where(Child.child_ref == child_ref)).first()
    if child_id is None:
        raise LookupError(f"No child with the id {child_ref} is in this store.")
    return child_id
