"""Re-anchoring after imports: identical re-imports, white space, edits, deletions, catch-up."""

from __future__ import annotations

import random

from reader.annotate import reanchor_after_import, store
from reader.annotate.reanchor import reanchor_all
from reader.derived import bring_up_to_date
from reader.store import Library
from reader.store.importer import import_file

LISTING = (
    "The review found caseloads at 150 per cent of the agreed level.\n"
    "Managers were told in writing and did nothing about it.\n"
    "The passage that the editor later cut is this one, about the missing files.\n"
    "Nobody has been held accountable since."
)


def import_all(lib: Library, *paths) -> list[str]:
    """The store's import alone, so each test drives the re-anchoring step itself."""
    changed: list[str] = []
    for path in paths:
        result = import_file(lib.conn, path)
        assert result.ok, result.error
        changed += result.changed_post_ids
    return changed


def test_post_commit_step_reanchors_after_a_library_import(
    library: Library, dump, make_post
) -> None:
    list(library.import_paths([dump("listing", make_post(LISTING))]))
    post_id = library.post_summaries()[0].id
    saved = store.add_annotation_by_quote(library.conn, post_id, "Nobody has been held accountable")
    a = saved.value
    [result] = library.import_paths([dump("page", make_post("Intro.\n" + LISTING, ["c"]))])
    assert result.ok and result.changed_post_ids == [post_id]
    assert result.changes.posts_changed == {post_id} and not result.changes.posts_added
    assert store.get_annotation(library.conn, a.id) == a  # the store alone does not re-anchor
    report = bring_up_to_date(library, result.changes)
    stored = store.get_annotation(library.conn, a.id)
    assert stored.start == a.start + len("Intro.\n") and stored.state == "exact"
    assert report.changes.annotations == {a.id} and report.changes.marked_posts == {post_id}
    assert reanchor_after_import(library.conn, []).checked == 0  # nothing left to catch up


def test_identical_reimport_of_the_archive_keeps_every_annotation_in_place(
    seeded_library: Library, dump_files
) -> None:
    conn = seeded_library.conn
    rng = random.Random(7)
    items = [(pid, body) for pid, body in conn.execute("SELECT id, body FROM posts")]
    items += [(cid, text) for cid, text in conn.execute("SELECT id, text FROM comments")]
    made = []
    for item_id, text in items:
        for _ in range(3 if len(text) > 2 else 0):
            start = rng.randrange(len(text) - 1)
            end = rng.randrange(start + 1, min(len(text), start + 400) + 1)
            made.append(store.add_annotation(conn, item_id, start, end, note=f"n{start}").value)
    assert len(made) > 250
    changed = import_all(seeded_library, *dump_files)
    assert changed == []  # identical: the importer wrote nothing
    all_posts = [pid for pid, _ in conn.execute("SELECT id, body FROM posts")]
    report = reanchor_after_import(conn, all_posts)
    assert report.checked == len(made)
    assert report.exact == len(made) and report.methods == {"position": len(made)}
    assert report.updated == 0 and report.newly_orphaned == []
    assert sorted(store.list_annotations(conn), key=lambda a: a.id) == sorted(
        made, key=lambda a: a.id
    )
    for post_id in all_posts:
        for a in store.annotations_for_post(conn, post_id):
            assert (a.state, a.start, a.end) == (
                "exact",
                *next((m.start, m.end) for m in made if m.id == a.id),
            )


def test_whitespace_changes_reanchor_exactly(library: Library, dump, make_post) -> None:
    import_all(library, dump("listing", make_post(LISTING)))
    post_id = library.post_summaries()[0].id
    a = store.add_annotation_by_quote(library.conn, post_id, "in writing and did nothing").value
    rewrapped = LISTING.replace("in writing and", "in  writing\nand").replace(
        "The review", "Update: see below.\nThe review"
    )
    changed = import_all(library, dump("page", make_post(rewrapped, ["A comment."])))
    assert changed == [post_id]
    report = reanchor_after_import(library.conn, changed)
    assert report.methods == {"whitespace": 1} and report.exact == 1
    stored = store.get_annotation(library.conn, a.id)
    assert stored.state == "exact"
    assert rewrapped[stored.start : stored.end] == "in  writing\nand did nothing"
    assert stored.exact == "in  writing\nand did nothing"  # quote refreshed to the text
    assert (stored.note, stored.created, stored.modified) == (a.note, a.created, a.modified)


def test_edited_passage_is_moved_and_deleted_passage_is_an_orphan(
    library: Library, dump, make_post
) -> None:
    import_all(library, dump("listing", make_post(LISTING)))
    post_id = library.post_summaries()[0].id
    edited = store.add_annotation_by_quote(
        library.conn, post_id, "caseloads at 150 per cent of the agreed level", note="figure"
    ).value
    cut = store.add_annotation_by_quote(
        library.conn, post_id, "about the missing files", note="this matters", colour="pink"
    ).value
    full = LISTING.replace("150 per cent of the agreed", "150% of the agreed").replace(
        "The passage that the editor later cut is this one, about the missing files.\n", ""
    )
    changed = import_all(library, dump("page", make_post(full, ["First!"])))
    report = reanchor_after_import(library.conn, changed)
    assert (report.moved, report.orphaned, report.newly_orphaned) == (1, 1, [cut.id])
    assert "1 orphaned" in report.summary()
    moved = store.get_annotation(library.conn, edited.id)
    assert moved.state == "moved"
    assert full[moved.start : moved.end] == "caseloads at 150% of the agreed level"
    assert moved.exact == edited.exact  # the reader's quote is kept until they confirm
    orphans = store.orphaned_annotations(library.conn)
    assert [(o.id, o.exact, o.note, o.colour) for o in orphans] == [
        (cut.id, "about the missing files", "this matters", "pink")
    ]
    # Again, and with a full re-check: still listed, nothing deleted, nothing rewritten.
    assert reanchor_all(library.conn).updated == 0
    assert len(store.list_annotations(library.conn)) == 2
    assert store.notes_and_flags(library.conn, [post_id])[post_id][1] >= {"orphan"}


def test_vanished_comment_keeps_its_annotation(library: Library, dump, make_post) -> None:
    import_all(library, dump("one", make_post("Body.", ["Keep me.", "I will vanish soon."])))
    post_id = library.post_summaries()[0].id
    vanishing = library.thread(post_id).comments[1].id
    a = store.add_annotation_by_quote(library.conn, vanishing, "vanish soon").value
    changed = import_all(library, dump("two", make_post("Body.", ["Keep me.", "New one."])))
    assert library.thread(post_id).comments[1].vanished
    report = reanchor_after_import(library.conn, changed)
    assert report.exact == 1 and store.get_annotation(library.conn, a.id) == a


def test_a_missed_reanchor_is_caught_up_from_import_stamps(
    library: Library, dump, make_post
) -> None:
    import_all(library, dump("listing", make_post(LISTING)))
    post_id = library.post_summaries()[0].id
    reanchor_after_import(library.conn, [])  # records the stamp
    a = store.add_annotation_by_quote(library.conn, post_id, "Nobody has been held accountable")
    a = a.value
    import_all(library, dump("page", make_post("Intro.\n" + LISTING, ["c"])))
    # (a crash here: reanchor_after_import never ran for that import)
    report = reanchor_after_import(library.conn, [])
    assert report.checked == 1 and report.methods == {"quote": 1}
    assert store.get_annotation(library.conn, a.id).start == a.start + len("Intro.\n")
    assert reanchor_after_import(library.conn, []).checked == 0  # nothing pending any more
