"""A council's own wording for documents: copy the shipped files out to edit, check a copy, say which is used.

The files a council may edit are the documents' wording only (documents/templates.py). Forms, code, fonts,
the dictionary and the guide are not: they change with each version and a stale copy would break the app
or mislead its user. Nothing here ever writes into the installed app.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from iro_desktop.documents import templates
from iro_desktop.documents.templates import Refusal
from iro_desktop.paths import council_dirs
from iro_desktop.private_files import private_dir
from iro_desktop.problems import Problem

EDITABLE = (templates.WORDING_FILE,)
WHERE = {
    "user": "your council's wording, from your own folder",
    "site": "your council's wording, from this computer's council folder",
    "shipped": "the app's own wording",
}


@dataclass(frozen=True)
class InUse:
    name: str  # the file's name, as a council's copy must be called
    source: Path
    where: str  # "user", "site" or "shipped"
    refused: tuple[Refusal, ...]  # copies found but not used, first to last

    def said(self) -> str:
        return WHERE[self.where]

    def summary(self) -> str:
        return f"{self.name}: {self.said()}"


def in_use() -> list[InUse]:
    """For each file a council may edit, the copy the next document will use."""
    user, site = council_dirs()
    choice = templates.choose()
    where = {user: "user", site: "site"}.get(choice.source.parent, "shipped")
    return [InUse(templates.WORDING_FILE, choice.source, where, choice.refused)]


def export(folder: Path | None = None) -> list[Path]:
    """Copy the shipped files into `folder` (default: the IRO's own council folder) to be edited there.

    Refused, with nothing written, if any of them is there already: a council's edits are never overwritten.
    """
    folder = Path(folder) if folder is not None else council_dirs()[0]
    targets = [folder / name for name in EDITABLE]
    there = [t for t in targets if t.exists()]
    if there:
        names = ", ".join(str(t) for t in there)
        raise Problem(f"Nothing was copied: {names} is there already. Move it, or choose another folder.")
    try:
        private_dir(folder)  # as every folder the app makes; one that is there is left as it is
        for target in targets:
            # The contents only: the installed file may be read-only, and the copy is there to be edited.
            shutil.copyfile(templates.template_path(), target)
    except OSError as exc:
        raise Problem(
            f"The wording could not be copied to {folder} ({exc.strerror or 'not allowed'})."
        ) from exc
    return targets


def check(path: Path) -> Refusal | None:
    """Why the app would refuse `path` as a council's copy, or None if it would use it."""
    path = Path(path)
    if path.name not in EDITABLE:
        reason = f"the app reads no file of that name; a council may edit: {', '.join(EDITABLE)}"
        return Refusal(path, None, reason)
    return templates.refusal(path)
