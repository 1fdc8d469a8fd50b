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
import sys
from collections.abc import Sequence

from reader import __version__, app
from reader.commands import annotations as annotation_commands
from reader.commands import export, library, search
from reader.errors import ReaderError

COMMANDS = (library, search, export, annotation_commands)
"""The command groups, in the order ``--help`` lists them."""


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
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def _launch_window(args: argparse.Namespace) -> int:
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
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        if os.environ.get("ARCHIVE_READER_DEBUG"):
            raise
        print(
            f"archive-reader: internal error: {type(exc).__name__}: {exc}"
            " (set ARCHIVE_READER_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
