"""The `iro-desktop-receiver` command a council's administrator runs: serve, approve, revoke, devices,
trail, export; IROs, allocations, administrator tokens and the log of administrative acts; the feed's
load-903, load-details, notice and notices (feed_cli.py). Whatever a device
sent (its name) is printed escaped: it cannot forge a line or move the cursor. Every administrative act is
logged with the account that did it (--by, else the operating system's user)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from iro_desktop.sync.receiver import feed_cli

DEFAULT_DB = "sqlite:///receiver.db"


class UsageError(Exception):
    """A problem with what the administrator typed: shown as it is, exit status 2."""


def _store(args):
    from iro_desktop.sync.receiver.storage import ReceiverStore

    return ReceiverStore(args.db)


def _fingerprint(text: str) -> str:
    from iro_desktop.records.signing import normalise_fingerprint

    try:
        return normalise_fingerprint(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_serve(args) -> int:
    import uvicorn

    from iro_desktop.sync.receiver.app import create_app

    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("Give both --tls-cert and --tls-key to serve over TLS, or neither.")
    # Refusals are logged under iro_desktop.receiver (ids and reasons only): show them with uvicorn's lines.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from datetime import timedelta

    from iro_desktop.sync.receiver.storage import RefusalLimits

    if args.keep_refusals_days < 1:
        raise UsageError("--keep-refusals-days must be 1 or more.")
    limits = RefusalLimits(keep=timedelta(days=args.keep_refusals_days))
    app = create_app(args.db, args.key_file, refusal_limits=limits)
    scheme = "https" if args.tls_cert else "http"
    print(f"Receiver key fingerprint: {app.state.signer.fingerprint}")
    print(f"Serving on {scheme}://{args.host}:{args.port} (database {_safe_url(args.db)})", flush=True)
    if scheme == "http" and args.host not in ("127.0.0.1", "::1", "localhost"):
        # Records and administrator tokens would cross the network readable: only behind a TLS proxy.
        print(
            "Warning: serving plain HTTP beyond this machine. In production give --tls-cert and "
            "--tls-key, or put a TLS proxy in front: records and administrator tokens must not cross a "
            "network unencrypted.",
            file=sys.stderr,
            flush=True,
        )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="info",
    )
    return 0


def _set_status(args, status: str, done: str) -> int:
    from iro_desktop.sync.receiver.accounts import decide_device
    from iro_desktop.sync.receiver.auth import Refused
    from iro_desktop.sync.receiver.plain import shown

    fingerprint = _fingerprint(args.fingerprint)
    try:
        device, iro = decide_device(_store(args), fingerprint, status, args.by, getattr(args, "iro", None))
    except (LookupError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    except Refused as exc:
        print(exc.reason, file=sys.stderr)
        return 1
    bound = f", IRO {shown(iro)}" if iro else ", no IRO (it receives no children)"
    print(f"{done} {device.fingerprint} ({shown(device.name) or 'unnamed device'}){bound}, by {args.by}.")
    return 0


def cmd_approve(args) -> int:
    from iro_desktop.sync.receiver.storage import APPROVED

    return _set_status(args, APPROVED, "Approved")


def cmd_revoke(args) -> int:
    from iro_desktop.sync.receiver.storage import REVOKED

    return _set_status(args, REVOKED, "Revoked")


def cmd_devices(args) -> int:
    from iro_desktop.sync.receiver.plain import shown
    from iro_desktop.sync.receiver.storage import aware

    devices = _store(args).devices()
    rows = [
        {
            "fingerprint": d.fingerprint,
            "status": d.status,
            "name": d.name,
            "enrolled_at": aware(d.enrolled_at).isoformat(timespec="seconds"),
            "decided_by": d.decided_by,
        }
        for d in devices
    ]
    if args.json:
        print(json.dumps(rows, indent=2))  # JSON escapes control characters itself
    elif not rows:
        print("No device has asked to enrol yet.")
    else:
        for row in rows:
            by = f"  (by {shown(row['decided_by'])})" if row["decided_by"] else ""
            print(f"{row['fingerprint']}  {row['status']:<8}  {row['enrolled_at']}  {shown(row['name'])}{by}")
    return 0


def _acting(args) -> str:
    from iro_desktop.sync.receiver.admin_log import by_cli

    return by_cli(args.by)


def _when(moment) -> str:
    from iro_desktop.sync.receiver.storage import aware

    return aware(moment).isoformat(timespec="seconds") if moment else ""


def _print_rows(args, rows: list[dict], empty: str, line) -> int:
    """rows as JSON (--json), else one line each by `line`, else `empty`."""
    if args.json:
        print(json.dumps(rows, indent=2))  # JSON escapes control characters itself
    elif not rows:
        print(empty)
    else:
        for row in rows:
            print(line(row))
    return 0


def cmd_iro_add(args) -> int:
    from iro_desktop.sync.receiver.accounts import add_iro

    iro = add_iro(_store(args), args.name, _acting(args))
    print(f"Added the IRO {iro.name}, by {args.by}. Approve their device with --iro.")
    return 0


def cmd_iro_rename(args) -> int:
    from iro_desktop.sync.receiver.accounts import rename_iro

    rename_iro(_store(args), args.name, args.new_name, _acting(args))
    print(f"Renamed the IRO {args.name} to {args.new_name}, by {args.by}.")
    return 0


def cmd_iro_active(args) -> int:
    from iro_desktop.sync.receiver.accounts import set_active

    active = args.iro_command == "activate"
    set_active(_store(args), args.name, active, _acting(args))
    print(f"{args.name} is {'active' if active else 'inactive'}, by {args.by}.")
    return 0


def cmd_iro_list(args) -> int:
    from iro_desktop.sync.receiver.accounts import iros
    from iro_desktop.sync.receiver.plain import shown

    rows = [
        {
            "name": iro.name,
            "active": iro.active,
            "devices": devices,
            "created_at": _when(iro.created_at),
            "created_by": iro.created_by,
        }
        for iro, devices in iros(_store(args))
    ]

    def line(r: dict) -> str:
        state = "active" if r["active"] else "inactive"
        added = f"added {r['created_at']} by {shown(r['created_by'])}"
        return f"{shown(r['name'])}  {state}  {r['devices']} device(s)  {added}"

    return _print_rows(args, rows, "No IRO has been added yet.", line)


def cmd_allocate(args) -> int:
    from iro_desktop.sync.receiver.allocations import RowsRefused, allocate, allocate_csv

    store = _store(args)
    if args.csv:
        if args.child_id or args.iro:
            raise UsageError("Give either CHILD_ID --iro NAME, or --csv FILE alone.")
        try:
            text = Path(args.csv).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"Cannot read {args.csv} as UTF-8 text: {exc.__class__.__name__}.") from None
        try:
            changed, unchanged = allocate_csv(store, text, _acting(args))
        except RowsRefused as exc:
            print(f"Nothing was allocated: {args.csv} has {len(exc.problems)} problem(s).", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print(f"Allocated {changed} child(ren) from {args.csv}; {unchanged} already so.")
        return 0
    if not (args.child_id and args.iro):
        raise UsageError("Give CHILD_ID --iro NAME, or --csv FILE.")
    held = allocate(store, args.child_id, args.iro, _acting(args))
    print(f"{held.child_id} is allocated to {held.iro}, by {args.by}.")
    return 0


def cmd_deallocate(args) -> int:
    from iro_desktop.sync.receiver.allocations import deallocate

    held = deallocate(_store(args), args.child_id, _acting(args))
    print(f"{held.child_id} is no longer allocated to {held.iro}, by {args.by}.")
    return 0


def cmd_allocations(args) -> int:
    from iro_desktop.sync.receiver.allocations import current
    from iro_desktop.sync.receiver.plain import shown

    rows = [held.as_json() for held in current(_store(args), args.iro)]
    line = lambda r: f"{shown(r['child_id']):<12}  {shown(r['iro'])}  since {r['since']}"  # noqa: E731
    return _print_rows(args, rows, "No child is allocated.", line)


def cmd_token_create(args) -> int:
    from iro_desktop.sync.receiver.accounts import create_token

    token = create_token(_store(args), args.name, _acting(args))
    print(f"Administrator token {args.name}, made by {args.by}. It is shown this once and never kept:")
    print(token)
    print("Give it to the system as `Authorization: Bearer <token>`, over HTTPS only.")
    return 0


def cmd_token_revoke(args) -> int:
    from iro_desktop.sync.receiver.accounts import revoke_token

    revoke_token(_store(args), args.name, _acting(args))
    print(f"Revoked the administrator token {args.name}, by {args.by}.")
    return 0


def cmd_tokens(args) -> int:
    from iro_desktop.sync.receiver.accounts import tokens
    from iro_desktop.sync.receiver.plain import shown

    rows = [
        {
            "name": t.name,
            "created_at": _when(t.created_at),
            "created_by": t.created_by,
            "last_used_at": _when(t.last_used_at) or None,
            "revoked_at": _when(t.revoked_at) or None,
        }
        for t in tokens(_store(args))
    ]

    def line(r: dict) -> str:
        used = f"last used {r['last_used_at']}" if r["last_used_at"] else "never used"
        revoked = f"  REVOKED {r['revoked_at']}" if r["revoked_at"] else ""
        return f"{shown(r['name'])}  made {r['created_at']} by {shown(r['created_by'])}  {used}{revoked}"

    return _print_rows(args, rows, "No administrator token has been made.", line)


def cmd_admin_log(args) -> int:
    from iro_desktop.sync.receiver.admin_log import entries
    from iro_desktop.sync.receiver.plain import shown

    rows = [
        {"at": _when(e.at), "actor": e.actor, "act": e.act, "subject": e.subject, "detail": e.detail}
        for e in entries(_store(args))
    ]

    def line(r: dict) -> str:
        detail = f"  ({shown(r['detail'])})" if r["detail"] else ""
        return f"{r['at']}  {shown(r['actor'])}  {r['act']}  {shown(r['subject'])}{detail}"

    return _print_rows(args, rows, "No administrative act has been logged yet.", line)


def cmd_trail(args) -> int:
    from iro_desktop.sync.receiver import trail
    from iro_desktop.sync.receiver.storage import aware

    store = _store(args)
    fingerprint = _fingerprint(args.fingerprint)
    if store.device(fingerprint) is None:
        print("No device with that fingerprint has asked to enrol.", file=sys.stderr)
        return 1
    head, events = trail.held(store, fingerprint), trail.events(store, fingerprint)
    if not head["entries"]:
        print(f"{fingerprint} has not sent its audit trail's head yet.")
    else:
        print(f"{fingerprint}: the receiver holds its audit trail up to entry {head['entries']}")
        print(f"  head hash {head['head_hash']}")
    for event in events:
        when = aware(event.at).isoformat(timespec="seconds")
        what = f"{event.from_entries} -> {event.to_entries} entries"
        print(f"  {when}  {event.kind:<8}  {what}  {event.detail}".rstrip())
    if events and events[0].kind == "refused":
        print(
            "The trail's last sync was refused: entries were cut or rewound on the device.", file=sys.stderr
        )
        return 1
    return 0


def cmd_export(args) -> int:
    from iro_desktop.sync.receiver.export import export_records
    from iro_desktop.sync.receiver.receipts import ReceiptSigner, default_key_file, load_key

    key_file = Path(args.key_file) if args.key_file else default_key_file(args.db)
    if not key_file.exists():
        raise UsageError(f"No receiver key at {key_file}: give --key-file as for `serve`.")
    signer = ReceiptSigner(load_key(key_file))
    written = export_records(_store(args), signer, _since(args.since), Path(args.out))
    records = sum(1 for p in written if p.name.endswith(".bundle.json"))
    print(f"Exported {records} record(s) received since {args.since} to {args.out}.")
    print(f"Check it with: iro-desktop verify {args.out} --receiver {signer.fingerprint}")
    return 0


def _since(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since {text!r} is not a date such as {date.today().isoformat()}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _account() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this user id (a container)
        return "unknown account"


def _safe_url(db_url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(db_url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iro-desktop-receiver", description="The council's receiver for IROs' signed review records."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, handler, help_text: str, under=commands) -> argparse.ArgumentParser:
        sub = under.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
        sub.set_defaults(handler=handler)
        return sub

    def acting(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--by", default=_account(), help="who does this, for the admin log (default: your account)"
        )
        return sub

    serve = command("serve", cmd_serve, "Serve the receiver over HTTP(S).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--tls-cert", help="PEM certificate chain: serve HTTPS")
    serve.add_argument("--tls-key", help="PEM private key of the certificate")
    serve.add_argument("--key-file", help="the receipt-signing key (default: beside the SQLite database)")
    serve.add_argument(
        "--keep-refusals-days",
        type=int,
        default=90,
        help="days the log of refused requests is kept (default 90; at most the newest 100,000 are kept)",
    )
    for name, handler, text in (
        ("approve", cmd_approve, "Approve a device's key after comparing its fingerprint with the IRO."),
        ("revoke", cmd_revoke, "Revoke a device's key: its requests are refused from now on."),
    ):
        decide = acting(command(name, handler, text))
        decide.add_argument("fingerprint", help="30 digits, spaces or dashes allowed")
    commands.choices["approve"].add_argument(
        "--iro", help="the IRO whose device this is: it receives that IRO's children (see `iro add`)"
    )
    command("devices", cmd_devices, "List enrolled devices.").add_argument("--json", action="store_true")
    _account_commands(commands, command, acting)
    trail = command(
        "trail",
        cmd_trail,
        "Show the head of a device's audit trail as held, and whether it was cut (exit 1).",
    )
    trail.add_argument("fingerprint", help="30 digits, spaces or dashes allowed")
    export = command(
        "export", cmd_export, "Write records received since a date, signed, for `iro-desktop verify`."
    )
    export.add_argument("--since", required=True, help="ISO date (UTC), e.g. 2026-11-01")
    export.add_argument("--out", required=True, help="folder to write into")
    export.add_argument("--key-file", help="the receipt-signing key (default: beside the SQLite database)")
    return parser


def _account_commands(commands, command, acting) -> None:
    """IROs, allocations, administrator tokens and the admin log."""
    iro = commands.add_parser(
        "iro", help="Add, rename, deactivate or list IROs.", description="IRO accounts."
    )
    iros = iro.add_subparsers(dest="iro_command", required=True)
    acting(command("add", cmd_iro_add, "Add an IRO by name.", iros)).add_argument("name")
    rename = acting(command("rename", cmd_iro_rename, "Rename an IRO.", iros))
    rename.add_argument("name")
    rename.add_argument("new_name")
    for name, text in (
        ("deactivate", "Make an IRO inactive: no child can be allocated to them (their history is kept)."),
        ("activate", "Make an inactive IRO active again."),
    ):
        acting(command(name, cmd_iro_active, text, iros)).add_argument("name")
    command("list", cmd_iro_list, "List IROs.", iros).add_argument("--json", action="store_true")

    allocate = acting(
        command("allocate", cmd_allocate, "Allocate a child to an IRO, or a CSV file's children.")
    )
    allocate.add_argument("child_id", nargs="?", help="the council's id for the child (903 CHILD)")
    allocate.add_argument("--iro", help="the IRO's name")
    allocate.add_argument("--csv", help="a CSV file with the columns child_id,iro: all of it, or none")
    deallocate = acting(command("deallocate", cmd_deallocate, "End a child's allocation."))
    deallocate.add_argument("child_id")
    listing = command("allocations", cmd_allocations, "List the children allocated now.")
    listing.add_argument("--iro", help="only this IRO's")
    listing.add_argument("--json", action="store_true")

    token = commands.add_parser(
        "admin-token", help="Create or revoke an administrator token.", description="Administrator tokens."
    )
    tokens = token.add_subparsers(dest="token_command", required=True)
    create = acting(command("create", cmd_token_create, "Create a token: it is shown once.", tokens))
    create.add_argument("--name", required=True, help="what uses it, e.g. the case system's name")
    acting(command("revoke", cmd_token_revoke, "Revoke a token by its name.", tokens)).add_argument("name")
    command(
        "admin-tokens", cmd_tokens, "List administrator tokens (never the tokens themselves)."
    ).add_argument("--json", action="store_true")
    command("admin-log", cmd_admin_log, "List every administrative act.").add_argument(
        "--json", action="store_true"
    )
    feed_cli.add_commands(command, acting)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # refused (a sentence), or the database could not be reached or opened
        from sqlalchemy.exc import SQLAlchemyError

        from iro_desktop.sync.receiver.auth import Refused

        if isinstance(exc, Refused):
            print(exc.reason, file=sys.stderr)
            return 1
        if not isinstance(exc, SQLAlchemyError):
            raise
        print(f"Cannot use the database {_safe_url(args.db)}: {exc.__class__.__name__}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
