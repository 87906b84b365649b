"""Who is who at the council: IRO accounts (a device is bound to one when approved) and the administrator
tokens the council's own systems use for the /v1/admin/ API.

A token is 32 random bytes, shown once when made; the receiver keeps only its SHA-256, and compares a
presented token's hash with every kept one in constant time. Every act here is written to the admin log in
the same transaction as the act itself. Refusals are `Refused` with a plain sentence, for the CLI and the
API alike.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from iro_desktop.sync.protocol import MAX_DEVICE_NAME, is_iro_name
from iro_desktop.sync.receiver import admin_log
from iro_desktop.sync.receiver.auth import Refused
from iro_desktop.sync.receiver.storage import (
    APPROVED,
    REVOKED,
    AdminToken,
    Device,
    Iro,
    ReceiverStore,
    decide,
    utcnow,
)

TOKEN_PREFIX = "iro-admin-"  # says what a leaked token is, to a person or a secret scanner
TOKEN_PATTERN = r"^iro-admin-[A-Za-z0-9_-]{43}$"  # the prefix and 32 bytes in unpadded base64url
BAD_NAME = (
    f"A name must be printable text of 1 to {MAX_DEVICE_NAME} characters, on one line, not beginning or "
    "ending with a space, without control or invisible characters."
)


def checked_name(name: object) -> str:
    if not is_iro_name(name):
        raise Refused(422, BAD_NAME)
    return name


# ---------------------------------------------------------------- IROs


def add_iro(store: ReceiverStore, name: object, actor: str) -> Iro:
    name = checked_name(name)
    try:
        with store.session() as s:
            if s.scalar(select(Iro.id).where(Iro.name == name)) is not None:
                raise Refused(409, f"There is already an IRO named {name}.")
            iro = Iro(name=name, active=True, created_at=utcnow(), created_by=actor[:100])
            s.add(iro)
            admin_log.record(s, actor, admin_log.IRO_ADDED, name)
    except IntegrityError:  # added at the same moment by another request
        raise Refused(409, f"There is already an IRO named {name}.") from None
    return iro


def rename_iro(store: ReceiverStore, name: str, new_name: object, actor: str) -> Iro:
    new_name = checked_name(new_name)
    try:
        with store.session() as s:
            iro = iro_named(s, name)
            if s.scalar(select(Iro.id).where(Iro.name == new_name)) is not None:
                raise Refused(409, f"There is already an IRO named {new_name}.")
            iro.name = new_name
            admin_log.record(s, actor, admin_log.IRO_RENAMED, new_name, f"was {name}")
    except IntegrityError:
        raise Refused(409, f"There is already an IRO named {new_name}.") from None
    return iro


def set_active(store: ReceiverStore, name: str, active: bool, actor: str) -> Iro:
    """An IRO who leaves is made inactive (kept, for the history): no child can be allocated to them."""
    with store.session() as s:
        iro = iro_named(s, name)
        if iro.active != active:
            iro.active = active
            admin_log.record(s, actor, admin_log.IRO_ACTIVATED if active else admin_log.IRO_DEACTIVATED, name)
    return iro


def iros(store: ReceiverStore) -> list[tuple[Iro, int]]:
    """Every IRO by name, with how many approved devices are bound to it."""
    with store.reading() as s:
        found = list(s.scalars(select(Iro).order_by(Iro.name)))
        bound = s.execute(select(Device.iro_id).where(Device.status == APPROVED)).scalars().all()
    return [(iro, sum(1 for i in bound if i == iro.id)) for iro in found]


def iro_named(s: Session, name: str, status: int = 404) -> Iro:
    iro = s.scalar(select(Iro).where(Iro.name == name)) if isinstance(name, str) else None
    if iro is None:
        raise Refused(status, f"There is no IRO named {name}: add them first (iro add).")
    return iro


# ---------------------------------------------------------------- devices


def decide_device(
    store: ReceiverStore, fingerprint: str, status: str, by: str, iro: str | None = None
) -> tuple[Device, str | None]:
    """Approve (binding the device to `iro` when given; else it keeps any IRO it had) or revoke a device's
    key, from the CLI by the account `by`, and log it with the device's IRO. Returns the device and its
    IRO's name. LookupError or ValueError as ReceiverStore.set_status; Refused for an unknown IRO."""
    actor = admin_log.by_cli(by)
    with store.session() as s:
        bound = iro_named(s, iro) if iro is not None else None
        device = decide(s, fingerprint, status, by)
        if bound is not None:
            device.iro_id = bound.id
        name = s.get(Iro, device.iro_id).name if device.iro_id is not None else None
        act = admin_log.DEVICE_REVOKED if status == REVOKED else admin_log.DEVICE_APPROVED
        admin_log.record(s, actor, act, fingerprint, f"IRO: {name}" if name else "no IRO")
    return device, name


# ---------------------------------------------------------------- administrator tokens


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: ReceiverStore, name: object, actor: str) -> str:
    """A new token named `name`: returned once, to be shown once; only its hash is kept."""
    name = checked_name(name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with store.session() as s:
            if s.get(AdminToken, name) is not None:
                raise Refused(409, f"There is already a token named {name}; names are never reused.")
            s.add(
                AdminToken(
                    name=name, token_hash=token_hash(token), created_at=utcnow(), created_by=actor[:100]
                )
            )
            admin_log.record(s, actor, admin_log.TOKEN_CREATED, name)
    except IntegrityError:
        raise Refused(409, f"There is already a token named {name}; names are never reused.") from None
    return token


def revoke_token(store: ReceiverStore, name: str, actor: str) -> AdminToken:
    with store.session() as s:
        held = s.get(AdminToken, name)
        if held is None:
            raise Refused(404, f"There is no token named {name}.")
        if held.revoked_at is None:
            held.revoked_at = utcnow()
            admin_log.record(s, actor, admin_log.TOKEN_REVOKED, name)
    return held


def tokens(store: ReceiverStore) -> list[AdminToken]:
    with store.reading() as s:
        return list(s.scalars(select(AdminToken).order_by(AdminToken.created_at)))


def token_holder(store: ReceiverStore, presented: str) -> str:
    """The name of the live token presented; Refused 401 (unknown) or 403 (revoked). Every kept hash is
    compared, each in constant time, so the time taken says nothing about which came close."""
    wanted = token_hash(presented)
    with store.reading() as s:
        held = s.execute(select(AdminToken.name, AdminToken.token_hash, AdminToken.revoked_at)).all()
    found = None
    for name, kept, revoked_at in held:
        if hmac.compare_digest(kept, wanted):
            found = (name, revoked_at)
    if found is None:
        raise Refused(401, "This administrator token is not known to this receiver.")
    if found[1] is not None:
        raise Refused(403, "This administrator token has been revoked: use the token that replaced it.")
    with store.session() as s:
        s.execute(update(AdminToken).where(AdminToken.name == found[0]).values(last_used_at=utcnow()))
    return found[0]
