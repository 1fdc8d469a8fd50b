"""Snapping a highlight to whole words (``reader.annotate.words``), with a brute-force oracle."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.annotate.words import joined, snap_to_words

TEXT = "It motivates and drives the work, don't it? A well-known café. 東京です"


def snapped(text: str, part: str) -> str:
    start = text.index(part)
    a, b = snap_to_words(text, start, start + len(part))
    return text[a:b]


def test_a_selection_ending_mid_word_grows_to_the_word() -> None:
    assert snapped(TEXT, "ivates and d") == "motivates and drives"


def test_a_single_letter_grows_to_its_word() -> None:
    assert snapped(TEXT, "riv") == "drives"


def test_white_space_at_the_ends_is_trimmed() -> None:
    assert snapped(TEXT, " and ") == "and"


def test_whole_words_stay_as_they_are() -> None:
    assert snapped(TEXT, "drives the work") == "drives the work"


def test_an_apostrophe_inside_a_word_keeps_the_word() -> None:
    assert snapped(TEXT, "don") == "don't"
    assert snapped("It isn’t so", "isn") == "isn’t"


def test_hyphens_and_punctuation_are_boundaries() -> None:
    assert snapped(TEXT, "ell") == "well"
    assert snapped(TEXT, "work,") == "work,"


def test_accented_letters_belong_to_the_word() -> None:
    assert snapped(TEXT, "caf") == "café"
    assert snapped("cafe\u0301 noir", "caf") == "cafe\u0301"  # combining accent


def test_scripts_without_spaces_do_not_grow() -> None:
    assert snapped(TEXT, "東京") == "東京"


def test_empty_or_out_of_range_spans_come_back_unchanged() -> None:
    assert snap_to_words(TEXT, 5, 5) == (5, 5)
    assert snap_to_words(TEXT, -1, 3) == (-1, 3)
    assert snap_to_words(TEXT, 0, len(TEXT) + 1) == (0, len(TEXT) + 1)


def _smallest_whole_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Oracle: of every span holding the trimmed selection whose ends cut no word, the
    smallest (searched exhaustively)."""
    part = text[start:end]
    start += len(part) - len(part.lstrip())
    end -= len(part) - len(part.rstrip())
    lefts = [a for a in range(start + 1) if not joined(text, a - 1)]
    rights = [b for b in range(end, len(text) + 1) if not joined(text, b - 1)]
    return max(lefts), min(rights)


@given(st.text(alphabet="ab 'c-é.", max_size=30), st.data())
def test_snapping_gives_the_smallest_span_that_cuts_no_word(text: str, data: st.DataObject) -> None:
    if not text.strip():
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    a, b = snap_to_words(text, start, end)
    assert (a, b) == _smallest_whole_span(text, start, end)
    assert text[start:end].strip() in text[a:b]
