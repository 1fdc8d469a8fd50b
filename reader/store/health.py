"""Is this library whole?  Cheap checks when a library opens, a full one on demand, and the one
line a user reads when something is wrong.

Opening runs only what costs nothing: the file's header (SQLite's magic bytes, a page size, a
file no shorter than the header says), whether ``sqlite_master`` reads, whether the schema is
ours and not newer than this version.  ``quick_check`` (``PRAGMA quick_check`` on both files)
runs on demand: ``archive-reader check``, ``repair``, and when a command hits a damaged page
mid-way (``diagnose``), so the message can name the file that is damaged.

A missing or empty database is a new library only in an empty folder: when the folder shows
that a library lived there (backups, a journal, a user-data file, a search index, a write-ahead
log), opening refuses and points at ``archive-reader repair`` instead of starting over.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from reader.errors import LibraryDamaged
from reader.paths import LibraryPaths, default_library_dir

MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


def repair_hint(paths: LibraryPaths) -> str:
    """The command that repairs this library, with ``--library`` unless it is the default."""
    try:
        default = default_library_dir().resolve() == paths.root.resolve()
    except OSError:
        default = False
    where = "" if default else f" --library {_quote(str(paths.root))}"
    return f"run: archive-reader{where} repair"


def _quote(text: str) -> str:
    return f"'{text}'" if any(c.isspace() for c in text) or not text else text


def evidence(paths: LibraryPaths) -> list[str]:
    """What in the folder shows that a library existed here (empty: a new library)."""
    found = []

    def nonempty(path: Path) -> bool:
        try:
            return path.is_file() and path.stat().st_size > 0
        except OSError:
            return False

    if paths.backups.is_dir() and any(paths.backups.glob("library-*.sqlite")):
        found.append("backups")
    if nonempty(paths.journal):
        found.append("a journal of annotations")
    if nonempty(paths.user_data):
        found.append("a user-data file")
    if paths.search_index.is_dir():
        found.append("a search index")
    if nonempty(paths.database.with_name(paths.database.name + "-wal")):
        found.append("a write-ahead log")
    if paths.damaged.is_dir() and any(paths.damaged.iterdir()):
        found.append("files set aside by an earlier repair")
    return found


@dataclass
class HeaderReport:
    ok: bool
    problem: str = ""
    page_size: int = 0
    pages_in_header: int = 0
    pages_in_file: int = 0


def read_header(path: Path) -> HeaderReport:
    """Check a database file's header without SQLite (which would only say "malformed")."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(HEADER_SIZE)
    except OSError as exc:
        return HeaderReport(False, f"cannot be read ({exc.strerror or exc})")
    if size == 0:
        return HeaderReport(False, "is empty (0 bytes)")
    if len(head) < HEADER_SIZE or not head.startswith(MAGIC):
        if not head.strip(b"\x00"):
            return HeaderReport(False, "starts with zeros where the database header should be")
        return HeaderReport(False, "is not an SQLite database (its header is not SQLite's)")
    raw_page = int.from_bytes(head[16:18], "big")
    page_size = 65536 if raw_page == 1 else raw_page
    if page_size < 512 or page_size & (page_size - 1):
        return HeaderReport(False, "has a damaged header (impossible page size)")
    change_counter = int.from_bytes(head[24:28], "big")
    pages = int.from_bytes(head[28:32], "big")  # valid only if written by a known version
    valid_for = int.from_bytes(head[92:96], "big")
    in_file = size // page_size
    report = HeaderReport(True, page_size=page_size, pages_in_header=pages, pages_in_file=in_file)
    if size % page_size:
        report.ok = False
        report.problem = f"is cut short ({size:,} bytes is not a whole number of pages)"
    elif pages and change_counter == valid_for and in_file < pages:
        report.ok = False
        report.problem = f"is cut short ({in_file:,} of its {pages:,} pages are there)"
    return report


def check_files(paths: LibraryPaths) -> bool:
    """Before connecting: raise ``LibraryDamaged`` if the database file is damaged, or missing
    or empty where a library existed; True if this is a new library (nothing to open)."""
    db = paths.database
    exists = db.exists()
    if not exists or db.stat().st_size == 0:
        found = evidence(paths)
        if found:
            state = "missing" if not exists else "empty (0 bytes)"
            raise LibraryDamaged(
                f"the library database {db} is {state}, but the folder holds a library"
                f" ({', '.join(found)}); nothing was changed. To recover it, " + repair_hint(paths),
                paths.root,
            )
        return True
    header = read_header(db)
    if not header.ok:
        raise LibraryDamaged(
            f"the library database {db} {header.problem}; " + repair_hint(paths), paths.root
        )
    return False


def damaged_message(paths: LibraryPaths, file: Path, exc: BaseException | str) -> str:
    what = "user-data file (annotations, bookmarks, read marks)"
    kind = what if file == paths.user_data else "library database"
    reason = str(exc)
    return f"the {kind} {file} is damaged ({reason}); " + repair_hint(paths)


@dataclass
class CheckReport:
    """``check`` results for the library's files: each problem one line."""

    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def quick_check_file(path: Path, *, full: bool = False) -> str | None:
    """None if ``path`` passes ``PRAGMA quick_check`` (``integrity_check`` with ``full``), else
    what is wrong.  Opens the file read-only; never changes it."""
    header = read_header(path)
    if not header.ok:
        return header.problem
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        pragma = "integrity_check" if full else "quick_check"
        rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    if rows == ["ok"]:
        return None
    # one line for the user: SQLite's rows may hold several lines each
    lines = [line.strip() for row in rows for line in str(row).splitlines()]
    lines = [line for line in lines if line and not line.startswith("***")]
    more = f" and {len(lines) - 2} more problems" if len(lines) > 2 else ""
    return "; ".join(lines[:2]) + more


def open_read_only(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """Any database file, read-only, never changed: ``mode=ro``, or ``immutable=1`` where
    SQLite cannot create its shared-memory file (a read-only folder).  Raises
    ``sqlite3.Error`` if neither can read the schema."""
    error: sqlite3.Error | None = None
    for params in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(
                f"file:{urllib.parse.quote(str(path))}?{params}", uri=True, timeout=timeout
            )
        except sqlite3.Error as exc:
            error = exc
            continue
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            conn.close()
            error = exc
            continue
        except sqlite3.Error:
            conn.close()
            raise
        return conn
    assert error is not None
    raise error


def check(paths: LibraryPaths, *, full: bool = False) -> CheckReport:
    """The on-demand check: both database files, each a line in ``problems`` if damaged."""
    report = CheckReport()
    for file in (paths.database, paths.user_data):
        if not file.exists():
            if file == paths.database and not evidence(paths):
                continue  # no library here yet
            journal = paths.journal.exists() and paths.journal.stat().st_size > 0
            if file == paths.user_data and not journal:
                continue  # made when the library is next opened for writing
            report.problems.append(f"{file} is missing; " + repair_hint(paths))
            continue
        report.checked.append(str(file))
        problem = quick_check_file(file, full=full)
        if problem:
            report.problems.append(damaged_message(paths, file, problem))
    return report


def diagnose(paths: LibraryPaths, exc: BaseException) -> str:
    """The one line for a ``sqlite3.DatabaseError`` a command ran into: which file is damaged
    (checked now) and the command that helps."""
    for file in (paths.database, paths.user_data):
        if file.exists() and quick_check_file(file) is not None:
            return damaged_message(paths, file, exc)
    return damaged_message(paths, paths.database, exc)


def writable(paths: LibraryPaths) -> bool:
    """Whether this process may write the library (folder and database file)."""
    root = paths.root
    probe = root
    while not probe.exists():  # a library not made yet: can its folder be made?
        if probe.parent == probe:
            return False
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        return False
    return not (paths.database.exists() and not os.access(paths.database, os.W_OK))
