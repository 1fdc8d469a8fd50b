"""Exporting a thread with its highlights, notes and bookmarks as PDF, HTML or Markdown.

The one entry point for the window and the CLI is ``export_thread``.  The work is split so the
core stays Qt-free: ``reader.render.document`` decides what is printed (the same model the
reading pane is written from), ``html``/``markdown`` write it as text, and only ``pdf``
(imported lazily, when a PDF is asked for) touches Qt.  Every file is written through
``atomic.atomic_output``: the target is either untouched or complete.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.export.atomic import ExportWriteError, atomic_output, check_target
from reader.export.options import (
    CancelFlag,
    ExportCancelled,
    ExportOptions,
    Format,
    ProgressFn,
    check_cancel,
    check_format,
    default_paper,
)
from reader.model import Annotation, Bookmark, Post
from reader.plurals import plural
from reader.render.document import ThreadDocument, build_document

__all__ = [
    "ExportCancelled",
    "ExportOptions",
    "ExportResult",
    "ExportWriteError",
    "default_paper",
    "export_post",
    "export_thread",
    "load_marks",
]


@dataclass(slots=True, frozen=True)
class ExportResult:
    """What an export wrote, for the CLI's line and the window's status bar."""

    path: Path
    format: Format
    comments: int  # comments shown in the export
    comments_total: int
    annotations: int
    bookmarks: int
    pages: int | None  # PDF only
    bytes: int
    seconds: float

    def summary(self) -> str:
        pages = f"{plural(self.pages, 'page')}, " if self.pages is not None else ""
        return (
            f"Wrote {self.path} ({pages}{self.comments:,} of "
            f"{plural(self.comments_total, 'comment')}, "
            f"{plural(self.annotations, 'annotation')}, {plural(self.bookmarks, 'bookmark')})"
        )


def _connection(source: Any) -> sqlite3.Connection:
    conn = getattr(source, "conn", source)
    if not isinstance(conn, sqlite3.Connection):
        raise TypeError(f"expected a Library or sqlite3.Connection, got {type(source).__name__}")
    return conn


def load_marks(conn: sqlite3.Connection, post_id: str) -> tuple[list[Annotation], list[Bookmark]]:
    """The post's annotations (re-anchored) and bookmarks, as the export draws them."""
    from reader.annotate.store import annotations_for_post, bookmarks_for_post

    return list(annotations_for_post(conn, post_id)), list(bookmarks_for_post(conn, post_id))


def render(
    document: ThreadDocument,
    options: ExportOptions,
    fmt: Format,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> tuple[bytes, int | None]:
    """The export's bytes and, for a PDF, its page count: only the final writer differs."""
    if fmt == "pdf":
        from reader.export.pdf import render_pdf  # Qt only when a PDF is asked for

        result = render_pdf(document, options, progress=progress, cancel=cancel)
        return result.data, result.pages
    if fmt == "html":
        from reader.export.html import render_html

        return render_html(document, options).encode("utf-8"), None
    from reader.export.markdown import render_markdown

    return render_markdown(document, options).encode("utf-8"), None


def export_post(
    post: Post,
    annotations: list[Annotation],
    bookmarks: list[Bookmark],
    out_path: Path | str,
    fmt: str,
    options: ExportOptions | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """Export an already loaded thread (``post.comments`` filled); see ``export_thread``."""
    started = time.perf_counter()
    kind = check_format(fmt)
    options = options or ExportOptions()
    options.resolved_paper()  # a bad paper name fails before any work
    report = progress or (lambda fraction, label: None)
    check_target(Path(out_path))
    with atomic_output(out_path) as handle:  # creates the temporary file: fails fast
        report(0.1, "Arranging the thread")
        options = dataclasses.replace(options, exported_at=options.export_time())  # one time
        document = build_document(
            post,
            annotations=annotations,
            bookmarks=bookmarks,
            annotated_only=options.annotated_only,
        )
        check_cancel(cancel)
        report(0.2, "Rendering")
        data, pages = render(document, options, kind, progress=progress, cancel=cancel)
        check_cancel(cancel)
        report(0.97, "Writing the file")
        handle.write(data)
    report(1.0, "Done")
    return ExportResult(
        path=Path(out_path),
        format=kind,
        comments=document.comments_shown,
        comments_total=document.comments_total,
        annotations=document.annotations_total,
        bookmarks=document.bookmarks_total,
        pages=pages,
        bytes=len(data),
        seconds=time.perf_counter() - started,
    )


def export_thread(
    conn_or_library: Any,
    post_id: str,
    out_path: Path | str,
    fmt: str,
    options: ExportOptions | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> ExportResult:
    """Export one thread with its annotations and bookmarks to ``out_path``.

    ``fmt`` is ``"pdf"``, ``"html"`` or ``"markdown"``.  ``progress(fraction | None, label)`` is
    called from the calling thread; ``cancel.is_set()`` is polled between steps and pages, and
    cancelling raises ``ExportCancelled`` with nothing written.  Raises ``NotFound`` for an
    unknown post and ``ExportWriteError`` when the file cannot be written (the previous file at
    ``out_path``, if any, is then left as it was).

    Threads: pass a connection opened in the calling thread (SQLite connections do not cross
    threads).  A PDF needs a ``QGuiApplication``: the window has one; the CLI creates one.
    """
    from reader.store import queries

    conn = _connection(conn_or_library)
    report = progress or (lambda fraction, label: None)
    report(0.0, "Loading the thread")
    kind = check_format(fmt)
    check_target(Path(out_path))
    post = queries.load_post(conn, post_id)
    annotations, bookmarks = load_marks(conn, post_id)
    check_cancel(cancel)
    return export_post(
        post,
        annotations,
        bookmarks,
        out_path,
        kind,
        options,
        progress=progress,
        cancel=cancel,
    )
