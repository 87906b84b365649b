"""A fictional demo caseload: about 60 looked after children whose histories exercise every rule.

Every date counts back from `today`, so the demo shows the same realistic mix (new entrants, reviews
due soon, overdue reviews, a late review in the past, short breaks, adoption, children who came back
into care or left it) whatever day it is built, and the same (today, seed) always gives the same data.

Everything is invented. Postcodes use the area "XB", which does not exist; phone numbers come from the
Ofcom ranges kept for drama (01632 960xxx, 07700 900xxx); e-mail addresses use example.org.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iro_desktop.domain.calendar import WorkingCalendar, add_months
from iro_desktop.domain.codes import PERSON_ROLES, age_on
from iro_desktop.domain.review_states import ReviewState
from iro_desktop.domain.timescales import (
    CareHistory,
    Cycle,
    Status,
    TimescaleSettings,
    next_review_due,
    review_status,
)
from iro_desktop.problems import Problem
from iro_desktop.services.challenge_events import append_event
from iro_desktop.store import Store
from iro_desktop.store.models import (
    Challenge,
    Child,
    CouncilNotice,
    CouncilValue,
    Decision,
    Difference,
    Episode,
    PeriodOfCare,
    Person,
    Profile,
    Review,
    WishEntry,
)

# The demo store's passphrase is published on purpose: the demo must never hold real data.
DEMO_PASSPHRASE = "demo-caseload-not-for-real-data"
DEMO_IRO_NAME = "Alex Example"
DEMO_COUNCIL = "Example Borough Council"
DEFAULT_SIZE = 60


def demo_passphrase() -> str:
    """The fixed passphrase of the demo store. It is public, so never put real children in a demo store."""
    return DEMO_PASSPHRASE


DEMO_SIGNED_REVIEWS = 5  # finalised and signed, waiting in the outbox, so sync can be tried at once
_MINUTED_HERE_WD = 25  # a child's last review held this recently was minuted in the app (older: 903 data)


def populate_demo(store: Store, today: date, seed: int = 7, size: int = DEFAULT_SIZE) -> None:
    """Fill an empty store with `size` fictional children, in one transaction."""
    rng = random.Random(seed)
    with store.session() as s:
        if s.scalar(select(func.count(Child.id))):
            raise Problem("The demo caseload can only be added to an empty store.")
        _set_profile(s)
        slots = _plan(size, rng)
        builder = _Builder(s, today, rng)
        for number, slot in enumerate(slots, start=1):
            builder.add_child(number, slot)
        _council_feed(s, today, random.Random(seed))
    from iro_desktop.services.finalise import finalise_demo_reviews  # signing needs the rows committed

    finalise_demo_reviews(store, today, count=DEMO_SIGNED_REVIEWS)


def _set_profile(s: Session) -> None:
    profile = s.get(Profile, 1)
    if profile is None:
        profile = Profile(id=1)
        s.add(profile)
    profile.iro_name, profile.council_name, profile.is_demo = DEMO_IRO_NAME, DEMO_COUNCIL, True


def _council_feed(s: Session, today: date, rng: random.Random) -> None:
    """What the council's feed might have left: a notice to answer within 3 working days, one answered
    and delivered, and a social worker's phone the council has differently. Rows only: no feed position is
    claimed, so a real sync still starts from the beginning."""
    cal = WorkingCalendar()
    looked_after = select(Child).join(PeriodOfCare).where(PeriodOfCare.end_date.is_(None)).order_by(Child.id)
    first, second, third = s.scalars(looked_after).unique().all()[:3]

    def notice(child: Child, kind: str, summary: str, details: str, raised: int, due: int) -> CouncilNotice:
        row = CouncilNotice(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), child_id=child.id, kind=kind,
            summary=summary.format(name=child.display_name), details=details,
            raised_on=cal.add_working_days(today, -raised), answer_by=cal.add_working_days(today, due),
            raised_by=f"{DEMO_COUNCIL}, placements team",
        )
        s.add(row)
        return row

    notice(first, "placement_end", "The carers have given notice: {name}'s placement is proposed to end",
           "The foster carers gave 28 days' notice after a change in their own family. The placements team "
           "proposes a move to another foster home in the same school area.", raised=2, due=3)
    answered = notice(second, "care_plan_change", "A proposed change to {name}'s contact plan",
                      "Contact with the father moves from weekly to fortnightly, supervised, at the "
                      "social worker's proposal.", raised=9, due=-2)
    answered.answer, answered.answer_note = "acknowledged", ""
    answered.answered_on = cal.add_working_days(today, -7)
    answered.answer_state = "delivered"
    worker = next(p for p in third.people if p.role == "social_worker")
    worker.council_ref = f"SW{third.id:04d}"
    subject, council_phone = f"person:{worker.council_ref}", f"07700 900{rng.randint(0, 499):03d}"
    if council_phone == worker.phone:  # 000-499 here: 999 differs
        council_phone = "07700 900999"
    s.add(CouncilValue(child_id=third.id, subject=subject, field="phone", value=council_phone))
    label = f"{worker.name} ({PERSON_ROLES['social_worker'].lower()})"
    s.add(Difference(child_id=third.id, subject=subject, subject_label=label, field="phone",
                     council_value=council_phone, your_value=worker.phone, seq=0,
                     raised_at=datetime.combine(cal.add_working_days(today, -1), time(9))))


# --- the mix of histories ----------------------------------------------------------------------

# How many children of each kind a 60-child demo holds; the rest are "on_track".
_MIX = {
    "new": 4,  # came into care in the last 20 working days, first review not yet due (T1)
    "new_overdue": 1,  # came into care 30 working days ago, first review not held (T1 missed)
    "due_10wd": 6,  # with the new entrants, about 8 due within 10 working days
    "due_20wd": 4,  # with the new entrants and the early review, about 7 within 20
    "overdue": 3,  # last review more than 6 months ago (T3)
    "overdue_second": 2,  # only one review, held more than 3 months ago (T2)
    "late_history": 2,  # on track now, but one earlier review was held late
    "early_review": 1,  # the IRO asked for an early review (T4)
    "short_breaks": 4,  # V3/V4 (T8)
    "adoption_placed": 1,  # T10
    "adoption_authorised": 1,  # T9
    "placement_order": 1,  # E1, still on the standard cycle until the IRO switches it
    "returned": 2,  # left care and came back: a second period of care
    "left_care": 2,  # not looked after any more
}
# Kinds with a held review in the current period, so decisions and challenges can hang off it.
_REVIEWED_NOW = {"due_10wd", "due_20wd", "overdue", "overdue_second", "late_history", "on_track", "returned"}
_OVERDUE_ACTIONS = 8
_CHALLENGE_VARIANTS = (
    "informal_drift",
    "informal_contact",
    "stage1_waiting",
    "stage1_overdue",
    "resolved",
    "stage2_escalated",
)
# Share of children in each kind with their next review already booked.
_BOOKED_SHARE = {"new": 0.8, "new_overdue": 1.0, "due_10wd": 0.9, "due_20wd": 0.8, "overdue": 0.5}
_BOOKED_SHARE_OTHERWISE = 0.45


@dataclass
class _Slot:
    kind: str
    overdue_action: bool = False
    challenge: str | None = None


def _scaled(count: int, size: int) -> int:
    return max(1, round(count * size / DEFAULT_SIZE))


def _plan(size: int, rng: random.Random) -> list[_Slot]:
    """The kinds of history, shuffled so the child refs do not group by kind."""
    kinds = [kind for kind, count in _MIX.items() for _ in range(_scaled(count, size))][:size]
    kinds += ["on_track"] * (size - len(kinds))
    rng.shuffle(kinds)
    slots = [_Slot(kind) for kind in kinds]
    eligible = [slot for slot in slots if slot.kind in _REVIEWED_NOW]
    for slot in rng.sample(eligible, min(len(eligible), _scaled(_OVERDUE_ACTIONS, size))):
        slot.overdue_action = True
    for slot, variant in zip(rng.sample(eligible, min(len(eligible), len(_CHALLENGE_VARIANTS))),
                             _CHALLENGE_VARIANTS, strict=False):
        slot.challenge = variant
    return slots


# --- invented names, places and people ----------------------------------------------------------


@dataclass(frozen=True)
class _Heritage:
    ethnicity: str  # 903 ETHNIC code
    language: str
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]


_HERITAGES = (
    _Heritage("WBRI", "English", ("Ruby", "Poppy", "Evie", "Lily", "Skye", "Isla", "Darcy", "Millie"),
              ("Leon", "Alfie", "Harvey", "Reggie", "Tyler", "Finley", "Ollie", "Connor"),
              ("Kirsty", "Donna", "Leanne", "Jodie"), ("Darren", "Craig", "Wayne", "Lee"),
              ("Ashdown", "Fenwick", "Pennick", "Holloway", "Brindle", "Kettley", "Marchbank", "Tolley")),
    _Heritage("WBRI", "Welsh", ("Siân", "Cerys", "Megan"), ("Dafydd", "Rhys", "Osian"),
              ("Bethan", "Rhiannon"), ("Gethin", "Huw"), ("Pritchard", "Llewellyn", "Bevan")),
    _Heritage("WIRI", "English", ("Aoife", "Niamh", "Ciara"), ("Oisín", "Cian", "Darragh"),
              ("Siobhan", "Orla"), ("Declan", "Ciaran"), ("Brennan", "Doherty", "Callaghan")),
    _Heritage("WOTH", "Polish", ("Maja", "Zofia", "Lena"), ("Bartłomiej", "Tomasz", "Kacper"),
              ("Agnieszka", "Magda"), ("Piotr", "Marek"), ("Nowak", "Mazur", "Wójcik")),
    _Heritage("WOTH", "Romanian", ("Ioana", "Elena", "Daria"), ("Andrei", "Mihai", "Luca"),
              ("Simona", "Raluca"), ("Florin", "Vasile"), ("Popescu", "Dumitru", "Stanciu")),
    _Heritage("OOTH", "Turkish", ("Zeynep", "Elif", "Defne"), ("Yusuf", "Emir", "Kerem"),
              ("Ayşe", "Hülya"), ("Mehmet", "Serkan"), ("Yılmaz", "Demir", "Aydın")),
    _Heritage("BAFR", "English", ("Amara", "Precious", "Chioma", "Adaeze"),
              ("Kofi", "Oluwatobiloba", "Chidi", "Emeka"),
              ("Grace", "Ngozi", "Abena"), ("Samuel", "Kwame"), ("Okafor", "Adeyemi", "Mensah", "Nwosu")),
    _Heritage("BAFR", "Somali", ("Hodan", "Sagal", "Nimco"), ("Abdirahman", "Bilal", "Guled"),
              ("Fadumo", "Hibo"), ("Ahmed", "Hassan"), ("Warsame", "Jama", "Nur")),
    _Heritage("BCRB", "English", ("Aaliyah", "Jada", "Shanice"), ("Tyrese", "Marcus", "Jordan"),
              ("Paulette", "Marcia"), ("Delroy", "Winston"), ("Samuels", "Francis", "Grant")),
    _Heritage("MWBC", "English", ("Mia", "Keira", "Nevaeh"), ("Kai", "Riley", "Jayden"),
              ("Stacey", "Gemma"), ("Andre", "Dean"), ("Bennett", "Walker", "Hughes")),
    _Heritage("APKN", "Urdu", ("Ayesha", "Zara", "Maryam"), ("Hamza", "Ibrahim", "Zayn"),
              ("Nasreen", "Shabana"), ("Imran", "Tariq"), ("Hussain", "Akhtar", "Rashid")),
    _Heritage("ABAN", "Bengali (Sylheti)", ("Nusrat", "Tahmina", "Sumaiya"), ("Rayhan", "Arif", "Tanvir"),
              ("Rokeya", "Shirin"), ("Jamal", "Abdul"), ("Uddin", "Miah", "Rahman")),
    _Heritage("AIND", "Punjabi", ("Priya", "Anika", "Simran"), ("Arjun", "Rohan", "Dev"),
              ("Kiran", "Meena"), ("Sanjay", "Harjit"), ("Sandhu", "Mistry", "Bains")),
    _Heritage("AOTH", "Vietnamese", ("Thi Lan", "Linh", "Thu Trang"), ("Van Duc", "Minh", "Bao"),
              ("Hoa", "Thuy"), ("Tuan", "Hung"), ("Nguyen", "Tran", "Pham")),
    _Heritage("CHNE", "Cantonese", ("Mei", "Xinyi", "Yuxi"), ("Jun", "Hao", "Zihan"),
              ("Wen", "Li Ying"), ("Wei", "Jian"), ("Chen", "Zhou", "Lam")),
)
# Names children are known by when it is not their first name.
_KNOWN_AS = {"Bartłomiej": "Bartek", "Thi Lan": "Lan", "Van Duc": "Duc", "Oluwatobiloba": "Tobi",
             "Abdirahman": "Abdi"}
_PETS = ("Biscuit", "Luna", "Pepper", "Simba", "Bubbles", "Mango")

# Social workers and their teams; the disabled children's team holds the short-break children.
_DISABLED_TEAM = "Disabled Children's Team"
_TEAM_MANAGERS = {
    "Children in Care Team North": "Ruth Adebayo",
    "Children in Care Team South": "Colin Hartnell",
    _DISABLED_TEAM: "Marisa Costa",
}
_SOCIAL_WORKERS = (
    ("Hannah Osei", "Children in Care Team North"),
    ("Gareth Pryce", "Children in Care Team North"),
    ("Sunil Varma", "Children in Care Team North"),
    ("Ewa Zielińska", "Children in Care Team South"),
    ("Tom Ridley", "Children in Care Team South"),
    ("Farah Qureshi", "Children in Care Team South"),
    ("Joel Ambrose", _DISABLED_TEAM),
    ("Niamh Gallagher", _DISABLED_TEAM),
)
_GUARDIANS = ("Sophie Anand", "Martin Okello", "Judith Penrose")
_ADVOCATES = ("Jordan Pike", "Amina Sheikh")
_ADVOCACY = "Speak Up Example (advocacy service)"
_PAEDIATRICIAN = "Dr Nisha Rao"
# School, designated teacher, first and last age at the school.
_SCHOOLS = (
    ("Fernhill Primary School", "Mrs Carol Ashby", 5, 10),
    ("St Brigid's RC Primary School", "Mr Owen Tate", 5, 10),
    ("Kingsmead Academy", "Ms Priti Lal", 11, 16),
    ("Northgate High School", "Mr Dean Whitcombe", 11, 16),
)
_SPECIAL_SCHOOL = ("Hollybank School", "Mrs Janet Ormerod")

_FOSTER_CARERS = (
    "Mr and Mrs Okafor", "Ms Jade Whitlock", "Mr and Mrs Kowalczyk", "Mr Dean and Mr Carl Ashworth",
    "Mrs Margaret Finch", "Mr and Mrs Hussain", "Ms Bev Lomax", "Mr and Mrs Adeyemi-Clarke",
    "Mr and Mrs Thornbury", "Ms Tanya Reece and Ms Lou Garner", "Mr and Mrs Mensah", "Mrs Shirley Doyle",
)
_SHORT_BREAK_CARERS = ("Mr and Mrs Trelawney", "Ms Gail Penhale")
_ADOPTERS = ("Mr Ben and Mrs Ana Carrow", "Ms Rosa Quint and Ms Helen Marsh")
_CHILDRENS_HOMES = ("Larchfield House", "Oakmere Lodge", "Brook Cottage")
_SHORT_BREAK_HOME = "Willowbank short-break house"
_SUPPORTED = ("Kestrel Court", "Harbour Point")
_KEY_WORKERS = ("Dami Adeyemi", "Chloe Rigby", "Marcus Ellery", "Sam Whitfield")
_STREETS = ("Larch Close", "Mill Lane", "Orchard Rise", "Tannery Row", "Beacon Road", "Kingfisher Way",
            "Victoria Terrace", "Hazel Grove", "Quarry Street", "Chapel Walk")
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a real inward code may use

# Supported accommodation: H5 until 2023-24, either in 2024-25, K3 once H5 left the 903 list in 2025-26.
_K3_ADDED = date(2024, 4, 1)
_H5_DROPPED = date(2025, 4, 1)
_SUPPORTED_CODE = "supported"  # resolved to H5 or K3 by the episode's date

_DISABILITIES = (
    ("Autism and severe learning disability", "Uses Makaton signs and a picture timetable"),
    ("Cerebral palsy; uses a wheelchair", "Uses an eye-gaze communication aid"),
    ("Down's syndrome and a hearing impairment", "Uses Makaton and some speech; wears hearing aids"),
    ("Global developmental delay and epilepsy", "Uses objects of reference and a few signs"),
)
_OTHER_NEEDS = ("ADHD", "Dyslexia", "Autism (no learning disability)",
                "Hearing impairment; wears hearing aids")

_LATE_REASONS = (
    "Rearranged: the social worker was off sick on the original date.",
    "Postponed by two weeks so the child's mother could attend after a hospital stay.",
    "Moved because the placement changed the week of the review; the new carers asked for time.",
)
_REBOOKED_REASONS = (
    "Could not be held in time: no date all parties could attend; booked for the earliest date.",
    "The social worker left; the review waits for a new worker to be allocated.",
)
_TOO_YOUNG = (
    "Too young to talk with me alone; I saw them at home with their carers.",
    "Pre-verbal; I observed them playing with their carer before the review.",
)
_NOT_ALONE = (
    "Did not want to meet me on their own this time; we talked with their carer there.",
    "Declined to see me; said they would send their views by text instead.",
    "Asked for their advocate to stay while we talked.",
)
_ALONE_PLACES = ("At school", "At home (placement)", "In the park near home", "At a café after school",
                 "By video call", "In the car on the way to contact")
_REVIEW_TIMES = ("09:30", "10:00", "13:30", "15:45")
_MOVE_REASONS = ("CARPL", "CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "LAREQ", "STAND")
_NEED_CODES = (("N1", 12), ("N4", 3), ("N5", 3), ("N8", 1), ("N3", 1), ("N6", 1))
# Weights for a child's age in years, 0 to 17: a few under-4s, more teenagers.
_AGE_WEIGHTS = (3, 3, 2, 2, 4, 4, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 8, 6)
# Participation codes for children aged 4 and over, mostly PN1, PN5 and PN6.
_PN_WEIGHTS = (("PN1", 40), ("PN2", 5), ("PN3", 4), ("PN4", 3), ("PN5", 17), ("PN6", 25), ("PN7", 6))

# A child's wishes in their own words: (min age, max age, words, action the social worker took or None).
_WISHES = (
    (4, 7, "I like my bedroom here. I want to keep the star lights on at night.", None),
    (4, 7, "I want Mummy to come to my birthday party.", "Invite {name}'s mum to the birthday tea"),
    (4, 8, "I miss {sib}. Can {sib_pron} come for a sleepover?",
     "Arrange an overnight stay with {sib_name} at the carers' home"),
    (4, 9, "I want {pet} to come and live with me.", None),
    (5, 9, "I don't like the taxi to school. The driver keeps changing.",
     "Ask school transport for the same driver and escort every day"),
    (5, 10, "Can I have swimming lessons like my friends?", "Book swimming lessons for {name}"),
    (8, 12, "I want to see {sib} more, not just on Saturdays.",
     "Review sibling contact with {sib_name}, aiming for fortnightly"),
    (8, 13, "I don't want to move school again. I've got proper friends now.",
     "Keep {name} at the current school; any move to come to a review first"),
    (8, 12, "Contact at the centre is boring. Can we go to the park instead?",
     "Look into contact in the community (park or café)"),
    (8, 14, "I want to know why I can't live with Dad.", "Start life-story work with {name}"),
    (9, 15, "I've had four social workers. I just want one who stays.", None),
    (9, 13, "I want to play football on Saturday mornings with the under-12s.",
     "Pay for football club membership and kit"),
    (10, 15, "Please don't say I'm in care in front of my class.",
     "Agree with school how {name}'s care status is kept private"),
    (12, 17, "Stop asking me the same questions at every meeting. Read my file.", None),
    (12, 17, "I want my own phone so I can keep in touch with my mates.",
     "Agree a phone and monthly allowance with the carers"),
    (13, 17, "I'd like to see my nan without a worker sitting in the room.",
     "Assess whether contact with grandmother can be unsupervised"),
    (13, 17, "I don't want my mum at the review. I'll talk to you on my own.", None),
    (14, 17, "I want to go to college to do motor mechanics.",
     "Help {name} apply for the college motor vehicle course"),
    (15, 17, "I want to learn to cook and budget before I move out.",
     "Add cooking and budgeting to the pathway plan"),
    (16, 17, "I want to stay here after I'm 18. Staying Put sounds good.",
     "Ask the fostering service about a Staying Put arrangement"),
    (14, 17, "My advocate can say it. I just want more say in where I live.", None),
    (4, 17, "I'm happy here. Please don't move me.", None),
)
# What a child who does not use speech showed the IRO.
_WISHES_WITHOUT_WORDS = (
    "Signed 'more' and smiled when we looked at photos of the short-break house.",
    "Pointed to the trampoline picture, then to 'happy' on the feelings board.",
    "Pushed the minibus picture away and chose 'home' on the talker.",
    "Chose the 'music' and 'swim' symbols for what to do on short breaks.",
)

# Review decisions: (who, min age, max age, action). "iro" is the demo IRO; "parent" the mother.
_ACTIONS = (
    ("social_worker", 0, 17, "Update the care plan with today's decisions and send it to everyone invited"),
    ("social_worker", 0, 17, "Book the annual health assessment before the next review"),
    ("social_worker", 5, 17, "Start life-story work with {name} and report back at the next review"),
    ("social_worker", 0, 17, "Confirm the contact plan in writing to both parents"),
    ("social_worker", 10, 17, "Refer {name} to CAMHS and chase it if there is no date within 6 weeks"),
    ("social_worker", 15, 17, "Complete the pathway plan with {name}"),
    ("social_worker", 1, 17, "Apply for {name}'s passport so the summer holiday can go ahead"),
    ("team_manager", 0, 17, "Confirm funding for the placement to the end of the school year"),
    ("team_manager", 0, 17, "Take the permanence plan to the permanence panel"),
    ("carer", 1, 17, "Register {name} with a local dentist and book a check-up"),
    ("carer", 5, 17, "Help {name} join an after-school club of their choice"),
    ("carer", 0, 4, "Keep a sleep and feeding diary to share with the health visitor"),
    ("designated_teacher", 5, 17, "Hold the PEP meeting and share the new targets with the carers"),
    ("designated_teacher", 5, 17, "Arrange small-group maths support this term"),
    ("parent", 0, 17, "Attend the parenting programme and share the certificate with the social worker"),
    ("advocate", 8, 17, "Meet {name} before the next review to help prepare their views"),
    ("guardian", 0, 17, "Share the guardian's analysis with the IRO before the final hearing"),
    ("iro", 4, 17, "Visit {name} at school before the next review"),
)


# The concerns in the demo: (issue, details). Variants are in _CHALLENGE_VARIANTS.
_CHALLENGE_TEXT = {
    "informal_drift": ("drift", "No permanence plan for {name} yet; one was due by the second review."),
    "informal_contact": ("contact", "{name} has not seen {sib_name} for two months; the plan says monthly."),
    "stage1_waiting": ("education", "{name} has had no school place since the move; the PEP is old."),
    "stage1_overdue": ("no_social_worker",
                       "{name} has had no allocated social worker for seven weeks; a visit is overdue."),
    "resolved": ("transport", "{name}'s school taxi changes driver every week, which upsets them."),
    "stage2_escalated": ("health", "{name}'s health assessment has not been done and no date is offered."),
}
_HEAD_OF_SERVICE = "Paul Denholm, Head of Service"


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = [p for p in plain.lower().replace("-", " ").split() if p not in ("mr", "mrs", "ms", "dr")]
    return f"{parts[0]}.{parts[-1]}@example.org"


# --- plans: what happens to a child, before it becomes rows -----------------------------------


@dataclass
class _Period:
    """One period of care as planned."""

    start: date
    reviews: list[tuple[date, str | None]] = field(default_factory=list)  # held date, late reason
    legal: list[tuple[date, str]] = field(default_factory=list)  # legal status from each date
    places: list[tuple[date, str]] = field(default_factory=list)  # placement type from each date
    end: date | None = None
    end_reason: str | None = None


@dataclass
class _History:
    dob: date
    periods: list[_Period]
    cycle: Cycle = Cycle.STANDARD
    cycle_start: date | None = None
    disabled: bool = False
    early_review: tuple[date, str] | None = None

    @property
    def current(self) -> _Period:
        return self.periods[-1]

    @property
    def looked_after(self) -> bool:
        return self.current.end is None


@dataclass(frozen=True)
class _Place:
    code: str
    carer: str  # the episode's carer name: the carers, or the home
    address: str
    postcode: str
    provider: str
    venue: str
    carer_role: str | None = None  # how the contact appears among the child's people; None: not listed
    contact: str | None = None  # the person listed, when not the carer name itself (a home's key worker)
    organisation: str | None = None


@dataclass
class _Kid:
    first: str
    last: str
    sex: str
    heritage: _Heritage
    mother: str
    father: str | None
    sibling: str
    sibling_is_brother: bool
    pet: str

    @property
    def name(self) -> str:
        return _KNOWN_AS.get(self.first, self.first)

    def fill(self, text: str) -> str:
        sib = ("my brother " if self.sibling_is_brother else "my sister ") + self.sibling
        return text.format(name=self.name, sib=sib, sib_name=self.sibling, pet=self.pet,
                           sib_pron="he" if self.sibling_is_brother else "she")


# The settings the demo is built against: the statutory defaults.
_SETTINGS = TimescaleSettings()
_STATUS_WINDOWS = {  # working days from today to the next due date, for each status wanted
    Status.DUE_10WD: (0, _SETTINGS.due_soon_wd),
    Status.DUE_20WD: (_SETTINGS.due_soon_wd + 1, _SETTINGS.due_later_wd),
    Status.OVERDUE: (-60, -1),
}


class _Builder:
    def __init__(self, session: Session, today: date, rng: random.Random) -> None:
        self.s, self.today, self.rng = session, today, rng
        self.cal = WorkingCalendar()
        self.seen: Counter[str] = Counter()
        self.shown_supported = False
        self.names = self._name_pool()

    # --- dates

    def _workday_on_or_before(self, d: date) -> date:
        while not self.cal.is_working_day(d):
            d -= timedelta(days=1)
        return d

    def _days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def _between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def _age(self, ages: tuple[int, int] = (0, 17)) -> int:
        choices = range(ages[0], ages[1] + 1)
        return self.rng.choices(choices, weights=_AGE_WEIGHTS[ages[0]:ages[1] + 1])[0]

    def _dob(self, age: int, not_after: date) -> date:
        """A birthday giving roughly this age today, never after the child came into care."""
        dob = add_months(self.today, -12 * age) - timedelta(days=self.rng.randint(0, 360))
        return min(dob, not_after - timedelta(days=self.rng.randint(0, 20)))

    # --- review schedules

    def _last_review(self, status: Status, months: int, settled_days: int) -> date:
        """A past review date from which the next review (months later) has the wanted status today."""
        low, high = _STATUS_WINDOWS.get(status, (_SETTINGS.due_later_wd + 1, months * 21 - 4))
        for _ in range(200):
            held = self._workday_on_or_before(
                add_months(self.cal.add_working_days(self.today, self.rng.randint(low, high)), -months))
            due = add_months(held, months)
            if held <= self.today - timedelta(days=settled_days) and \
                    review_status(due, self.today, self.cal, _SETTINGS) is status:
                return held
        raise RuntimeError(f"No review date gives {status} on {self.today}")  # pragma: no cover

    def _review_before(self, later: date, months: int, late: bool) -> date:
        """The review before `later`: inside the interval (by 8 days or more), or over it when late."""
        shift = -self.rng.randint(8, 25) if late else self.rng.randint(8, 40)
        return self._workday_on_or_before(add_months(later, -months) + timedelta(days=shift))

    def _count_back(self, status: Status, count: int, late_at: int | None, settled_days: int):
        """T1-T3 counted backwards from today's status: the date care began and the reviews held."""
        months = _SETTINGS.second_review_months if count == 1 else _SETTINGS.subsequent_review_months
        held: list[tuple[date, str | None]] = [(self._last_review(status, months, settled_days), None)]
        for number in range(count, 1, -1):  # number of the earliest review so far
            months = _SETTINGS.second_review_months if number == 2 else _SETTINGS.subsequent_review_months
            late = number == late_at
            if late:
                held[0] = (held[0][0], self.rng.choice(_LATE_REASONS))
            held.insert(0, (self._review_before(held[0][0], months, late), None))
        first_wd = self.rng.randint(8, _SETTINGS.first_review_working_days - 1)
        if late_at == 1:
            first_wd = self.rng.randint(22, 27)
            held[0] = (held[0][0], self.rng.choice(_LATE_REASONS))
        return self.cal.add_working_days(held[0][0], -first_wd), held

    def _count_forward(self, first_due: date, months_after: Sequence[int], until: date):
        """Reviews held a little before each due date, from first_due until (not including) `until`."""
        held: list[tuple[date, str | None]] = []
        due = first_due
        while True:
            when = self._workday_on_or_before(due - timedelta(days=self.rng.randint(2, 20)))
            if when >= until:
                return held
            held.append((when, None))
            due = add_months(when, months_after[min(len(held), len(months_after)) - 1])

    def _standard_forward(self, start: date, until: date):
        first_due = self.cal.add_working_days(start, _SETTINGS.first_review_working_days)
        months = (_SETTINGS.second_review_months, _SETTINGS.subsequent_review_months)
        return self._count_forward(first_due, months, until)

    # --- legal status and placements

    def _legal_path(self, start: date, end: date | None, age_at_start: int) -> list[tuple[date, str]]:
        """Mostly an interim care order (C1) becoming a full one (C2); some s.20 (V2)."""
        span = ((end or self.today) - start).days
        roll = self.rng.random()
        if (age_at_start >= 14 and roll < 0.5) or roll < 0.12:
            return [(start, "V2")]
        if span < 150 or (span < 240 and roll < 0.6):
            return [(start, "C1")]
        care_order = start + timedelta(days=self.rng.randint(120, min(330, span - 20)))
        if roll > 0.9 and care_order - start > timedelta(days=100):  # s.20 first, then proceedings
            proceedings = start + timedelta(days=self.rng.randint(40, 90))
            return [(start, "V2"), (proceedings, "C1"), (care_order, "C2")]
        return [(start, "C1"), (care_order, "C2")]

    def _interim_code(self, age: int) -> str:
        roll = self.rng.random()
        if age >= 16 and roll < 0.4:  # many 16 and 17 year olds start in supported accommodation
            return _SUPPORTED_CODE
        if age >= 13 and roll < 0.6:
            return "K2"
        return self.rng.choice(("U6", "U6", "U6", "U3"))

    def _settled_code(self, age: int) -> str:
        if age < 12:
            options = (("U4", 35), ("U6", 20), ("U1", 20), ("U3", 10), ("P1", 5))
        elif age < 16:
            options = (("U4", 30), ("U6", 15), ("U1", 15), ("K2", 25), ("P1", 5))
        else:
            options = (("U4", 25), ("K2", 20), (_SUPPORTED_CODE, 45), ("U1", 10), ("P1", 5))
        codes, weights = zip(*options, strict=True)
        return self.rng.choices(codes, weights=weights)[0]

    def _placement_path(self, start: date, end: date | None, age: int, legal) -> list[tuple[date, str]]:
        """A first placement, perhaps a move or two (episode reason P), then where the child settled."""
        span = ((end or self.today) - start).days
        moves = 0 if span < 120 else self.rng.choice((0, 0, 1, 1, 2))
        dates = sorted({start + timedelta(days=self.rng.randint(30, span - 30)) for _ in range(moves)})
        codes = [self._interim_code(age) for _ in dates]
        codes.append(self._settled_code(age) if span > 300 else self._interim_code(age))
        if age >= 16 and not self.shown_supported:  # make sure the demo shows supported accommodation
            codes[-1] = _SUPPORTED_CODE
        self.shown_supported = self.shown_supported or (age >= 16 and codes[-1] == _SUPPORTED_CODE)
        if codes[-1] == "P1" and legal[-1][1] != "C2":  # placement with parents needs a care order
            codes[-1] = "U4"
        return list(zip([start, *dates], codes, strict=True))

    # --- the kinds of history

    def _history(self, slot: _Slot, index: int) -> _History:
        settled = 14 if slot.overdue_action else 1  # an overdue action needs time since the review
        reviews = 3 if slot.challenge else 1  # a challenge needs months of history behind it
        kind = slot.kind
        if kind in ("new", "new_overdue"):
            return self._new_entrant(kind == "new_overdue", index)
        if kind == "overdue":
            return self._standard(Status.OVERDUE, settled, count=self.rng.randint(2, 6))
        if kind == "overdue_second":
            return self._standard(Status.OVERDUE, settled, count=1)
        if kind in ("due_10wd", "due_20wd"):
            return self._standard(Status(kind), settled, min_count=reviews)
        if kind == "late_history":
            return self._standard(Status.ON_TRACK, settled, late=True, min_count=reviews)
        if kind == "early_review":
            return self._early_review()
        if kind == "returned":
            return self._returned(index, settled, reviews)
        special = {
            "short_breaks": self._short_breaks,
            "adoption_placed": self._adoption_placed,
            "adoption_authorised": self._adoption_authorised,
            "placement_order": self._placement_order,
            "left_care": self._left_care,
        }
        if kind in special:
            return special[kind](index)
        return self._standard(Status.ON_TRACK, settled, min_count=reviews)

    def _new_entrant(self, overdue: bool, index: int) -> _History:
        """Came into care recently; no review yet. The overdue one began 30 working days ago (T1)."""
        days_in_care = 30 if overdue else (4, 13, 9, 17)[index % 4] + self.rng.randint(0, 1)
        start = self.cal.add_working_days(self.today, -days_in_care)
        age = self._age()
        dob = self._dob(age, start)
        legal = [(start, "C1" if age < 1 else self.rng.choice(("C1", "V2", "V2")))]
        places = [(start, self._interim_code(age))]
        return _History(dob, [_Period(start, [], legal, places)])

    def _standard(self, status: Status, settled: int, count: int | None = None, late: bool = False,
                  ages: tuple[int, int] = (0, 17), min_count: int = 1) -> _History:
        """A standard-cycle history whose next review has the given status today (T1-T3)."""
        age = self._age(ages)
        if count is None:
            choices = (1,) if age == 0 else (1, 2, 2, 3) if age < 3 else (1, 2, 2, 3, 3, 4, 5, 6, 7)
            count = self.rng.choice(choices)
        count = max(count, min_count, 3 if late else 1)
        late_at = self.rng.randint(1, count) if late else None
        start, held = self._count_back(status, count, late_at, settled)
        dob = self._dob(age, start)
        legal = self._legal_path(start, None, age_on(dob, start))
        places = self._placement_path(start, None, age_on(dob, self.today), legal)
        return _History(dob, [_Period(start, held, legal, places)])

    def _early_review(self) -> _History:
        history = self._standard(Status.ON_TRACK, 1, count=self.rng.randint(2, 5), ages=(6, 15))
        by = self.cal.add_working_days(self.today, self.rng.randint(6, 15))
        reason = "Foster carers have given notice; the plan must come to a review before any move (reg 14)."
        history.early_review = (by, reason)
        return history

    def _returned(self, index: int, settled: int, min_count: int) -> _History:
        """Went home (E4A or E13), then came back: a second period of care starting again at review 1."""
        history = self._standard(Status.ON_TRACK, settled, count=self.rng.randint(1, 2), ages=(6, 15),
                                 min_count=min_count)
        back = history.current.start
        end = self._workday_on_or_before(back - timedelta(days=self.rng.randint(60, 300)))
        start = end - timedelta(days=self.rng.randint(200, 500))
        age_now = age_on(history.dob, self.today)
        history.dob = self._dob(age_now, start)
        legal = [(start, "V2")]
        places = self._placement_path(start, end, age_on(history.dob, end), legal)
        reason = ("E4A", "E13")[index % 2]
        first = _Period(start, self._standard_forward(start, end), legal, places, end, reason)
        history.periods.insert(0, first)
        return history

    def _left_care(self, index: int) -> _History:
        """Left care this year: a special guardianship order (E45) or a child arrangements order (E41)."""
        end = self._workday_on_or_before(self._days_ago(20, 150))
        start = end - timedelta(days=self.rng.randint(400, 1100))
        dob = self._dob(self.rng.randint(3, 15), start)
        care_order = start + timedelta(days=self.rng.randint(120, 300))
        moved = self._between(care_order + timedelta(days=1), end - timedelta(days=60))
        reason = ("E45", "E41")[index % 2]
        final = "U3" if reason == "E45" else "P1"  # SGO to the relative carers, or CAO to father
        legal = [(start, "C1"), (care_order, "C2")]
        places = [(start, "U6"), (moved, final)]
        period = _Period(start, self._standard_forward(start, end), legal, places, end, reason)
        return _History(dob, [period])

    def _short_breaks(self, index: int) -> _History:
        """Reg 48 short breaks (V3/V4): first review within 3 months of the first break, then 6-monthly."""
        first = self._workday_on_or_before(self._days_ago(100, 1000))
        held = self._count_forward(add_months(first, _SETTINGS.short_break_first_review_months),
                                   (_SETTINGS.short_break_subsequent_months,), self.today)
        dob = self._dob(self.rng.randint(5, 16), first)
        legal = [(first, ("V3", "V4")[index % 2])]
        places = [(first, ("U6", "K2", "K2", "U6")[index % 4])]
        return _History(dob, [_Period(first, held, legal, places)], Cycle.SHORT_BREAKS, first, disabled=True)

    def _adoption_placed(self, index: int) -> _History:
        """A baby in care, a placement order (E1), then placed for adoption (A6): T10 from the placement."""
        placed = self._workday_on_or_before(self._days_ago(45, 85))
        order = placed - timedelta(days=self.rng.randint(60, 150))
        start = order - timedelta(days=self.rng.randint(200, 330))
        dob = start - timedelta(days=self.rng.randint(0, 90))
        months = (_SETTINGS.adoption_placed_second_months, _SETTINGS.adoption_subsequent_months)
        after = self._count_forward(placed + timedelta(weeks=_SETTINGS.adoption_placed_first_weeks), months,
                                    self.today)
        held = self._standard_forward(start, placed) + after
        period = _Period(start, held, [(start, "C1"), (order, "E1")], [(start, "U6"), (placed, "A6")])
        return _History(dob, [period], Cycle.ADOPTION_PLACED, placed)

    def _adoption_authorised(self, index: int) -> _History:
        """A placement order, not yet placed: T9, first review within 3 months of the authority to place."""
        order = self._workday_on_or_before(self._days_ago(20, 110))
        start = order - timedelta(days=self.rng.randint(240, 420))
        dob = start - timedelta(days=self.rng.randint(30, 900))
        after = self._count_forward(add_months(order, _SETTINGS.adoption_authorised_first_months),
                                    (_SETTINGS.adoption_subsequent_months,), self.today)
        held = self._standard_forward(start, order) + after
        period = _Period(start, held, [(start, "C1"), (order, "E1")], [(start, "U6")])
        return _History(dob, [period], Cycle.ADOPTION_AUTHORISED, order)

    def _placement_order(self, index: int) -> _History:
        """E1 with fostering-for-adoption carers (U5); the IRO has not yet switched to the adoption cycle."""
        history = self._standard(Status.ON_TRACK, 1, count=self.rng.randint(2, 3), ages=(1, 3))
        period = history.current
        span = (self.today - period.start).days
        order = period.start + timedelta(days=self.rng.randint(span // 2, span - 20))
        period.legal = [(period.start, "C1"), (order, "E1")]
        period.places = [(period.start, "U5")]
        return history

    # --- children as rows

    def _name_pool(self) -> list[tuple[_Heritage, str, str]]:
        pool = [(h, first, sex) for h in _HERITAGES for sex, names in (("F", h.girls), ("M", h.boys))
                for first in names]
        self.rng.shuffle(pool)
        return pool

    def _kid(self) -> _Kid:
        if not self.names:
            self.names = self._name_pool()
        heritage, first, sex = self.names.pop()
        rng = self.rng
        last = rng.choice(heritage.surnames)
        mother_surname = last if rng.random() < 0.7 else rng.choice(heritage.surnames)
        father = f"{rng.choice(heritage.men)} {last}" if rng.random() < 0.65 else None
        brother = rng.random() < 0.5
        siblings = [n for n in (heritage.boys if brother else heritage.girls) if n != first]
        sibling = rng.choice(siblings)
        mother = f"{rng.choice(heritage.women)} {mother_surname}"
        return _Kid(first, last, sex, heritage, mother, father, _KNOWN_AS.get(sibling, sibling), brother,
                    rng.choice(_PETS))

    def add_child(self, number: int, slot: _Slot) -> None:
        index = self.seen[slot.kind]
        self.seen[slot.kind] += 1
        history = self._history(slot, index)
        kid = self._kid()
        child = self._child_row(number, kid, history)
        period_rows, places = [], []
        for period in history.periods:
            row, period_places = self._period_row(period, kid)
            child.periods.append(row)
            period_rows.append(row)
            places += period_places
        people = self._people(child, history, kid, places[-1])
        self.s.add(child)
        self.s.flush()  # period ids for the reviews
        reviews = self._held_reviews(child, history, period_rows)
        self._planned_review(child, history, slot, period_rows[-1], places[-1], reviews)
        self.s.flush()  # review ids for the wishes and decisions
        wishes = self._wishes(child, history, kid, reviews, "advocate" in people)
        self.s.flush()  # wish ids for the decisions that answer them
        self._decisions(child, history, kid, people, reviews, wishes, slot.overdue_action)
        if slot.challenge:
            self._challenge(child, kid, people, slot.challenge)

    def _child_row(self, number: int, kid: _Kid, history: _History) -> Child:
        rng = self.rng
        language = kid.heritage.language if rng.random() < 0.5 else "English"
        disability = needs = None
        if history.disabled:
            disability, needs = rng.choice(_DISABILITIES)
        elif rng.random() < 0.1:
            disability = rng.choice(_OTHER_NEEDS)
        if language != "English" and needs is None:
            needs = f"Speaks {language} at home and English at school. Offer parents an interpreter."
        early_by, early_reason = history.early_review or (None, None)
        return Child(
            child_ref=f"DEMO{number:04d}", first_name=kid.first, last_name=kid.last,
            preferred_name=_KNOWN_AS.get(kid.first), dob=history.dob, sex=kid.sex,
            ethnicity=kid.heritage.ethnicity, first_language=language, communication_needs=needs,
            disability=disability, review_cycle=history.cycle.value, review_cycle_start=history.cycle_start,
            early_review_by=early_by, early_review_reason=early_reason,
        )

    def _address(self) -> tuple[str, str]:
        letters = "".join(self.rng.choice(_POSTCODE_LETTERS) for _ in range(2))
        street = f"{self.rng.randint(2, 98)} {self.rng.choice(_STREETS)}, Example Town"
        return street, f"XB{self.rng.randint(1, 9)} {self.rng.randint(1, 9)}{letters}"

    def _place(self, code: str, kid: _Kid, when: date) -> _Place:
        rng = self.rng
        address, postcode = self._address()
        if code == _SUPPORTED_CODE:
            code = "K3" if when >= _H5_DROPPED else rng.choice(("H5", "K3")) if when >= _K3_ADDED else "H5"
        if code in ("U4", "U5", "U6"):  # not carers sharing the child's surname: they would look related
            carer = rng.choice([c for c in _FOSTER_CARERS if kid.last not in c])
            return _Place(code, carer, address, postcode, rng.choice(("PR1", "PR1", "PR4")),
                          f"Foster home ({carer})", "Foster carers")
        if code in ("U1", "U3"):
            relation = rng.choice(("grandmother", "aunt", "family friend"))
            surname = rng.choice(kid.heritage.surnames) if relation == "family friend" else kid.last
            name = f"Mrs {rng.choice(kid.heritage.women)} {surname}"
            return _Place(code, f"{name} ({relation})", address, postcode, "PR1",
                          f"Kinship carer's home ({name})", f"Kinship foster carer ({relation})", name)
        if code == "P1":  # placed with a parent under a care order
            parent = kid.father or kid.mother
            return _Place(code, parent, address, postcode, "PR0", f"Family home ({parent})")
        if code in ("A5", "A6"):
            carer = rng.choice(_ADOPTERS)
            return _Place(code, carer, address, postcode, "PR1", f"Adopters' home ({carer})",
                          "Prospective adopters")
        home = rng.choice(_CHILDRENS_HOMES if code == "K2" else _SUPPORTED)
        return _Place(code, home, address, postcode, rng.choice(("PR1", "PR4")), home, "Key worker",
                      rng.choice(_KEY_WORKERS), home)

    def _short_break_place(self, code: str) -> _Place:
        address, postcode = self._address()
        if code == "K2":
            return _Place(code, _SHORT_BREAK_HOME, address, postcode, "PR1", _SHORT_BREAK_HOME,
                          "Key worker", self.rng.choice(_KEY_WORKERS), _SHORT_BREAK_HOME)
        carer = self.rng.choice(_SHORT_BREAK_CARERS)
        return _Place(code, carer, address, postcode, "PR1", f"Short-break carers' home ({carer})",
                      "Short-break foster carers")

    def _period_row(self, period: _Period, kid: _Kid) -> tuple[PeriodOfCare, list[_Place]]:
        """Episodes from the legal-status and placement changes; each ends the day the next begins (X1)."""
        legal, codes = dict(period.legal), dict(period.places)
        short_breaks = period.legal[0][1] in ("V3", "V4")
        need = "N2" if short_breaks else self.rng.choices(*zip(*_NEED_CODES, strict=True))[0]
        episodes: list[Episode] = []
        places: list[_Place] = []
        status = None
        for when in sorted(set(legal) | set(codes)):
            new_status, code = legal.get(when), codes.get(when)
            reason = "S" if not episodes else "B" if new_status and code else "L" if new_status else "P"
            status = new_status or status
            if code:
                places.append(self._short_break_place(code) if short_breaks else self._place(code, kid, when))
            place = places[-1]
            episodes.append(Episode(
                start_date=when, reason_new=reason, legal_status=status, category_of_need=need,
                placement_type=place.code, placement_provider=place.provider, carer_name=place.carer,
                placement_address=place.address, placement_postcode=place.postcode,
                reason_place_change=self._move_reason(place) if reason in ("P", "B") else None,
            ))
        for episode, following in pairwise(episodes):
            episode.end_date, episode.end_reason = following.start_date, "X1"
        if period.end:
            episodes[-1].end_date, episodes[-1].end_reason = period.end, period.end_reason
        row = PeriodOfCare(start_date=period.start, end_date=period.end, end_reason=period.end_reason,
                           episodes=episodes)
        return row, places

    def _move_reason(self, place: _Place) -> str:
        return "CARPL" if place.code.startswith("A") else self.rng.choice(_MOVE_REASONS)

    def _people(self, child: Child, history: _History, kid: _Kid, place: _Place) -> dict[str, str]:
        """The child's network; returns the first name held for each role, for naming who does what."""
        rng = self.rng
        names: dict[str, str] = {}

        def add(role: str, name: str, **details) -> None:
            child.people.append(Person(role=role, name=name, **details))
            names.setdefault(role, name)

        workers = [w for w in _SOCIAL_WORKERS if (w[1] == _DISABLED_TEAM) == history.disabled]
        worker, team = rng.choice(workers)
        add("social_worker", worker, organisation=f"{DEMO_COUNCIL}, {team}", email=_email(worker),
            phone=f"07700 900{rng.randint(0, 999):03d}")
        manager = _TEAM_MANAGERS[team]
        add("team_manager", manager, organisation=f"{DEMO_COUNCIL}, {team}", email=_email(manager),
            phone=f"01632 960{rng.randint(0, 999):03d}")
        full_address = f"{place.address}, {place.postcode}"
        contact = place.contact or place.carer
        if history.current.end_reason == "E45":  # the kinship carers became special guardians
            add("pr_holder", contact, relationship_to_child="Special guardian", address=full_address,
                has_parental_responsibility=True)
        elif place.carer_role and history.looked_after:
            add("carer", contact, relationship_to_child=place.carer_role, organisation=place.organisation,
                address=full_address, phone=f"07700 900{rng.randint(0, 999):03d}")
        add("parent", kid.mother, relationship_to_child="Mother", has_parental_responsibility=True)
        if kid.father:
            add("parent", kid.father, relationship_to_child="Father", has_parental_responsibility=True)
        age = age_on(history.dob, self.today)
        if history.disabled:
            add("designated_teacher", _SPECIAL_SCHOOL[1], organisation=_SPECIAL_SCHOOL[0])
            add("health", _PAEDIATRICIAN, relationship_to_child="Community paediatrician",
                organisation="Example Community Health")
        elif rng.random() < 0.7:
            schools = [s for s in _SCHOOLS if s[2] <= age <= s[3]]
            if schools:
                school, teacher, _, _ = rng.choice(schools)
                add("designated_teacher", teacher, organisation=school)
        if history.looked_after and history.current.legal[-1][1] == "C1":  # care proceedings under way
            add("guardian", rng.choice(_GUARDIANS), organisation="Cafcass")
        if age >= 8 and rng.random() < 0.3:
            add("advocate", rng.choice(_ADVOCATES), organisation=_ADVOCACY)
        return names

    # --- reviews

    def _review_kind(self, history: _History, when: date) -> str:
        if history.cycle is Cycle.SHORT_BREAKS:
            return "short_break"
        if history.cycle is not Cycle.STANDARD and history.cycle_start and when >= history.cycle_start:
            return "adoption"
        return "standard"

    def _voice(self, history: _History, held: date, period_start: date) -> dict:
        """Participation code (PN0 only under 4) and whether the IRO spoke to the child alone."""
        rng = self.rng
        if age_on(history.dob, held) < 4:
            return {"participation_code": "PN0", "spoke_alone": False,
                    "not_alone_reason": rng.choice(_TOO_YOUNG)}
        if history.disabled:
            code = rng.choice(("PN3", "PN3", "PN6", "PN4"))
        else:
            code = rng.choices(*zip(*_PN_WEIGHTS, strict=True))[0]
        if rng.random() < 0.12:
            return {"participation_code": code, "spoke_alone": False,
                    "not_alone_reason": rng.choice(_NOT_ALONE)}
        when = max(held - timedelta(days=rng.randint(0, 10)), period_start, history.dob)
        return {"participation_code": code, "spoke_alone": True, "spoke_alone_date": when,
                "spoke_alone_place": rng.choice(_ALONE_PLACES)}

    def _held_reviews(self, child: Child, history: _History, rows: list[PeriodOfCare]) -> list[Review]:
        """Every review held, numbered within its period of care; returns those of the latest period.

        Reviews from before the demo IRO's time with the app came from the council's 903 data (recorded
        elsewhere); one held in the last few weeks was minuted here, and its record is still to finish.
        """
        reviews: list[Review] = []
        for period, row in zip(history.periods, rows, strict=True):
            reviews = [
                Review(period_id=row.id, number=number, kind=self._review_kind(history, held),
                       status=ReviewState.IMPORTED.value, source="903", planned_date=held, held_date=held,
                       late_reason=late_reason, **self._voice(history, held, period.start))
                for number, (held, late_reason) in enumerate(period.reviews, start=1)
            ]
            for review, following in pairwise(reviews):
                review.next_review_date = following.held_date
            child.reviews.extend(reviews)
        latest = reviews[-1] if reviews else None
        recent = latest is not None and self.cal.working_days_between(latest.held_date, self.today)
        if latest is not None and recent <= _MINUTED_HERE_WD:
            latest.status, latest.source = ReviewState.HELD.value, "app"
        return reviews

    def _due(self, history: _History) -> date | None:
        period = history.current
        care = CareHistory(
            period_start=period.start, period_end=period.end, cycle=history.cycle,
            cycle_start=history.cycle_start, held_reviews=tuple(d for d, _ in period.reviews),
            early_review_by=history.early_review[0] if history.early_review else None,
        )
        return next_review_due(care, self.cal, _SETTINGS).due

    def _planned_review(self, child: Child, history: _History, slot: _Slot, row: PeriodOfCare,
                        place: _Place, held: list[Review]) -> None:
        """The next review booked for about half the children, on or before its due date where possible."""
        rng = self.rng
        if not history.looked_after or rng.random() >= _BOOKED_SHARE.get(slot.kind, _BOOKED_SHARE_OTHERWISE):
            return
        due = self._due(history)
        late_reason = None
        if due is None or due < self.today:
            when = self.cal.add_working_days(self.today, rng.randint(3, 12))
            late_reason = rng.choice(_REBOOKED_REASONS)
        else:  # one of the last 15 working days before it is due, not in the past
            earliest = max(self.today, self.cal.add_working_days(due, -15))
            days = [earliest + timedelta(days=i) for i in range((due - earliest).days + 1)]
            when = rng.choice([d for d in days if self.cal.is_working_day(d)] or [due])
        venue = place.venue if rng.random() < 0.8 else rng.choice(("School, after lessons", "Video call"))
        review = Review(
            period_id=row.id, number=len(held) + 1, kind=self._review_kind(history, when),
            status="planned", planned_date=when, planned_time=rng.choice(_REVIEW_TIMES), venue=venue,
            late_reason=late_reason,
        )
        talked = self._days_ago(1, 10)
        if age_on(history.dob, when) >= 4 and talked >= row.start_date and rng.random() < 0.4:
            review.spoke_alone, review.spoke_alone_date = True, talked  # met the child ahead of the review
            review.spoke_alone_place = rng.choice(_ALONE_PLACES)
        if held:
            held[-1].next_review_date = when
        child.reviews.append(review)

    # --- wishes, decisions and challenges

    def _how_obtained(self, age: int, has_advocate: bool, without_words: bool) -> str:
        if without_words:
            return self.rng.choice(("observation", "drawing"))
        if age < 8:
            return self.rng.choice(("private_conversation", "drawing", "drawing", "observation"))
        options = ["private_conversation", "private_conversation", "consultation_form"]
        options += ["app", "app"] if age >= 12 else ["drawing"]
        if has_advocate:
            options.append("advocate")
        return self.rng.choice(options)

    def _wishes(self, child: Child, history: _History, kid: _Kid, reviews: list[Review],
                has_advocate: bool) -> list[tuple[WishEntry, str | None]]:
        """1-3 wishes for a child of 4 or over, mostly recorded at reviews; returns each with its action."""
        rng = self.rng
        occasions = [(r.spoke_alone_date or r.held_date, r) for r in reviews]
        occasions = [(d, r) for d, r in occasions if age_on(history.dob, d) >= 4][-3:]
        wanted = rng.randint(1, 3)
        start = history.current.start
        while len(occasions) < wanted and age_on(history.dob, self.today) >= 4:
            visit = self._between(max(start, add_months(history.dob, 48)), self.today)
            occasions.append((visit, None))
        wishes: list[tuple[WishEntry, str | None]] = []
        used: set[str] = set()
        for recorded_on, review in occasions[-wanted:]:
            age = age_on(history.dob, recorded_on)
            pool = [(4, 17, w, None) for w in _WISHES_WITHOUT_WORDS] if history.disabled else _WISHES
            _, _, words, action = rng.choice([w for w in pool if w[0] <= age <= w[1] and w[2] not in used])
            used.add(words)
            wish = WishEntry(
                review_id=review.id if review else None, recorded_on=recorded_on,
                how_obtained=self._how_obtained(age, has_advocate, history.disabled),
                words=kid.fill(words), agreed_to_share=rng.random() > 0.08,
            )
            child.wishes.append(wish)
            wishes.append((wish, action))
        return wishes

    def _progress(self, due: date, held: date, ended: date | None) -> tuple[str, date | None, str | None]:
        """What became of a decision: done or not done once its date has passed, mostly open before."""
        rng = self.rng
        if ended:
            return "done", max(held, min(due, ended)), None
        if due < self.today or rng.random() < 0.2:
            if rng.random() < 0.8:
                return "done", self._between(held + timedelta(days=1), min(due, self.today)), None
            if due < self.today:
                return "not_done", None, "Not done in time; carried forward to the next review."
        return "open", None, None

    def _decisions(self, child: Child, history: _History, kid: _Kid, people: dict[str, str],
                   reviews: list[Review], wishes, overdue_action: bool) -> None:
        """2-5 decisions from the last review, each with a named person and a date (I4)."""
        if not reviews:
            return
        rng, last = self.rng, reviews[-1]
        held = last.held_date
        people = {**people, "iro": DEMO_IRO_NAME}
        age = age_on(history.dob, held)
        chosen = [(people["social_worker"], kid.fill(action), wish.id)
                  for wish, action in wishes if wish.review_id == last.id and action][:1]
        pool = [(role, text) for role, low, high, text in _ACTIONS if role in people and low <= age <= high]
        count = rng.randint(2, 5) - len(chosen)
        chosen += [(people[role], kid.fill(text), None) for role, text in rng.sample(pool, count)]
        for number, (who, action, wish_id) in enumerate(chosen, start=1):
            due = held + timedelta(days=rng.randint(10, 120))
            status, completed, note = self._progress(due, held, history.current.end)
            if number == 1 and overdue_action and held <= self.today - timedelta(days=6):
                # left open past its date, so the caseload shows overdue actions
                due = self._between(held + timedelta(days=5), self.today - timedelta(days=1))
                status, completed, note = "open", None, None
            child.decisions.append(Decision(
                review_id=last.id, number=number, action=action, person_responsible=who, due_date=due,
                status=status, completed_on=completed, status_note=note, wish_id=wish_id,
            ))

    def _challenge(self, child: Child, kid: _Kid, people: dict[str, str], variant: str) -> None:
        """One concern the IRO raised: informally first (D1), then through the dispute stages (D2)."""
        rng, wd, today = self.rng, self.cal.add_working_days, self.today
        issue, details = _CHALLENGE_TEXT[variant]
        challenge = Challenge(issue=issue, details=kid.fill(details), stage="informal",
                              addressee=people["social_worker"])
        if variant.startswith("informal"):
            challenge.raised_on = wd(today, -rng.randint(3, 12))
            append_event(challenge, "raised", challenge.raised_on)
            child.challenges.append(challenge)
            return
        if variant == "stage1_waiting":  # sent in the last few days; reply not due yet
            raised, sent = wd(today, -rng.randint(12, 18)), wd(today, -rng.randint(1, 3))
        elif variant == "stage1_overdue":  # reply due and not received
            raised, sent = wd(today, -rng.randint(25, 30)), wd(today, -rng.randint(9, 14))
        else:
            raised = wd(today, -rng.randint(30, 60))
            sent = wd(raised, 5)
        challenge.raised_on, challenge.sent_on, challenge.stage = raised, sent, "stage_1"
        challenge.addressee = people["team_manager"]
        challenge.response_due = wd(sent, _SETTINGS.drp_stage_response_wd)
        append_event(challenge, "raised", raised)
        first = append_event(challenge, "stage_reached", sent, stage="stage_1", person=challenge.addressee,
                             response_due=challenge.response_due)
        if variant == "resolved":  # the reply matches the transport concern in _CHALLENGE_TEXT
            replied = wd(sent, _SETTINGS.drp_stage_response_wd - 1)
            challenge.response = "A regular driver and escort from Monday."
            challenge.outcome, challenge.resolved_on = "resolved", replied
            append_event(challenge, "response_received", replied, stage="stage_1", person=challenge.addressee,
                         text=challenge.response, outcome="resolved")
        elif variant == "stage2_escalated":  # the stage 1 reply did not settle it
            first.note = "Reply promised a date, but none came."
            challenge.sent_on = wd(today, -rng.randint(1, 3))
            challenge.response_due = wd(challenge.sent_on, _SETTINGS.drp_stage_response_wd)
            challenge.stage, challenge.addressee = "stage_2", _HEAD_OF_SERVICE
            append_event(challenge, "stage_reached", challenge.sent_on, stage="stage_2",
                         person=_HEAD_OF_SERVICE, response_due=challenge.response_due)
        child.challenges.append(challenge)

