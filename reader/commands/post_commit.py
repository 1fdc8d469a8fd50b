"""The command line's side of the post-commit step: after a command's writes, derived data.

Every writing command ends with ``after_writes(library, changes)``: it runs
``reader.derived.bring_up_to_date`` with a progress line on the terminal and prints what the
reader should know (notes an import orphaned) and what could not be brought up to date, with
what to do, on stderr.  The writes themselves have succeeded either way, so the exit status
does not change.
"""

from __future__ import annotations

import sys

from reader.changes import Changes
from reader.commands.progress import TerminalProgress
from reader.derived import DerivedReport, bring_up_to_date
from reader.store import Library


def after_writes(library: Library, changes: Changes) -> DerivedReport | None:
    """Bring derived data up to date with ``changes``; ``None`` if nothing changed."""
    if not changes:
        return None
    progress = TerminalProgress()
    try:
        report = bring_up_to_date(library, changes, progress=progress)
    finally:
        progress.done()
    for line in report.warnings:
        print(line)
    for line in report.problems:
        print(f"archive-reader: {line}", file=sys.stderr)
    return report
