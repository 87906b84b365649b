"""The `iro-desktop-receiver` command a council's administrator runs: serve, approve, revoke, devices,
trail, export. Whatever a device sent (its name) is printed escaped: it cannot forge a line or move the
cursor."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, date, datetime
from pathlib import Path

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
    from iro_desktop.sync.receiver.plain import shown

    fingerprint = _fingerprint(args.fingerprint)
    try:
        device = _store(args).set_status(fingerprint, status, by=args.by)
    except (LookupError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{done} {device.fingerprint} ({shown(device.name) or 'unnamed device'}), by {args.by}.")
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

    def command(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
        sub.set_defaults(handler=handler)
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
        decide = command(name, handler, text)
        decide.add_argument("fingerprint", help="30 digits, spaces or dashes allowed")
        decide.add_argument(
            "--by",
            default=_account(),
            help="who decides, for the signed enrolment list (default: your account)",
        )
    command("devices", cmd_devices, "List enrolled devices.").add_argument("--json", action="store_true")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # the database could not be reached or opened: say so, without a traceback
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, SQLAlchemyError):
            raise
        print(f"Cannot use the database {_safe_url(args.db)}: {exc.__class__.__name__}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
