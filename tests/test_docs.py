"""docs/ holds what the code cites: every `docs/<file>.md <rule id>` in code, tests and the README exists,
and the settings' rule ids and defaults agree with docs/RULES.md."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.services.settings import TIMESCALE_LIMITS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RULES = (DOCS / "RULES.md").read_text(encoding="utf-8")
RULE_IDS = set(re.findall(r"^### ([A-Z]\d+) ", RULES, re.M))
# "docs/RULES.md T1", "docs/RULES.md N5, N6": the file, then any rule ids cited in it
CITATION = re.compile(r"docs/([\w-]+\.md)((?:(?:, | and | )[A-Z]\d{1,2}\b)*)")
# the research notes the code used to cite, which are not in the repository
OLD_NOTES = re.compile(r"\bDOMAIN\b|(?<!docs/)\bARCHITECTURE\.md")


def _cited_in() -> list[Path]:
    files = [*(ROOT / "iro_desktop").rglob("*.py"), *(ROOT / "tests").rglob("*.py"), ROOT / "README.md"]
    return sorted(p for p in files if p != Path(__file__))


def _citations():
    for path in _cited_in():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in CITATION.finditer(line):
                ids = re.findall(r"[A-Z]\d{1,2}", match.group(2))
                yield f"{path.relative_to(ROOT)}:{number}", match.group(1), ids


def test_every_citation_of_docs_names_a_file_and_rules_that_exist():
    missing = []
    for where, doc, ids in _citations():
        if not (DOCS / doc).is_file():
            missing.append(f"{where}: docs/{doc} does not exist")
        elif doc == "RULES.md":
            missing += [f"{where}: docs/RULES.md has no rule {i}" for i in ids if i not in RULE_IDS]
    assert not missing, "\n".join(missing)


def test_the_code_cites_the_docs_and_the_docs_are_cited():
    cited = {(doc, i) for _where, doc, ids in _citations() for i in [None, *ids]}
    assert {("RULES.md", None), ("ARCHITECTURE.md", None)} <= cited
    assert len({i for doc, i in cited if doc == "RULES.md" and i}) >= 10


@pytest.mark.parametrize("path", _cited_in(), ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_cites_the_notes_outside_the_repository(path):
    stale = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OLD_NOTES.search(line)
    ]
    assert not stale, "cite docs/RULES.md or docs/ARCHITECTURE.md instead:\n" + "\n".join(stale)


def test_every_rule_the_settings_screen_names_is_in_the_rules():
    shown = {rule for limit in TIMESCALE_LIMITS.values() for rule in limit.rule.split("/") if rule}
    assert shown and shown <= RULE_IDS, f"not in docs/RULES.md: {sorted(shown - RULE_IDS)}"


def test_the_rules_give_each_ruled_setting_with_the_default_the_app_uses():
    stated = dict(re.findall(r"`(\w+)`,?\s+(?:default\s+)?(\d+)", RULES))
    defaults = {f.name: f.default for f in fields(TimescaleSettings)}
    ruled = [name for name, limit in TIMESCALE_LIMITS.items() if limit.rule]
    assert [name for name in ruled if name not in stated] == [], "settings that docs/RULES.md does not give"
    wrong = {name: (stated[name], defaults[name]) for name in ruled if float(stated[name]) != defaults[name]}
    assert not wrong, f"docs/RULES.md default differs from the app's (doc, app): {wrong}"
