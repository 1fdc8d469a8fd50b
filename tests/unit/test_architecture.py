"""The rules of the program's shape (ARCHITECTURE.md), checked on the source so they cannot
erode: the core never imports the window, the window's parts never name the window, no
mixins, and the window module stays a composition root."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import reader

PACKAGE = Path(reader.__file__).resolve().parent
WINDOW_SIDE = ("ui", "app.py")
MAX_WINDOW_LINES = 400


def modules(where: Path = PACKAGE) -> list[Path]:
    return sorted(where.rglob("*.py"))


def imported_names(path: Path) -> set[str]:
    """Every module an ``import`` anywhere in ``path`` names (top level or in a function)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_imports_nothing_of_the_window() -> None:
    core = [p for p in modules() if p.relative_to(PACKAGE).parts[0] not in WINDOW_SIDE]
    assert PACKAGE / "changes.py" in core and PACKAGE / "render" / "document.py" in core
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(
            n for n in imported_names(p) if n.startswith("reader.ui")
        )
        for p in core
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_parts_of_the_window_never_name_it() -> None:
    parts = modules(PACKAGE / "ui" / "controllers") + modules(PACKAGE / "ui" / "panels")
    assert len(parts) >= 8
    naming = [  # Qt's QMainWindow is fine: it is not this program's window
        str(p.relative_to(PACKAGE)) for p in parts if re.search(r"\bMainWindow\b", p.read_text())
    ]
    assert naming == []
    importing = [
        str(p.relative_to(PACKAGE))
        for p in modules(PACKAGE / "ui")
        if p.name != "mainwindow.py" and "reader.ui.mainwindow" in imported_names(p)
    ]
    assert importing == []


def test_no_mixins_and_a_small_window_module() -> None:
    mixins = [
        f"{p.relative_to(PACKAGE)}:{node.name}"
        for p in modules(PACKAGE / "ui")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and (node.name.endswith("Mixin") or any("Mixin" in ast.unparse(b) for b in node.bases))
    ]
    assert mixins == []
    lines = (PACKAGE / "ui" / "mainwindow.py").read_text(encoding="utf-8").count("\n")
    assert lines < MAX_WINDOW_LINES


def test_no_import_error_fallbacks() -> None:
    """A missing part is an error with its own message, never a silent skip."""
    fallbacks = [
        f"{p.relative_to(PACKAGE)}:{node.lineno}"
        for p in modules()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.ExceptHandler)
        and node.type is not None
        and any(name in ast.unparse(node.type) for name in ("ImportError", "ModuleNotFoundError"))
    ]
    assert fallbacks == []


def test_the_cli_registers_every_command_group_explicitly(monkeypatch) -> None:
    import importlib
    import sys

    from reader import cli

    names = {action.dest for action in cli.build_parser()._subparsers._group_actions}  # type: ignore[union-attr]
    assert names == {"command"}
    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands == {
        "import", "dump", "stats", "search", "reindex", "export", "annotations", "bookmarks",
        "revisions", "check", "repair",
    }  # fmt: skip
    # a command module that cannot load stops the program; it is never left out
    monkeypatch.setitem(sys.modules, "reader.commands.export", None)
    monkeypatch.delattr("reader.commands.export")
    try:
        with pytest.raises(ImportError):
            importlib.reload(cli)
    finally:
        monkeypatch.undo()
        importlib.reload(cli)
