"""The first-run set-up without Qt: check what the IRO typed, make their store, then the start they chose.

Making the store is all-or-nothing: if any step fails (a folder that cannot be written, a logo that
cannot be copied, a demo that cannot be built) every file this set-up made is removed again, so the
next start finds no half-made store and simply offers the set-up again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from iro_desktop.domain.timescales import TimescaleSettings, caseload_guidance
from iro_desktop.private_files import write_private
from iro_desktop.problems import Problem
from iro_desktop.services.demo import DEMO_PASSPHRASE, populate_demo
from iro_desktop.services.documents import LOGO_KEY
from iro_desktop.store import Store, audit, create_store, default_demo_path, open_store
from iro_desktop.store.database import add_recovery_key
from iro_desktop.store.errors import StoreError, StoreExists
from iro_desktop.store.keys import KdfParams, key_file_for
from iro_desktop.store.models import Profile
from iro_desktop.store.passphrase_policy import passphrase_problem
from iro_desktop.sync.client import SERVER_SETTING

IMPORT_903, EMPTY, DEMO = "import903", "empty", "demo"
STARTS = (IMPORT_903, EMPTY, DEMO)
DEFAULT_HOURS = 37.0
MIN_HOURS, MAX_HOURS = 1.0, 60.0
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")  # what the documents' PDF letterhead can draw


class SetupProblem(Problem):
    """The set-up could not finish: str() is a plain sentence; nothing was left on disk."""


@dataclass(frozen=True)
class Setup:
    """Everything the set-up asks for."""

    passphrase: str
    iro_name: str
    council_name: str
    hours_per_week: float = DEFAULT_HOURS
    logo: Path | None = None
    receiver: str = ""  # the council's receiver address, kept to fill in enrolment later
    recovery_key: str | None = None  # from passphrase_policy.new_recovery_key, when the IRO wants one
    start: str = EMPTY


# --- checks, one per field, so each message shows beside its field ----------------------------


def name_problem(iro_name: str, council_name: str) -> str | None:
    if not iro_name.strip():
        return "Type your name as it should appear on review records and letters."
    if not council_name.strip():
        return "Type your council's name: it heads every document."
    return None


def logo_problem(logo: Path | None) -> str | None:
    """Why the letterhead logo cannot be used, or None (no logo at all is fine: the name is printed)."""
    if logo is None:
        return None
    if not logo.is_file():
        return f"There is no file at {logo}."
    if logo.suffix.lower() not in LOGO_SUFFIXES:
        return "Choose a PNG or JPEG picture: documents cannot print other kinds of file."
    from reportlab.lib.utils import ImageReader  # the same reader the documents use to draw it

    try:
        ImageReader(str(logo)).getSize()
    except Exception:  # noqa: BLE001 (reportlab raises many kinds for a broken picture)
        return "That file is not a picture documents can print: choose a PNG or JPEG."
    return None


def hours_problem(hours: float) -> str | None:
    if not MIN_HOURS <= hours <= MAX_HOURS:
        return f"Working hours are between {MIN_HOURS:g} and {MAX_HOURS:g} a week."
    return None


def guidance_text(hours: float) -> str:
    low, high = caseload_guidance(hours, TimescaleSettings())
    return (
        f"At {hours:g} hours a week the guidance is a caseload of about {low} to {high} children "
        "(50 to 70 for a full-time IRO, pro rata)."
    )


def receiver_problem(address: str) -> str | None:
    address = address.strip()
    if address and (not address.startswith(("https://", "http://")) or " " in address):
        return "The address starts with https:// (ask the council for it), or leave it empty for now."
    return None


def setup_problem(setup: Setup) -> str | None:
    """The first thing wrong with the whole set-up, checked again just before anything is written."""
    return (
        passphrase_problem(setup.passphrase, (setup.iro_name, setup.council_name))
        or name_problem(setup.iro_name, setup.council_name)
        or logo_problem(setup.logo)
        or hours_problem(setup.hours_per_week)
        or receiver_problem(setup.receiver)
        or (None if setup.start in STARTS else f"Unknown start {setup.start!r}.")
    )


# --- making the stores -----------------------------------------------------------------------


def logo_copy_path(db: Path, logo: Path) -> Path:
    return db.with_name(db.stem + "-logo" + logo.suffix.lower())


@contextmanager
def _all_or_nothing(db: Path) -> Iterator[list[Store]]:
    """Yield a list to put opened stores in; on any failure close them and remove every file made."""
    if db.exists() or key_file_for(db).exists():
        raise SetupProblem(str(StoreExists(db)))  # before the clean-up below could touch it
    made_dir = not db.parent.exists()
    opened: list[Store] = []
    try:
        yield opened
    except BaseException as exc:
        for store in opened:
            store.close()
        _remove_made(db, made_dir)
        if isinstance(exc, OSError | StoreError):  # anything else is a fault: raised as it is, to be logged
            raise SetupProblem(_plain(db, exc)) from exc
        raise


def _remove_made(db: Path, made_dir: bool) -> None:
    if not db.parent.is_dir():
        return  # the folder itself could not be made: nothing inside it either
    for path in (
        db,
        key_file_for(db),
        *_sqlite_extras(db),
        *(logo_copy_path(db, Path(s)) for s in LOGO_SUFFIXES),
    ):
        path.unlink(missing_ok=True)
    if made_dir and not any(db.parent.iterdir()):
        db.parent.rmdir()


def _sqlite_extras(db: Path) -> tuple[Path, ...]:
    return tuple(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def _plain(db: Path, exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return (
            f"Your caseload could not be saved in {db.parent}: this account may not write there. "
            "Nothing was kept; ask your IT team to check the folder."
        )
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return (
            f"Your caseload could not be saved in {db.parent}: a file is in the way of that folder. "
            "Nothing was kept."
        )
    if isinstance(exc, OSError):
        return f"Your caseload could not be saved in {db.parent} ({exc.strerror or exc}). Nothing was kept."
    return f"{exc} Nothing was kept."  # a StoreError: a sentence for the IRO already


def create(
    db: Path, setup: Setup, today: date, *, kdf: KdfParams | None = None, demo_db: Path | None = None
) -> Store:
    """Make the IRO's store from `setup`, then open the store to start on (their own, or the demo)."""
    problem = setup_problem(setup)
    if problem:
        raise SetupProblem(problem)
    db = Path(db)
    with _all_or_nothing(db) as opened:
        store = create_store(
            db,
            setup.passphrase,
            kdf=kdf,
            iro_name=setup.iro_name.strip(),
            council_name=setup.council_name.strip(),
        )
        opened.append(store)
        _fill(store, setup)
        if setup.recovery_key:
            add_recovery_key(db, setup.passphrase, setup.recovery_key)
        if setup.start != DEMO:
            return store
        store.close()
        return open_demo(demo_db or default_demo_path(), today, kdf)


def _fill(store: Store, setup: Setup) -> None:
    with store.session() as s:
        s.get(Profile, 1).hours_per_week = float(setup.hours_per_week)
    if setup.logo is not None:
        # A copy beside the store: the chosen file may sit in Downloads or on a stick that goes away.
        copy = logo_copy_path(store.path, setup.logo)
        write_private(copy, Path(setup.logo).read_bytes())  # owner-only, like everything beside the store
        store.set_setting(LOGO_KEY, str(copy))
    if setup.receiver.strip():
        # Enrolment needs the receiver to answer; the address waits here to fill in View > Sync.
        store.set_setting(SERVER_SETTING, setup.receiver.strip().rstrip("/"))
    audit.record(store, "create_store", detail="first-run set-up")


def open_demo(demo_db: Path, today: date, kdf: KdfParams | None = None) -> Store:
    """The separate demo store (made now if there is none yet), so no fictional child joins the IRO's own."""
    if demo_db.exists():  # made before, by `make run` or an earlier set-up
        try:
            return open_store(demo_db, DEMO_PASSPHRASE)
        except StoreError as exc:
            raise SetupProblem(
                f"The demo store already at {demo_db} cannot be opened ({exc}) Choose another start."
            ) from exc
    with _all_or_nothing(demo_db) as opened:
        demo = create_store(demo_db, DEMO_PASSPHRASE, kdf=kdf, is_demo=True)
        opened.append(demo)
        populate_demo(demo, today)
        return demo
