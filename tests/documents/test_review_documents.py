"""The review record, decisions and letter to the child: what was minuted comes out as text, in order."""

from __future__ import annotations

import io
import unicodedata

import arabic_reshaper
from pypdf import PdfReader

from iro_desktop.documents.fonts import visual
from iro_desktop.services import documents as docs
from iro_desktop.services.finalise import open_correction
from iro_desktop.services.minutes import save_section, set_held_date
from tests.conftest import TODAY, first_review, sign_review
from tests.documents import gwenllian as g


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _in_order(text: str, *parts: str) -> bool:
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
    return True


def test_review_record_holds_what_was_minuted_in_order(store):
    review_id = g.add_gwenllian(store)
    text = _text(docs.render_review_document(store, review_id, "review_record", TODAY))
    assert _in_order(
        text,
        "Gwenllïan Ŵyn",
        "Who took part",
        g.MOTHER,
        g.CARER,
        g.SOCIAL_WORKER,
        "Came and spoke for themselves",
        "spoke with Gwenllïan alone",
        g.WISH,
        g.SECTION_TEXTS["changes"],
        "Contact with Zofia Wiśniewska is weekly.",
        g.SECTION_TEXTS["placement"],
        g.SECTION_TEXTS["health"],
        "Arrange contact with Llŷr every fortnight",
        "18 Dec 2026",
        g.IRO_VIEW,
        "19 May 2027",
        "Alex Example",
        "Distribution",
        g.FATHER,
    )


def test_arabic_and_urdu_names_are_text_joined_and_right_to_left(store):
    review_id = g.add_gwenllian(store)
    text = _text(docs.render_review_document(store, review_id, "review_record", TODAY))
    for name in (g.AUNT, g.GRANDMOTHER):
        joined = arabic_reshaper.reshape(name)
        assert joined != name and visual(name) == joined[::-1]  # drawn joined, right to left
        assert joined in text  # pypdf reads the right-to-left run back in reading order
        assert name in unicodedata.normalize("NFKC", text)


def test_same_content_gives_the_same_bytes(store):
    review_id = g.add_gwenllian(store)
    for kind in docs.REVIEW_DOCUMENTS:
        first = docs.render_review_document(store, review_id, kind, TODAY)
        assert first == docs.render_review_document(store, review_id, kind, TODAY)


def test_every_page_is_numbered_marked_and_identified(store):
    review_id = g.add_gwenllian(store)
    pdf = docs.render_review_document(store, review_id, "review_record", TODAY, record_id="R-signed-7")
    pages = PdfReader(io.BytesIO(pdf)).pages
    for n, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Page {n} of {len(pages)}" in text
        assert text.count("OFFICIAL-SENSITIVE") == 2
        assert "Record R-signed-7" in text and "Produced 25 Nov 2026" in text and "Example Borough" in text
        assert "DEMO" not in text


def test_metadata_is_set(store):
    review_id = g.add_gwenllian(store)
    reader = PdfReader(io.BytesIO(docs.render_review_document(store, review_id, "decisions", TODAY)))
    assert reader.metadata.title == "Decisions of the review of Gwenllïan Ŵyn"
    assert reader.metadata.author == "Alex Example"
    assert reader.metadata.subject == "Review 3"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_decisions_document_lists_each_decision_with_person_and_date(store):
    review_id = g.add_gwenllian(store)
    text = _text(docs.render_review_document(store, review_id, "decisions", TODAY))
    assert _in_order(
        text,
        "Decisions",
        "1. Arrange contact with Llŷr every fortnight",
        f"Who: {g.SOCIAL_WORKER}. By: 18 Dec 2026.",
        "2. Update the personal education plan",
        "15 Jan 2027",
        "Next review",
        "19 May 2027",
    )
    assert g.SECTION_TEXTS["placement"] not in text  # the decisions, not the full minutes


def test_letter_to_child_is_the_iros_edited_text(store):
    review_id = g.add_gwenllian(store)
    draft = docs.letter_text(store, review_id, TODAY)
    assert draft.startswith("Dear Gwenllïan,")
    assert f'You told me: "{g.WISH}"' in draft
    assert "Nguyễn Thị Hương, your social worker, will arrange contact with Llŷr every fortnight" in draft
    docs.save_letter_text(store, review_id, draft + "\n\nP.S. Good luck with the swimming gala!")
    text = _text(docs.render_review_document(store, review_id, "letter_to_child", TODAY))
    assert _in_order(
        text, "Dear Gwenllïan,", "You told me", "Good luck with the swimming gala!", "Alex Example"
    )


def test_demo_store_documents_say_demo_on_every_page(demo_store):


    review_id = first_review(demo_store, "held")
    pdf = docs.render_review_document(demo_store, review_id, "review_record", TODAY)
    assert all("DEMO" in page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# A child's words in Urdu, long enough to wrap over two lines of the record.
URDU_WORDS = (
    "میں اپنے اسکول میں رہنا چاہتا ہوں کیونکہ میرے دوست وہاں ہیں اور میری استانی بہت اچھی ہیں مجھے فٹبال"
    " کھیلنا پسند ہے اور میں ہر ہفتے اپنی نانی سے ملنا چاہتا ہوں"
).split()


def test_a_wrapped_urdu_passage_reads_from_the_top_line_down(store):
    """Visual order is applied to each line after wrapping; before, the passage's end was drawn first."""
    review_id = g.add_gwenllian(store)
    save_section(store, review_id, "identity", " ".join(URDU_WORDS))
    text = unicodedata.normalize(
        "NFKC", _text(docs.render_review_document(store, review_id, "review_record", TODAY))
    )
    passage = text[text.find(URDU_WORDS[0]) :]
    assert passage.count("\n") >= 1 and _in_order(passage, *URDU_WORDS)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_says_draft_until_the_review_is_signed(store):
    """The review record, the decisions and the letter carry DRAFT on every page while unsigned; the signed
    record does not. The agenda is a meeting paper and is never marked."""
    review_id = g.add_gwenllian(store)
    for kind in ("review_record", "decisions", "letter_to_child"):
        pages = _pages(docs.render_review_document(store, review_id, kind, TODAY))
        assert all("DRAFT: not yet signed" in page for page in pages), kind
    sign_review(store, review_id)
    for kind in ("review_record", "decisions", "letter_to_child"):
        signed = _pages(docs.render_review_document(store, review_id, kind, TODAY))
        assert not any("DRAFT" in page for page in signed), kind
    open_correction(store, review_id)  # the correction is a draft of the next version until it is signed
    assert "DRAFT" in _text(docs.render_review_document(store, review_id, "review_record", TODAY))


def test_a_planned_date_is_never_printed_as_the_day_the_review_was_held(store):
    review_id = g.add_gwenllian(store)
    set_held_date(store, review_id, None)
    text = _text(docs.render_review_document(store, review_id, "review_record", TODAY))
    assert "Planned for: 20 Nov 2026 (not yet held)" in text and "Held on" not in text
