"""The ``archive-reader`` command line: a thin layer over ``reader.store.Library`` and friends.

Each group of commands lives in a module under ``reader/commands/`` with a
``register(subparsers)`` function, listed in ``COMMANDS`` and imported like any module: one
that cannot load stops the program with its error, it is never silently left out.  Each
registered handler takes the parsed arguments and returns an exit status.  Errors a user can
cause come back as one line on stderr with status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from reader import __version__, app
from reader.applog import debug_requested
from reader.commands import annotations as annotation_commands
from reader.commands import export, library, repair, revisions, search
from reader.errors import ReaderError

COMMANDS = (library, search, export, annotation_commands, revisions, repair)
"""The command groups, in the order ``--help`` lists them."""


USAGE = "%(prog)s [OPTIONS] [FILE_OR_FOLDER ...]\n       %(prog)s [OPTIONS] COMMAND [ARGS ...]"


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options that come before a command (or the paths to open), shared by both forms."""
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="library folder (default: $ARCHIVE_READER_LIBRARY, else the user data folder)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="log more (the window's log, and stderr) and show the traceback of an internal "
        "error (the same as ARCHIVE_READER_DEBUG=1)",
    )
    parser.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Archive Reader to your desktop's menus (entry, icons, file types) and exit",
    )
    parser.add_argument(
        "--uninstall-desktop",
        action="store_true",
        help="remove what --install-desktop added, and exit",
    )
    # For scripts and tests: with files to open, quit once they are imported (status 1 if one
    # could not be); without, once the window is idle.
    parser.add_argument("--quit-after-import", action="store_true", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archive-reader",
        usage=USAGE,
        description="Read, search, annotate and export archived discussion threads offline. "
        "With no command, opens the reader window, importing the files and folders given "
        "(into the window already open on the library, if there is one).",
    )
    _add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def _window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archive-reader", usage=USAGE)
    _add_global_options(parser)
    parser.add_argument("paths", nargs="*", metavar="FILE_OR_FOLDER")
    return parser


def _first_positional(parser: argparse.ArgumentParser, argv: Sequence[str]) -> int | None:
    """Index of the first argument that is neither a global option nor an option's value,
    or None (none, or an option the parser does not know: let it say so)."""
    takes_value: dict[str, bool] = {}
    for action in parser._actions:
        for option in action.option_strings:
            takes_value[option] = action.nargs != 0
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            return index + 1 if index + 1 < len(argv) else None
        if token.startswith("-") and token != "-":
            name = token.split("=", 1)[0]
            matches = [o for o in takes_value if o == name] or [
                o for o in takes_value if o.startswith(name) and o.startswith("--")
            ]
            if len(matches) != 1:
                return None
            index += 2 if takes_value[matches[0]] and "=" not in token else 1
            continue
        return index
    return None


def _paths_to_open(parser: argparse.ArgumentParser, argv: Sequence[str]) -> bool:
    """Whether ``argv`` names files or folders to open rather than a command.

    A first word that is a command's name is that command (``archive-reader import x``); any
    other word is a path (``archive-reader ./import``, ``archive-reader dump.txt``).  A word
    that is neither a command nor an existing path nor path-like is left to the command
    parser, so a mistyped command gets "invalid choice", not an empty window.
    """
    index = _first_positional(parser, argv)
    if index is None:
        return False
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    word = argv[index]
    if argv[index - 1 : index] == ["--"]:
        return True
    if word in sub.choices:
        return False
    return os.path.exists(word) or os.sep in word or "." in word


def _launch_window(args: argparse.Namespace, paths: Sequence[str] = ()) -> int:
    return app.main(
        library=args.library,
        paths=[os.path.abspath(p) for p in paths],
        debug=args.debug,
        quit_after_import=args.quit_after_import,
    )


def _desktop(args: argparse.Namespace) -> int:
    from reader import desktop_integration

    if args.uninstall_desktop:
        report = desktop_integration.uninstall()
        verb = "Removed"
    else:
        report = desktop_integration.install()
        verb = "Installed"
    for path in report.files:
        print(f"{verb} {path}")
    if not report.files:
        print(f"Nothing to remove in {report.data_home}")
    for note in report.notes:
        print(f"Note: {note}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    paths: list[str] = []
    if _paths_to_open(parser, argv):
        window_args = _window_parser().parse_intermixed_args(argv)
        window_args.command = None
        args, paths = window_args, window_args.paths
    else:
        args = parser.parse_args(argv)
    debug = debug_requested(args.debug)
    args.debug = debug
    try:
        if args.install_desktop or args.uninstall_desktop:
            return _desktop(args)
        if args.command is None:
            return _launch_window(args, paths)
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
            return _internal_error(exc, debug)
        # a damaged page met mid-way: name the damaged file and the command that helps
        from reader.paths import LibraryPaths
        from reader.store.health import diagnose

        message = diagnose(LibraryPaths.resolve(args.library), exc)
        print(f"archive-reader: {message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        return _internal_error(exc, debug)


_DAMAGE = ("malformed", "not a database", "disk i/o error", "corrupt", "encrypted")


def _damage(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return not isinstance(exc, sqlite3.OperationalError) or any(w in text for w in _DAMAGE)


def _internal_error(exc: BaseException, debug: bool) -> int:
    if debug:
        raise exc
    print(
        f"archive-reader: internal error: {type(exc).__name__}: {exc}"
        " (set ARCHIVE_READER_DEBUG=1 for details)",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
