"""The journal of user-made data: one synced line per change, replay gives back the last state."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.annotate import journal, store
from reader.errors import ReaderError
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.store import Library, userdata


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("journal") / "library"
    post = ParsedPost(
        dt.date(2022, 2, 2),
        "Journal",
        "A body with several words to highlight and more.",
        3,
        [ParsedComment(f"Comment {n} with words to mark.") for n in range(3)],
    )
    dump = folder.parent / "d.txt"
    dump.write_text(render_post(post), encoding="utf-8")
    with Library.open(folder) as lib:
        assert lib.import_file(dump).ok
    return folder


def state(lib: Library) -> tuple:
    conn = lib.conn
    return (
        sorted(conn.execute("SELECT * FROM annotations").fetchall()),
        sorted(conn.execute("SELECT * FROM bookmarks").fetchall()),
        sorted(conn.execute("SELECT * FROM read_state").fetchall()),
    )


def wipe_user_data(lib: Library) -> None:
    with userdata.user_transaction(lib.conn):
        for table in ("annotations", "bookmarks", "read_state"):
            lib.conn.execute(f"DELETE FROM {table}")


def test_every_change_is_one_line_before_the_call_returns(template: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    import shutil

    shutil.copytree(template, folder)
    path = folder / "journal.jsonl"
    with Library.open(folder) as lib:
        item = lib.post_summaries()[0].id
        before = path.read_text().count("\n")
        a = store.add_annotation_by_quote(lib.conn, item, "several words", note="x").value
        store.update_annotation(lib.conn, a.id, note="y")
        store.add_bookmark(lib.conn, item, "b")
        store.remove_bookmark(lib.conn, item)
        lib.mark_thread_read(item)
        store.delete_annotation(lib.conn, a.id)
    lines = [json.loads(line) for line in path.read_text().splitlines()[before:]]
    assert [(e["op"], e["kind"]) for e in lines] == [
        ("put", "annotation"),
        ("put", "annotation"),
        ("put", "bookmark"),
        ("delete", "bookmark"),
        ("put", "read"),
        ("delete", "annotation"),
    ]
    record = lines[1]["record"]
    assert record["type"] == "Annotation" and record["body"]["value"] == "y"
    assert record["target"]["selector"][0] == {
        "type": "TextQuoteSelector",
        "exact": "several words",
        "prefix": "A body with ",
        "suffix": " to highlight and more.",
    }


def test_a_journal_that_cannot_be_written_changes_nothing(
    template: Path, tmp_path: Path, monkeypatch
) -> None:
    import shutil

    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    with Library.open(folder) as lib:
        item = lib.post_summaries()[0].id

        def full(path, entries):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(userdata, "append_journal", full)
        with pytest.raises(ReaderError, match=r"cannot write the journal.*nothing was changed"):
            store.add_bookmark(lib.conn, item)
        assert store.list_bookmarks(lib.conn) == []


OPS = st.lists(
    st.tuples(
        st.sampled_from(["annotate", "edit", "delete", "bookmark", "unbookmark", "read"]),
        st.integers(0, 3),
    ),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_replay_over_nothing_gives_the_last_state(template: Path, tmp_path_factory, ops) -> None:
    import shutil

    folder = tmp_path_factory.mktemp("replay") / "lib"
    shutil.copytree(template, folder)
    with Library.open(folder) as lib:
        post = lib.thread(lib.post_summaries()[0].id)
        items = [post.id, *(c.id for c in post.comments)]
        made: list[str] = []
        for op, n in ops:
            item = items[n]
            if op == "annotate":
                made.append(
                    store.add_annotation_by_quote(lib.conn, item, "words", note=str(n)).value.id
                )
            elif op == "edit" and made:
                store.update_annotation(lib.conn, made[n % len(made)], colour="blue", note="e")
            elif op == "delete" and made:
                store.delete_annotation(lib.conn, made.pop(n % len(made)))
            elif op == "bookmark":
                store.add_bookmark(lib.conn, item, f"label {n}")
            elif op == "unbookmark":
                store.remove_bookmark(lib.conn, item)
            elif op == "read":
                lib.mark_thread_read(post.id, item if item != post.id else None)
        final = state(lib)
        wipe_user_data(lib)
        report = journal.replay(lib.conn, folder / "journal.jsonl")
        assert state(lib) == final and not report.skipped
        journal.replay(lib.conn, folder / "journal.jsonl")  # twice: the same
        assert state(lib) == final


def test_a_line_cut_short_by_a_crash_is_skipped(template: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    with Library.open(folder) as lib:
        item = lib.post_summaries()[0].id
        store.add_bookmark(lib.conn, item, "kept")
        with open(folder / "journal.jsonl", "a") as handle:
            handle.write('{"v":1,"op":"put","kind":"bookm')
        wipe_user_data(lib)
        report = journal.replay(lib.conn, folder / "journal.jsonl")
        assert [b.label for b in store.list_bookmarks(lib.conn)] == ["kept"]
        assert len(report.skipped) == 1 and "line" in report.skipped[0]
