"""What goes into the PyInstaller bundle and what stays out, in one place.

``archive-reader.spec`` applies these lists; ``tests/unit/test_bundle_spec.py`` checks them
without building (every Qt module the program imports is kept, nothing heavy slips in), and
``tests/e2e/test_bundle.py`` checks a built bundle against them.

Three kinds of decisions:

* **Qt modules.**  The program uses QtCore, QtGui, QtWidgets and QtNetwork (the local socket of
  ``reader.ui.single_instance``); QtSvg and QtDBus come with the plugins below (SVG icons of
  the desktop's icon theme; the desktop portal and input methods talk D-Bus).  Every other
  PySide6 module is excluded by name, so QtWebEngine, Qt Quick and QML never enter.
* **Qt plugins.**  Kept: the platforms a desktop runs (xcb, wayland) and the ones for scripts
  and tests (offscreen, minimal); the desktop portal theme; input methods; common image formats;
  Wayland's client-side decorations, the xdg-shell and EGL integrations.  Left out: embedded
  platforms (eglfs, linuxfb, vnc), the GTK3 theme (it would load the system's GTK into a
  process holding other copies of its libraries), network information and TLS backends (the
  reader never goes online), compositor-side Wayland plugins, evdev input.
* **Qt's translations** are left out: the program loads no translator (its text is English).
* **System libraries.**  PyInstaller copies every shared library the collected files link to.
  Those that must match the running desktop (OpenGL/EGL, fontconfig and freetype, X11 and
  xcb's core, D-Bus, GLib, the C++ runtime) are left to the system, as AppImage's exclude list
  does: an older copy inside the bundle breaks newer graphics drivers and font configurations.
  The same libraries are what a bare Debian needs for Qt anyway (see scripts/bootstrap.sh).
  The xcb utility libraries (xcb-cursor and friends, often missing from a desktop), ICU and
  the rest stay in the bundle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtSvg", "QtDBus")
"""PySide6 modules the bundle carries; any other is excluded."""

PYTHON_EXCLUDES = (
    "tkinter",
    "_tkinter",
    "readline",  # GNU readline is GPL; an interactive prompt is never used
    "dbm.gnu",
    "_gdbm",  # GPL too
    "curses",
    "_curses",
    "ssl",
    "_ssl",  # no network: leaves OpenSSL out
    "pydoc",
    "pytest",
    "hypothesis",
    "PyInstaller",
    "setuptools",
    "pip",
)
"""Standard-library and development modules never needed at run time."""

KEEP_PLUGINS = {
    "platforms": ("libqxcb.so", "libqwayland.so", "libqoffscreen.so", "libqminimal.so"),
    "platformthemes": ("libqxdgdesktopportal.so",),
    "platforminputcontexts": None,  # all: compose and ibus
    "imageformats": ("libqgif.so", "libqico.so", "libqjpeg.so", "libqsvg.so"),
    "iconengines": None,
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    "wayland-shell-integration": ("libxdg-shell.so",),
    "wayland-graphics-integration-client": ("libqt-plugin-wayland-egl.so",),
}
"""Qt plugin folders kept, each with the files kept (None: all); other folders are dropped."""

SYSTEM_LIBRARIES = re.compile(
    r"^lib("
    r"GL|EGL|GLX|GLdispatch|OpenGL|drm|gbm|glapi"
    r"|fontconfig|freetype|expat"
    r"|X11|X11-xcb|xcb|Xau|Xdmcp|Xext|Xrender"
    r"|dbus-1|systemd|gcrypt|gpg-error|cap|lz4"
    r"|glib-2\.0|gobject-2\.0|gio-2\.0|gmodule-2\.0|gthread-2\.0|pcre2-8"
    r"|mount|blkid|selinux|uuid"
    r"|stdc\+\+|gcc_s"
    r")\.so(\.\d+)*$"
)
"""System libraries left out of the bundle (matched on the file name): the desktop has them,
and they must be the desktop's own copies."""

QT_LIBRARIES_DROPPED = re.compile(
    r"^libQt6(EglFSDeviceIntegration|EglFsKmsSupport|Qml\w*|Quick\w*|Pdf\w*|WebEngine\w*"
    r"|Sql|Test|Designer\w*|Help|UiTools|Multimedia\w*|3D\w*|Charts|PrintSupport)\.so"
)
"""Qt libraries that only dropped plugins or unused modules would need."""


def keep_plugin(folder: str, name: str) -> bool:
    """Whether the Qt plugin ``folder/name`` goes into the bundle."""
    if folder not in KEEP_PLUGINS:
        return False
    names = KEEP_PLUGINS[folder]
    return names is None or name in names


def keep_file(destination: str) -> bool:
    """Whether a file PyInstaller collected (by its destination path in the bundle) stays."""
    parts = destination.replace("\\", "/").split("/")
    name = parts[-1]
    if parts[:3] == ["PySide6", "Qt", "translations"]:
        return False  # the program loads no translator: its own text is English only
    if "plugins" in parts:
        index = parts.index("plugins")
        if len(parts) == index + 3:  # .../plugins/<folder>/<file>
            return keep_plugin(parts[index + 1], name)
    if QT_LIBRARIES_DROPPED.match(name):
        return False
    return not SYSTEM_LIBRARIES.match(name)


def excluded_modules(all_pyside_modules: list[str]) -> list[str]:
    """The module names to give PyInstaller's ``excludes``."""
    qt = [f"PySide6.{m}" for m in all_pyside_modules if m not in QT_MODULES]
    return sorted(qt) + list(PYTHON_EXCLUDES)


def _is_library(destination: str) -> bool:
    """A shared library that is in the bundle only because something links to it (as
    opposed to a Python extension module, a Qt plugin, or the Python runtime itself, which
    the bootloader loads by name)."""
    parts = destination.replace("\\", "/").split("/")
    name = parts[-1]
    if not name.startswith("lib") or ".so" not in name or name.startswith("libpython"):
        return False
    return len(parts) == 1 or parts[:-1] == ["PySide6", "Qt", "lib"]


def prune_unlinked(
    binaries: list[tuple[str, str]], linked_names: Callable[[str], Iterable[str]]
) -> list[tuple[str, str]]:
    """Drop libraries nothing kept links to (directly or not): what only a dropped plugin
    needed (the GTK3 theme's cairo and pango, say).  ``binaries`` are (destination, source)
    pairs; ``linked_names(source)`` gives the file names a binary links to (ldd's list, which
    is already transitive)."""
    needed: set[str] = set()
    for destination, source in binaries:
        if not _is_library(destination):
            needed.update(linked_names(source))
    pending = [s for d, s in binaries if _is_library(d) and d.split("/")[-1] in needed]
    seen: set[str] = set()
    while pending:  # (ldd is transitive already; this covers a shallower linked_names)
        source = pending.pop()
        if source in seen:
            continue
        seen.add(source)
        for name in linked_names(source):
            if name not in needed:
                needed.add(name)
                pending.extend(s for d, s in binaries if d.split("/")[-1] == name)
    return [
        (d, s)
        for d, s in binaries
        if not _is_library(d) or d.replace("\\", "/").split("/")[-1] in needed
    ]
