"""The full record of a review: every section as minuted, in the order the meeting took them."""

from __future__ import annotations

from reportlab.platypus import Flowable

from iro_desktop.documents import layout
from iro_desktop.documents.content import RecipientLine, ReviewContent
from iro_desktop.documents.templates import Wording, load_wording
from iro_desktop.domain.calendar import format_date


def details(content: ReviewContent, wording: Wording, withheld: frozenset[str]) -> list[Flowable]:
    """Who the review was for, which review, when and where: the top of the record and of the decisions."""
    st = layout.styles()
    say = wording.say
    if content.held_on:  # a planned date is never printed as the day the review was held
        when = f"{say('labels', 'held_on')}: {format_date(content.held_on)}"
    elif content.planned_on:
        planned = say("labels", "not_held", date=format_date(content.planned_on))
        when = f"{say('labels', 'planned_for')}: {planned}"
    else:
        when = f"{say('labels', 'held_on')}: {say('labels', 'not_set')}"
    story = [
        layout.para(f"{say('labels', 'child')}: {content.child_name}", st["body"]),
        layout.para(f"{say('labels', 'date_of_birth')}: {format_date(content.dob)}", st["body"]),
        layout.para(f"{say('labels', 'review')}: {content.review_label}", st["body"]),
        layout.para(when, st["body"]),
    ]
    if content.venue is not None:
        shown = f"{say('labels', 'venue')}: {content.venue.text}"
        story.append(
            layout.passage(type(content.venue)(content.venue.key, shown), st["body"], withheld, wording)
        )
    return story


def attendance(content: ReviewContent, wording: Wording) -> list[Flowable]:
    st = layout.styles()
    names = {"first_name": content.first_name}
    story = [layout.para(wording.say("headings", "attendance", **names), st["heading"])]
    story += [layout.para(f"{a.name} ({a.role}): {a.attendance}", st["body"]) for a in content.attendance]
    if not content.attendance:
        story.append(layout.para(wording.say("labels", "not_recorded"), st["withheld"]))
    return story


def decisions(content: ReviewContent, wording: Wording, withheld: frozenset[str]) -> list[Flowable]:
    st = layout.styles()
    story = [layout.para(wording.say("headings", "decisions"), st["heading"])]
    if not content.decisions:
        story.append(layout.para(wording.say("labels", "no_decisions"), st["body"]))
    for d in content.decisions:
        if d.key in withheld:
            story.append(layout.para(wording.say("common", "withheld"), st["withheld"]))
            continue
        due = format_date(d.due) if d.due else wording.say("labels", "not_set")
        story.append(layout.para(f"{d.number}. {d.action}", st["subheading"]))
        story.append(layout.para(wording.say("labels", "decision_by", person=d.person, due=due), st["body"]))
    return story


def overrides(content: ReviewContent, wording: Wording) -> list[Flowable]:
    """The finalising checks the IRO signed past, each with the reason given."""
    if not content.overrides:
        return []
    st = layout.styles()
    story = [layout.para(wording.say("labels", "overrides_heading"), st["heading"])]
    story += [
        layout.para(wording.say("labels", "override", warning=o.warning, reason=o.reason), st["body"])
        for o in content.overrides
    ]
    return story


def next_review(content: ReviewContent, wording: Wording) -> list[Flowable]:
    st = layout.styles()
    line = (
        wording.say("labels", "next_review_on", date=format_date(content.next_review))
        if content.next_review
        else wording.say("labels", "next_review_unset")
    )
    return [layout.para(wording.say("headings", "next_review"), st["heading"]), layout.para(line, st["body"])]


def distribution(
    recipients: tuple[RecipientLine, ...], wording: Wording, withheld: frozenset[str]
) -> list[Flowable]:
    st = layout.styles()
    if not recipients:
        return []
    story = [layout.para(wording.say("common", "distribution_heading"), st["heading"])]
    for r in recipients:
        story.append(layout.para(f"{r.name} ({r.role})", st["small"]))
        if r.address is not None:
            story.append(layout.passage(r.address, st["small"], withheld, wording))
    return story


def _story(content: ReviewContent, wording: Wording, withheld: frozenset[str]) -> list[Flowable]:
    st = layout.styles()
    say = wording.say
    names = {"first_name": content.first_name}
    story: list[Flowable] = [
        layout.para(say("titles", "review_record", child=content.child_name), st["title"])
    ]
    story.append(layout.para(say("headings", "details"), st["heading"]))
    story += details(content, wording, withheld)
    story += attendance(content, wording)
    story.append(layout.para(say("headings", "participation", **names), st["heading"]))
    story.append(layout.para(content.participation, st["body"]))
    story.append(layout.para(say("headings", "private_conversation", **names), st["heading"]))
    story.append(layout.para(content.private_conversation, st["body"]))
    story.append(layout.para(say("headings", "wishes", **names), st["heading"]))
    if not content.wishes:
        story.append(layout.para(say("labels", "no_wishes"), st["body"]))
    for w in content.wishes:
        if w.key in withheld:
            story.append(layout.para(say("common", "withheld"), st["withheld"]))
            continue
        story.append(layout.para(f"{format_date(w.recorded_on)}, {w.how}:", st["small"]))
        story.append(layout.para(f"“{w.words}”", st["quote"]))
    story.append(layout.para(say("headings", "sections"), st["heading"]))
    for section in content.sections:
        story.append(layout.para(section.label, st["subheading"]))
        if not section.paragraphs:
            story.append(layout.para(say("labels", "not_minuted"), st["withheld"]))
        story += [layout.passage(p, st["body"], withheld, wording) for p in section.paragraphs]
    story += decisions(content, wording, withheld)
    story.append(layout.para(say("headings", "iro_view"), st["heading"]))
    if content.iro_view is not None:
        story.append(layout.passage(content.iro_view, st["body"], withheld, wording))
    else:
        story.append(layout.para(wording.say("labels", "not_recorded"), st["withheld"]))
    story += next_review(content, wording)
    story += overrides(content, wording)
    story.append(layout.signature_block(content.head, wording))
    story += distribution(content.distribution, wording, withheld)
    return story


def render(
    content: ReviewContent,
    withheld: frozenset[str] = frozenset(),
    recipient: str | None = None,
    wording: Wording | None = None,
) -> bytes:
    """The record as PDF bytes; passages whose keys are in `withheld` are left out of this copy."""
    wording = wording or load_wording()
    return build(content, "review_record", _story(content, wording, withheld), wording, recipient)


def build(
    content: ReviewContent, title_key: str, story: list, wording: Wording, recipient: str | None
) -> bytes:
    """A review's document (the record, or its decisions alone) under its title, as PDF bytes."""
    title = wording.say("titles", title_key, child=content.child_name)
    return layout.build_pdf(content.head, wording, title, content.review_label, story, recipient)
