"""The wording documents repeat, read at run time from resources/templates/documents.toml, editable."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from iro_desktop.paths import resources_dir


@dataclass(frozen=True)
class Wording:
    """Every phrase by section and name; `say` fills in its {placeholders}."""

    phrases: dict[str, dict[str, str]]

    def say(self, section: str, name: str, **values: object) -> str:
        return self.phrases[section][name].format(**values)


def template_path() -> Path:
    return resources_dir() / "templates" / "documents.toml"


def load_wording(path: Path | None = None) -> Wording:
    """Read afresh each time, so an edit to the file shows in the next document made."""
    with open(path or template_path(), "rb") as file:
        return Wording(tomllib.load(file))
