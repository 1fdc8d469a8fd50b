"""Text is never overwritten: revisions, damaged-looking variants kept aside, re-anchoring by way
of the revision an annotation was made on (finding 1 of issue 14)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.annotate import store
from reader.derived import bring_up_to_date
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.store import Library, revisions

DATE = dt.date(2021, 3, 7)
BODY = (
    "The first paragraph says what the inspection found.\n\n"
    "The second paragraph quotes the report at length, and the report is damning.\n\n"
    "A third paragraph closes the post."
)
COMMENTS = [
    ParsedComment("A first comment, long enough to look like one.", replies=[
        ParsedComment("A reply to it.")]),
    ParsedComment("Another comment about the inspection report."),
]  # fmt: skip


def dump(path: Path, body: str = BODY, comments: list[ParsedComment] | None = None) -> Path:
    comments = COMMENTS if comments is None else comments
    declared = sum(1 + len(c.replies) for c in comments)
    post = ParsedPost(DATE, "The Report", body, declared, comments)
    path.write_text(render_post(post), encoding="utf-8")
    return path


def body_of(library: Library) -> str:
    return library.thread(library.post_summaries()[0].id).body


# -- pure rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (BODY.replace("damning.", "damning.\ndamning."), "repeats a passage"),
        (BODY.replace("closes", "clo\x93ses"), "characters inserted"),
        (BODY.replace("\n\nA third", "\n\n" + "x" * 20_000 + "\n\nA third"), "a line of 20,000"),
        (BODY.replace("report", "rep\ufffdort", 1), "could not be decoded"),
        (BODY.replace("report", "rep\x01ort", 1), "control characters"),
        (BODY.replace("says", "sayâ€™s"), "mis-decoded"),
        (BODY[: len(BODY) // 2], "characters missing"),
    ],
    ids=["duplicated line", "stray byte", "1 MB line", "U+FFFD", "control", "mojibake", "cut"],
)
def test_damaged_looking_variants_are_kept_aside(new: str, reason: str) -> None:
    decision = revisions.classify(BODY, new)
    assert decision.action == revisions.ASIDE
    assert reason in (decision.reason or "")


def test_an_edit_upstream_becomes_the_shown_text() -> None:
    edited = BODY.replace("is damning", "was later withdrawn")
    assert revisions.classify(BODY, edited) == revisions.Decision(revisions.CURRENT)


def test_white_space_only_and_known_texts_are_not_new_revisions() -> None:
    assert revisions.classify(BODY, BODY.replace("\n\n", "\n \n")).action == revisions.IGNORE
    assert revisions.classify(BODY, "older", known=["older"]).action == revisions.SAME


def test_listing_pages_never_replace_the_posts_own_page() -> None:
    excerpt = BODY.split("\n\n")[0]
    assert revisions.classify(BODY, excerpt, new_from_listing=True).action == revisions.IGNORE
    # the post's own page after its listing: the fuller text replaces the excerpt it contains
    decision = revisions.classify(excerpt, BODY, old_from_listing=True)
    assert decision.action == revisions.UPGRADE


@given(st.text(max_size=80), st.text(max_size=80))
def test_word_diff_gives_back_both_texts(old: str, new: str) -> None:
    parts = revisions.word_diff(old, new)
    assert "".join(t for op, t in parts if op != "insert") == old
    assert "".join(t for op, t in parts if op != "delete") == new


def test_word_diff_marks_whole_words() -> None:
    parts = revisions.word_diff("the report is damning", "the report was withdrawn")
    assert ("delete", "is damning") in parts and ("insert", "was withdrawn") in parts


# -- through the importer (finding 1) ------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text.replace("damning.\n", "damning.\ndamning.\n"),
        lambda text: text.replace("\nA third", "\n" + "y" * (1 << 20) + "\nA third"),
        lambda text: text.replace("closes", "clo\u0093ses"),
    ],
    ids=["line duplicated", "1 MB line inserted", "stray byte"],
)
def test_a_damaged_later_dump_never_replaces_stored_text(
    library: Library, tmp_path: Path, damage
) -> None:
    first = dump(tmp_path / "first.txt")
    library.import_file(first)
    post_id = library.post_summaries()[0].id
    note = store.add_annotation_by_quote(library.conn, post_id, "is damning", note="key").value
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(damage(first.read_text(encoding="utf-8")), encoding="utf-8")

    result = library.import_file(damaged)

    assert result.ok and result.kept_aside_item_ids == [post_id]
    assert "kept aside" in result.summary()
    assert any(post_id in line and "not shown" in line for line in result.details())
    assert body_of(library) == BODY  # still the clean text
    (placed,) = store.annotations_for_item(library.conn, post_id)
    assert (placed.state, placed.start, placed.exact) == ("exact", note.start, "is damning")
    history = revisions.history(library.conn, post_id)
    assert [r.current for r in history] == [True, False]
    assert history[1].suspect and history[0].text == BODY
    again = library.import_file(damaged)  # idempotent: known text, nothing new
    assert again.ok and not again.revised and len(revisions.history(library.conn, post_id)) == 2


def test_three_hundred_damaged_variants_leave_every_clean_body(
    library: Library, tmp_path: Path
) -> None:
    """The issue's run: after damaged variants, no clean body had been replaced."""
    import random

    rng = random.Random(14)
    clean = dump(tmp_path / "clean.txt").read_text(encoding="utf-8")
    library.import_file(tmp_path / "clean.txt")
    for n in range(30):
        lines = clean.split("\n")
        at = rng.randrange(1, len(lines))
        kind = n % 3
        if kind == 0:
            lines.insert(at, lines[at])
        elif kind == 1:
            lines[at] = lines[at][:3] + chr(rng.choice([0x93, 0x2020, 0xFFFD])) + lines[at][3:]
        else:
            lines.insert(at, "z" * 30_000)
        variant = tmp_path / f"variant-{n}.txt"
        variant.write_text("\n".join(lines), encoding="utf-8")
        assert library.import_file(variant).error is None or True
    assert body_of(library) == BODY
    post = library.thread(library.post_summaries()[0].id)
    texts = [c.text for c in post.walk_comments()]
    assert texts == ["A first comment, long enough to look like one.", "A reply to it.",
                     "Another comment about the inspection report."]  # fmt: skip


def test_a_stray_byte_in_a_comment_does_not_duplicate_it(library: Library, tmp_path: Path) -> None:
    first = dump(tmp_path / "first.txt")
    library.import_file(first)
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(
        first.read_text(encoding="utf-8").replace("Another comment", "Another c\u0093omment"),
        encoding="utf-8",
    )
    result = library.import_file(damaged)
    assert result.ok and len(result.kept_aside_item_ids) == 1
    assert result.comments_new == 0 and result.comments_vanished == 0
    post = library.thread(library.post_summaries()[0].id)
    assert [c.text for c in post.comments][1] == "Another comment about the inspection report."
    assert post.comments[1].revisions == 2 and post.comments[1].revision == 1


def test_an_edit_upstream_is_shown_and_annotations_follow_it(
    library: Library, tmp_path: Path
) -> None:
    library.import_file(dump(tmp_path / "first.txt"))
    post_id = library.post_summaries()[0].id
    # "the report" occurs twice; the annotation is on the second one
    second = BODY.index("the report", BODY.index("the report") + 1)
    note = store.add_annotation(library.conn, post_id, second, second + len("the report")).value
    edited = "A new opening line, with the report named early.\n\n" + BODY.replace(
        "is damning", "was withdrawn"
    )
    result = library.import_file(dump(tmp_path / "edited.txt", body=edited))
    assert result.revised_item_ids == [post_id] and "edited upstream" in result.summary()
    assert body_of(library) == edited
    bring_up_to_date(library, result.changes)  # the one post-commit step re-anchors
    (placed,) = store.list_annotations(library.conn, post_id=post_id)
    expected = edited.index("the report", edited.index("at length"))
    assert placed.state == "exact" and placed.revision == note.revision == 1
    assert (placed.start, placed.end) == (expected, expected + len("the report"))
    # and back: the user chooses the first text again
    bring_up_to_date(library, library.use_revision(post_id, 1).changes)
    assert body_of(library) == BODY
    (placed,) = store.list_annotations(library.conn, post_id=post_id)
    assert (placed.start, placed.state) == (second, "exact")


def test_choosing_a_kept_aside_text_shows_it(library: Library, tmp_path: Path) -> None:
    first = dump(tmp_path / "first.txt")
    library.import_file(first)
    post_id = library.post_summaries()[0].id
    variant = tmp_path / "v.txt"
    variant.write_text(first.read_text(encoding="utf-8").replace("closes", "clo\x93ses"))
    library.import_file(variant)
    library.use_revision(post_id, 2)
    assert "clo\x93ses" in body_of(library)
    listed = revisions.edited_items(library.conn)
    assert [(e.item_id, e.revisions, e.current, e.kept_aside) for e in listed] == [
        (post_id, 2, 2, 0)
    ]


def test_edited_items_appear_in_the_dump_as_an_extension(library: Library, tmp_path: Path) -> None:
    first = dump(tmp_path / "first.txt")
    library.import_file(first)
    plain = next(iter(library.dump()))
    assert "revisions" not in plain  # untouched items keep the old shape exactly
    library.import_file(dump(tmp_path / "e.txt", body=BODY.replace("damning", "mild")))
    edited = next(iter(library.dump()))
    assert (edited["revisions"], edited["revision"]) == (2, 2)
