"""The review told to the child in the second person: the IRO's own edited text, laid out as a letter."""

from __future__ import annotations

from iro_desktop.documents import layout
from iro_desktop.documents.content import LetterContent
from iro_desktop.documents.templates import Wording, load_wording


def render(
    content: LetterContent,
    withheld: frozenset[str] = frozenset(),
    recipient: str | None = None,
    wording: Wording | None = None,
) -> bytes:
    wording = wording or load_wording()
    st = layout.styles()
    letter = st["body"].clone("letter", fontSize=12, leading=17, spaceAfter=9)
    title = wording.say("titles", "letter_to_child", child=content.child_name)
    story = [layout.para(title, st["title"])]
    story += [layout.passage(p, letter, withheld, wording) for p in content.paragraphs]
    story.append(layout.signature_block(content.head, wording))
    return layout.build_pdf(content.head, wording, title, title, story, recipient)
