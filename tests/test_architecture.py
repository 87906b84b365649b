"""Guards for the layout in ARCHITECTURE.md: the core never imports Qt; the domain does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "iro_desktop"
UIC_MARK = "Qt User Interface " + "Compiler"  # what pyside6-uic writes atop generated code
IO_MODULES = {
    "sqlite3",
    "sqlcipher3",
    "sqlalchemy",
    "socket",
    "http",
    "urllib",
    "requests",
    "httpx",
    "subprocess",
    "shutil",
    "tempfile",
    "io",
    "os",
    "pathlib",
    "platformdirs",
    "alembic",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(folder: Path):
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(PACKAGE), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_gui_imports_qt(path):
    if (PACKAGE / "gui") in path.parents:
        return
    qt = {name for name in _imports(path) if name.split(".")[0] in ("PySide6", "shiboken6")}
    assert not qt, f"{path.relative_to(ROOT)} imports {qt}: Qt belongs in iro_desktop/gui/ only"


@pytest.mark.parametrize("path", _modules(PACKAGE / "domain"), ids=lambda p: p.name)
def test_the_domain_imports_no_store_and_no_io(path):
    imported = _imports(path)
    project = {n for n in imported if n.startswith("iro_desktop.") and not n.startswith("iro_desktop.domain")}
    io = {n for n in imported if n.split(".")[0] in IO_MODULES}
    assert not project, f"domain module {path.name} imports {project}"
    assert not io, f"domain module {path.name} imports I/O modules {io}"
    assert "date.today" not in path.read_text(encoding="utf-8"), "the domain takes today as a parameter"


def test_every_form_is_designer_xml_and_no_generated_form_code_is_committed():
    forms = sorted((ROOT / "ui").glob("*.ui"))
    assert {"unlock_dialog.ui", "main_window.ui"} <= {f.name for f in forms}
    for form in forms:
        text = form.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<?xml") and "<ui version=" in text
    generated = [
        p
        for p in ROOT.rglob("*.py")
        if ".venv" not in p.parts and UIC_MARK in p.read_text(encoding="utf-8", errors="ignore")
    ]
    assert generated == [], f"generated form code committed: {generated}"
