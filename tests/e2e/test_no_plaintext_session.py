"""After a whole session (demo, prepare, minute, signed records, PDFs, preview, backups, a handover file, a
problem report, lock) no file the app wrote outside the folder the IRO chose for exports holds any personal
data in plain text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

MARKER = "Quixotic-Marmalade-Horizon-7391"


def test_no_personal_data_in_any_file_written_outside_the_export_folder(tmp_path):
    home, tmp, data = tmp_path / "home", tmp_path / "tmp", tmp_path / "data"
    for folder in (home, tmp, data):
        folder.mkdir()
    export = tmp_path / "chosen-by-the-iro"
    env = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_RUNTIME_DIR": str(tmp),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("IRO_DESKTOP_SETTINGS_DIR", None)  # the window settings file goes where the app puts it: searched
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.session_script", str(data / "caseload.db"), str(export), MARKER],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    handled = json.loads(done.stdout.strip().splitlines()[-1])
    personal = [MARKER, handled["child"], *(n for n in handled["names"] if len(n) >= 8)]
    written = [p for p in tmp_path.rglob("*") if p.is_file() and export not in p.parents]
    names_written = {p.name for p in written}  # the store and everything else the app wrote are searched
    assert {"caseload.db", "handover.iro-handover", "problem-report.txt", "window.ini"} <= names_written
    assert any(name.endswith(".iro-backup") for name in names_written)
    found = [
        (str(p.relative_to(tmp_path)), word)
        for p in written
        for word in personal
        if word.encode("utf-8") in p.read_bytes() or word.encode("utf-16-le") in p.read_bytes()
    ]
    assert found == [], f"personal data in plain text: {found[:5]}"
    assert MARKER.encode() in (export / "review_record.pdf").read_bytes() or any(
        MARKER in t for t in _pdf_texts(export / "review_record.pdf")
    )  # and the export the IRO asked for does hold it: the search would have seen it


def _pdf_texts(path: Path):
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]
