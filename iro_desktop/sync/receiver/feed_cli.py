"""The receiver's commands for the council's feed: load a 903 extract, publish details, raise and list
notices. Each act is in the admin log under the account that ran it (--by)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def cmd_load_903(args) -> int:
    from iro_desktop.sync.receiver.cli import _acting, _store
    from iro_desktop.sync.receiver.council_data import load_903
    from iro_desktop.sync.receiver.plain import shown

    loaded = load_903(_store(args), Path(args.source), _acting(args))
    for note in loaded.notes:
        print(shown(note))
    print(f"Published the 903 rows of {len(loaded.published)} child(ren); {loaded.unchanged} unchanged.")
    if loaded.refused:
        print(
            f"{len(loaded.refused)} row(s) were refused by the import's rules and not published:",
            file=sys.stderr,
        )
        for line in loaded.refused[:200]:
            print(f"  {shown(line)}", file=sys.stderr)
    return 0


def cmd_load_details(args) -> int:
    """A JSON file {child_id: details}: each child's checked first, then all published, or none."""
    from iro_desktop.sync.receiver import feed
    from iro_desktop.sync.receiver.allocations import checked_child
    from iro_desktop.sync.receiver.auth import Refused
    from iro_desktop.sync.receiver.cli import UsageError, _acting, _store
    from iro_desktop.sync.receiver.council_data import checked_details

    try:
        doc = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"Cannot read {args.file} as JSON: {exc.__class__.__name__}.") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{args.file} must hold a JSON object: each child's id and their details.")
    checked = {}
    for child_id, details in doc.items():
        try:
            checked[checked_child(child_id)] = checked_details(details)
        except Refused as exc:
            raise Refused(exc.status, f"Nothing was published: {child_id}: {exc.reason}") from None
    store, actor, published = _store(args), _acting(args), 0
    for child_id, details in checked.items():
        published += feed.publish_part(store, child_id, feed.DETAILS, details, actor) is not None
    print(f"Published the details of {published} child(ren); {len(checked) - published} unchanged.")
    return 0


def cmd_notice(args) -> int:
    from iro_desktop.sync.receiver.allocations import checked_child
    from iro_desktop.sync.receiver.cli import _acting, _store
    from iro_desktop.sync.receiver.feed import raise_notice

    details = Path(args.details_file).read_text(encoding="utf-8") if args.details_file else args.details
    raised = raise_notice(
        _store(args),
        checked_child(args.child_id),
        args.kind,
        args.summary,
        args.answer_by,
        _acting(args),
        details,
    )
    print(f"Notice {raised['id']} for {args.child_id}'s IRO, answer by {raised['answer_by']}, by {args.by}.")
    return 0


def cmd_notices(args) -> int:
    from iro_desktop.sync.receiver.cli import _print_rows, _store
    from iro_desktop.sync.receiver.feed import notices
    from iro_desktop.sync.receiver.feed_api import notice_json
    from iro_desktop.sync.receiver.plain import shown

    rows = [notice_json(n) for n in notices(_store(args), args.open)]

    def line(r: dict) -> str:
        answer = f"answered {r['answer']} on {r['answered_on']}" if r["answer"] else "open"
        summary = f"{shown(r['child_id']):<12}  {r['kind']:<20}  by {r['answer_by']}  {answer}"
        return f"{r['id']}  {summary}  {shown(r['summary'])}"

    return _print_rows(args, rows, "No notice.", line)


def add_commands(command, acting) -> None:
    from iro_desktop.sync.protocol import NOTICE_KINDS

    load = acting(command("load-903", cmd_load_903, "Publish each child's changed 903 rows from an extract."))
    load.add_argument(
        "source", help="a folder of 903 CSV files (header, episodes, reviews) or a 903 XML file"
    )
    details = acting(
        command("load-details", cmd_load_details, "Publish children's names, placement and people from JSON.")
    )
    details.add_argument(
        "file", help='a JSON file: {"CHILD_ID": {"child": {...}, "placement": {...}, "people": [...]}}'
    )
    notice = acting(command("notice", cmd_notice, "Tell a child's IRO of something needing their answer."))
    notice.add_argument("child_id")
    notice.add_argument("--kind", required=True, choices=list(NOTICE_KINDS))
    notice.add_argument("--summary", required=True, help="one line the IRO sees in their inbox")
    notice.add_argument(
        "--answer-by", required=True, help="the date the IRO's answer is needed by, YYYY-MM-DD"
    )
    notice.add_argument("--details", default="", help="more, for the IRO")
    notice.add_argument("--details-file", help="the details from a UTF-8 text file")
    listing = command("notices", cmd_notices, "List notices and their answers.")
    listing.add_argument("--open", action="store_true", help="only those not yet answered")
    listing.add_argument("--json", action="store_true")
