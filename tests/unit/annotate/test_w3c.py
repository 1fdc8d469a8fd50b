"""W3C Web Annotation export/import round trip, idempotence, merges, foreign input; Markdown."""

from __future__ import annotations

import copy
import json

import pytest

from reader.annotate import markdown, reanchor_after_import, store, w3c
from reader.derived import bring_up_to_date
from reader.errors import ReaderError
from reader.store import Library

BODY = "The audit was clear. Staffing fell by a third in two years.\nNobody listened."


@pytest.fixture
def dump_path(dump, make_post):
    return dump("one", make_post(BODY, ["I was there and saw it happen.", "Same here."]))


@pytest.fixture
def source(library: Library, dump_path) -> Library:
    assert next(library.import_paths([dump_path])).ok
    return library


@pytest.fixture
def other(tmp_path) -> Library:
    lib = Library.open(tmp_path / "other-machine")
    yield lib
    lib.close()


def annotate(lib: Library) -> tuple[str, str]:
    post_id = lib.post_summaries()[0].id
    comment = lib.thread(post_id).comments[0].id
    store.add_annotation_by_quote(
        lib.conn, post_id, "Staffing fell by a third", note="Para one.\n\nPara two.", colour="blue"
    )
    store.add_annotation_by_quote(lib.conn, comment, "saw it happen")
    store.add_bookmark(lib.conn, comment, "witness")
    return post_id, comment


def exported(lib: Library, **kwargs) -> dict:
    return json.loads(json.dumps(w3c.export_w3c(lib.conn, **kwargs)))


def test_export_is_w3c_json_ld_with_both_selectors(source: Library) -> None:
    post_id, comment = annotate(source)
    data = exported(source)
    assert data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 3
    first, second, mark = data["first"]["items"]
    assert first["type"] == "Annotation" and first["motivation"] == "commenting"
    assert first["id"].startswith("urn:archive-reader:annotation:a")
    target = first["target"]
    assert target["source"] == f"urn:archive-reader:item:{post_id}"
    quote, position = target["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "Staffing fell by a third",
        "prefix": "The audit was clear. ",
        "suffix": " in two years.\nNobody listened.",
    }
    assert position == {"type": "TextPositionSelector", "start": 21, "end": 45}
    assert target["styleClass"] == "blue" and ".blue" in first["stylesheet"]["value"]
    assert first["body"] == {
        "type": "TextualBody",
        "value": "Para one.\n\nPara two.",
        "format": "text/plain",
        "purpose": "commenting",
    }
    assert first["created"].endswith("Z") and first["modified"].endswith("Z")
    assert second["motivation"] == "highlighting" and "body" not in second
    assert second["target"]["scope"] == f"urn:archive-reader:item:{post_id}"
    assert mark["motivation"] == "bookmarking"
    assert mark["target"]["source"] == f"urn:archive-reader:item:{comment}"
    assert mark["body"]["value"] == "witness"


def test_round_trip_to_another_machine_and_back(source: Library, other: Library, dump_path) -> None:
    annotate(source)
    data = exported(source)
    originals = store.list_annotations(source.conn)

    # The other machine has no archive yet: everything is kept, as orphans.
    report = w3c.import_w3c(other.conn, data)
    assert (report.added, report.orphaned, report.bookmarks_added) == (2, 2, 1)
    assert len(store.orphaned_annotations(other.conn)) == 2
    assert report.changes.annotations == {a.id for a in originals}
    assert len(report.changes.bookmarks) == 1 and report.changes.marks

    # It imports the same dump: the post-commit step re-anchors, finding every passage.
    for result in other.import_paths([dump_path]):
        assert result.ok
        bring_up_to_date(other, result.changes)
    assert not store.orphaned_annotations(other.conn)
    assert reanchor_after_import(other.conn, []).checked == 0  # nothing left to catch up
    assert store.list_annotations(other.conn) == originals
    assert [b.label for b in store.list_bookmarks(other.conn)] == ["witness"]

    # Importing the same file again changes nothing, on either machine.
    again = w3c.import_w3c(other.conn, data)
    assert (again.added, again.updated, again.unchanged, again.bookmarks_added) == (0, 0, 2, 0)
    back = w3c.import_w3c(source.conn, exported(other))
    assert (back.added, back.updated) == (0, 0)
    assert store.list_annotations(source.conn) == originals


def test_the_later_edit_wins(source: Library, other: Library) -> None:
    annotate(source)
    data = exported(source)
    newer = copy.deepcopy(data)
    item = newer["first"]["items"][0]
    item["body"]["value"] = "Edited elsewhere."
    item["modified"] = "2999-01-01T00:00:00Z"
    report = w3c.import_w3c(source.conn, newer)
    assert report.updated == 1
    notes = [a.note for a in store.list_annotations(source.conn)]
    assert "Edited elsewhere." in notes
    older = copy.deepcopy(data)
    older["first"]["items"][0]["body"]["value"] = "Stale."
    older["first"]["items"][0]["modified"] = "2000-01-01T00:00:00Z"
    assert w3c.import_w3c(source.conn, older).updated == 0


def test_foreign_annotations_get_stable_ids(source: Library) -> None:
    post_id = source.post_summaries()[0].id
    foreign = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://example.org/anno/17",
        "type": "Annotation",
        "body": "Plain string body",
        "target": {
            "source": f"urn:archive-reader:item:{post_id}",
            "selector": {"type": "TextQuoteSelector", "exact": "Nobody listened"},
        },
    }
    unrelated = {"type": "Annotation", "target": "https://example.org/page"}
    report = w3c.import_w3c(source.conn, [foreign, unrelated])
    assert report.added == 1 and len(report.skipped) == 1
    (a,) = store.list_annotations(source.conn)
    assert (a.note, a.state, BODY[a.start : a.end]) == (
        "Plain string body",
        "exact",
        "Nobody listened",
    )
    assert w3c.import_w3c(source.conn, foreign).unchanged == 1
    assert len(store.list_annotations(source.conn)) == 1


def test_bad_files_are_one_clear_error(source: Library) -> None:
    with pytest.raises(ReaderError, match="not JSON"):
        w3c.load("{nope")
    with pytest.raises(ReaderError, match="no W3C Web Annotations"):
        w3c.import_w3c(source.conn, {"hello": 1})


def test_markdown_digest_lists_threads_quotes_notes_and_orphans(source: Library) -> None:
    post_id, comment = annotate(source)
    gone = store.add_annotation_by_quote(source.conn, comment, "I was there", note="orphan me")
    gone_id = gone.value.id
    source.conn.execute("UPDATE comments SET text = 'rewritten entirely' WHERE id = ?", [comment])
    reanchor_after_import(source.conn, [post_id])
    text = markdown.digest(source.conn)
    assert "## 2021-03-07 · Case notes" in text
    assert "### Post\n\n> Staffing fell by a third\n\nPara one.\n\nPara two.\n" in text
    assert "- Comment 1 — witness" in text
    orphans = text.split("## Orphaned annotations", 1)[1]
    assert "> I was there" in orphans and "orphan me" in orphans and gone_id in orphans
    assert markdown.digest(source.conn, post_id="pnone").startswith("# Annotations\n\n0 annotation")
