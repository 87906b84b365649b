"""Tools > Settings: the review timescales, the council's closure days and worked bank holidays, the
idle lock, and which wording the documents use (gui/wording_tab.py), in one dialog.

Nothing is saved until OK, and then everything at once (services/settings.save_all); Cancel changes
nothing. The timescale rows are built from the service's list of fields, so a new timescale gets a row
without touching the form. A new idle time applies at once; the caseload is worked out again on OK.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from iro_desktop.clock import system_clock
from iro_desktop.domain.calendar import WorkingCalendar, format_date
from iro_desktop.domain.timescales import TimescaleSettings
from iro_desktop.gui.appearance import set_tone
from iro_desktop.gui.forms import find, load_into
from iro_desktop.gui.problems import clear_problem, show_problem
from iro_desktop.gui.wording_tab import WordingTab
from iro_desktop.services import settings as service
from iro_desktop.services.guide import TIMESCALES
from iro_desktop.services.settings import AllSettings
from iro_desktop.store import StoreError

DEFAULTS = TimescaleSettings()
_DAY = Qt.ItemDataRole.UserRole  # a listed day's item holds its date, for saving
# A heading above the first row of each group of timescales.
HEADINGS = {
    "first_review_working_days": "Review cycles",
    "adjournment_max_wd": "Adjourning, and after the review",
    "drp_stage_response_wd": "Dispute resolution",
    "due_soon_wd": "Caseload",
}


def _spin_box(field: str, default: float) -> QAbstractSpinBox:
    limit = service.TIMESCALE_LIMITS[field]
    spin = QSpinBox() if isinstance(default, int) else QDoubleSpinBox()
    if isinstance(spin, QDoubleSpinBox):
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
    spin.setRange(limit.low, limit.high)
    spin.setObjectName(f"{field}Spin")
    return spin


class _DayList:
    """A list of dates kept in date order, with the message line under it and the rule that refuses a day."""

    def __init__(self, widget: QListWidget, message: QLabel, problem, describe) -> None:
        self.widget, self.message, self.problem, self.describe = widget, message, problem, describe

    def days(self) -> tuple[date, ...]:
        return tuple(self.widget.item(i).data(_DAY) for i in range(self.widget.count()))

    def put(self, day: date) -> None:
        item = QListWidgetItem(self.describe(day))
        item.setData(_DAY, day)
        later = [i for i, d in enumerate(self.days()) if d > day]
        self.widget.insertItem(later[0] if later else self.widget.count(), item)
        self.widget.setCurrentItem(item)

    def add(self, day: date) -> None:
        problem = self.problem(day, self.days())
        _say(self.message, problem or f"{format_date(day)} added.", problem is not None)
        if problem is None:
            self.put(day)

    def remove_chosen(self) -> None:
        item = self.widget.currentItem()
        if item is None:
            _say(self.message, "Choose a day in the list first.", True)
            return
        self.widget.takeItem(self.widget.row(item))
        _say(self.message, f"{format_date(item.data(_DAY))} taken off the list.", False)


def _say(label: QLabel, text: str, problem: bool, field: QWidget | None = None) -> None:
    """A line of news under a list or figure; a problem there is shown the one way (gui.problems)."""
    if problem:
        show_problem(label, text, field, focus=False)  # the caller chooses which field takes the focus
        return
    clear_problem(label, field, hide=False)
    label.setText(text)
    set_tone(label, None)


def _holiday_choices(combo: QComboBox, today: date) -> None:
    """The bank holidays a council may work, from last year to two years ahead, the next one chosen."""
    for year in range(today.year - 1, today.year + 3):
        for day, name in WorkingCalendar().holidays_in(year):
            if day.weekday() < 5 and name not in service.ALWAYS_OFF:
                combo.addItem(f"{format_date(day)} ({name})", day)
    upcoming = [i for i in range(combo.count()) if combo.itemData(i) >= today]
    combo.setCurrentIndex(upcoming[0] if upcoming else 0)


class SettingsDialog(QDialog):
    def __init__(self, store, parent=None, today: date | None = None) -> None:
        super().__init__(parent)
        # The holidays offered start from the caseload's as-of date when a window opened the dialog.
        today = today or getattr(getattr(parent, "caseload", None), "as_of", None) or system_clock().today()
        load_into(self, "settings_dialog.ui")
        self.store = store
        self.tabs: QTabWidget = find(self, QTabWidget, "tabs")
        self.closure_list: QListWidget = find(self, QListWidget, "closureList")
        self.closure_date: QDateEdit = find(self, QDateEdit, "closureDate")
        self.closure_message: QLabel = find(self, QLabel, "closureMessage")
        self.closure_days = _DayList(
            self.closure_list,
            self.closure_message,
            service.closure_problem,
            lambda d: f"{format_date(d)} ({d:%A})",
        )
        self.worked_holiday: QComboBox = find(self, QComboBox, "workedHoliday")
        self.worked_days = _DayList(
            find(self, QListWidget, "workedList"),
            find(self, QLabel, "workedMessage"),
            service.worked_holiday_problem,
            lambda d: f"{format_date(d)} ({service.bank_holiday_name(d)})",
        )
        _holiday_choices(self.worked_holiday, today)
        self.idle_minutes: QSpinBox = find(self, QSpinBox, "idleMinutes")
        self.idle_message: QLabel = find(self, QLabel, "idleMessage")
        self.spins: dict[str, QAbstractSpinBox] = {}
        self.markers: dict[str, QLabel] = {}
        self.sources = {t.field: t.source for t in TIMESCALES}
        self._build_timescale_rows(find(self, QFormLayout, "timescalesForm"))
        find(self, QPushButton, "restoreDefaultsButton").clicked.connect(self.restore_defaults)
        find(self, QPushButton, "addClosureButton").clicked.connect(self.add_closure)
        find(self, QPushButton, "removeClosureButton").clicked.connect(self.remove_closure)
        find(self, QPushButton, "addWorkedButton").clicked.connect(self.add_worked_holiday)
        find(self, QPushButton, "removeWorkedButton").clicked.connect(self.worked_days.remove_chosen)
        self.wording = WordingTab(self)
        buttons = find(self, QDialogButtonBox, "buttons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._show(service.all_settings(store))

    # --- building and filling ----------------------------------------------------------------------

    def _build_timescale_rows(self, form: QFormLayout) -> None:
        previous: QWidget = find(self, QTabWidget, "tabs")
        for t in TIMESCALES:
            if t.field in HEADINGS:
                heading = QLabel(f"<b>{HEADINGS[t.field]}</b>")
                form.addRow(heading)
            default = getattr(DEFAULTS, t.field)
            spin = _spin_box(t.field, default)
            label = QLabel(f"{t.what} ({t.unit}):")
            label.setBuddy(spin)
            limit = service.TIMESCALE_LIMITS[t.field]
            about = f"{limit.basis}, {t.source}. From {limit.low:g} to {limit.high:g}; default {default:g}."
            spin.setAccessibleName(f"{t.what} ({t.unit})")
            spin.setAccessibleDescription(about)
            spin.setToolTip(about)
            marker = QLabel()
            marker.setObjectName(f"{t.field}Marker")
            row = QHBoxLayout()
            row.addWidget(spin)
            row.addWidget(marker, 1)
            form.addRow(label, row)
            spin.valueChanged.connect(lambda _v, f=t.field: self._mark(f))
            QWidget.setTabOrder(previous, spin)
            previous = self.spins[t.field] = spin
            self.markers[t.field] = marker
        QWidget.setTabOrder(previous, find(self, QPushButton, "restoreDefaultsButton"))

    def _show(self, current: AllSettings) -> None:
        for field, spin in self.spins.items():
            spin.setValue(getattr(current.timescales, field))
            self._mark(field)
        for day in current.closures:
            self.closure_days.put(day)
        for day in current.worked_holidays:
            self.worked_days.put(day)
        self.idle_minutes.setValue(current.idle_lock_minutes)

    def _mark(self, field: str) -> None:
        """The figure's source, or that it differs from the default (clearing an earlier problem there)."""
        default, source = getattr(DEFAULTS, field), self.sources[field]
        changed = self.spins[field].value() != default
        clear_problem(self.markers[field], self.spins[field], hide=False)
        self.markers[field].setText(f"changed: the default is {default:g}" if changed else source)
        set_tone(self.markers[field], "warning" if changed else "quiet")

    def restore_defaults(self) -> None:
        for field, spin in self.spins.items():
            spin.setValue(getattr(DEFAULTS, field))

    # --- closure days and worked bank holidays ----------------------------------------------------

    def closures(self) -> tuple[date, ...]:
        return self.closure_days.days()

    def add_closure(self) -> None:
        self.closure_days.add(self.closure_date.date().toPython())

    def remove_closure(self) -> None:
        self.closure_days.remove_chosen()

    def add_worked_holiday(self) -> None:
        self.worked_days.add(self.worked_holiday.currentData())

    # --- saving ------------------------------------------------------------------------------------

    def settings(self) -> AllSettings:
        values = {field: spin.value() for field, spin in self.spins.items()}
        return AllSettings(
            TimescaleSettings.from_dict(values),
            self.closures(),
            self.idle_minutes.value(),
            self.worked_days.days(),
        )

    def accept(self) -> None:
        new = self.settings()
        refused = service.problems(new)
        if refused:
            self._show_problems(refused)
            return
        try:
            service.save_all(self.store, new)
        except StoreError as exc:
            QMessageBox.warning(self, "Settings not saved", f"Nothing was saved: {exc}")
            return
        self._apply_to_window(new)
        super().accept()

    def _show_problems(self, refused: dict[str, str]) -> None:
        """Each problem at its field; the first field's tab comes forward with the focus in it."""
        places = []
        for key, message in refused.items():
            field = key.removeprefix("timescales.")
            if field in self.markers:
                _say(self.markers[field], message, True, self.spins[field])
                places.append((self.spins[field], 0))
            elif key == service.CLOSURES:
                _say(self.closure_message, message, True, self.closure_list)
                places.append((self.closure_list, 1))
            elif key == service.WORKED_HOLIDAYS:
                _say(self.worked_days.message, message, True, self.worked_days.widget)
                places.append((self.worked_days.widget, 1))
            else:
                _say(self.idle_message, message, True, self.idle_minutes)
                places.append((self.idle_minutes, 2))
        widget, tab = places[0]
        self.tabs.setCurrentIndex(tab)
        widget.setFocus()
        find(self, QScrollArea, "timescalesScroll").ensureWidgetVisible(widget)

    def _apply_to_window(self, new: AllSettings) -> None:
        """The main window locks after the new idle time from now on, and shows the new due dates."""
        window = self.parent()
        if hasattr(window, "idle"):
            window.idle.set_minutes(new.idle_lock_minutes)
        if hasattr(window, "refresh"):
            window.refresh()
