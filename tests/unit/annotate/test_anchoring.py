"""Pure anchoring: exact, disambiguated, white-space-insensitive, fuzzy, orphan; and speed."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotate import anchoring
from reader.annotate.anchoring import EXACT, MOVED, ORPHAN, anchor, capture, find_quote

TEXT = (
    "The inspection found that caseloads were far above the recommended level.\n"
    "Managers knew this and did nothing.  Staff raised it in supervision, repeatedly.\n"
    "Agreed.\n\nAgreed.\n\nNobody was held accountable for the failures that followed."
)


def anchored(text: str, span: tuple[int, int], new_text: str) -> anchoring.Placement:
    quote = capture(text, *span)
    return anchor(new_text, quote.exact, quote.prefix, quote.suffix, *span)


def span_of(text: str, passage: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(passage, start + 1)
    return start, start + len(passage)


def test_capture_takes_32_characters_of_context() -> None:
    quote = capture(TEXT, *span_of(TEXT, "Managers knew this"))
    assert quote.exact == "Managers knew this"
    assert quote.prefix == TEXT[TEXT.index("Managers") - 32 : TEXT.index("Managers")]
    assert len(quote.suffix) == 32
    with pytest.raises(ValueError):
        capture(TEXT, 5, 5)
    with pytest.raises(ValueError):
        capture(TEXT, 0, len(TEXT) + 1)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=300), st.data())
def test_unchanged_text_keeps_every_span_exactly(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    where = anchored(text, (start, end), text)
    assert (where.start, where.end, where.state, where.method) == (start, end, EXACT, "position")


def test_repeated_phrase_is_told_apart_by_its_context() -> None:
    second = span_of(TEXT, "Agreed.", 1)
    where = anchored(TEXT, second, TEXT)
    assert (where.start, where.end) == second
    shifted = "A new first line.\n" + TEXT
    where = anchored(TEXT, second, shifted)
    assert (where.start, where.end, where.method) == (second[0] + 18, second[1] + 18, "quote")
    assert where.state == EXACT


def test_quote_found_elsewhere_when_text_is_inserted_before() -> None:
    span = span_of(TEXT, "Nobody was held accountable")
    new = TEXT.replace("Managers knew", "Senior managers, it now appears, knew")
    where = anchored(TEXT, span, new)
    assert new[where.start : where.end] == "Nobody was held accountable"
    assert where.state == EXACT and where.method == "quote"


def test_whitespace_changes_reanchor_and_map_offsets_back() -> None:
    span = span_of(TEXT, "Managers knew this and did nothing.  Staff raised it")
    rewrapped = TEXT.replace("did nothing.  Staff", "did\nnothing. Staff").replace(
        "Managers knew", "Managers\u00a0 knew"
    )
    where = anchored(TEXT, span, rewrapped)
    assert where.state == EXACT and where.method == "whitespace"
    assert (
        rewrapped[where.start : where.end]
        == "Managers\u00a0 knew this and did\nnothing. Staff raised it"
    )


def test_small_edits_inside_the_passage_give_a_moved_highlight() -> None:
    span = span_of(TEXT, "caseloads were far above the recommended level")
    edited = TEXT.replace("far above the recommended", "far above recommended")
    where = anchored(TEXT, span, edited)
    assert where.state == MOVED and where.method == "fuzzy"
    assert edited[where.start : where.end] == "caseloads were far above recommended level"
    assert where.score >= anchoring.FUZZY_THRESHOLD


def test_deleted_passage_is_an_orphan_with_its_last_offsets() -> None:
    span = span_of(TEXT, "Staff raised it in supervision, repeatedly.")
    cut = TEXT.replace("Staff raised it in supervision, repeatedly.", "")
    where = anchored(TEXT, span, cut)
    assert (where.state, where.start, where.end) == (ORPHAN, *span)
    assert not where.found


def test_missing_item_is_an_orphan() -> None:
    where = anchor(None, "anything", "", "", 3, 11)
    assert (where.state, where.method, where.start, where.end) == (ORPHAN, "missing", 3, 11)


def test_short_quotes_are_never_matched_fuzzily_without_context() -> None:
    where = anchor("completely different words here", "Agreed", "zzzz", "qqqq", 0, 6)
    assert where.state == ORPHAN


def test_find_quote_allows_whitespace_to_differ() -> None:
    assert find_quote(TEXT, "Agreed.") == [span_of(TEXT, "Agreed.", 0), span_of(TEXT, "Agreed.", 1)]
    spans = find_quote(TEXT, "did nothing. Staff")
    assert [TEXT[s:e] for s, e in spans] == ["did nothing.  Staff"]
    assert find_quote(TEXT, "  ") == []
    assert find_quote(TEXT, "not in there") == []


def _brute(pattern: str, text: str, anchored_: bool) -> list[int]:
    m = len(pattern)
    prev = list(range(m + 1))
    out = [m]
    for j, ch in enumerate(text):
        cur = [j + 1 if anchored_ else 0]
        for i in range(1, m + 1):
            cur.append(min(prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (pattern[i - 1] != ch)))
        out.append(cur[m])
        prev = cur
    return out


@settings(max_examples=300, deadline=None)
@given(st.text("abc", min_size=1, max_size=12), st.text("abcd", max_size=30), st.booleans())
def test_myers_matches_textbook_edit_distance(pattern: str, text: str, anchored_: bool) -> None:
    assert anchoring._myers(pattern, text, anchored=anchored_) == _brute(pattern, text, anchored_)


def test_utf16_offsets_round_trip_through_astral_characters() -> None:
    text = "a😀b𝄞c"
    assert anchoring.to_utf16(text, 2) == 3
    assert anchoring.to_utf16(text, 4) == 6
    for index in range(len(text) + 1):
        assert anchoring.from_utf16(text, anchoring.to_utf16(text, index)) == index


def test_fuzzy_anchoring_in_a_50kb_item_is_fast() -> None:
    rng = random.Random(5)
    words = [
        "probation",
        "staff",
        "caseload",
        "risk",
        "report",
        "officer",
        "manager",
        "court",
        "the",
        "a",
        "of",
        "and",
    ]
    text = " ".join(rng.choice(words) for _ in range(9000))[:50_000]
    start = 31_000
    span = (start, start + 200)
    quote = capture(text, *span)
    edited = text[: start + 50] + "INSERTED WORDS" + text[start + 60 :]
    edited = "Preface added at the top. " * 40 + edited
    began = time.perf_counter()
    for _ in range(5):
        where = anchor(edited, quote.exact, quote.prefix, quote.suffix, *span)
    elapsed = (time.perf_counter() - began) / 5
    assert where.state == MOVED
    assert abs(where.start - (start + 26 * 40)) <= 2
    assert elapsed < 0.25, f"fuzzy anchoring took {elapsed:.3f}s"
