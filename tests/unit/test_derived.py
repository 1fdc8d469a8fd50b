"""The post-commit step: re-anchoring, the search index, and problems reported, not raised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader import derived
from reader.annotate import store
from reader.changes import NOTHING, Changes
from reader.formats.blogtext_write import write_dump
from reader.model import ParsedComment, ParsedPost
from reader.search import IndexStatus, open_index
from reader.store import Library

DATE = dt.date(2022, 5, 1)


def write(path: Path, body: str, comments: list[str]) -> Path:
    post = ParsedPost(DATE, "Derived data", body, None, [ParsedComment(c) for c in comments])
    with open(path, "w", encoding="utf-8") as handle:
        write_dump([post], handle)
    return path


def imported(library: Library, path: Path) -> Changes:
    [result] = library.import_paths([path])
    assert result.ok, result.error
    return result.changes


def search_ids(library: Library, query: str) -> set[str]:
    index = open_index(library)
    try:
        return {hit.comment_id or hit.post_id for hit in index.search(query).hits}
    finally:
        index.close()


def test_an_import_updates_placements_and_the_index(library: Library, tmp_path: Path) -> None:
    first = imported(library, write(tmp_path / "a.txt", "The rota was cut.", ["First reply."]))
    assert first.posts_added and first.sources == {str(tmp_path / "a.txt")}
    report = derived.bring_up_to_date(library, first)
    assert report.index is not None and report.index.fresh and not report.problems
    post_id = next(iter(first.posts_added))
    assert search_ids(library, "rota") == {post_id}
    note = store.add_annotation_by_quote(library.conn, post_id, "rota was cut").value
    later = imported(
        library,
        # an edit (a pure insertion would look like damage and be kept aside: issue 14)
        write(
            tmp_path / "b.txt", "Update.\n\nThe rota was cut, again.", ["First reply.", "Zebra!"]
        ),
    )
    assert later.posts_changed == {post_id} and not later.posts_added
    report = derived.bring_up_to_date(library, later)
    assert store.get_annotation(library.conn, note.id).start == note.start + len("Update.\n\n")
    assert report.changes.annotations == {note.id}
    assert search_ids(library, "zebra")  # the new comment is searchable at once


def test_marks_reach_an_existing_index_and_never_build_one(
    library: Library, tmp_path: Path
) -> None:
    changes = imported(library, write(tmp_path / "a.txt", "Body text here.", ["A comment."]))
    post_id = next(iter(changes.posts_added))
    saved = store.add_annotation_by_quote(library.conn, post_id, "Body", note="quokka")
    report = derived.bring_up_to_date(library, saved.changes)
    assert report.index is None and not library.paths.search_index.exists()
    derived.bring_up_to_date(library, changes)  # text changed: the index is built
    again = store.add_annotation_by_quote(library.conn, post_id, "text", note="wombat")
    assert derived.bring_up_to_date(library, again.changes).index.fresh  # type: ignore[union-attr]
    assert search_ids(library, "note:wombat") == {post_id}


def test_nothing_changed_does_nothing(library: Library) -> None:
    report = derived.bring_up_to_date(library, NOTHING)
    assert report == derived.DerivedReport()
    assert not library.paths.search_index.exists()


def test_orphaned_notes_are_a_warning(library: Library, tmp_path: Path) -> None:
    changes = imported(library, write(tmp_path / "a.txt", "Keep this. Cut this passage.", []))
    post_id = next(iter(changes.posts_added))
    store.add_annotation_by_quote(library.conn, post_id, "Cut this passage")
    library.conn.execute("UPDATE posts SET body = 'Keep this.', stamp = stamp + 1")
    edited = Changes(posts_changed=frozenset({post_id}))
    report = derived.bring_up_to_date(library, edited)
    assert report.warnings and "1 newly orphaned" in report.warnings[0]


def test_what_cannot_be_brought_up_to_date_is_a_problem_with_a_remedy(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    changes = imported(library, write(tmp_path / "a.txt", "Body.", []))

    def broken_index(*_args: object, **_kwargs: object) -> IndexStatus:
        return IndexStatus("corrupt", "indexing failed: OSError: disk full")

    def broken_reanchor(*_args: object) -> object:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(derived, "update_after_import", broken_index)
    monkeypatch.setattr(derived, "reanchor_after_import", broken_reanchor)
    report = derived.bring_up_to_date(library, changes)
    assert report.problems == [
        "annotations not placed again (RuntimeError: database is locked); run: archive-reader"
        " annotations reanchor",
        "search index not updated (indexing failed: OSError: disk full); it catches up on the"
        " next search, or run: archive-reader reindex",
    ]
