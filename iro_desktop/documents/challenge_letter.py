"""Letters for each stage of the dispute resolution process, and the Cafcass referral summary.

The layout, letterhead and signature block are here; the wording is a plain first draft in
resources/templates/documents.toml, refined by the challenges issue.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from iro_desktop.documents import layout, review_record
from iro_desktop.documents.content import ChallengeContent
from iro_desktop.documents.templates import Wording, load_wording
from iro_desktop.domain.calendar import format_date

STAGES = ("informal", "stage_1", "stage_2", "stage_3", "stage_4", "cafcass")


def _letter(content: ChallengeContent, wording: Wording, withheld: frozenset[str]) -> list[Flowable]:
    st = layout.styles()
    say = wording.say
    stage_label = say("challenge", content.stage)
    story: list[Flowable] = [
        layout.para(
            say("titles", "challenge_letter", stage_label=stage_label, child=content.child_name), st["title"]
        ),
        layout.para(say("challenge", "greeting", addressee=content.addressee), st["body"]),
        layout.para(
            say(
                "challenge",
                "opening",
                child=content.child_name,
                dob=format_date(content.dob),
                stage_label_lower=stage_label[0].lower() + stage_label[1:],
                raised_on=format_date(content.raised_on),
            ),
            st["body"],
        ),
        layout.para(say("challenge", "concern_heading"), st["heading"]),
        layout.para(content.issue, st["subheading"]),
        layout.passage(content.details, st["body"], withheld, wording),
    ]
    due = content.response_due
    story.append(
        layout.para(
            say("challenge", "request", response_due=format_date(due))
            if due
            else say("challenge", "request_no_date"),
            st["body"],
        )
    )
    story.append(layout.para(say("challenge", "closing"), st["body"]))
    return story


def _cafcass(content: ChallengeContent, wording: Wording, withheld: frozenset[str]) -> list[Flowable]:
    st = layout.styles()
    say = wording.say
    story: list[Flowable] = [
        layout.para(say("titles", "cafcass_referral", child=content.child_name), st["title"]),
        layout.para(say("cafcass", "heading_child"), st["heading"]),
        layout.para(f"{say('labels', 'child')}: {content.child_name}", st["body"]),
        layout.para(f"{say('labels', 'date_of_birth')}: {format_date(content.dob)}", st["body"]),
        layout.para(say("cafcass", "heading_concern"), st["heading"]),
        layout.para(f"{content.issue} ({format_date(content.raised_on)})", st["subheading"]),
        layout.passage(content.details, st["body"], withheld, wording),
        layout.para(say("cafcass", "heading_history"), st["heading"]),
    ]
    for line in content.history:
        when = format_date(line.on) if line.on else say("labels", "not_set")
        story.append(layout.para(f"{line.label}: {when}", st["body"]))
    story.append(layout.para(say("cafcass", "heading_reason"), st["heading"]))
    story.append(layout.para(say("cafcass", "reason", child=content.child_name), st["body"]))
    return story


def render(
    content: ChallengeContent,
    withheld: frozenset[str] = frozenset(),
    recipient: str | None = None,
    wording: Wording | None = None,
) -> bytes:
    """A stage letter, or the Cafcass summary when content.stage is "cafcass"."""
    wording = wording or load_wording()
    if content.stage not in STAGES:
        raise ValueError(f"There is no dispute resolution stage called {content.stage!r}.")
    build = _cafcass if content.stage == "cafcass" else _letter
    story = build(content, wording, withheld)
    story.append(layout.signature_block(content.head, wording))
    story += review_record.distribution(content.distribution, wording, withheld)
    title = (
        wording.say("titles", "cafcass_referral", child=content.child_name)
        if content.stage == "cafcass"
        else wording.say(
            "titles",
            "challenge_letter",
            stage_label=wording.say("challenge", content.stage),
            child=content.child_name,
        )
    )
    return layout.build_pdf(
        content.head, wording, title, wording.say("challenge", content.stage), story, recipient
    )
