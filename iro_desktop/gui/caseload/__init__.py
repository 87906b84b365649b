"""The caseload dashboard: who needs the IRO next."""

from iro_desktop.gui.caseload.view import CaseloadView

__all__ = ["CaseloadView"]
