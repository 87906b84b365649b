"""The one question asked before a child's records are deleted from this store."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_removal(parent: QWidget, name: str, child_ref: str, why: str) -> bool:
    """Ask, naming the child; No is the default, so a stray Enter removes nothing."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"Remove {name}?", "", parent=parent)
    box.setObjectName("confirmRemoval")
    box.setText(
        f"<p>Remove <b>{escape(name)}</b> ({escape(child_ref)}) from this store?</p>"
        f"<p>{escape(why)} Every record about them in your working copy is deleted and cannot be brought "
        "back from this store. The council's own records are not affected.</p>"
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(f"Remove {name}")
    return box.exec() == QMessageBox.StandardButton.Yes
