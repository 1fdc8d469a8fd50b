"""The core must run without a display: importing it in a fresh interpreter pulls in no Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).resolve().parent
QT_ALLOWED = ("reader.ui", "reader.app", "reader.export.pdf")


def core_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name == "reader.__main__" or name.startswith(QT_ALLOWED):
            continue
        names.append(name)
    return names


def test_core_modules_are_found() -> None:
    names = core_modules()
    assert "reader.store.importer" in names
    assert "reader.formats.blogtext" in names
    assert not any(name.startswith("reader.ui") for name in names)


def test_core_imports_no_pyside6() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"core modules imported Qt: {out}"
