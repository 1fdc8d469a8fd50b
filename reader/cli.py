"""The ``archive-reader`` command line: a thin layer over ``reader.store.Library`` and friends.

Each group of commands lives in a module under ``reader/commands/`` with a
``register(subparsers)`` function; each registered handler takes the parsed arguments and
returns an exit status.  Errors a user can cause come back as one line on stderr with status 1,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from reader import __version__
from reader.errors import ReaderError

COMMAND_MODULES = [
    "reader.commands.library",
    "reader.commands.search",
    "reader.commands.export",
    "reader.commands.annotations",
    "reader.commands.revisions",
    "reader.commands.repair",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-reader",
        description="Read, search, annotate and export archived discussion threads offline. "
        "With no command, opens the reader window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="library folder (default: $ARCHIVE_READER_LIBRARY, else the user data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group not built yet
        module.register(subparsers)
    return parser


def _launch_window(args: argparse.Namespace) -> int:
    try:
        from reader import app
    except ImportError as exc:
        print(f"archive-reader: the window cannot start ({exc}); see --help", file=sys.stderr)
        return 1
    return app.main(library=args.library)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _launch_window(args)
    try:
        return int(args.handler(args) or 0)
    except ReaderError as exc:
        print(f"archive-reader: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("archive-reader: interrupted", file=sys.stderr)
        return 130
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc):  # SQLITE_FULL: the write was rolled back
            print(f"archive-reader: the disk is full ({exc}); nothing was changed", file=sys.stderr)
            return 1
        if not _damage(exc):
            return _internal_error(exc)
        # a damaged page met mid-way: name the damaged file and the command that helps
        from reader.paths import LibraryPaths
        from reader.store.health import diagnose

        message = diagnose(LibraryPaths.resolve(args.library), exc)
        print(f"archive-reader: {message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        return _internal_error(exc)


_DAMAGE = ("malformed", "not a database", "disk i/o error", "corrupt", "encrypted")


def _damage(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return not isinstance(exc, sqlite3.OperationalError) or any(w in text for w in _DAMAGE)


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("ARCHIVE_READER_DEBUG"):
        raise exc
    print(
        f"archive-reader: internal error: {type(exc).__name__}: {exc}"
        " (set ARCHIVE_READER_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
