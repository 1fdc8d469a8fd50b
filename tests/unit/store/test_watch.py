"""What another program changed, told from the change stamps (``reader.store.watch``): a window
sees bookmarks and notes made from the command line, though they live in the user-data file,
and a text another program chose to show."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reader.annotate import store as notes
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.store import Library, watch


def _dump(path: Path, body: str) -> Path:
    post = ParsedPost(dt.date(2021, 3, 7), "Watched", body, 1, [ParsedComment("One comment.")])
    path.write_text(render_post(post), encoding="utf-8")
    return path


def test_marks_written_by_another_connection_are_seen(library_dir: Path, tmp_path: Path) -> None:
    with Library.open(library_dir) as window, Library.open(library_dir) as cli:
        cli.import_file(_dump(tmp_path / "a.txt", "The report is damning."))
        post_id = cli.post_summaries()[0].id
        changes, seen = watch.changes_since(window.conn, watch.seen_now(window.conn))
        assert not changes  # nothing since this moment
        notes.add_bookmark(cli.conn, post_id, "from the terminal")
        changes, seen = watch.changes_since(window.conn, seen)
        assert changes.marks_unknown and not changes.posts_changed
        notes.add_annotation_by_quote(cli.conn, post_id, "damning", note="n")
        changes, seen = watch.changes_since(window.conn, seen)
        assert changes.marks_unknown
        changes, seen = watch.changes_since(window.conn, seen)
        assert not changes  # told once


def test_a_text_chosen_by_another_program_changes_its_thread(
    library_dir: Path, tmp_path: Path
) -> None:
    with Library.open(library_dir) as window, Library.open(library_dir) as cli:
        cli.import_file(_dump(tmp_path / "a.txt", "The report is damning."))
        cli.import_file(_dump(tmp_path / "b.txt", "The report was withdrawn."))
        post_id = cli.post_summaries()[0].id
        seen = watch.seen_now(window.conn)
        cli.use_revision(post_id, 1)
        changes, _ = watch.changes_since(window.conn, seen)
        # (the first change seen reads which threads there were: one changed since counts as
        # added, which every view treats as changed)
        assert post_id in changes.posts_added | changes.posts_changed
        assert not changes.marks_unknown
