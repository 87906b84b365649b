"""A whole working session in a process of its own, for the no-plaintext test.

`python -m tests.e2e.session_script STORE EXPORT_DIR MARKER` prints one JSON line: the personal strings
the session handled. Besides the exports it writes, outside the export folder, what the app writes on its
own: a daily backup, a handover file, a problem report, the window settings file."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from iro_desktop.gui.main_window import MainWindow
from iro_desktop.services import diagnostics, documents
from iro_desktop.services.auto_backup import run_daily_backup
from iro_desktop.services.demo import populate_demo
from iro_desktop.services.handover import send
from iro_desktop.services.review_prep import record_private_conversation
from iro_desktop.store import create_store
from iro_desktop.store.keys import TEST_KDF

TODAY = date(2026, 11, 25)


def main(store_path: Path, export_dir: Path, marker: str) -> None:
    app = QApplication(sys.argv)
    store = create_store(store_path, "session-passphrase-for-tests", kdf=TEST_KDF, is_demo=True)
    populate_demo(store, TODAY)  # the demo finalises and signs some reviews too
    window = MainWindow(store, TODAY)
    window.show()
    row = window.caseload.model.rows()[0]
    window.open_child(row.id)
    window.open_review(row.id)
    review_id = window.review.review_id
    record_private_conversation(
        store,
        review_id,
        happened=True,
        on=TODAY,
        place="the garden",
        words=f"{marker} and I want my own room",
        agreed_to_share=True,
    )
    window.review.tabs.setCurrentWidget(window.review.minute)
    window.review.minute.section_stack.currentWidget().setPlainText(f"Minutes: {marker}")
    window.review.flush()
    export_dir.mkdir(parents=True, exist_ok=True)
    for kind in documents.REVIEW_DOCUMENTS:  # written only where the IRO chose
        pdf = documents.render_review_document(store, review_id, kind, TODAY)
        (export_dir / f"{kind}.pdf").write_bytes(pdf)
        documents.preview_pngs(pdf)  # the preview the documents dialog shows
    names = sorted({r.name for r in window.caseload.model.rows()})
    window.back_up_to(export_dir / "backup.iro-backup")
    elsewhere = store_path.parent
    (elsewhere / "daily-backups").mkdir()  # the folder the IRO chose for daily backups
    run_daily_backup(store, elsewhere / "daily-backups", TODAY)
    send(store, window.caseload.model.rows()[1].id, elsewhere / "handover.iro-handover", kdf=TEST_KDF)
    (elsewhere / "problem-report.txt").write_text(diagnostics.report(store_path), encoding="utf-8")
    window.lock()
    window.close()
    app.processEvents()
    print(json.dumps({"names": names, "child": row.name}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
