"""Guards for docs/ARCHITECTURE.md: every import follows an arrow of its Layers; the core never imports Qt;
the domain does no I/O."""

from __future__ import annotations

import ast
import re
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
    # problems.py (the exception type for the IRO's sentences) is a leaf below every layer, the domain too.
    below = ("iro_desktop.domain", "iro_desktop.problems")
    project = {n for n in imported if n.startswith("iro_desktop.") and not n.startswith(below)}
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


# --- every arrow between packages, against the LAYERS block of docs/ARCHITECTURE.md ---------------------

ARCHITECTURE = ROOT / "docs/ARCHITECTURE.md"
ROOT_LAYER = "__init__"  # the package itself: `from iro_desktop import __version__`


def _layers() -> dict[str, set[str]]:
    """{layer: the layers and modules it may import}, from the fenced block after the LAYERS heading."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"^## Layers\n.*?```text\n(.*?)```", text, re.S | re.M)
    assert block, "docs/ARCHITECTURE.md has no '## Layers' section with a ```text block"
    layers = {}
    for line in block.group(1).splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, allowed = line.partition("->")
            layers[name.strip()] = {a.strip() for a in allowed.split(",") if a.strip()}
    return layers


LAYERS = _layers()


def _dotted(path: Path) -> str:
    """iro_desktop/sync/receiver/app.py -> 'sync.receiver.app'; the package's own __init__ -> ''."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer_of(name: str) -> str | None:
    """The most specific layer holding `name` (a module path below iro_desktop, '' for the package)."""
    if name == "":
        return ROOT_LAYER
    holding = [layer for layer in LAYERS if name == layer or name.startswith(layer + ".")]
    return max(holding, key=len) if holding else None


def _is_module(name: str) -> bool:
    below = PACKAGE.joinpath(*name.split("."))
    return below.with_suffix(".py").exists() or (below / "__init__.py").exists()


def _targets(node: ast.AST, here: str, is_package: bool) -> list[str]:
    """The project modules one import node names, as dotted paths below iro_desktop."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
        return [n.removeprefix("iro_desktop").lstrip(".") for n in names if n.split(".")[0] == "iro_desktop"]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: count up from this module's package
            package = here.split(".") if is_package else here.split(".")[:-1]
            base = package[: len(package) - (node.level - 1)]
            module = ".".join([*base, *([node.module] if node.module else [])])
        elif (node.module or "").split(".")[0] == "iro_desktop":
            module = node.module.removeprefix("iro_desktop").lstrip(".")
        else:
            return []
        named = [f"{module}.{a.name}".lstrip(".") for a in node.names]
        return list(dict.fromkeys(n if _is_module(n) else module for n in named))
    called = getattr(node, "func", None)
    if isinstance(node, ast.Call) and getattr(called, "attr", getattr(called, "id", "")) == "import_module":
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and str(first.value).startswith("iro_desktop."):
            return [first.value.removeprefix("iro_desktop.")]
    return []


def _allowed(source: str, target: str) -> bool:
    layer = _layer_of(target)
    if layer == source:
        return True
    # An entry names a layer, or one module of a layer (sync.receiver -> records.signing: that module only).
    return any(
        layer == entry if entry in LAYERS else target == entry or target.startswith(entry + ".")
        for entry in LAYERS[source]
    )


def _wrong_arrows(text: str, here: str, is_package: bool, shown: str) -> list[str]:
    """Each import in `text` (module `here`) that no arrow allows, as 'file:line: from -> to (module)'."""
    source = _layer_of(here)
    assert source, f"{shown} is in no layer of docs/ARCHITECTURE.md: add it there"
    wrong = []
    imports = sorted(ast.walk(ast.parse(text)), key=lambda n: getattr(n, "lineno", 0))
    for node in imports:
        for target in _targets(node, here, is_package):
            if not _allowed(source, target):
                module = ".".join(["iro_desktop", target]).rstrip(".")
                wrong.append(f"{shown}:{node.lineno}: {source} -> {_layer_of(target)} ({module})")
    return wrong


def _arrows_against_the_layers(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return _wrong_arrows(text, _dotted(path), path.name == "__init__.py", str(path.relative_to(ROOT)))


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_follows_an_arrow_of_the_layers(path):
    wrong = _arrows_against_the_layers(path)
    assert not wrong, "imports against docs/ARCHITECTURE.md (Layers):\n" + "\n".join(wrong)


def test_the_layers_name_only_what_exists_and_every_arrow_points_at_a_layer():
    for layer, allowed in LAYERS.items():
        assert layer == ROOT_LAYER or _is_module(layer), f"layer {layer!r} is not a module of iro_desktop"
        for entry in allowed:
            assert entry == ROOT_LAYER or _is_module(entry), f"{layer} -> {entry}: no such module"
            assert _layer_of(entry) != layer, f"{layer} -> {entry} points at itself"


def module_file(name: str) -> Path:
    below = PACKAGE.joinpath(*name.split("."))
    return below / "__init__.py" if below.is_dir() else below.with_suffix(".py")


def receiver_modules() -> set[str]:
    """Every project module the receiver loads, followed import by import (dotted below iro_desktop)."""
    todo = [_dotted(p) for p in (PACKAGE / "sync" / "receiver").rglob("*.py") if "migrations" not in p.parts]
    loaded = set()
    while todo:
        name = todo.pop()
        if name in loaded:
            continue
        loaded.add(name)
        path = module_file(name)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        todo += [t for node in ast.walk(tree) for t in _targets(node, name, path.name == "__init__.py")]
        todo += [".".join(name.split(".")[:up]) for up in range(name.count(".") + 1)]  # its packages run too
    return loaded


def test_the_receiver_deploys_without_the_laptops_store_services_or_window():
    """What the receiver loads, followed import by import, holds nothing of the laptop's side."""
    laptop = ("store", "services", "gui", "sync.client", "sync.outbox", "records.keys", "cli")
    assert sorted(n for n in receiver_modules() if n.startswith(laptop)) == []


def test_the_arrows_form_no_cycle():
    """Arrows point one way: following them from any layer never leads back to it."""
    below = {layer: {_layer_of(entry) for entry in allowed} for layer, allowed in LAYERS.items()}

    def reachable(start: str) -> set[str]:
        seen, todo = set(), list(below[start])
        while todo:
            layer = todo.pop()
            if layer not in seen:
                seen.add(layer)
                todo.extend(below.get(layer, ()))
        return seen

    assert [layer for layer in LAYERS if layer in reachable(layer)] == []


def test_the_layer_check_catches_a_wrong_arrow_in_every_import_form():
    """The check itself: relative, from-package, nested and dynamic imports upward are all reported."""
    probe = (
        "from . import calendar\n"
        "from .. import store\n"
        "from iro_desktop import services\n"
        "def later():\n"
        "    import iro_desktop.gui.app\n"
        "    from iro_desktop.records.signing import sha256_hex\n"
        "    importlib.import_module('iro_desktop.sync.client')\n"
    )
    wrong = _wrong_arrows(probe, "domain.probe", False, "probe.py")
    assert wrong == [
        "probe.py:2: domain -> store (iro_desktop.store)",
        "probe.py:3: domain -> services (iro_desktop.services)",
        "probe.py:5: domain -> gui (iro_desktop.gui.app)",
        "probe.py:6: domain -> records (iro_desktop.records.signing)",
        "probe.py:7: domain -> sync (iro_desktop.sync.client)",
    ]
