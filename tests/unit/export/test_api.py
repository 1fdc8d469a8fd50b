"""``export_thread``, the call the window's File › Export thread… dialog makes."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from helpers import dumpgen
from reader.errors import NotFound, ReaderError
from reader.export import ExportCancelled, ExportResult, export_thread, load_marks


def a_post_with_comments(library) -> str:
    """The generated archive's export thread (25 comments, from its Windows-1252 file)."""
    [post_id] = [s.id for s in library.post_summaries() if s.title == dumpgen.EXPORT_TITLE]
    return post_id


def test_exports_html_and_markdown_from_a_library_or_a_connection(
    seeded_library, tmp_path: Path
) -> None:
    post_id = a_post_with_comments(seeded_library)
    seen: list[tuple[float | None, str]] = []
    result = export_thread(
        seeded_library, post_id, tmp_path / "t.html", "html", progress=lambda *a: seen.append(a)
    )
    assert result.format == "html" and result.pages is None
    assert result.comments == result.comments_total > 5
    assert result.bytes == (tmp_path / "t.html").stat().st_size
    assert seen[0] == (0.0, "Loading the thread") and seen[-1] == (1.0, "Done")
    assert result.summary().startswith(f"Wrote {tmp_path / 't.html'} (")

    md = export_thread(seeded_library.conn, post_id, tmp_path / "t.md", "md")
    assert md.format == "markdown" and (tmp_path / "t.md").read_text().startswith("# ")


def test_user_errors_come_before_any_file(seeded_library, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"  # the fixture's library lives in tmp_path itself
    tmp_path.mkdir()
    with pytest.raises(NotFound, match="no post with id 'pmissing'"):
        export_thread(seeded_library, "pmissing", tmp_path / "x.html", "html")
    with pytest.raises(ReaderError, match="unknown export format"):
        export_thread(seeded_library, "pmissing", tmp_path / "x.docx", "docx")
    with pytest.raises(TypeError):
        export_thread(object(), "p", tmp_path / "x.html", "html")
    assert list(tmp_path.iterdir()) == []


def test_cancel_writes_nothing(seeded_library, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    cancel = threading.Event()
    cancel.set()
    post_id = a_post_with_comments(seeded_library)
    with pytest.raises(ExportCancelled):
        export_thread(seeded_library, post_id, tmp_path / "x.html", "html", cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_a_thread_without_marks_exports_none(seeded_library) -> None:
    assert load_marks(seeded_library.conn, a_post_with_comments(seeded_library)) == ([], [])


def test_annotations_and_bookmarks_come_from_the_annotation_store(
    seeded_library, tmp_path: Path
) -> None:
    from reader.annotate import store

    post = seeded_library.thread(a_post_with_comments(seeded_library))
    comment = next(c for c in post.walk_comments() if len(c.text.split()) > 8)
    quote = " ".join(comment.text.split()[2:5])
    store.add_annotation_by_quote(seeded_library.conn, comment.id, quote, note="Check this")
    store.add_bookmark(seeded_library.conn, comment.id, "keep")
    result = export_thread(
        seeded_library, post.id, tmp_path / "a.html", "html", options=None, progress=None
    )
    assert (result.annotations, result.bookmarks) == (1, 1)
    document = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "Check this" in document and "★ bookmarked: keep" in document


def test_the_export_summary_counts_in_the_right_number(tmp_path: Path) -> None:
    """ "1 annotation", never "1 annotations" (the CLI prints this line after every export)."""
    one = ExportResult(
        path=tmp_path / "t.pdf", format="pdf", comments=1, comments_total=1, annotations=1,
        bookmarks=1, pages=1, bytes=10, seconds=0.1,
    )  # fmt: skip
    assert "1 page, 1 of 1 comment, 1 annotation, 1 bookmark)" in one.summary(), one.summary()
    many = dataclasses.replace(one, pages=2, annotations=3, bookmarks=0, comments_total=1200)
    assert "2 pages, 1 of 1,200 comments, 3 annotations, 0 bookmarks)" in many.summary()
