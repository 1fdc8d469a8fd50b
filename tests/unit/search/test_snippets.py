"""Snippets from store text: the window around the best match, marks, and safe rendering."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search.analysis import terms, word_spans
from reader.search.query import match_terms, parse_query
from reader.search.snippets import (
    Snippet,
    highlight_ranges,
    make_snippet,
    matched_words,
)

TEXT = (
    "The wheel is spinning so fast that a) hamsters on the wheel just keep running b) those "
    "hamsters who look out of the window just lose the will, and look for an exit. "
    * 3
    + "Much later, the HMIP thematic inspection report poured criticism on the process. "
    + "Filler words go on and on here to make the text long enough to need cutting. " * 4
)


def snippet(query: str, text: str = TEXT) -> Snippet:
    return make_snippet(text, match_terms(parse_query(query)))


def test_window_is_around_the_best_match_with_marks() -> None:
    s = snippet("inspections reports")
    assert s.text.startswith("… ") and s.text.endswith(" …")
    assert s.marked() == ["inspection", "report"]
    assert "[inspection] [report]" in s.brackets()
    assert 25 <= len(s.text.split()) <= 34


def test_phrase_words_are_marked_only_where_the_phrase_is() -> None:
    s = snippet('"the wheel"')
    assert s.marked() and all(m.lower() == "the wheel" for m in s.marked())


def test_prefix_marks_every_word_starting_so() -> None:
    assert set(snippet("hamster*").marked()) == {"hamsters"}


def test_no_match_shows_the_opening_words() -> None:
    s = snippet("zebra")
    assert s.marks == () and s.text.startswith("The wheel is spinning")


def test_short_text_is_whole_and_white_space_collapsed() -> None:
    s = make_snippet("Short\n\n  text   here.", match_terms(parse_query("text")))
    assert s.text == "Short text here."
    assert s.brackets() == "Short [text] here."


def test_html_is_escaped_and_marked() -> None:
    s = make_snippet("<script>alert(1)</script> & the wheel", match_terms(parse_query("wheel")))
    html = s.html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert html.endswith("<b>wheel</b>")


def test_ansi_wraps_marks() -> None:
    s = make_snippet("the wheel turns", match_terms(parse_query("wheel")))
    assert s.ansi() == "the \x1b[1;7mwheel\x1b[0m turns"


def test_reading_pane_ranges_and_words() -> None:
    match = match_terms(parse_query("Inspection"))
    text = "Inspections, inspected; the inspector's INSPECTION."
    ranges = highlight_ranges(text, match)
    assert [text[a:b] for a, b in ranges] == ["Inspections", "inspected", "INSPECTION"]
    assert matched_words(text, match) == ["Inspections", "inspected", "INSPECTION"]


def test_word_spans_agree_with_index_terms() -> None:
    text = "Don't re-invent the wheel — café, naïve, 2020-06!"
    assert [span[3] for span in word_spans(text)] == terms(text)
    assert terms(text) == ["don", "t", "re", "invent", "the", "wheel", "cafe", "naiv", "2020", "06"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["wheel", '"the wheel"', "wh*", "a OR b", "x~"]))
def test_marks_are_always_inside_the_text_and_ordered(text: str, query: str) -> None:
    s = make_snippet(text, match_terms(parse_query(query)))
    last = 0
    for start, end in s.marks:
        assert last <= start < end <= len(s.text)
        last = end


def test_the_whoosh_analyzer_gives_the_index_positions_and_offsets() -> None:
    """``FastAnalyzer`` (what whoosh's own writer and highlighters call) tokenises like the
    index: the same positions (a CJK character and its bigram share one) and offsets."""
    from reader.search.analysis import word_spans
    from reader.search.schema import FastAnalyzer

    text = "Lighthouse keepers 灯台守 kept watch"
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in FastAnalyzer()(text, positions=True, chars=True, start_pos=3, start_char=10)
    ]
    spans = word_spans(text)
    assert tokens == [(term, 3 + pos, 10 + start, 10 + end) for pos, start, end, term, _ in spans]
    assert [t[0] for t in tokens][:2] == ["lighthous", "keeper"]
