"""Whole words for highlights: a passage that starts or ends inside a word grows to the word.

Why: a mouse drag or a typed ``--quote`` rarely lands exactly on word boundaries, and a
highlight that ends in "d|rives" reads as a mistake in the pane, in the exported PDF (the note
marker lands inside the word) and in the quote shown in every list.  The window and
``archive-reader annotations add`` both call ``snap_to_words`` before the passage is stored,
so a highlight is the same whichever way it was made.

What counts as a word: letters, digits, marks and ``_``; an apostrophe between two of those
(``don't``, ``don’t``) is inside the word; hyphens, dashes and other punctuation are
boundaries ("well-" selected in "well-known" stays "well-").  Scripts written without spaces
(Chinese, Japanese, Thai, …) have no word boundaries a plain function can see, so there every
character is a word of its own and nothing grows.  Pure, no I/O.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = frozenset("'\u2019")

# Scripts written without spaces between words: growing a selection there would take the
# whole sentence.  (start, end) code point ranges, inclusive.
_UNSPACED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x30FF),  # CJK symbols, Hiragana, Katakana
    (0x3100, 0x9FFF),  # Bopomofo … CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions
)


def _unspaced(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x0E00 and any(low <= code <= high for low, high in _UNSPACED)


def _wordish(ch: str) -> bool:
    """A character that belongs to a word (letters, digits, marks, ``_``)."""
    if ch.isalnum() or ch == "_":
        return True
    return unicodedata.category(ch)[0] == "M"  # a combining accent belongs to its letter


def joined(text: str, left: int) -> bool:
    """Whether ``text[left]`` and ``text[left + 1]`` are parts of one word."""
    if left < 0 or left + 1 >= len(text):
        return False
    a, b = text[left], text[left + 1]
    if a in APOSTROPHES:
        return _wordish(b) and left > 0 and _wordish(text[left - 1]) and not _unspaced(b)
    if b in APOSTROPHES:
        return (
            _wordish(a) and left + 2 < len(text) and _wordish(text[left + 2]) and not _unspaced(a)
        )
    if not (_wordish(a) and _wordish(b)):
        return False
    return not (_unspaced(a) or _unspaced(b)) or unicodedata.category(b)[0] == "M"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` grown so that neither end cuts a word of ``text``; white space at the
    ends is trimmed first.  An empty or out-of-range span comes back unchanged (the caller's
    own checks report it)."""
    if not 0 <= start < end <= len(text):
        return start, end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return start, end
    while start > 0 and joined(text, start - 1):
        start -= 1
    while end < len(text) and joined(text, end - 1):
        end += 1
    return start, end
