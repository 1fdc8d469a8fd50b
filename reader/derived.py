"""The one post-commit step: derived data brought up to date from what a write changed.

Every write to the library returns ``Changes`` (``reader.changes``); whoever made the writes —
the CLI after a command, the window after each write lands — hands them to
``bring_up_to_date``, and only this function knows what depends on what:

1. stored annotation placements: re-anchored on every thread whose text changed (and on any
   thread changed since the last run, so a crash between an import and this step is caught up
   next time; ``reader.annotate.reanchor``);
2. the search index: caught up when text changed (built if there is none yet), or when notes,
   bookmarks or colours changed (``note:``, ``is:bookmarked``, ``color:``) if it exists — a
   missing index is built on the first search, notes included;
3. caches: the core keeps none; the window's views follow its ``library_changed`` signal.

The writes have committed before this runs, so nothing here turns them into failures: what
could not be brought up to date comes back as ``problems``, one line each saying what to do,
and the next call (or the next search) catches up.  Call it on the thread that owns
``library`` (a worker in the window), never on the GUI thread: indexing takes seconds after a
large import.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from reader.annotate.reanchor import ReanchorReport, reanchor_after_import
from reader.changes import NOTHING, Changes
from reader.search import IndexStatus, update_after_import

if TYPE_CHECKING:
    from reader.store import Library

log = logging.getLogger(__name__)

ProgressFn = Callable[[float | None, str], None]


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class DerivedReport:
    """What ``bring_up_to_date`` did."""

    changes: Changes = NOTHING
    """What the step itself changed (annotations placed anew), for the window's views."""
    reanchor: ReanchorReport | None = None
    index: IndexStatus | None = None
    warnings: list[str] = field(default_factory=list)
    """Things the reader should know (notes whose passage an import removed)."""
    problems: list[str] = field(default_factory=list)
    """Derived data left behind, each with what to do about it."""


def affects_derived(changes: Changes) -> bool:
    """Whether ``bring_up_to_date`` has anything to do for ``changes`` (a thread marked read,
    for one, changes nothing derived)."""
    return changes.text or changes.marks


def bring_up_to_date(
    library: Library,
    changes: Changes,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> DerivedReport:
    """Bring the placements of annotations and the search index up to date with ``changes``
    (the combined ``Changes`` of writes that have committed)."""
    report = DerivedReport()
    if not affects_derived(changes):
        return report
    if changes.text:
        _reanchor(library, changes, report)
    everything = changes | report.changes
    if everything.text or (everything.marks and library.paths.search_index.exists()):
        if progress is not None:
            progress(None, "Updating the search index")
        status = update_after_import(library, progress=progress, cancel=cancel)
        report.index = status
        if not status.fresh:
            reason = status.reason or status.state
            report.problems.append(
                f"search index not updated ({reason}); it catches up on the next search,"
                " or run: archive-reader reindex"
            )
    return report


def _reanchor(library: Library, changes: Changes, report: DerivedReport) -> None:
    try:
        placed = reanchor_after_import(library.conn, sorted(changes.posts))
    except Exception as exc:  # the import is stored; only the placements lag
        log.exception("re-anchoring after a write failed")
        report.problems.append(
            f"annotations not placed again ({type(exc).__name__}: {exc}); run: archive-reader"
            " annotations reanchor"
        )
        return
    report.reanchor = placed
    report.changes = placed.changes
    if placed.newly_orphaned:
        report.warnings.append(placed.summary())
