"""The layout every writer prints: where highlights land, how notes are numbered, which comments
an annotated-only export keeps."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from reader.export.layout import build_layout, locate, paragraph_ranges, segment
from reader.model import Annotation


def _ann(text: str, start: int, end: int, **kw: object) -> Annotation:
    fields = dict(prefix=text[max(0, start - 8) : start], suffix=text[end : end + 8])
    fields.update(kw)
    return Annotation("a", "c1", "p1", text[start:end], start=start, end=end, **fields)  # type: ignore[arg-type]


def test_locate_trusts_offsets_that_still_match() -> None:
    text = "one two three two"
    assert locate(text, _ann(text, 14, 17)) == (14, 17)


def test_locate_falls_back_to_the_quote_with_the_best_context() -> None:
    text = "alpha two beta. gamma two delta."
    stale = dataclasses.replace(_ann(text, 22, 25), start=0, end=3)  # offsets point elsewhere
    assert locate(text, stale) == (22, 25)
    first = dataclasses.replace(_ann(text, 6, 9), start=40, end=43)
    assert locate(text, first) == (6, 9)


def test_locate_gives_up_on_a_vanished_passage_and_on_orphans() -> None:
    text = "nothing to see"
    assert locate(text, Annotation("a", "c", "p", "gone", "", "", 0, 4)) is None
    orphan = dataclasses.replace(_ann(text, 0, 7), state="orphan")
    assert locate(text, orphan) is None


def test_locate_trusts_moved_offsets_from_reanchoring() -> None:
    text = "the passage was reworded later"
    moved = Annotation("a", "c", "p", "passage was edited", "", "", 4, 23, state="moved")
    assert locate(text, moved) == (4, 23)


def test_paragraphs_split_on_blank_lines_and_trim() -> None:
    text = "  first\nstill first \n\n\n second\n \n third"
    assert [text[a:b] for a, b in paragraph_ranges(text)] == [
        "first\nstill first",
        "second",
        "third",
    ]
    assert paragraph_ranges("  \n ") == []


def test_overlap_shows_the_innermost_colour_and_marks_follow_their_passage() -> None:
    text = "aaa bbb ccc ddd"
    paragraphs = segment(text, [(0, 11, "yellow", 1), (4, 7, "blue", 2)])
    assert len(paragraphs) == 1
    got = [(s.text, s.colour, s.marks) for s in paragraphs[0]]
    assert got == [
        ("aaa ", "yellow", []),
        ("bbb", "blue", [2]),
        (" ccc", "yellow", [1]),
        (" ddd", None, []),
    ]


def test_a_passage_ending_in_a_paragraph_gap_is_marked_at_the_paragraph_end() -> None:
    text = "first para\n\nsecond"
    paragraphs = segment(text, [(6, 11, "green", 1)])
    assert [(s.text, s.marks) for s in paragraphs[0]] == [("first ", []), ("para", [1])]
    assert [(s.text, s.colour) for s in paragraphs[1]] == [("second", None)]


@given(
    st.text(alphabet="ab \n", max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=5),
)
def test_segments_keep_every_character_and_every_mark(text: str, spans: list) -> None:
    placed = []
    for number, (a, b) in enumerate(spans, start=1):
        a, b = sorted((min(a, len(text)), min(b, len(text))))
        placed.append((a, b, "yellow", number))
    paragraphs = segment(text, placed)
    printed = ["".join(s.text for s in segs) for segs in paragraphs]
    assert printed == [text[a:b] for a, b in paragraph_ranges(text)] or (
        not text.strip() and printed == [""]
    )
    marks = sorted(m for segs in paragraphs for s in segs for m in s.marks)
    assert marks == [n for *_, n in placed]


def _thread(kit):
    c = kit.comment
    return kit.make_post(
        "The post body, with a highlight.",
        c("1", "First comment.", c("1.1", "A reply to the first."), c("1.2", "Second reply.")),
        c("2", "Second top-level, unremarkable.", c("2.1", "Its reply is annotated.")),
        c("3", "Third: bookmarked only."),
        c("4", "Fourth, untouched.", c("4.1", "Untouched reply.")),
    )


def test_notes_are_numbered_in_reading_order(kit) -> None:
    post = _thread(kit)
    texts = {c.id: c.text for c in post.walk_comments()}
    annotations = [
        kit.annotate("c2.1", texts["c2.1"], "annotated", note="late"),
        kit.annotate("c1.1", texts["c1.1"], "reply"),
        kit.annotate("p1", post.body, "highlight", colour="green", note="on the post"),
        kit.annotate("c1.1", texts["c1.1"], "A "),
    ]
    layout = build_layout(post, annotations, [], kit.options())
    assert [(n.number, n.where, n.quote) for n in layout.notes] == [
        (1, "post", "highlight"),
        (2, "1.1", "A "),
        (3, "1.1", "reply"),
        (4, "2.1", "annotated"),
    ]
    assert layout.annotations_total == 4
    assert [i.path for i in layout.comments] == ["1", "1.1", "1.2", "2", "2.1", "3", "4", "4.1"]
    assert [i.depth for i in layout.comments] == [0, 1, 1, 0, 1, 0, 0, 1]


def test_annotated_only_keeps_marked_comments_and_their_parent_chains(kit) -> None:
    post = _thread(kit)
    texts = {c.id: c.text for c in post.walk_comments()}
    annotations = [kit.annotate("c2.1", texts["c2.1"], "annotated")]
    bookmarks = [kit.bookmark("c3", "evidence"), kit.bookmark("c1.2")]
    layout = build_layout(post, annotations, bookmarks, kit.options(annotated_only=True))
    shown = {i.path: i for i in layout.comments}
    assert list(shown) == ["1", "1.2", "2", "2.1", "3"]
    assert shown["1"].context and shown["2"].context
    assert not shown["2.1"].context and not shown["3"].context and not shown["1.2"].context
    assert shown["1"].omitted_replies == 1
    assert shown["3"].bookmarks[0].label == "evidence"
    assert layout.comments_total == 8 and layout.comments_shown == 5
    assert layout.bookmarks_total == 2


def test_annotations_on_unknown_items_are_ignored_but_lost_passages_are_listed(kit) -> None:
    post = _thread(kit)
    gone = Annotation("a9", "c1", "p1", "words that are not there", "", "", 0, 5)
    stray = Annotation("a8", "c-elsewhere", "p1", "x", "", "", 0, 1)
    layout = build_layout(post, [gone, stray], [kit.bookmark("c-elsewhere")], kit.options())
    assert [(n.where, n.anchored) for n in layout.notes] == [("1", False)]
    first = layout.comments[0]
    assert all(s.colour is None and not s.marks for segs in first.paragraphs for s in segs)
    assert layout.bookmarks_total == 0
