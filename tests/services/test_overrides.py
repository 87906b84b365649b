"""A council's own wording, as its IT and an IRO meet it: a copy in the IRO's folder or this computer's is
used before the shipped file, a broken copy is refused whole with its file and line, and nothing is ever
written into the installed app."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from pypdf import PdfReader

from iro_desktop.documents.templates import WORDING_FILE, template_path
from iro_desktop.logs import LOG_NAME, start_logging
from iro_desktop.paths import COUNCIL_DIR_ENV, council_dirs, resources_dir
from iro_desktop.problems import Problem
from iro_desktop.services import council_wording
from iro_desktop.services import documents as docs
from tests.conftest import TODAY
from tests.documents import gwenllian as g
from tests.test_cli import iro

SHIPPED = template_path().read_text(encoding="utf-8")
COUNCIL_BY = 'decision_by = "Named person: {person}. Due: {due}."'
SHIPPED_BY = 'decision_by = "Who: {person}. By: {due}."'


@pytest.fixture(autouse=True)
def site(tmp_path, monkeypatch):
    """This computer's council folder, in a temporary place (the IRO's own follows window_settings)."""
    monkeypatch.setenv(COUNCIL_DIR_ENV, str(tmp_path / "site"))
    return tmp_path / "site"


def _copy(folder, text: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / WORDING_FILE).write_text(text, encoding="utf-8")
    return folder / WORDING_FILE


def _decisions_text(store) -> str:
    review_id = g.add_gwenllian(store)
    pdf = docs.render_review_document(store, review_id, "decisions", TODAY)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _tree(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_copy_in_the_iros_folder_words_the_documents(store):
    user = council_dirs()[0]
    _copy(user, SHIPPED.replace(SHIPPED_BY, COUNCIL_BY))
    text = _decisions_text(store)
    assert f"Named person: {g.SOCIAL_WORKER}. Due: 18 Dec 2026." in text
    assert "Who:" not in text
    [used] = council_wording.in_use()
    assert (used.where, used.source, used.refused) == ("user", user / WORDING_FILE, ())


def test_a_copy_may_hold_only_the_phrases_it_changes(store):
    _copy(council_dirs()[0], f"[labels]\n{COUNCIL_BY}\n")
    text = _decisions_text(store)
    assert f"Named person: {g.SOCIAL_WORKER}." in text
    assert "Decisions of the review of" in text and "Next review" in text  # the rest as shipped


def test_the_iros_copy_comes_before_this_computers(site):
    user = council_dirs()[0]
    _copy(site, '[letter]\ngreeting = "Hello {first_name},"\n')
    assert council_wording.in_use()[0].where == "site"
    _copy(user, '[letter]\ngreeting = "Hi {first_name},"\n')
    [used] = council_wording.in_use()
    assert (used.where, used.source) == ("user", user / WORDING_FILE)


BROKEN = [
    ('[labels]\ndecision_by = "Who: {person}. By: {due}.\n', 2, "this is not valid TOML"),
    ("[lables]\n" + COUNCIL_BY + "\n", 1, "the app has no section [lables]"),
    ('[labels]\n\ndecision_bye = "Who: {person}."\n', 3, '[labels] has no phrase called "decision_bye"'),
    ('[labels]\ndecision_by = "By {due}."\n', 2, '"decision_by" in [labels] leaves out {person}'),
    ('[labels]\ndecision_by = "{person} by {due} ({team})"\n', 2, "uses {team}, which the app does not"),
    ('[labels]\ndecision_by = "{person} by {due:%d}"\n', 2, "more than its name in the braces"),
    ('[labels]\ndecision_by = "{person} {by {due}"\n', 2, "a { or } that encloses no placeholder"),
    ("[labels]\ndecision_by = 3\n", 2, "must be text in quotes"),
]


@pytest.mark.parametrize(("text", "line", "reason"), BROKEN)
def test_a_broken_copy_is_refused_whole_with_its_file_and_line(store, text, line, reason):
    # A good change above the broken line must not be applied either: never half a council's wording.
    path = _copy(council_dirs()[0], '[titles]\ndecisions = "What the review of {child} decided"\n' + text)
    [used] = council_wording.in_use()
    assert used.where == "shipped" and len(used.refused) == 1
    assert used.refused[0].text().startswith(f"{path}, line {line + 2}: ")
    assert reason in used.refused[0].reason
    text = _decisions_text(store)
    assert f"Who: {g.SOCIAL_WORKER}. By: 18 Dec 2026." in text and "Decisions of the review of" in text


def test_a_broken_copy_of_the_iros_gives_way_to_this_computers(site):
    _copy(council_dirs()[0], "[labels\n")
    good = _copy(site, f"[labels]\n{COUNCIL_BY}\n")
    [used] = council_wording.in_use()
    assert used.source == good and used.where == "site"
    assert "not valid TOML" in used.refused[0].text()


def test_a_refusal_is_logged_without_the_words_or_the_folder(tmp_path):
    start_logging()
    _copy(council_dirs()[0], '[letter]\ngreeting = "Croeso, {first_nam}!"\n')
    council_wording.in_use()
    council_wording.in_use()  # the same file again: one line, not one per document
    log = (tmp_path / "logs" / LOG_NAME).read_text(encoding="utf-8")
    refusals = [line for line in log.splitlines() if "council wording file was refused" in line]
    assert len(refusals) == 1 and "folder=user, line=2" in refusals[0]
    assert "Croeso" not in log and "first_nam" not in log and str(tmp_path) not in log


def test_export_copies_the_shipped_wording_only_into_the_folder_given(tmp_path):
    shipped_before = _tree(resources_dir())
    folder = tmp_path / "for IT" / "wording"
    written = council_wording.export(folder)
    assert written == [folder / WORDING_FILE]
    assert _tree(tmp_path / "for IT") == {
        f"wording/{WORDING_FILE}": hashlib.sha256(SHIPPED.encode()).hexdigest()
    }
    assert _tree(resources_dir()) == shipped_before
    assert council_wording.check(folder / WORDING_FILE) is None  # a fresh copy is used as it is
    assert os.access(folder / WORDING_FILE, os.W_OK)


def test_export_never_overwrites_a_councils_copy(tmp_path):
    folder = tmp_path / "wording"
    _copy(folder, f"[labels]\n{COUNCIL_BY}\n")
    with pytest.raises(Problem, match="Nothing was copied: .*documents.toml is there already"):
        council_wording.export(folder)
    assert (folder / WORDING_FILE).read_text(encoding="utf-8") == f"[labels]\n{COUNCIL_BY}\n"


def test_the_command_exports_to_the_iros_folder_and_checks_what_is_used(tmp_path, window_settings):
    env = {"IRO_DESKTOP_SETTINGS_DIR": str(window_settings), COUNCIL_DIR_ENV: str(tmp_path / "site")}
    out = iro("templates", "export", env_extra=env)
    copy = window_settings / "council" / WORDING_FILE
    assert out.returncode == 0 and str(copy) in out.stdout, out.stderr
    out = iro("templates", "check", env_extra=env)
    assert (
        out.returncode == 0
        and out.stdout == f"{WORDING_FILE}: your council's wording, from your own folder ({copy})\n"
    )
    copy.write_text(SHIPPED.replace(SHIPPED_BY, 'decision_by = "Who: {person}."'), encoding="utf-8")
    line = SHIPPED.splitlines().index(SHIPPED_BY) + 1
    out = iro("templates", "check", env_extra=env)
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        f"{WORDING_FILE}: not used, because {copy}, line {line}: "
        '"decision_by" in [labels] leaves out {due}, which the app fills in: keep it',
        f"{WORDING_FILE}: the app's own wording",
    ]


def test_the_command_checks_a_file_before_it_is_deployed(tmp_path):
    good, bad = _copy(tmp_path / "good", SHIPPED), _copy(tmp_path / "bad", "[letter]\nsign_off = From\n")
    out = iro("templates", "check", good, bad)
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == f"{good}: the app would use it."
    assert out.stdout.splitlines()[1].startswith(f"{bad}: refused: {bad}, line 2: this is not valid TOML")
    assert iro("templates", "check", good).returncode == 0
