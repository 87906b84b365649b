"""A fictional child, Gwenllïan Ŵyn, whose family's names are in the languages the documents must print."""

from __future__ import annotations

from datetime import date

from iro_desktop.store.models import Attendance, Child, Decision, Person, Review, ReviewSection, WishEntry

MOTHER = "Zofia Wiśniewska"  # Polish
FATHER = "Ștefan Popescu"  # Romanian
CARER = "Ayşe Yılmaz"  # Turkish
SOCIAL_WORKER = "Nguyễn Thị Hương"  # Vietnamese
AUNT = "فاطمة الزهراء"  # Arabic
GRANDMOTHER = "عائشہ خان"  # Urdu
CARER_ADDRESS = "12 Heol y Dŵr, Caerdydd CF10 1AA"
WISH = "Dw i eisiau gweld fy mrawd Llŷr yn amlach. I want to see my brother more."
SECTION_TEXTS = {
    "changes": "Gwenllïan moved school in September and has settled well.",
    "contact": f"Contact with {MOTHER} is weekly.\n\nContact with {AUNT} is monthly, at her home.",
    "placement": f"The placement with {CARER} meets Gwenllïan's needs and keeps her safe.",
    "health": "Her health assessment was done on 2 Oct 2026; she saw the dentist in October.",
}
IRO_VIEW = "The care plan meets Gwenllïan's needs; contact with her brother must increase."


def add_gwenllian(store) -> int:
    """Add the child, her family and one held review to `store`; returns the review id."""
    with store.session() as s:
        child = Child(child_ref="GW1", first_name="Gwenllïan", last_name="Ŵyn", dob=date(2015, 3, 9))
        people = {
            "mother": Person(
                role="parent",
                name=MOTHER,
                has_parental_responsibility=True,
                address="4 Ulica Długa, Swansea SA1 1AA",
            ),
            "father": Person(role="parent", name=FATHER, has_parental_responsibility=True),
            "carer": Person(role="carer", name=CARER, address=CARER_ADDRESS),
            "sw": Person(role="social_worker", name=SOCIAL_WORKER, organisation="Example Borough"),
            "aunt": Person(role="other", name=AUNT, relationship_to_child="Aunt"),
            "grandmother": Person(role="pr_holder", name=GRANDMOTHER, has_parental_responsibility=True),
        }
        child.people.extend(people.values())
        review = Review(
            number=3,
            status="held",
            planned_date=date(2026, 11, 20),
            held_date=date(2026, 11, 20),
            venue=CARER_ADDRESS,
            participation_code="PN1",
            spoke_alone=True,
            spoke_alone_date=date(2026, 11, 20),
            spoke_alone_place="the carers' garden",
            iro_view=IRO_VIEW,
            next_review_date=date(2027, 5, 19),
        )
        child.reviews.append(review)
        s.add(child)
        s.flush()
        for key, text in SECTION_TEXTS.items():
            review.sections.append(ReviewSection(key=key, text=text))
        for who, attended in (
            ("mother", "present"),
            ("carer", "present"),
            ("sw", "present"),
            ("aunt", "present"),
            ("grandmother", "sent_views"),
        ):
            p = people[who]
            review.attendance.append(
                Attendance(person_id=p.id, name=p.name, role=p.role, attendance=attended)
            )
        s.add(
            WishEntry(
                child_id=child.id,
                review_id=review.id,
                recorded_on=date(2026, 11, 20),
                how_obtained="private_conversation",
                words=WISH,
                agreed_to_share=True,
            )
        )
        s.add(
            Decision(
                child_id=child.id,
                review_id=review.id,
                number=1,
                action="Arrange contact with Llŷr every fortnight",
                person_responsible=SOCIAL_WORKER,
                due_date=date(2026, 12, 18),
            )
        )
        s.add(
            Decision(
                child_id=child.id,
                review_id=review.id,
                number=2,
                action="Update the personal education plan",
                person_responsible="Designated teacher",
                due_date=date(2027, 1, 15),
            )
        )
        return review.id


def render_pictures(out, today) -> None:
    """For `make screenshots`: the first page of every kind of document, as PNG (the README shows two)."""
    import subprocess
    import tempfile
    from pathlib import Path

    from iro_desktop.documents.agenda import render_agenda
    from iro_desktop.services import challenge_letters, challenges
    from iro_desktop.services import documents as docs
    from iro_desktop.services.review_prep import review_pack
    from iro_desktop.store import create_store
    from iro_desktop.store.keys import TEST_KDF
    from iro_desktop.store.models import Review

    def first_page(pdf: bytes, name: str) -> None:
        command = [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-",
            str(Path(out) / name),
        ]
        subprocess.run(command, input=pdf, check=True)

    with tempfile.TemporaryDirectory() as tmp:
        store = create_store(
            Path(tmp) / "g.db",
            "screenshots-only-passphrase",
            kdf=TEST_KDF,
            iro_name="Alex Example",
            council_name="Example Borough",
        )
        review_id = add_gwenllian(store)
        draft = docs.render_review_document(store, review_id, "review_record", today)
        first_page(draft, "review_record_draft")
        from tests.conftest import sign_review

        sign_review(store, review_id)  # the README shows the documents as sent, after signing
        for kind in docs.REVIEW_DOCUMENTS:
            first_page(docs.render_review_document(store, review_id, kind, today), kind)
        first_page(
            render_agenda(review_pack(store, review_id, today), "Example Borough", "Alex Example", today),
            "agenda",
        )
        with store.session() as s:
            child_id = s.get(Review, review_id).child_id
        concern = challenges.raise_concern(
            store,
            child_id,
            "contact",
            "Contact with Llŷr has not happened since September.",
            today,
            expected="Fortnightly contact",
        )
        challenges.escalate(store, concern, "stage_1", today)
        first_page(challenge_letters.render_letter(store, concern, today), "challenge_letter")
        first_page(challenge_letters.render_letter(store, concern, today, stage="cafcass"), "cafcass_summary")
        store.close()
