"""SSDA903 code lists (children looked after return) and the participation (PN) age rules.

Meanings are those carried by public 903 validation tools; the DfE guide is the authority.
Codes from every collection year are kept, so older records still show a meaning.
"""

from __future__ import annotations

from datetime import date

from .calendar import add_months

LEGAL_STATUS: dict[str, str] = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20 (Children Act 1989)",
    "V3": "Agreed series of short-term breaks, individual episodes recorded",
    "V4": "Agreed series of short-term breaks, agreements recorded (not individual episodes)",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order (EPO)",
    "L3": "Under child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE 1984 (including secure accommodation)",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement",
}

PLACEMENT_TYPE: dict[str, str] = {
    "A3": "Placed for adoption with parental consent, with current foster carer(s)",
    "A4": "Placed for adoption with parental consent, not with current foster carer(s)",
    "A5": "Placed for adoption with placement order, with current foster carer(s)",
    "A6": "Placed for adoption with placement order, not with current foster carer(s)",
    "U1": "Foster placement with relative(s) or friend(s): long-term",
    "U2": "Foster placement with relative(s) or friend(s): fostering for adoption or concurrent planning",
    "U3": "Foster placement with relative(s) or friend(s): other",
    "U4": "Foster placement with other foster carer(s): long-term",
    "U5": "Foster placement with other foster carer(s): fostering for adoption or concurrent planning",
    "U6": "Foster placement with other foster carer(s): other",
    "K1": "Secure children's home",
    "K2": "Children's home subject to Children's Homes Regulations",
    "K3": "Registered supported accommodation",
    "H5": "Semi-independent living not subject to children's homes regulations (to 2024-25)",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "Independent living, e.g. flat, lodgings, bed and breakfast, with friends (to 2024-25)",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or health trust, or other medical or nursing establishment",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution",
    "S1": "Residential school (not dual-registered as a children's home)",
    "T0": "Temporary move: all types",
    "T1": "Temporary move: hospital",
    "T2": "Temporary move: child's holiday",
    "T3": "Temporary move: carer's holiday",
    "T4": "Temporary move of 7 days or less, other reason",
    "Z1": "Other placement (to 2024-25)",
    # From 2025-26; no public source labels the subdivisions yet.
    "Z11": "Other placement (meaning not yet published)",
    "Z12": "Other placement (meaning not yet published)",
    "Z13": "Other placement (meaning not yet published)",
    "Z14": "Other placement (meaning not yet published)",
}

REASON_NEW_EPISODE: dict[str, str] = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (same carer(s)) at the same time",
}

REASON_EPISODE_CEASED: dict[str, str] = {
    "X1": "Episode ceases and a new episode begins the same day",
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to parent(s), relative(s) or person with parental responsibility, "
    "as part of care planning",
    "E4B": "Returned home to parent(s), relative(s) or person with parental responsibility, "
    "not as part of care planning",
    "E13": "Left care to live with parent(s), relative(s) or others without parental responsibility",
    "E41": "Residence order or child arrangements order (with whom the child lives) granted",
    "E45": "Special guardianship order made to former foster carer(s) who are relatives or friends",
    "E46": "Special guardianship order made to former foster carer(s) who are not relatives or friends",
    "E47": "Special guardianship order made to carers other than former foster carers, "
    "who are relatives or friends",
    "E48": "Special guardianship order made to carers other than former foster carers, "
    "who are not relatives or friends",
    "E5": "Moved to independent living with formal support",
    "E6": "Moved to independent living without formal support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment found the child to be 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 or over and remained with current carers (including Staying Put)",
}

CATEGORY_OF_NEED: dict[str, str] = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

PLACEMENT_PROVIDER: dict[str, str] = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own local authority provision (including a regional adoption agency this authority hosts)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}

PARTICIPATION: dict[str, str] = {
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Child physically attends and speaks for him or herself (Attendance)",
    "PN2": "Child physically attends and an advocate speaks on his or her behalf "
    "(Attendance views represented by advocate or IRO)",
    "PN3": "Child attends and conveys his or her view symbolically (non-verbally) (Attendance symbols)",
    "PN4": "Child physically attends but does not speak for him or herself, does not convey his or her "
    "view symbolically (non-verbally) and does not ask an advocate to speak for him or her "
    "(Attendance without contribution)",
    "PN5": "Child does not attend physically but briefs an advocate to speak for him or her "
    "(views represented by advocate or IRO through texting, written format, phone, audio/video, "
    "viewpoint)",
    "PN6": "Child does not attend but conveys his or her feelings to the review by a facilitative medium "
    "(texting the chair, written format, phone, audio/video, viewpoint)",
    "PN7": "Child does not attend nor are his or her views conveyed to the review",
}

# Short labels an IRO can pick from quickly during a meeting; each maps to exactly one PN code.
PARTICIPATION_PLAIN: dict[str, str] = {
    "PN0": "Under 4 on the day of the review",
    "PN1": "Came and spoke for themselves",
    "PN2": "Came, and an advocate or the IRO spoke for them",
    "PN3": "Came and shared their views without words (signs, symbols)",
    "PN4": "Came but did not share their views",
    "PN5": "Did not come; an advocate or the IRO shared their views",
    "PN6": "Did not come; sent their views (message, letter, call, video)",
    "PN7": "Did not come and their views were not shared",
}

# Codes that say the child came to the review, and codes that say they did not.
ATTENDED_CODES = frozenset({"PN1", "PN2", "PN3", "PN4"})
ABSENT_CODES = frozenset({"PN5", "PN6", "PN7"})

# 903 rule 399: children whose episodes are all short breaks have no REVIEWS rows.
# 903 header SEX: 1/2 in returns to 2023-24, M/F/U from 2024-25 (docs/RULES.md N5).
SEX: dict[str, str] = {"1": "Male", "2": "Female", "M": "Male", "F": "Female", "U": "Unknown"}

# 903 header ETHNIC (docs/RULES.md N5, rule 103).
ETHNICITY: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})
# Either of these suggests offering the adoption review cycle; the IRO confirms it.
ADOPTION_LEGAL_STATUSES = frozenset({"E1"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})

UNDER_FOUR_CODE = "PN0"


def _anniversary(dob: date, years: int) -> date:
    # Calendar-month rule, as the 903 validator uses: a 29 Feb child's birthday is 28 Feb in other years.
    return add_months(dob, 12 * years)


def age_on(dob: date, day: date) -> int:
    """Age in whole years on a day; 0 for a day before birth."""
    years = day.year - dob.year
    if years > 0 and _anniversary(dob, years) > day:
        years -= 1
    return max(years, 0)


def participation_allowed(code: str, dob: date, review_date: date) -> bool:
    """903 rules 440/441: PN0 if and only if the child is under 4; on the 4th birthday any code passes."""
    if code not in PARTICIPATION or review_date < dob:
        return False
    fourth_birthday = _anniversary(dob, 4)
    if review_date == fourth_birthday:
        return True
    under_four = review_date < fourth_birthday
    return under_four == (code == UNDER_FOUR_CODE)


def participation_problem(code: str, dob: date, review_date: date, child_name: str = "") -> str | None:
    """A plain message saying why a PN code does not fit the child's age, or None when it fits."""
    if participation_allowed(code, dob, review_date):
        return None
    if code not in PARTICIPATION:
        return f"{code or 'A blank code'} is not a participation code; use one of PN0 to PN7."
    if review_date < dob:
        return "The review date is before the child's date of birth."
    who = child_name.strip() or "the child"
    age = age_on(dob, review_date)
    if code == UNDER_FOUR_CODE:
        return f"PN0 is only for a child under 4 on the review date; {who} was {age}."
    age_text = "under 1" if age == 0 else str(age)
    return f"{code} is for a child aged 4 or over; {who} was {age_text} on the review date, so use PN0."


# The people around a child, by role: the app's and the council's feed's (sync/receiver/council_data.py).
PERSON_ROLES = {
    "social_worker": "Social worker",
    "team_manager": "Team manager",
    "carer": "Carer",
    "parent": "Parent",
    "pr_holder": "Other person with parental responsibility",
    "designated_teacher": "Designated teacher",
    "health": "Health professional",
    "guardian": "Children's guardian",
    "advocate": "Advocate",
    "other": "Other",
}
