"""About: the licences of everything the app ships: from the installed metadata and resources/ when run from
source, from the notices installer/notices.py wrote into the bundle when there are any."""

from __future__ import annotations

import shutil
from pathlib import Path

from installer import notices
from iro_desktop.services import licences

ROOT = Path(__file__).resolve().parents[2]


def _by_name():
    return {licences.normalise(item.name): item for item in licences.packages()}


def test_run_time_packages_are_listed_with_their_licences_and_dev_tools_are_not():
    first = licences.packages()[0]
    assert (first.name, first.kind, first.licence) == ("iro-desktop", "The app", "MIT")
    assert "MIT License" in first.text()
    found = _by_name()
    assert {"iro-desktop", "pyside6-essentials", "sqlcipher3", "sqlalchemy", "cryptography"} <= found.keys()
    assert not {"pytest", "ruff", "hypothesis", "pytest-qt"} & found.keys()  # the dev group is not shipped
    assert not {"fastapi", "uvicorn", "psycopg"} & found.keys()  # nor the council's receiver
    assert "LGPL-3.0-only" in found["pyside6-essentials"].licence
    assert found["cryptography"].licence == "Apache-2.0 OR BSD-3-Clause"


def test_a_packages_licence_text_can_be_read_where_it_ships_one():
    text = _by_name()["cryptography"].text()
    assert "Apache License" in text


def test_without_metadata_as_in_a_partial_bundle_the_list_is_empty_not_an_error():
    assert licences.packages("not-an-installed-distribution") == []


def test_fonts_dictionary_and_spelling_libraries_come_with_their_licences():
    items = {item.name: item for item in licences.resources()}
    assert items["Noto fonts"].licence == "OFL-1.1"
    assert items["DejaVu fonts"].licence == "bitstream-vera"
    assert items["Spelling dictionary en_GB"].licence == "LGPL-3.0"
    assert "© OpenStreetMap contributors" in items["Spelling dictionary en_GB"].text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in items["Spelling dictionary en_GB"].text()
    assert items["SQLCipher"].licence == "BSD-3-Clause" and "ZETETIC LLC" in items["SQLCipher"].text()
    assert items["ICU"].licence == "Unicode-DFS-2016" and "Unicode, Inc." in items["ICU"].text()
    assert "SIL Open Font License" in items["Noto fonts"].text()
    assert items["enchant"].licence == "LGPL-2.1+"
    assert items["Hunspell"].licence == "MPL-1.1 OR GPL-2.0 OR LGPL-2.1"
    assert "MOZILLA PUBLIC LICENSE" in items["Hunspell"].text()
    assert _by_name()["pyenchant"].licence == "LGPL"


def test_a_bundle_without_package_metadata_still_says_where_the_licences_are(monkeypatch):
    monkeypatch.setattr(licences, "packages", lambda: [])
    first, *rest = licences.shipped()
    assert (first.name, first.licence) == ("Python libraries", licences.SEE_SHIPPED)
    assert "see the licence files shipped with the app" in first.text()
    assert [item.kind for item in rest] == ["Font", "Font", "Dictionary"] + ["Library"] * 4


def test_in_a_bundle_the_list_is_its_notices_one_item_per_section(tmp_path):
    fonts = tmp_path / "bundle" / "_internal" / "iro_desktop" / "resources" / "fonts"
    fonts.mkdir(parents=True)
    for name in ("DejaVuSans.ttf", "LICENCE-DejaVu.txt"):
        shutil.copyfile(ROOT / "resources" / "fonts" / name, fonts / name)
    written = notices.render(notices.components(tmp_path / "bundle", ROOT), "6.11.3")
    (tmp_path / "resources" / "licences").mkdir(parents=True)
    (tmp_path / "resources" / "licences" / licences.NOTICES).write_text(written, encoding="utf-8")
    items = licences.shipped(tmp_path / "resources")
    assert [(i.name, i.kind, i.licence) for i in items[:3]] == [
        ("iro-desktop", "The app", "MIT"),
        ("DejaVu fonts", "Font", "bitstream-vera"),
        ("How to replace the Qt libraries", "Notice", "LGPL-3.0-only"),
    ]
    assert "_internal/iro_desktop/resources/fonts/DejaVuSans.ttf" in items[1].text()
    assert len(items) == written.count(f"\n{licences.SEPARATOR}\n")  # one item per section
    assert all(item.text().strip() in written for item in items)  # each the whole of its section
