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


def test_compaction_keeps_the_state_sources_and_choices_and_drops_history(
    template: Path, tmp_path: Path
) -> None:
    import shutil

    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    path = folder / "journal.jsonl"
    with Library.open(folder) as lib:
        post = lib.thread(lib.post_summaries()[0].id)
        kept = store.add_annotation_by_quote(lib.conn, post.id, "several words", note="a").value
        for n in range(30):  # history: thirty edits of one note
            store.update_annotation(lib.conn, kept.id, note=f"edit {n}")
        gone = store.add_annotation_by_quote(lib.conn, post.comments[0].id, "words").value
        store.delete_annotation(lib.conn, gone.id)
        store.add_bookmark(lib.conn, post.comments[1].id, "mark")
        lib.mark_thread_read(post.id)
        final = state(lib)
        sources_before = journal.sources(path)
        before = path.read_text().count("\n")
        report = journal.compact(lib.conn, path)
        assert report.lines_before == before and report.lines_after < before / 4
        assert report.bytes_after == path.stat().st_size < report.bytes_before
        assert journal.sources(path) == sources_before  # repair still finds the dumps
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        assert lines[0]["kind"] == "start" and lines[0]["record"]["ar:compacted"]
        assert not (folder / "journal.jsonl.compacting").exists()
        wipe_user_data(lib)
        journal.replay(lib.conn, path)
        assert state(lib) == final
        store.add_bookmark(lib.conn, post.id, "after")  # appends carry on after it
        assert json.loads(path.read_text().splitlines()[-1])["kind"] == "bookmark"


def test_a_compacted_journal_over_an_older_backup_brings_nothing_deleted_back(
    template: Path, tmp_path: Path
) -> None:
    """The compacted journal has no line for an annotation deleted before it was compacted:
    replay clears the older user data at its start line instead of keeping the annotation."""
    import shutil

    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    path = folder / "journal.jsonl"
    with Library.open(folder) as lib:
        post_id = lib.post_summaries()[0].id
        doomed = store.add_annotation_by_quote(lib.conn, post_id, "several words").value
        older = state(lib)  # what an older backup holds
        store.delete_annotation(lib.conn, doomed.id)
        store.add_bookmark(lib.conn, post_id, "later")
        final = state(lib)
        journal.compact(lib.conn, path)
        wipe_user_data(lib)
        with userdata.user_transaction(lib.conn):  # the older backup's user data
            for row in older[0]:
                marks = ",".join("?" * len(row))
                lib.conn.execute(f"INSERT INTO annotations VALUES ({marks})", row)
        assert state(lib) == older
        journal.replay(lib.conn, path)
        assert state(lib) == final


def test_the_daily_backup_compacts_a_long_journal_of_history(
    template: Path, tmp_path: Path, monkeypatch
) -> None:
    import shutil

    folder = tmp_path / "lib"
    shutil.copytree(template, folder)
    path = folder / "journal.jsonl"
    monkeypatch.setattr(journal, "COMPACT_LINES", 40)
    with Library.open(folder) as lib:
        post_id = lib.post_summaries()[0].id
        note = store.add_annotation_by_quote(lib.conn, post_id, "several words").value
        for n in range(10):
            store.update_annotation(lib.conn, note.id, note=str(n))
        assert journal.compact_if_due(lib.conn, path) is None  # short: left alone
        for n in range(40):
            store.update_annotation(lib.conn, note.id, note=str(n))
        grown = path.read_text().count("\n")
        assert lib.backup_if_due() is not None  # the first backup is due at once
        assert path.read_text().count("\n") < grown / 4
        assert [a.note for a in store.list_annotations(lib.conn)] == ["39"]
