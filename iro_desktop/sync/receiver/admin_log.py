"""The receiver's log of administrative acts: who (the CLI's account or a token's name) did what to which
subject, and when. The code only ever appends to it: nothing here changes or removes a row."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from iro_desktop.sync.receiver.storage import AdminAct, ReceiverStore, utcnow

# The acts, as the log names them.
IRO_ADDED, IRO_RENAMED = "iro added", "iro renamed"
IRO_ACTIVATED, IRO_DEACTIVATED = "iro activated", "iro deactivated"
DEVICE_APPROVED, DEVICE_REVOKED = "device approved", "device revoked"
ALLOCATED, DEALLOCATED = "allocation made", "allocation ended"
TOKEN_CREATED, TOKEN_REVOKED = "token created", "token revoked"


def by_cli(account: str) -> str:
    return f"cli: {account}"[:120]


def by_token(name: str) -> str:
    return f"token: {name}"[:120]


def record(s: Session, actor: str, act: str, subject: str, detail: str = "") -> None:
    """Append one act in the transaction `s`, so the act and its line commit together or not at all."""
    row = {"at": utcnow(), "actor": actor[:120], "act": act, "subject": subject[:200], "detail": detail[:300]}
    s.execute(insert(AdminAct.__table__).values(row))


def entries(store: ReceiverStore) -> list[AdminAct]:
    """Every act, oldest first."""
    with store.reading() as s:
        return list(s.scalars(select(AdminAct).order_by(AdminAct.id)))
