"""``export``: one thread with its highlights, notes and bookmarks as PDF, HTML or Markdown.

A thin layer over ``reader.export.export_thread``.  Qt is imported only when a PDF is asked
for, and then ``reader.export.pdf`` creates the (offscreen, without a display) QGuiApplication.
Each file is written atomically: a failure leaves no partial file, and the previous file, if
any, as it was.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from reader.commands.progress import TerminalProgress
from reader.errors import ReaderError
from reader.export import ExportOptions, export_thread
from reader.export.options import PAPERS
from reader.store import Library

if TYPE_CHECKING:
    from reader.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export a thread with its highlights and notes as PDF, HTML or Markdown",
        description="Export one thread (the post and its comment tree, numbered for citing) with "
        "its highlights, notes and bookmarks. Give one or more of --pdf, --html, --markdown. "
        "Files are written to a temporary file first and renamed, so a failure never leaves a "
        "half-written file.",
    )
    p.add_argument("post_id", metavar="POST_ID", help="the post's id (see `dump --json`)")
    p.add_argument("--pdf", metavar="OUT.pdf", help="write a PDF")
    p.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML file")
    p.add_argument("--markdown", metavar="OUT.md", help="write Markdown")
    p.add_argument(
        "--annotated-only",
        action="store_true",
        help="only annotated and bookmarked comments, each with its parent chain",
    )
    p.add_argument(
        "--endnotes", action="store_true", help="notes at the end instead of after each comment"
    )
    p.add_argument(
        "--paper",
        choices=PAPERS,
        help="PDF paper size (default: from the locale, Letter in the US and Canada, else A4)",
    )
    p.add_argument(
        "--with-source-details",
        action="store_true",
        help="also print the dump's full path and the post's internal id (by default only the "
        "dump's file name: a file handed to others carries none of your folders)",
    )
    p.add_argument(
        "--summary",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="list every annotation (quote, note, page) at the front "
        "(default: when there are annotations)",
    )
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    targets = [(fmt, path) for fmt in ("pdf", "html", "markdown") if (path := getattr(args, fmt))]
    if not targets:
        raise ReaderError("export: give at least one of --pdf, --html or --markdown")
    options = ExportOptions(
        annotated_only=args.annotated_only,
        endnotes=args.endnotes,
        paper=args.paper,
        with_source_details=args.with_source_details,
        summary=args.summary,
    )
    progress = TerminalProgress()
    with Library.open(args.library) as library:
        for fmt, path in targets:
            try:
                result = export_thread(library, args.post_id, path, fmt, options, progress)
            finally:
                progress.done()
            print(result.summary())
    return 0
