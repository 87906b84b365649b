"""The council's dispute resolution process (docs/RULES.md D2) as the IRO set it: one setting holding each
formal stage's title, addressee and working days to reply, and the stage names drawn from it."""

from __future__ import annotations

from dataclasses import dataclass

from iro_desktop.problems import Problem
from iro_desktop.store import Store

FORMAL_STAGES = ("stage_1", "stage_2", "stage_3", "stage_4")  # the letters exist for four stages
ORDER = ("informal", *FORMAL_STAGES)
LADDER_KEY = "challenges.drp_ladder"


@dataclass(frozen=True)
class Rung:
    """One formal stage of the council's process: who it goes to and how long they have to reply."""

    title: str  # "Team manager"
    addressee: str  # a named person, or "" to address the letter to the title
    working_days: int


DEFAULT_LADDER = (
    Rung("Team manager", "", 5),
    Rung("Service manager", "", 5),
    Rung("Head of service", "", 5),
    Rung("Director of Children's Services", "", 5),
)


def ladder(store: Store) -> tuple[Rung, ...]:
    saved = store.get_setting(LADDER_KEY)
    if not saved:
        return DEFAULT_LADDER
    return tuple(Rung(r["title"], r.get("addressee", ""), int(r["working_days"])) for r in saved)


def save_ladder(store: Store, rungs: list[Rung] | tuple[Rung, ...]) -> None:
    """Set once by the IRO or their manager; each stage needs a title and 1 to 60 working days."""
    if not 1 <= len(rungs) <= len(FORMAL_STAGES):
        raise Problem(f"The process needs between 1 and {len(FORMAL_STAGES)} stages.", "ladder")
    for n, rung in enumerate(rungs, start=1):
        if not rung.title.strip():
            raise Problem(f"Stage {n} needs a title, such as 'Team manager'.", "ladder")
        if not 1 <= rung.working_days <= 60:
            raise Problem(f"Stage {n}'s response time must be between 1 and 60 working days.", "ladder")
    store.set_setting(
        LADDER_KEY,
        [
            {"title": r.title.strip(), "addressee": r.addressee.strip(), "working_days": r.working_days}
            for r in rungs
        ],
    )


def ladder_total(rungs: tuple[Rung, ...]) -> int:
    return sum(r.working_days for r in rungs)


def stage_label(store_or_rungs, stage: str) -> str:
    """ "Informal", or "Stage 2: Service manager"; a stage beyond the ladder keeps its number."""
    if stage == "informal":
        return "Informal"
    rungs = store_or_rungs if isinstance(store_or_rungs, tuple) else ladder(store_or_rungs)
    n = int(stage.split("_")[1]) if stage in FORMAL_STAGES else 0
    title = rungs[n - 1].title if 0 < n <= len(rungs) else ""
    return f"Stage {n}: {title}" if title else stage.replace("_", " ").capitalize()
