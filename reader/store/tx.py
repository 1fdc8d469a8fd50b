"""Explicit transactions on autocommit connections, so each unit of work is all-or-nothing.

Two files, two locks.  A library connection has the user-data file attached as ``user``
(``reader.store.userdata``), and ``BEGIN IMMEDIATE`` would take the write lock of *every*
attached file: an import would then lock the user's highlights out for its whole length.  So a
transaction here starts deferred and takes the lock of exactly one file with a write that
changes nothing: ``transaction`` the library's (``main``), ``user_transaction`` (in
``reader.store.userdata``) the user-data file's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.errors import LibraryReadOnly

_READ_ONLY_MESSAGES = ("readonly database", "read-only", "query_only")


def database_file(conn: sqlite3.Connection, schema: str = "main") -> Path | None:
    """The file behind ``schema`` on this connection (None for an in-memory database)."""
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == schema:
            return Path(file) if file else None
    return None


def read_only_error(conn: sqlite3.Connection, exc: BaseException) -> LibraryReadOnly | None:
    """A ``LibraryReadOnly`` naming the library if ``exc`` is SQLite refusing a write."""
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    if not any(text in str(exc) for text in _READ_ONLY_MESSAGES):
        return None
    file = database_file(conn)
    folder = file.parent if file else "this library"
    return LibraryReadOnly(f"the library at {folder} is read-only", folder if file else None)


@contextmanager
def begin(conn: sqlite3.Connection, lock_statement: str) -> Iterator[sqlite3.Connection]:
    """BEGIN, take one file's write lock with ``lock_statement``, COMMIT (ROLLBACK on any
    exception, including cancellation)."""
    conn.execute("BEGIN")
    try:
        conn.execute(lock_statement)
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        readonly = read_only_error(conn, exc)
        if readonly is not None:
            raise readonly from None
        raise
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


MAIN_LOCK = "UPDATE main.migrations SET name = name WHERE 0"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction on the library database (``main``) only."""
    with begin(conn, MAIN_LOCK):
        yield conn


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the current transaction (``executescript`` would commit)."""
    for statement in script.split(";\n"):
        if statement.strip():
            conn.execute(statement)
