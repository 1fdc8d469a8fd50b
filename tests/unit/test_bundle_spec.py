"""What the PyInstaller bundle keeps and leaves out (packaging/bundle_contents.py), checked
without building it: every Qt module the program imports is kept, Qt Quick, QML and
QtWebEngine never enter, and the notices cover what ships.  tests/e2e/test_bundle.py checks a
built bundle."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


def load(name: str):
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def contents():
    return load("bundle_contents")


def qt_modules_the_program_imports() -> set[str]:
    found = set()
    for path in (REPO / "reader").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found.update(re.findall(r"PySide6\.(Qt\w+)", text))
        for names in re.findall(r"from PySide6 import ([\w, ]+)", text):
            found.update(n.strip() for n in names.split(",") if n.strip().startswith("Qt"))
    return found


def test_every_qt_module_the_program_imports_is_kept(contents) -> None:
    used = qt_modules_the_program_imports()
    assert {"QtCore", "QtGui", "QtWidgets", "QtNetwork"} <= used
    assert used <= set(contents.QT_MODULES), f"add to QT_MODULES: {used - set(contents.QT_MODULES)}"


def test_heavy_qt_modules_are_excluded(contents) -> None:
    import PySide6

    folder = Path(PySide6.__file__).parent
    every = sorted(
        {p.name.split(".")[0] for p in folder.glob("Qt*.*") if p.suffix in (".so", ".pyi")}
    )
    excluded = set(contents.excluded_modules(every))
    for name in ("QtWebEngineCore", "QtWebEngineWidgets", "QtQuick", "QtQml", "QtQuickWidgets",
                 "QtPdf", "QtMultimedia", "QtSql", "QtTest", "QtDesigner"):  # fmt: skip
        if name in every:
            assert f"PySide6.{name}" in excluded, name
    assert not {f"PySide6.{m}" for m in contents.QT_MODULES} & excluded
    assert {"tkinter", "readline", "_gdbm", "pytest", "PyInstaller"} <= excluded


@pytest.mark.parametrize(
    ("destination", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", False),
        ("PySide6/QtWidgets.abi3.so", True),
        ("libxcb-cursor.so.0", True),
        ("libicudata.so.73", True),
        ("libfontconfig.so.1", False),
        ("libGL.so.1", False),
        ("libstdc++.so.6", False),
        ("libglib-2.0.so.0", False),
        ("libX11.so.6", False),
        ("python3.11/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so", True),
    ],
)
def test_which_files_stay(contents, destination: str, kept: bool) -> None:
    assert contents.keep_file(destination) is kept


def test_libraries_nothing_links_to_are_pruned(contents) -> None:
    links = {
        "/src/qxcb.so": ["libQt6XcbQpa.so.6", "libxcb-cursor.so.0"],
        "/src/QtCore.abi3.so": ["libQt6Core.so.6"],
        "/src/libQt6XcbQpa.so.6": ["libQt6Core.so.6", "libxcb-cursor.so.0"],
        "/src/libQt6Core.so.6": [],
        "/src/libxcb-cursor.so.0": [],
        "/src/libcairo.so.2": ["libpixman-1.so.0"],  # only the dropped GTK3 theme needed it
        "/src/libpixman-1.so.0": [],
        "/src/libpython3.11.so.1.0": [],
    }
    binaries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/qxcb.so"),
        ("PySide6/QtCore.abi3.so", "/src/QtCore.abi3.so"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6"),
        ("libxcb-cursor.so.0", "/src/libxcb-cursor.so.0"),
        ("libcairo.so.2", "/src/libcairo.so.2"),
        ("libpixman-1.so.0", "/src/libpixman-1.so.0"),
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0"),
    ]
    kept = {d for d, _ in contents.prune_unlinked(binaries, lambda s: links[s])}
    assert kept == {d for d, _ in binaries} - {"libcairo.so.2", "libpixman-1.so.0"}


def test_the_spec_applies_the_lists_and_writes_the_notices() -> None:
    spec = (PACKAGING / "archive-reader.spec").read_text(encoding="utf-8")
    for needed in ("excluded_modules(", "keep_file(", "prune_unlinked(", "notices.write(",
                   '"reader/resources"', "utf8_mode=1", 'collect_submodules("reader")',
                   "strip=False", 'name="archive-reader"'):  # fmt: skip
        assert needed in spec, needed


def test_the_notices_cover_qt_python_and_each_bundled_package() -> None:
    notices = load("notices")
    text = notices.notices_text({"whoosh", "sqlite_utils", "platformdirs", "PySide6"}, [])
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "GNU GENERAL PUBLIC LICENSE" in text
    assert "replace them with your own build" in text
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in text.upper()
    for name in ("Whoosh-Reloaded", "sqlite-utils", "platformdirs"):
        assert re.search(rf"^{re.escape(name)} \d", text, re.M), name
    assert "Redistribution and use in source and binary forms" in text  # whoosh's BSD text
    assert not re.search(r"^pip \d", text, re.M), "only what the bundle holds is listed"
