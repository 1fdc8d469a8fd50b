"""The document model every writer writes: where highlights land, how notes are numbered, which
comments an annotated-only document keeps."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from reader.model import Annotation
from reader.render.document import (
    Highlight,
    build_document,
    format_date,
    is_image_address,
    locate_highlight,
    paragraph_spans,
    split,
)


def _ann(text: str, start: int, end: int, **kw: object) -> Annotation:
    fields = dict(prefix=text[max(0, start - 8) : start], suffix=text[end : end + 8])
    fields.update(kw)
    return Annotation("a", "c1", "p1", text[start:end], start=start, end=end, **fields)  # type: ignore[arg-type]


def test_locate_trusts_offsets_that_still_match() -> None:
    text = "one two three two"
    assert locate_highlight(text, _ann(text, 14, 17)) == (14, 17)


def test_locate_falls_back_to_the_quote_with_the_best_context() -> None:
    text = "alpha two beta. gamma two delta."
    stale = dataclasses.replace(_ann(text, 22, 25), start=0, end=3)  # offsets point elsewhere
    assert locate_highlight(text, stale) == (22, 25)
    first = dataclasses.replace(_ann(text, 6, 9), start=40, end=43)
    assert locate_highlight(text, first) == (6, 9)


def test_locate_gives_up_on_a_vanished_passage_and_on_orphans() -> None:
    text = "nothing to see"
    assert locate_highlight(text, Annotation("a", "c", "p", "gone", "", "", 0, 4)) is None
    orphan = dataclasses.replace(_ann(text, 0, 7), state="orphan")
    assert locate_highlight(text, orphan) is None


def test_locate_trusts_moved_offsets_from_reanchoring() -> None:
    text = "the passage was reworded later"
    moved = Annotation("a", "c", "p", "passage was edited", "", "", 4, 23, state="moved")
    assert locate_highlight(text, moved) == (4, 23)


def test_paragraphs_split_on_blank_lines_and_trim() -> None:
    text = "  first\nstill first \n\n\n second\n \n third"
    assert [text[a:b] for a, b in paragraph_spans(text)] == [
        "first\nstill first",
        "second",
        "third",
    ]
    assert paragraph_spans("  \n ") == []
    assert paragraph_spans("a\r\n\r\nb") == [(0, 1), (5, 6)]  # Windows line ends too


def test_overlap_shows_the_newest_colour_and_marks_follow_their_passage() -> None:
    text = "aaa bbb ccc ddd"
    older, newer = Highlight(0, 11, "yellow", "a1", 1), Highlight(4, 7, "blue", "a2", 2)
    [paragraph] = split(text, [older, newer])
    got = [(s.text, s.colour, s.notes) for s in paragraph.spans]
    assert got == [
        ("aaa ", "yellow", ()),
        ("bbb", "blue", (2,)),
        (" ccc", "yellow", (1,)),
        (" ddd", None, ()),
    ]
    [paragraph] = split(text, [newer, older])  # listed the other way round: yellow on top
    assert [(s.text, s.colour) for s in paragraph.spans[:2]] == [
        ("aaa ", "yellow"),
        ("bbb", "yellow"),
    ]


def test_a_passage_ending_in_a_paragraph_gap_is_marked_at_the_paragraph_end() -> None:
    text = "first para\n\nsecond"
    first, second = split(text, [Highlight(6, 11, "green", "a", 1)])
    assert [(s.text, s.notes) for s in first.spans] == [("first ", ()), ("para", (1,))]
    assert [(s.text, s.colour) for s in second.spans] == [("second", None)]


@given(
    st.text(alphabet="ab \n", max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=5),
)
def test_spans_keep_every_character_and_every_mark(text: str, spans: list) -> None:
    placed = []
    for number, (a, b) in enumerate(spans, start=1):
        a, b = sorted((min(a, len(text)), min(b, len(text))))
        placed.append(Highlight(a, b, "yellow", f"a{number}", number))
    paragraphs = split(text, placed)
    printed = ["".join(s.text for s in p.spans) for p in paragraphs]
    assert printed == [text[a:b] for a, b in paragraph_spans(text)] or (
        not text.strip() and printed == [""]
    )
    for paragraph in paragraphs:  # spans tile their paragraph, offsets and text agree
        at = paragraph.start
        for span in paragraph.spans:
            assert span.start == at and text[span.start : span.end] == span.text
            at = span.end
        assert at == paragraph.end
    marks = sorted(m for p in paragraphs for s in p.spans for m in s.notes)
    assert marks == [h.number for h in placed]


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
    document = build_document(post, annotations=annotations)
    assert [(n.number, n.where, n.quote) for n in document.notes] == [
        (1, "post", "highlight"),
        (2, "1.1", "A "),
        (3, "1.1", "reply"),
        (4, "2.1", "annotated"),
    ]
    assert document.annotations_total == 4
    assert [i.path for i in document.comments] == ["1", "1.1", "1.2", "2", "2.1", "3", "4", "4.1"]
    assert [i.depth for i in document.comments] == [0, 1, 1, 0, 1, 0, 0, 1]


def test_annotated_only_keeps_marked_comments_and_their_parent_chains(kit) -> None:
    post = _thread(kit)
    texts = {c.id: c.text for c in post.walk_comments()}
    annotations = [kit.annotate("c2.1", texts["c2.1"], "annotated")]
    bookmarks = [kit.bookmark("c3", "evidence"), kit.bookmark("c1.2")]
    document = build_document(
        post, annotations=annotations, bookmarks=bookmarks, annotated_only=True
    )
    shown = {i.path: i for i in document.comments}
    assert list(shown) == ["1", "1.2", "2", "2.1", "3"]
    assert shown["1"].context and shown["2"].context
    assert not shown["2.1"].context and not shown["3"].context and not shown["1.2"].context
    assert shown["1"].omitted_replies == 1
    assert shown["3"].bookmarks[0].label == "evidence"
    assert document.comments_total == 8 and document.comments_shown == 5
    assert document.bookmarks_total == 2


def test_annotations_on_unknown_items_are_ignored_but_lost_passages_are_listed(kit) -> None:
    post = _thread(kit)
    gone = Annotation("a9", "c1", "p1", "words that are not there", "", "", 0, 5)
    stray = Annotation("a8", "c-elsewhere", "p1", "x", "", "", 0, 1)
    document = build_document(
        post, annotations=[gone, stray], bookmarks=[kit.bookmark("c-elsewhere")]
    )
    assert [(n.where, n.anchored) for n in document.notes] == [("1", False)]
    first = document.comments[0]
    assert all(s.colour is None and not s.notes for p in first.paragraphs for s in p.spans)
    assert document.bookmarks_total == 0


def test_dates_and_counts_read_the_same_everywhere(kit) -> None:
    post = kit.make_post("Body.", kit.comment("1", "One."))
    document = build_document(post)
    assert format_date(dt.date(2021, 3, 7)) == "Sunday, 7 March 2021" == document.date_text
    assert document.count_text == "0 comments"  # comment_count is what the store counted
    post.comment_count, post.declared_comments = 1, 3
    assert build_document(post).count_text == "1 of 3 comments in this library"


def test_links_and_hits_are_marked_on_spans(kit) -> None:
    text = "See https://x.org/pic.png, and probation (https://y.org/a_(b))."
    post = kit.make_post(text)
    hits = {"p1": [(31, 40)]}
    document = build_document(post, hits=hits, annotations=[kit.annotate("p1", text, "and")])
    spans = document.body.paragraphs[0].spans
    linked = [(s.text, s.link_start) for s in spans if s.link]
    assert linked == [("https://x.org/pic.png", True), ("https://y.org/a_(b)", True)]
    assert is_image_address(spans[1].link or "") and not is_image_address("https://y.org/a")
    assert [s.text for s in spans if s.hit] == ["probation"]
    assert [(s.text, s.colour, s.notes) for s in spans if s.colour] == [("and", "yellow", (1,))]


def test_a_hit_covers_a_highlight_and_both_are_kept(kit) -> None:
    text = "alpha beta gamma"
    document = build_document(
        kit.make_post(text),
        annotations=[kit.annotate("p1", text, "alpha beta", colour="green")],
        hits={"p1": [(6, 10)]},
    )
    got = [(s.text, s.colour, s.hit) for s in document.body.paragraphs[0].spans]
    assert got == [
        ("alpha ", "green", False),
        ("beta", "green", True),
        (" gamma", None, False),
    ]


def test_blocks_and_paragraphs_are_made_when_first_asked_for(kit) -> None:
    c = kit.comment
    post = kit.make_post("Body.", c("1", "One.", c("1.1", "Reply.\n\nTwo paragraphs.")))
    document = build_document(post)
    assert document.items == ["p1", "c1", "c1.1"] and document.depths == [0, 0, 1]
    assert document._blocks == [None, None, None]
    reply = document.block(2)
    assert document.block(2) is reply and document._blocks[1] is None
    assert reply._paragraphs is None
    assert [p.spans[0].text for p in reply.paragraphs] == ["Reply.", "Two paragraphs."]
    assert (reply.kind, reply.path, reply.depth, document.block(1).replies) == (
        "comment",
        "1.1",
        1,
        1,
    )


@given(st.text(alphabet="ab \n:/", max_size=60))
def test_plain_paragraphs_are_the_paragraphs_when_nothing_is_marked(text: str) -> None:
    """The writers' shortcut for unmarked items says exactly what the spans say, and steps
    aside (``None``) whenever a span would carry a mark or a link."""
    from reader.render.document import Block

    def block(**marks: object) -> Block:
        return Block(0, "post", "p1", "", 0, text, **marks)  # type: ignore[arg-type]

    plain = block().plain_paragraphs()
    spans = [p.spans for p in block().paragraphs]
    if plain is None:
        assert "://" in text
    else:
        assert all(len(s) == 1 and s[0].colour is None and not s[0].link for s in spans)
        assert plain == [s[0].text for s in spans]
    if text:
        assert block(hits=[(0, 1)]).plain_paragraphs() is None
        assert block(highlights=[Highlight(0, 1, "yellow")]).plain_paragraphs() is None
