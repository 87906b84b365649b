"""The `iro-desktop` command: the same services the GUI uses, for scripts, tests and data teams."""

from __future__ import annotations

import argparse
import faulthandler
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from iro_desktop import __version__
from iro_desktop import store as store_api  # its heavy parts load on first use, so --help stays quick
from iro_desktop.store.errors import StoreError

PASSPHRASE_ENV = "IRO_DESKTOP_PASSPHRASE"
NEW_PASSPHRASE_ENV = "IRO_DESKTOP_NEW_PASSPHRASE"
KDF_ENV = "IRO_DESKTOP_KDF"  # "time,memory_kib,parallelism": lets tests and benchmarks choose a cheap cost


class UsageError(Exception):
    """A problem with what the user typed: shown as it is, exit status 2."""


def _kdf():
    spec = os.environ.get(KDF_ENV)
    if not spec:
        return None
    from iro_desktop.store.keys import KdfParams

    t, m, p = (int(x) for x in spec.split(","))
    return KdfParams(t, m, p)


def _read_passphrase_file(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot read the passphrase file {path}: {exc.strerror}.") from exc
    return text.rstrip("\r\n")


def _secret(file_path: str | None, env_name: str, prompt: str, confirm: bool) -> str:
    """From a file, then the environment, then an interactive prompt (asked twice when confirming)."""
    if file_path:
        return _read_passphrase_file(file_path)
    if os.environ.get(env_name):
        return os.environ[env_name]
    if not sys.stdin.isatty():
        raise UsageError(f"No passphrase given: use a passphrase file or set {env_name}.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != first:
        raise UsageError("The two passphrases differ; nothing was changed.")
    return first


def passphrase(args, confirm: bool = False) -> str:
    return _secret(args.passphrase_file, PASSPHRASE_ENV, "Passphrase: ", confirm)


def new_passphrase(args) -> str:
    return _secret(args.new_passphrase_file, NEW_PASSPHRASE_ENV, "New passphrase: ", True)


def _db(args) -> Path:
    return Path(args.db) if args.db else store_api.default_store_path()


def _today() -> date:
    from iro_desktop.clock import system_clock

    return system_clock().today()


def _as_of(args) -> date:
    """The date to show things as of: --as-of, else today. It never dates what is written."""
    given = _given_as_of(args)
    return given if given is not None else _today()


def _given_as_of(args) -> date | None:
    if not args.as_of:
        return None
    try:
        return date.fromisoformat(args.as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of must be a date like 2027-01-14, not {args.as_of!r}.") from exc


def _overrides(args) -> dict[str, str]:
    """--override KEY=REASON, once for each finalising warning signed past."""
    found = {}
    for given in args.override or []:
        key, equals, reason = given.partition("=")
        if not equals or not reason.strip():
            raise UsageError(f"--override takes KEY=REASON, such as empty_sections='...', not {given!r}.")
        found[key.strip()] = reason.strip()
    return found


def _strong(secret: str, known: tuple[str, ...] = ()) -> str:
    from iro_desktop.store.passphrase_policy import LOST_PASSPHRASE, passphrase_problem

    problem = passphrase_problem(secret, known)
    if problem:
        raise UsageError(f"{problem} {LOST_PASSPHRASE} Nothing was changed.")
    return secret


def cmd_init(args) -> int:
    store = store_api.create_store(
        _db(args),
        _strong(passphrase(args, confirm=True), (args.name or "", args.council or "")),
        kdf=_kdf(),
        iro_name=args.name or "",
        council_name=args.council or "",
    )
    store.close()
    print(f"Created an encrypted store at {store.path}")
    return 0


def cmd_passphrase(args) -> int:
    db = _db(args)
    if args.recovery_key_file:
        from iro_desktop.store.database import reset_passphrase_with_recovery_key
        from iro_desktop.store.passphrase_policy import normalise_recovery_key

        recovery = normalise_recovery_key(_read_passphrase_file(args.recovery_key_file))
        reset_passphrase_with_recovery_key(db, recovery, _strong(new_passphrase(args)))
        print("Passphrase set with the recovery key. The recovery key goes on working.")
        return 0
    store_api.change_passphrase(db, passphrase(args), _strong(new_passphrase(args)))
    print("Passphrase changed. The old passphrase no longer opens this store.")
    return 0


def cmd_demo(args) -> int:
    from iro_desktop.services.demo import DEMO_PASSPHRASE, populate_demo

    secret = os.environ.get(PASSPHRASE_ENV) or DEMO_PASSPHRASE
    store = store_api.create_store(_db(args), secret, kdf=_kdf(), is_demo=True)
    try:
        populate_demo(store, _as_of(args))
    finally:
        store.close()
    print(f"Created a DEMO store of fictional children at {store.path}")
    if secret == DEMO_PASSPHRASE:
        print(f"Demo passphrase: {DEMO_PASSPHRASE}")
    return 0


def cmd_caseload(args) -> int:
    from iro_desktop.domain.calendar import format_date
    from iro_desktop.domain.timescales import left_words
    from iro_desktop.services.care_facts import AS_NOW_NOTE
    from iro_desktop.services.caseload import load_caseload

    with _open(args) as store:
        as_of = _as_of(args)
        rows = load_caseload(store, as_of)
        past = as_of < _today()
    if args.json:
        # One string and one write: json.dump with an indent writes each token separately.
        sys.stdout.write(json.dumps([r.to_json() for r in rows], indent=2) + "\n")
        return 0
    if past:
        print(f"As it was on {format_date(as_of)}. {AS_NOW_NOTE}")
    print(f"{'Child':<10} {'Name':<28} {'Next review due':<16} {'WD left':>12}  Status")
    for r in sorted(rows, key=lambda r: (r.next_review_due is None, r.next_review_due or date.max)):
        due = format_date(r.next_review_due) if r.next_review_due else "-"
        left = left_words(r.working_days_left)
        print(f"{r.child:<10} {r.name[:28]:<28} {due:<16} {left:>12}  {r.status.label}")
    return 0


def _import_selection(args):
    from iro_desktop.services.import903 import Selection

    if args.children and args.iro_name:
        raise UsageError("Choose children by --children or by --iro-name, not both.")
    if args.children:
        return Selection.of_ids(args.children.split(","))
    if args.iro_name:
        return Selection.by_iro(args.iro_name, args.iro_column or "IRO")
    if args.iro_column:
        raise UsageError("--iro-column needs --iro-name: the name to look for in that column.")
    return Selection()


def cmd_import_903(args) -> int:
    from iro_desktop.services.import903 import ImportProblem, import_903

    selection = _import_selection(args)
    with _open(args) as store:
        try:
            report = import_903(store, Path(args.source), selection)
        except ImportProblem as exc:
            raise UsageError(f"{exc} Nothing was imported.") from exc
    print("\n".join(report.summary_lines()))
    if args.report:
        _save_report(report.save_csv, args.report, "import", "Report of refused rows and notes")
    elif report.issues:
        print("Save the list of every refused row with --report FILE.csv")
    return 0


def _collection_year(args):
    from iro_desktop.services.export903 import FIRST_YEAR, LAST_YEAR, CollectionYear

    if args.all_years:
        return None
    if args.year is None:
        return CollectionYear.containing(_today())
    if not FIRST_YEAR <= args.year <= LAST_YEAR:
        raise UsageError(f"--year is the year a collection ends in, such as 2027, not {args.year}.")
    return CollectionYear(args.year)


def cmd_export_903(args) -> int:
    from iro_desktop.services.export903 import ExportProblem, export_903

    year = _collection_year(args)
    with _open(args) as store:
        try:
            result = export_903(store, Path(args.outdir), year, args.with_header_episodes, args.force)
        except ExportProblem as exc:
            raise UsageError(str(exc)) from exc
    print("\n".join(result.summary_lines()))
    if args.report:
        what = "Report of every held review (exported or left out, and why)"
        _save_report(result.save_report, args.report, "export", what)
    return 0


def _save_report(save, path: str, done: str, what: str) -> None:
    """Save a report once the work is done; a report that cannot be saved says so and undoes nothing."""
    try:
        save(Path(path))
    except OSError as exc:
        raise UsageError(f"The {done} is done, but the report was not saved: {exc.strerror}.") from exc
    print(f"{what} saved to {path}")


def cmd_gui(args) -> int:
    from iro_desktop.gui.app import no_screen, run

    if why := no_screen():
        raise UsageError(why)

    handover = _handover_file(args.file) if args.file else None
    db = _db(args) if args.db else None
    code = run(db=db, demo_if_new=args.demo_if_new, as_of=_given_as_of(args), handover=handover)
    # Closing the window saved everything and locked the store. Taking Qt's objects and Python's modules
    # down one by one after that took about a second more, so the process ends here.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _handover_file(given: str) -> Path:
    """The file the app was opened with (the desktop's Open with, a double-click), made absolute."""
    path = Path(given).expanduser().absolute()
    if not path.is_file():
        raise UsageError(f"There is no file at {path}.")
    return path


def _self_test_failed(why: str) -> int:
    print(f"iro-desktop: self-test failed: {why}", file=sys.stderr)
    return 1  # one plain line and status 1 for any failure, so IT's scripts need only the status


def cmd_self_test(args) -> int:
    if not args.on_screen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # works with no display, e.g. over SSH
    try:
        from iro_desktop.gui import self_test
    except ImportError as exc:  # the likeliest fault of a broken install: Qt or a library it needs
        return _self_test_failed(f"the desktop's libraries did not load ({exc}).")
    try:
        from iro_desktop.services.demo import DEMO_PASSPHRASE

        given = _read_passphrase_file(args.passphrase_file) if args.passphrase_file else None
        new_secret = given or os.environ.get(PASSPHRASE_ENV) or DEMO_PASSPHRASE
        db = Path(args.db) if args.db else None
        with self_test.store_for(db, lambda: passphrase(args), new_secret, _kdf()) as store:
            print(self_test.show_caseload(store, _today()))
        return 0
    except UsageError as exc:
        return _self_test_failed(str(exc))
    except Exception as exc:  # every failure is reported the same plain way
        return _self_test_failed(self_test.failure_message(exc))


def _say_tightened(store) -> None:
    """One sentence when unlocking found the store's files readable by others (now owner-only)."""
    if store.tightened:
        from iro_desktop.store.database import tightened_message

        print(tightened_message(store.tightened), file=sys.stderr)


@contextmanager
def _open(args) -> Iterator:
    """The unlocked store for one command, closed however the command ends."""
    store = store_api.open_store(_db(args), passphrase(args))
    _say_tightened(store)
    try:
        yield store
    finally:
        store.close()


def cmd_finalise(args) -> int:
    from iro_desktop.clock import ViewDateRefused
    from iro_desktop.services.finalise import FinaliseRefused, finalise_review

    overrides = _overrides(args)
    with _open(args) as store:
        try:
            done = finalise_review(
                store, args.review_id, args.correction_reason, overrides=overrides, as_of=_given_as_of(args)
            )
        except FinaliseRefused as exc:
            raise UsageError("Not finalised:\n  " + "\n  ".join(exc.problems)) from exc
        except (LookupError, ViewDateRefused) as exc:
            raise UsageError(f"Not finalised: {exc}") from exc
    print(f"Finalised and signed: record {done.record_id}, version {done.version}")
    print(f"Content SHA-256: {done.content_hash}")
    return 0


def cmd_concerns(args) -> int:
    from iro_desktop.domain.calendar import format_date
    from iro_desktop.services import challenge_facts

    with _open(args) as store:
        load = challenge_facts.all_challenges if args.all else challenge_facts.open_challenges
        views = load(store, _as_of(args))
    if args.json:
        json.dump([v.to_json() for v in views], sys.stdout, indent=2)
        print()
        return 0
    print(f"{len(views)} {'concern' if len(views) == 1 else 'concerns'}{'' if args.all else ' open'}.")
    for v in views:
        due = f", response due {format_date(v.response_due)}" if v.response_due and v.open else ""
        signed = ", letter signed" if v.letter_signed else ""
        who = f"{v.child_ref:<10} {v.child_name[:24]:<24}"
        status = "" if v.status == v.stage else f", {v.status}"
        print(f"  {v.id:>4}  {who} {v.issue}: {v.stage}{status}{due}{signed}")
    return 0


def cmd_sign_letter(args) -> int:
    from iro_desktop.problems import Problem
    from iro_desktop.services.finalise import finalise_challenge

    with _open(args) as store:
        try:
            done = finalise_challenge(store, args.concern_id, as_of=_given_as_of(args))
        except Problem as exc:
            raise UsageError(f"Not signed: {exc}") from exc
    print(f"Signed and queued for the council: record {done.record_id}, version {done.version}")
    print(f"Content SHA-256: {done.content_hash}")
    return 0


def cmd_export_record(args) -> int:
    from iro_desktop.records.export import export_record

    with _open(args) as store:
        try:
            path = export_record(store, args.record_id, Path(args.file))
        except LookupError as exc:
            raise UsageError(str(exc)) from exc
    print(f"Record bundle written to {path}")
    return 0


def cmd_verify(args) -> int:
    from iro_desktop.records.council_export import check_export
    from iro_desktop.records.verify import verify_file  # neither needs a store: no ORM or PDF code loaded

    if Path(args.file).is_dir():
        if not args.receiver:
            raise UsageError("An export folder is checked against the receiver's key: give --receiver.")
        result = check_export(Path(args.file), args.receiver)
    else:
        result = verify_file(Path(args.file))
    print(result.text())
    return 0 if result.intact else 1


def cmd_check(args) -> int:
    """Every page of the store read: the check the app runs in the background once the caseload shows."""
    with _open(args) as store:
        problem = store.check_integrity()
    if problem is None:
        print("The store is sound: every page was read and is as it was written.")
        return 0
    print(
        f"iro-desktop: the store is damaged ({problem}). Restore it from your latest backup with "
        "`iro-desktop restore FILE`; until then, change nothing in it.",
        file=sys.stderr,
    )
    return 1


def cmd_recovery_key(args) -> int:
    from iro_desktop.store.database import add_recovery_key
    from iro_desktop.store.passphrase_policy import new_recovery_key

    recovery = new_recovery_key()
    add_recovery_key(_db(args), passphrase(args), recovery)
    print("Recovery key (shown once: print it and give it to your council to keep safe):")
    print(f"\n    {recovery}\n")
    print(
        "With it, 'iro-desktop passphrase --recovery-key-file FILE' sets a new passphrase if yours is lost."
    )
    return 0


def cmd_audit(args) -> int:
    from iro_desktop.store import audit

    with _open(args) as store:
        problems = audit.verify(store)
        lines = audit.entries(store, limit=None if args.verify else args.limit)
    if args.verify:
        print("\n".join(problems) if problems else f"The audit trail is intact ({len(lines)} entries).")
        return 1 if problems else 0
    for line in lines:
        print(
            f"{line.at:%Y-%m-%d %H:%M} UTC  {line.label}  {line.subject or ''}  {line.detail or ''}".rstrip()
        )
    return 0


def _daily_backup(args) -> int:
    """The day's automatic backup and thinning, for councils that schedule it with cron or Task Scheduler."""
    from iro_desktop.services import auto_backup

    with _open(args) as store:
        try:
            result = auto_backup.run_daily_backup(store, Path(args.daily_folder), store.clock.today())
        except auto_backup.AutoBackupError as exc:
            auto_backup.record_failure(store, exc)
            raise
    print(result.message())
    return 0


def cmd_backup(args) -> int:
    from iro_desktop.store import audit
    from iro_desktop.store.backup import backup

    if bool(args.file) == bool(args.daily_folder):
        raise UsageError("Give either a backup FILE or --daily-folder DIR.")
    if args.daily_folder:
        return _daily_backup(args)
    with _open(args) as store:
        info = backup(store, Path(args.file))
        audit.record(store, "backup", detail=f"{info.children} children, checked after writing")
    print(f"Backed up and checked: {info.children} children in {info.path} ({info.size // 1024} KiB).")
    return 0


def cmd_restore(args) -> int:
    from iro_desktop.store import audit
    from iro_desktop.store.backup import restore

    db = _db(args)
    info = restore(Path(args.file), db, passphrase(args))
    with _open(args) as store:
        audit.record(store, "restore", detail=f"{info.children} children from {info.path.name}")
    kept = ""
    if info.previous_kept:  # only when there was a store at that path to keep
        kept = f" The previous store was kept beside it as {db.name}.before-restore."
    print(f"Restored {info.children} children from {info.path} to {db}.{kept}")
    return 0


def cmd_enrol(args) -> int:
    from iro_desktop.problems import Problem
    from iro_desktop.records.keys import fingerprint_groups
    from iro_desktop.services.sync import set_ca_file, sync_settings
    from iro_desktop.sync.client import enrol

    with _open(args) as store:
        try:
            if args.ca:  # read into the encrypted store now: the file is not needed afterwards
                set_ca_file(store, args.ca)
            done = enrol(store, args.server)
        except Problem as exc:  # a SyncError, or the CA file refused
            raise UsageError(str(exc)) from exc
        pinned = sync_settings(store).pin if args.server.startswith("https:") else None
    print(f"This device's fingerprint: {fingerprint_groups(done.device_fingerprint)}")
    print(f"Receiver's fingerprint (pinned): {fingerprint_groups(done.receiver_fingerprint)}")
    if pinned:
        print(f"Certificate pinned: {pinned}")
    if done.status == "approved":
        print("Approved: records can be sent.")
    else:
        print("Waiting for approval: read your fingerprint to the council's administrator.")
    return 0


def cmd_sync(args) -> int:
    from iro_desktop.services.sync import SyncError, sync_once

    with _open(args) as store:
        try:
            report = sync_once(store, args.server)
        except SyncError as exc:
            raise UsageError(str(exc)) from exc
    print("\n".join(report.lines()))
    return 1 if report.stopped else 0


def cmd_notices(args) -> int:
    from iro_desktop.domain.calendar import format_date
    from iro_desktop.services.notices import inbox

    with _open(args) as store:
        lines = inbox(store, store.clock.today(), open_only=not args.all)
    if args.json:
        keys = (
            "id",
            "child_ref",
            "kind",
            "summary",
            "details",
            "answer_by",
            "working_days_left",
            "answer",
            "answer_note",
            "answered_on",
            "state",
        )
        rows = [{k: getattr(n, k) for k in keys} for n in lines]
        json.dump(rows, sys.stdout, indent=2, default=str)
        print()
        return 0
    for n in lines:
        print(f"{n.id}  {n.child_ref:<10} {n.kind}: {n.summary}")
        print(f"    raised {format_date(n.raised_on)}; {n.due_words}; {n.state_words}")
    if not lines:
        print("No notice is waiting for your answer." if not args.all else "No notice from the council.")
    return 0


def cmd_answer_notice(args) -> int:
    from iro_desktop.services.notices import AnswerProblem, answer

    with _open(args) as store:
        try:
            answer(store, args.notice_id, args.answer, args.note or "", store.clock.today())
        except AnswerProblem as exc:
            raise UsageError(str(exc)) from exc
    print("Answer kept: it goes to the council at the next sync.")
    return 0


def cmd_differences(args) -> int:
    from iro_desktop.services.council_details import open_differences

    with _open(args) as store:
        lines = open_differences(store)
    for d in lines:
        print(
            f"{d.id}  {d.child_name}: {d.about}, {d.field}: "
            f"council {d.council_value!r}, yours {d.your_value!r}"
        )
    if not lines:
        print("Nothing the council holds differs from what you recorded.")
    return 0


def cmd_settle(args) -> int:
    from iro_desktop.services.council_details import SettleProblem, settle

    with _open(args) as store:
        try:
            settle(store, args.difference_id, args.take)
        except SettleProblem as exc:
            raise UsageError(str(exc)) from exc
    print(
        "Settled: the council's value is now in your record."
        if args.take == "council"
        else "Settled: yours kept."
    )
    return 0


def cmd_remove_deallocated(args) -> int:
    from iro_desktop.services.deallocation import remove
    from iro_desktop.services.retention import RemovalRefused

    with _open(args) as store:
        try:
            ref = remove(store, _child_id(store, args.child_ref), store.clock.today())
        except RemovalRefused as exc:
            raise UsageError(str(exc)) from exc
    print(f"Child {ref} removed from this laptop.")
    return 0


def cmd_outbox(args) -> int:
    from iro_desktop.sync.outbox import outbox_items

    with _open(args) as store:
        lines = outbox_items(store)
    if args.json:
        json.dump([line.to_json() for line in lines], sys.stdout, indent=2)
        print()
        return 0
    for line in lines:
        reason = f"  ({line.last_error})" if line.last_error else ""
        what = f"{line.kind_label} {line.record_id} v{line.version}"
        print(f"{what}  {line.child_name[:28]:<28} {line.state_label}{reason}")
    return 0


def _child_id(store, child_ref: str) -> int:
    from iro_desktop.services.handover import child_id_of

    try:
        return child_id_of(store, child_ref)
    except LookupError as exc:
        raise UsageError(str(exc)) from exc


def cmd_handover(args) -> int:
    from iro_desktop.records.keys import fingerprint_groups
    from iro_desktop.services.handover import HandoverError, send
    from iro_desktop.services.retention import RemovalRefused, remove_child

    with _open(args) as store:
        child_id = _child_id(store, args.child_ref)
        try:
            sent = send(store, child_id, Path(args.file), kdf=_kdf())
        except HandoverError as exc:
            raise UsageError(str(exc)) from exc
        print(f"Handover file for {args.child_ref} written to {sent.path} and checked.")
        print("Handover code (read it to the receiving IRO by phone, never send it with the file):")
        print(f"\n    {sent.code}\n")
        print(f"This device's fingerprint: {fingerprint_groups(sent.handover.fingerprint)}")
        if args.remove:
            try:
                remove_child(store, child_id, "handed over to another IRO")
            except RemovalRefused as exc:
                raise UsageError(str(exc)) from exc
            print(f"{args.child_ref} was removed from this store.")
    return 0


def cmd_receive_handover(args) -> int:
    from iro_desktop.records.keys import fingerprint_groups
    from iro_desktop.records.signing import normalise_fingerprint
    from iro_desktop.services.handover import HandoverError, read_handover, receive

    try:
        handover = read_handover(Path(args.file), _read_passphrase_file(args.code_file))
        if args.fingerprint and normalise_fingerprint(args.fingerprint) != handover.fingerprint:
            raise UsageError(
                f"The file was signed by the device {fingerprint_groups(handover.fingerprint)}, not the one "
                "you were given. Nothing was imported."
            )
        with _open(args) as store:
            receive(store, handover)
    except (HandoverError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    parts = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in handover.counts.items())
    print(f"Imported {handover.child_name} ({handover.child_ref}) from {handover.sender}: {parts}.")
    print(f"Signed by the device {fingerprint_groups(handover.fingerprint)}: check it with the sending IRO.")
    return 0


def cmd_retention(args) -> int:
    from iro_desktop.clock import ViewDateRefused, real_date
    from iro_desktop.services import retention

    refused = 0
    with _open(args) as store:
        if args.remove_due:
            try:
                real_date(store.clock, _given_as_of(args), "Removing children")
            except ViewDateRefused as exc:
                raise UsageError(str(exc)) from exc
        due = retention.children_past_retention(store, _as_of(args))
        years = retention.retention_years(store)
        after_death = retention.years_after_death(store)
        print(
            f"Your working copy of a child's records is kept until they are {years}, or for {after_death} "
            "years after the death of a child who died before 18."
        )
        print(f"{len(due)} {'child has' if len(due) == 1 else 'children have'} reached that date.")
        for line in due:
            print(f"  {line.child_ref:<10} {line.name[:28]:<28} kept until {line.until_text}")
            if args.remove_due:
                try:
                    retention.remove_child(
                        store, line.child_id, "retention date reached", as_of=_given_as_of(args)
                    )
                    print("    removed")
                except retention.RemovalRefused as exc:
                    refused += 1
                    print(f"    not removed: {exc}")
    return 1 if refused else 0


def _with_assignments(service, current, assignments: list[str]):
    """Apply each --set KEY=VALUE in turn; the first bad one stops everything."""
    for assignment in assignments:
        key, equals, text = assignment.partition("=")
        if not equals:
            raise service.SettingsProblem(key, f"--set takes KEY=VALUE, not {assignment!r}.")
        current = service.with_value(current, key.strip(), text.strip())
    return current


def cmd_settings(args) -> int:
    from iro_desktop.services import settings as service

    with _open(args) as store:
        current = service.all_settings(store)
        if args.set:
            try:
                changed = service.save_all(store, _with_assignments(service, current, args.set))
            except service.SettingsProblem as exc:
                raise UsageError(f"{exc} Nothing was changed.") from exc
            print(f"Changed: {', '.join(changed)}." if changed else "Nothing changed: those were the values.")
            return 0
    for line in service.lines(current):
        print(f"{line.key:<44} {line.value:>10}  {'default ' + line.default:<11} {line.what}")
    return 0


def cmd_templates(args) -> int:
    """Copy the documents' wording out for a council to edit, or say which copy is used and why."""
    from iro_desktop.problems import Problem
    from iro_desktop.services import council_wording

    if args.action == "export":
        try:
            written = council_wording.export(Path(args.folder) if args.folder else None)
        except Problem as exc:
            raise UsageError(str(exc)) from exc
        for path in written:
            print(f"Copied {path.name} to {path}: edit it there; the next document made uses it.")
        return 0
    if args.files:
        refused = [council_wording.check(Path(f)) for f in args.files]
        for file, why in zip(args.files, refused, strict=True):
            print(f"{file}: refused: {why.text()}" if why else f"{file}: the app would use it.")
        return 1 if any(refused) else 0
    found = council_wording.in_use()
    for used in found:
        for why in used.refused:
            print(f"{used.name}: not used, because {why.text()}")
        print(used.summary() + ("" if used.where == "shipped" else f" ({used.source})"))
    return 1 if any(used.refused for used in found) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iro-desktop", description=__doc__)
    parser.add_argument("--version", action="version", version=f"iro-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="the store file (default: the user data directory)")
        p.add_argument("--passphrase-file", help=f"read the passphrase from FILE (or set {PASSPHRASE_ENV})")
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "Create a new encrypted store.")
    p.add_argument("--name", help="your name, as it appears on documents")
    p.add_argument("--council", help="your council's name")
    p = add("passphrase", cmd_passphrase, "Change the store's passphrase.")
    p.add_argument(
        "--new-passphrase-file", help=f"read the new passphrase from FILE (or set {NEW_PASSPHRASE_ENV})"
    )
    p.add_argument("--recovery-key-file", help="set a new passphrase with the recovery key in FILE")
    p = add(
        "recovery-key", cmd_recovery_key, "Make a recovery key that can set a new passphrase if one is lost."
    )
    add("check", cmd_check, "Read every page of the store and say whether it is damaged (exit 1 if so).")
    p = add("audit", cmd_audit, "Show the audit trail, or check that it is intact.")
    p.add_argument("--verify", action="store_true", help="check the hash chain (exit 0 only when intact)")
    p.add_argument("--limit", type=int, default=50, help="how many recent entries to show")
    p = add("backup", cmd_backup, "Write an encrypted backup of the store to FILE, and check it.")
    p.add_argument("file", metavar="FILE", nargs="?")
    p.add_argument(
        "--daily-folder",
        metavar="DIR",
        help="make the day's iro-desktop-YYYY-MM-DD.iro-backup in DIR and thin older ones (7 daily, "
        "4 weekly, 12 monthly)",
    )
    p = add("restore", cmd_restore, "Replace the store with a backup, after checking the backup.")
    p.add_argument("file", metavar="FILE")
    p = add("demo", cmd_demo, "Create a store filled with a fictional demo caseload.")
    p.add_argument("--as-of", help="build the demo around this date (default today)")
    p = add("caseload", cmd_caseload, "Print the caseload with review due dates.")
    p.add_argument("--as-of", help="show the caseload as of this date, YYYY-MM-DD (default today)")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per child")
    p = add("import-903", cmd_import_903, "Load children, episodes and reviews from the council's 903 files.")
    p.add_argument("source", metavar="DIR_OR_XML", help="a folder of 903 CSV files, or a 903 XML file")
    p.add_argument("--children", metavar="ID,ID", help="import only these children (the 903 CHILD ids)")
    p.add_argument("--iro-name", metavar="NAME", help="import the children whose rows carry this name")
    p.add_argument("--iro-column", metavar="COL", help="the column holding the IRO's name (default IRO)")
    p.add_argument("--report", metavar="FILE.csv", help="save every refused row, with the reason, as CSV")
    p = add("export-903", cmd_export_903, "Write your reviews as 903 CSV files for the council's data team.")
    p.add_argument("outdir", metavar="OUTDIR", help="an empty folder (made if missing)")
    span = p.add_mutually_exclusive_group()
    span.add_argument("--year", type=int, help="the collection year by its end: 2027 = Apr 2026 to Mar 2027")
    span.add_argument("--all-years", action="store_true", help="every review held, whatever the year")
    p.add_argument("--with-header-episodes", action="store_true", help="header.csv, episodes.csv too")
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    p.add_argument(
        "--report", metavar="FILE.csv", help="save every held review, exported or left out and why, as CSV"
    )
    p = add("finalise", cmd_finalise, "Finalise and sign a held review, and queue it for the council.")
    p.add_argument("review_id", type=int, metavar="REVIEW_ID")
    p.add_argument("--correction-reason", help="when correcting a finalised record: why")
    p.add_argument(
        "--override",
        action="append",
        metavar="KEY=REASON",
        help="sign past one finalising warning (its key is shown when it stops you), with the reason, "
        "which travels in the record (may be repeated)",
    )
    p.add_argument("--as-of", help="refused unless today: a record is always signed with today's date")
    p = add("concerns", cmd_concerns, "List the open concerns (challenges) across the caseload.")
    p.add_argument("--all", action="store_true", help="closed concerns too")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-of", help=argparse.SUPPRESS)
    p = add("sign-letter", cmd_sign_letter, "Sign a concern's letter at its current stage and queue it.")
    p.add_argument("concern_id", type=int, metavar="CONCERN_ID", help="as `iro-desktop concerns` lists it")
    p.add_argument("--as-of", help="refused unless today: a letter is always signed with today's date")
    p = add("export-record", cmd_export_record, "Write a signed record bundle to a file.")
    p.add_argument("record_id", metavar="RECORD_ID")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser(
        "verify",
        help="Check a record bundle, or a receiver's export folder, offline (exit 0 only when intact).",
    )
    p.add_argument("file", metavar="FILE_OR_FOLDER")
    p.add_argument(
        "--receiver",
        metavar="FINGERPRINT_OR_KEY",
        help="for an export folder: the receiver's fingerprint or public key, as its administrator gives it",
    )
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser(
        "templates", help="Copy the documents' wording out for your council to edit, or check the copies."
    )
    templates = p.add_subparsers(dest="action", required=True)
    t = templates.add_parser(
        "export", help="Copy the wording files into DIR (default: your own council folder) to edit there."
    )
    t.add_argument("folder", metavar="DIR", nargs="?")
    t = templates.add_parser(
        "check", help="Say which wording documents use and why; or check FILEs (exit 1 if one is refused)."
    )
    t.add_argument("files", metavar="FILE", nargs="*")
    p.set_defaults(func=cmd_templates)
    p = add("enrol", cmd_enrol, "Ask the council's receiver to enrol this device; prints its fingerprint.")
    p.add_argument(
        "--server", required=True, metavar="URL", help="the receiver, e.g. https://iro.example.gov.uk"
    )
    p.add_argument(
        "--ca",
        metavar="PEM_FILE",
        help="the council's CA certificate: pinned inside the store (else the receiver's key is pinned)",
    )
    p = add("sync", cmd_sync, "Send the outbox and your answers to the council; fetch the council's changes.")
    p.add_argument("--server", metavar="URL", help="the receiver (default: the one enrolled with)")
    p = add("notices", cmd_notices, "List the council's notices waiting for your answer.")
    p.add_argument("--all", action="store_true", help="answered notices too")
    p.add_argument("--json", action="store_true")
    p = add("answer-notice", cmd_answer_notice, "Answer a council notice; it goes at the next sync.")
    p.add_argument("notice_id", metavar="NOTICE_ID", help="as `iro-desktop notices` lists it")
    p.add_argument("--answer", required=True, choices=["acknowledged", "early_review", "concern"])
    p.add_argument("--note", help="what you want the council to know (needed with concern)")
    add("differences", cmd_differences, "List details where the council's record differs from yours.")
    p = add("settle", cmd_settle, "Settle a difference: take the council's value, or keep yours.")
    p.add_argument("difference_id", type=int, metavar="DIFFERENCE_ID")
    p.add_argument("--take", required=True, choices=["council", "yours"])
    p = add(
        "remove-deallocated",
        cmd_remove_deallocated,
        "Remove a child the council deallocated, once handed over.",
    )
    p.add_argument("child_ref", metavar="CHILD_ID")
    p = add("outbox", cmd_outbox, "List signed records and whether they reached the council.")
    p.add_argument("--json", action="store_true", help="print a JSON array, one object per record")
    p = add("self-test", cmd_self_test, "Check this install: show the caseload once, report and exit.")
    p.add_argument(
        "--on-screen", action="store_true", help="use the real display, not an offscreen one (shows a window)"
    )
    p = add("handover", cmd_handover, "Write one child's records as an encrypted, signed handover file.")
    p.add_argument("child_ref", metavar="CHILD_REF", help="the council's id for the child")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--remove", action="store_true", help="then remove the child from this store")
    p = add("receive-handover", cmd_receive_handover, "Import a child from another IRO's handover file.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--code-file", required=True, metavar="F", help="a file holding the handover code")
    p.add_argument("--fingerprint", help="the sending device's fingerprint, as the sending IRO read it out")
    p = add("retention", cmd_retention, "List the children whose retention date has come.")
    p.add_argument("--remove-due", action="store_true", help="remove them from this store")
    p.add_argument(
        "--as-of", help="list as of this date, YYYY-MM-DD; with --remove-due refused unless it is today"
    )
    p = add("settings", cmd_settings, "List the timescales and other settings, or change them with --set.")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="change one setting, e.g. timescales.first_review_working_days=15 (may be repeated)",
    )
    p = add("gui", cmd_gui, "Open the desktop app.")
    p.add_argument("--demo-if-new", action="store_true", help="with no store yet, open a demo caseload")
    p.add_argument("--as-of", help="show the caseload as of this date; what you save is dated today")
    p.add_argument("file", metavar="FILE", nargs="?", help="a handover file, to receive once unlocked")
    return parser


def _log_from_now() -> None:
    """An unexpected error in a command: the log begins now, and its hook keeps the error's type and frames
    as the error leaves the process."""
    from iro_desktop.logs import start_logging

    start_logging()


def give_children_the_systems_libraries(environ=os.environ) -> None:
    """PyInstaller points LD_LIBRARY_PATH at the bundle, keeping the caller's as LD_LIBRARY_PATH_ORIG. The
    bundle's own process read it as it started; programs it starts (pdftoppm, the file manager) must load
    the system's libraries, not the bundle's copies, which may be older than theirs or missing."""
    if "LD_LIBRARY_PATH_ORIG" in environ:
        environ["LD_LIBRARY_PATH"] = environ.pop("LD_LIBRARY_PATH_ORIG")
    else:
        environ.pop("LD_LIBRARY_PATH", None)


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
        give_children_the_systems_libraries()
    args = build_parser().parse_args(argv)
    # The log (about 25 ms of imports) begins when there is something to keep: an error here, or in the
    # window, which also begins it once the unlock dialog is on screen (gui/app.py). Until then a hard
    # crash goes where Python's would.
    try:
        faulthandler.enable()
    except (AttributeError, OSError, ValueError, RuntimeError):  # no stderr (a windowed launcher, a test)
        pass
    try:
        return args.func(args)
    except (StoreError, UsageError) as exc:
        print(f"iro-desktop: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and cut short: not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        _log_from_now()
        raise


if __name__ == "__main__":
    sys.exit(main())
