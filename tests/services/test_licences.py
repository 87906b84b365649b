"""About: the licences of everything the app ships, from the installed metadata and resources/."""

from __future__ import annotations

from iro_desktop.services import licences


def _by_name():
    return {licences.normalise(item.name): item for item in licences.packages()}


def test_run_time_packages_are_listed_with_their_licences_and_dev_tools_are_not():
    found = _by_name()
    assert {"iro-desktop", "pyside6-essentials", "sqlcipher3", "sqlalchemy", "cryptography"} <= found.keys()
    assert "psycopg-binary" in found  # reached through psycopg[binary]
    assert not {"pytest", "ruff", "hypothesis", "pytest-qt"} & found.keys()  # the [dev] extra is not shipped
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
    assert items["Spelling dictionary en_GB"].licence == "LGPL"
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
    assert [item.kind for item in rest] == ["Font", "Font", "Dictionary", "Library", "Library"]
