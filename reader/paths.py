"""Where a library lives: one folder holding the SQLite store, the search index and exports.

The folder comes from, in order: an explicit ``--library DIR``, the ``ARCHIVE_READER_LIBRARY``
environment variable, then platformdirs' user data dir.  Tests always pass a temporary folder
(or set the variable) so they never touch a real user's library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "archive-reader"
# The desktop's name for the program: the .desktop entry, the AppStream id, the icon name, and
# the Wayland app id the window reports (reader/app.py), which must match the entry's name.
APP_ID = "io.github.archive_reader.ArchiveReader"
ENV_LIBRARY = "ARCHIVE_READER_LIBRARY"
ENV_LOG_DIR = "ARCHIVE_READER_LOG_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding the sample archive and other data files the app reads.

    An installed wheel has it inside the package (``reader/resources``: setup.py maps the
    checkout's top-level ``resources/`` there); a checkout or an editable install has it beside
    the package.  If neither exists, the installed location is returned, so callers that check
    for files find none rather than guess elsewhere.
    """
    installed = PACKAGE_DIR / "resources"
    checkout = PACKAGE_DIR.parent / "resources"
    if not installed.is_dir() and checkout.is_dir():
        return checkout
    return installed


def default_library_dir() -> Path:
    """The library folder when the user names none."""
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library"


@dataclass(frozen=True)
class LibraryPaths:
    """The files of one library; creating the folder is left to whoever writes first."""

    root: Path

    @classmethod
    def resolve(cls, library: str | os.PathLike[str] | None = None) -> LibraryPaths:
        root = Path(library).expanduser() if library else default_library_dir()
        return cls(root.resolve())

    @property
    def database(self) -> Path:
        return self.root / "library.sqlite"

    @property
    def search_index(self) -> Path:
        return self.root / "search-index"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def user_data(self) -> Path:
        """Annotations, bookmarks and read marks: what only the user made, in its own SQLite
        file with its own lock, so writing it never waits behind an import."""
        return self.root / "userdata.sqlite"

    @property
    def journal(self) -> Path:
        """JSON lines, one per change to user data (W3C annotation records): replayed by
        ``archive-reader repair`` when the user-data file is lost."""
        return self.root / "journal.jsonl"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def damaged(self) -> Path:
        """Where ``repair`` moves damaged files (never deleted)."""
        return self.root / "damaged"

    @property
    def lock(self) -> Path:
        """The library-level writer lock (held by imports, migrations and repair)."""
        return self.root / "library.lock"

    def ensure(self) -> LibraryPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        return self


def config_dir() -> Path:
    """Window state and preferences (not library data), overridable for tests."""
    env = os.environ.get("ARCHIVE_READER_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Where the window writes its log and crash reports (platformdirs' user log folder, on
    Linux ``~/.local/state/archive-reader/log``), overridable for tests."""
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
