"""The wording documents repeat: resources/templates/documents.toml, or a council's edited copy of it.

An installed bundle is read-only (and signed), so a council edits a copy in the IRO's config folder or
this computer's (paths.council_dirs), looked for in that order. A copy may hold only the phrases it changes;
the rest come from the shipped file, so a later version's new phrases need no edit. A copy that is not
valid TOML, names a section or phrase the app does not have, or drops or adds a {placeholder} is refused
whole, with its file and line, and the next one (in the end the shipped file) is used: a document is
never made from half of a council's wording.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from string import Formatter

from iro_desktop.paths import council_dirs, resources_dir

WORDING_FILE = "documents.toml"
log = logging.getLogger(__name__)  # where and which line only: the file's words stay out of the log
_logged: set[tuple[Path, int]] = set()  # (file, mtime) refusals already logged: one line per edit


@dataclass(frozen=True)
class Wording:
    """Every phrase by section and name; `say` fills in its {placeholders}."""

    phrases: dict[str, dict[str, str]]

    def say(self, section: str, name: str, **values: object) -> str:
        return self.phrases[section][name].format(**values)


@dataclass(frozen=True)
class Refusal:
    """Why a council's copy was not used, and where in it."""

    path: Path
    line: int | None
    reason: str

    def text(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Choice:
    """The wording documents use now, the file it came from, and the copies refused before it."""

    wording: Wording
    source: Path
    refused: tuple[Refusal, ...]


class _Refused(Exception):
    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


def template_path() -> Path:
    return resources_dir() / "templates" / WORDING_FILE


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line of `[section]`, or of `key = ` under it (tomllib gives no positions)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*\"?([^\]\"]+?)\"?\s*\]", line)
        if header:
            current = header.group(1)
            if key is None and current == section:
                return number
        elif key is not None and current == section and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return None


def _braces(names: set[str]) -> str:
    return ", ".join(f"{{{n}}}" for n in sorted(names)) or "none"


def _phrase_problem(value: object, shipped: str) -> str | None:
    """Why `value` cannot stand in for the shipped phrase, or None."""
    if not isinstance(value, str):
        return "must be text in quotes"
    try:
        have, need = _placeholders(value), _placeholders(shipped)
    except ValueError:
        return "has a { or } that encloses no placeholder: write {{ or }} for a brace itself"
    if need - have:
        return f"leaves out {_braces(need - have)}, which the app fills in: keep it"
    if have - need:
        return f"uses {_braces(have - need)}, which the app does not fill in (it fills in: {_braces(need)})"
    try:  # a format after a colon, say {date:%d}, could fail only when a document is made
        value.format(**dict.fromkeys(need, ""))
    except (ValueError, TypeError):
        return "has a placeholder with more than its name in the braces: write it as {name} alone"
    return None


def _checked(text: str, shipped: dict[str, dict[str, str]]) -> dict[str, dict[str, object]]:
    """The copy's phrases, if every one of them could stand in for the shipped one; else _Refused."""
    try:
        copy = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, _, at = str(exc).partition(" (at line ")
        raise _Refused(f"this is not valid TOML ({reason})", int(at.split(",")[0]) if at else None) from exc
    for section, phrases in copy.items():
        if section not in shipped or not isinstance(phrases, dict):
            known = ", ".join(f"[{s}]" for s in shipped)
            raise _Refused(f"the app has no section [{section}] (it has {known})", _line_of(text, section))
        for name, value in phrases.items():
            if name not in shipped[section]:
                raise _Refused(f'[{section}] has no phrase called "{name}"', _line_of(text, section, name))
            problem = _phrase_problem(value, shipped[section][name])
            if problem:
                raise _Refused(f'"{name}" in [{section}] {problem}', _line_of(text, section, name))
    return copy


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused("it is not UTF-8 text: save it as UTF-8") from exc
    except OSError as exc:
        raise _Refused(f"it could not be read ({exc.strerror or type(exc).__name__})") from exc


def _shipped() -> dict[str, dict[str, str]]:
    with open(template_path(), "rb") as file:
        return tomllib.load(file)


def refusal(path: Path, shipped: dict | None = None) -> Refusal | None:
    """Why the app would refuse `path` as a council's copy of the wording, or None if it would use it."""
    try:
        _checked(_read(path), shipped or _shipped())
    except _Refused as exc:
        return Refusal(path, exc.line, exc.reason)
    return None


def _log_refusal(path: Path, where: int, refused: Refusal) -> None:
    try:
        seen = (path, path.stat().st_mtime_ns)
    except OSError:
        seen = (path, 0)
    if seen not in _logged:
        _logged.add(seen)
        facts = {"folder": ("user", "site")[where], "line": refused.line}
        log.warning("A council wording file was refused; the next one is used", extra={"facts": facts})


def choose() -> Choice:
    """Read afresh each time, so an edit to a copy shows in the next document made."""
    shipped = _shipped()
    refused: list[Refusal] = []
    for where, folder in enumerate(council_dirs()):
        path = folder / WORDING_FILE
        if not path.is_file():
            continue
        try:
            copy = _checked(_read(path), shipped)
        except _Refused as exc:
            refused.append(Refusal(path, exc.line, exc.reason))
            _log_refusal(path, where, refused[-1])
            continue
        merged = {section: {**phrases, **copy.get(section, {})} for section, phrases in shipped.items()}
        return Choice(Wording(merged), path, tuple(refused))
    return Choice(Wording(shipped), template_path(), tuple(refused))


def load_wording(path: Path | None = None) -> Wording:
    """The wording in use (see `choose`); `path` reads that one file as it is (tests)."""
    if path is not None:
        with open(path, "rb") as file:
            return Wording(tomllib.load(file))
    return choose().wording
