"""The licences of everything the app ships, for Help > About.

In the installed bundle: its third-party notices (THIRD-PARTY-NOTICES.txt in resources/licences), which
installer/notices.py wrote from the bundle's own contents when it was built, one item per section.
Run from source: the app and its Python packages (from the installed metadata, following run-time
requirements only), then the fonts, dictionary and native libraries whose licences are in resources/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from iro_desktop.paths import resources_dir

APP = "iro-desktop"
NOTICES = "THIRD-PARTY-NOTICES.txt"  # the name installer/notices.py writes
SEPARATOR = "=" * 78  # between the notices' sections
SEE_SHIPPED = "see the licence files shipped with the app"
SEE_TEXT = "see its licence text"
_LICENCE_FILE = re.compile(r"LICEN[CS]E|COPYING|NOTICE", re.IGNORECASE)
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?[^;]*(?:;(.*))?")
_EXTRA_MARKER = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
_CLASSIFIER = "License :: "


@dataclass(frozen=True)
class Licence:
    name: str
    version: str  # "" for fonts and dictionaries
    licence: str  # a short name, e.g. "MIT" or "OFL-1.1"
    kind: str  # "The app", "Python package", "Font", "Dictionary", "Library"; in a bundle, its notices' kinds
    files: tuple[Path, ...] = ()  # where the full licence text is, when it ships
    section: str = ""  # in a bundle: its whole section of the notices (files, licence and texts)

    def text(self) -> str:
        """The full licence text, or where to find it when it is not shipped alongside."""
        if self.section:
            return self.section
        texts = [f"{p.name}\n\n{p.read_text(encoding='utf-8', errors='replace')}" for p in self.files]
        return "\n\n".join(texts) if texts else f"No licence text was found for {self.name}: {SEE_SHIPPED}."


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(requirement: str) -> tuple[str, set[str], str]:
    match = _REQUIREMENT.match(requirement)
    name, extras, marker = match.group(1), match.group(2) or "", match.group(3) or ""
    return name, {normalise(e) for e in extras.split(",") if e.strip()}, marker


def _needed(marker: str, extras: set[str]) -> bool:
    """A requirement behind an extra counts only when that extra was asked for; a platform marker counts
    when the package is installed, which the caller checks. (Dev tools are a dependency group, which the
    metadata does not name, so they are never reached.)"""
    wanted = _EXTRA_MARKER.findall(marker)
    return not wanted or any(normalise(e) in extras for e in wanted)


def _licence_name(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith(_CLASSIFIER)]
    stated = (meta.get("License") or "").strip()
    if stated and stated != "UNKNOWN" and len(stated) <= 60 and "\n" not in stated:
        return stated
    return ", ".join(classifiers) or (SEE_TEXT if _licence_files(dist) else SEE_SHIPPED)


def _licence_files(dist: metadata.Distribution) -> tuple[Path, ...]:
    # The app's own resources/ licences are listed with the fonts and dictionary they belong to.
    names = [f for f in dist.files or () if _LICENCE_FILE.search(f.name) and "resources" not in f.parts]
    found = [Path(dist.locate_file(f)) for f in names]
    return tuple(p for p in found if p.is_file())


def _package(dist: metadata.Distribution, kind: str = "Python package") -> Licence:
    name = dist.metadata.get("Name") or "unknown"
    return Licence(name, dist.version, _licence_name(dist), kind, _licence_files(dist))


def _installed(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def packages(root: str = APP) -> list[Licence]:
    """The root distribution first, then everything it needs at run time by name; [] without metadata."""
    seen: dict[str, Licence] = {}
    queue: list[tuple[str, set[str]]] = [(root, set())]
    while queue:
        name, extras = queue.pop()
        dist = _installed(name)
        if dist is None or normalise(name) in seen and not extras:
            continue
        seen[normalise(name)] = _package(dist, "The app" if name == root else "Python package")
        for requirement in dist.requires or ():
            needed, needed_extras, marker = _parse(requirement)
            if _needed(marker, extras) and normalise(needed) not in seen:
                queue.append((needed, needed_extras))
    first = normalise(root)
    return sorted(seen.values(), key=lambda item: (normalise(item.name) != first, item.name.lower()))


def _debian_field(text: str, field: str) -> str:
    match = re.search(rf"^{field}:\s*(\S.*)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def _notices(folder: Path, kind: str) -> list[Licence]:
    """One entry per LICENCE-*.txt, named and licensed by its Debian copyright fields."""
    items = []
    for path in sorted(folder.glob("LICENCE-*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        name = _debian_field(text, "Upstream-Name") or path.stem.removeprefix("LICENCE-")
        if kind == "Font" and not name.lower().endswith("fonts"):
            name = f"{name} fonts"
        items.append(Licence(name, "", _debian_field(text, "License") or SEE_SHIPPED, kind, (path,)))
    return items


def resources(folder: Path | None = None) -> list[Licence]:
    """The fonts, the spelling dictionary, and the spelling libraries under pyenchant (resources/licences:
    libenchant and Hunspell, carried in the Windows bundle and taken from the system on Linux)."""
    folder = folder or resources_dir()
    items = _notices(folder / "fonts", "Font")
    for path in sorted((folder / "dictionaries").glob("README_*.txt")):
        language = path.stem.removeprefix("README_")
        # The en_GB README states the LGPL (version 3 from 2019) in prose; its attributions are beside the
        # licence texts, with the full LGPL 3.0.
        texts = folder / "licences" / "texts"
        files = (texts / f"{language}-dictionary-attribution.txt", texts / "LGPL-3.0.txt", path)
        items.append(Licence(f"Spelling dictionary {language}", "", "LGPL-3.0", "Dictionary", files))
    return items + _notices(folder / "licences", "Library")


def from_notices(path: Path) -> list[Licence]:
    """One item per section of the bundle's notices, named by its Name, Version, Kind and Licence lines."""
    sections = path.read_text(encoding="utf-8").split(f"\n{SEPARATOR}\n")[1:]  # the first is the preamble
    return [_section(section) for section in sections]


def _section(section: str) -> Licence:
    head = section.partition("\n\n")[0].splitlines()
    fields = dict(line.split(": ", 1) for line in head if ": " in line and not line.startswith(" "))
    name, licence, kind = fields.get("Name", "?"), fields.get("Licence", ""), fields.get("Kind", "")
    return Licence(name, fields.get("Version", ""), licence, kind, section=section.rstrip() + "\n")


def shipped(folder: Path | None = None) -> list[Licence]:
    """Everything to list in About: the bundle's notices where they are; otherwise (run from source) the
    installed metadata and resources/, and a list without package metadata still says where to look."""
    folder = folder or resources_dir()
    notices = folder / "licences" / NOTICES
    if notices.is_file():
        return from_notices(notices)
    found = packages() or [Licence("Python libraries", "", SEE_SHIPPED, "Python package")]
    return found + resources(folder)
