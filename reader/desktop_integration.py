"""Put Archive Reader into the desktop's menus, for a pip/pipx install or the bundle.

``archive-reader --install-desktop`` copies the freedesktop files that ship in
``resources/desktop/`` and ``resources/icons/`` into the user's XDG data folder
(``$XDG_DATA_HOME``, by default ``~/.local/share``):

=====================================================  ==========================================
``applications/<APP_ID>.desktop``                      the menu entry; its ``Exec`` names this copy
``icons/hicolor/<N>x<N>/apps/<APP_ID>.png``, scalable  the icon at every size, and the SVG
``metainfo/<APP_ID>.metainfo.xml``                     what software centres show
``mime/packages/<APP_ID>.xml``                         the MIME type of the plain-text dump
=====================================================  ==========================================

then refreshes the desktop's caches with ``update-mime-database`` and
``update-desktop-database`` where those tools exist.  ``--uninstall-desktop`` removes exactly
those files.  Nothing here needs Qt or a display.

The entry's ``Exec`` must start *this* copy even when the session's ``PATH`` lacks the folder
it is in (pipx's ``~/.local/bin`` often is, for programs started from a menu), so it is written
with the absolute path of the running executable, quoted as the Desktop Entry specification
asks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reader.paths import APP_ID, resources_dir

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Characters that make the Desktop Entry spec require quoting an Exec argument.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


@dataclass
class DesktopReport:
    """What an install or uninstall did: files written (or removed), and caches refreshed."""

    data_home: Path
    files: list[Path] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset or not absolute (the spec
    says to ignore a relative value)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def launcher_command() -> list[str]:
    """The command that starts this copy of the program, as absolute paths.

    The bundle's executable; else the ``archive-reader`` script of the environment this copy
    is installed in (pipx's venv, a plain venv), found beside the interpreter or on ``PATH``;
    else the interpreter with ``-m reader``.
    """
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    beside = Path(sys.executable).parent / "archive-reader"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside.absolute())]
    launched = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if launched is not None and launched.name == "archive-reader" and launched.is_file():
        return [str(launched.absolute())]
    found = shutil.which("archive-reader")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "reader"]


def exec_quote(argument: str) -> str:
    """One ``Exec`` argument as the Desktop Entry spec wants it (quoted if it holds reserved
    characters), then escaped for the key file format (backslashes doubled)."""
    if argument and not (set(argument) & _RESERVED):
        quoted = argument
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in argument)
        quoted = f'"{inner}"'
    return quoted.replace("\\", "\\\\").replace("%", "%%")


def desktop_entry(command: list[str]) -> str:
    """The shipped entry with ``Exec`` and ``TryExec`` pointing at ``command``."""
    source = resources_dir() / "desktop" / f"{APP_ID}.desktop"
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(exec_quote(a) for a in command) + " %F"
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0].replace("\\", "\\\\")
        lines.append(line)
    return "\n".join(lines) + "\n"


def _targets(home: Path) -> dict[Path, Path | None]:
    """Where each file goes -> the shipped file it comes from (None: the desktop entry,
    which is written, not copied)."""
    desktop = resources_dir() / "desktop"
    icons = resources_dir() / "icons"
    hicolor = home / "icons" / "hicolor"
    targets: dict[Path, Path | None] = {
        home / "applications" / f"{APP_ID}.desktop": None,
        home / "metainfo" / f"{APP_ID}.metainfo.xml": desktop / f"{APP_ID}.metainfo.xml",
        home / "mime" / "packages" / f"{APP_ID}.xml": desktop / f"{APP_ID}.mime.xml",
        hicolor / "scalable" / "apps" / f"{APP_ID}.svg": icons / "archive-reader.svg",
    }
    for size in ICON_SIZES:
        targets[hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"] = (
            icons / f"archive-reader-{size}.png"
        )
    return targets


def install(command: list[str] | None = None, home: Path | None = None) -> DesktopReport:
    """Install the entry, icons, metainfo and MIME type for the current user."""
    home = home or data_home()
    report = DesktopReport(home)
    command = command or launcher_command()
    for target, source in _targets(home).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".part")
        if source is None:
            temporary.write_text(desktop_entry(command), encoding="utf-8")
        else:
            shutil.copyfile(source, temporary)
        temporary.replace(target)  # a desktop watching the folder never reads half a file
        report.files.append(target)
    _refresh(report)
    return report


def uninstall(home: Path | None = None) -> DesktopReport:
    """Remove what ``install`` put in place (and nothing else)."""
    home = home or data_home()
    report = DesktopReport(home)
    for target in _targets(home):
        if target.exists():
            target.unlink()
            report.files.append(target)
    _refresh(report)
    return report


def _refresh(report: DesktopReport) -> None:
    """Let the desktop notice: the MIME database must be rebuilt for the new type to exist;
    the desktop database maps MIME types to entries; the icon theme's folder is touched so a
    cached theme index is re-read (a cache is rebuilt only where one already exists: creating
    one in a user folder would hide icons other programs add later)."""
    home = report.data_home
    steps = [
        ("update-mime-database", [str(home / "mime")], home / "mime"),
        ("update-desktop-database", ["-q", str(home / "applications")], home / "applications"),
    ]
    hicolor = home / "icons" / "hicolor"
    if (hicolor / "icon-theme.cache").exists():
        steps.append(("gtk-update-icon-cache", ["-q", "-t", "-f", str(hicolor)], hicolor))
    for tool, args, folder in steps:
        if not folder.is_dir():
            continue
        program = shutil.which(tool)
        if program is None:
            report.notes.append(f"{tool} is not installed: the desktop may need a new login")
            continue
        try:
            done = subprocess.run(
                [program, *args], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            report.notes.append(f"{tool} failed: {exc}")
            continue
        if done.returncode == 0:
            report.refreshed.append(tool)
        else:
            report.notes.append(f"{tool} failed: {(done.stderr or done.stdout).strip()[:200]}")
    if hicolor.is_dir():
        os.utime(hicolor)
