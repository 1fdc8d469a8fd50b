"""Placing an annotation in an item's current text by way of the revision it was made on.

Why: when an item's shown text changes (an edit upstream, or the user choosing another
revision), searching the new text for the quote alone can pick the wrong one of several equal
passages, or a merely similar one.  The revision the annotation was made on still holds the
passage exactly where the annotation says; mapping that span through the difference between the
two texts gives the place in the new text, which ``anchoring.anchor`` then uses as its expected
position (the quote must still be found there, or nearby, to count).  Pure; no I/O.
"""

from __future__ import annotations

import bisect
import difflib

from reader.annotate import anchoring
from reader.store.revisions import common_prefix, common_suffix

MAX_DIFF_CHARS = 200_000
"""Beyond this size only the one-change fast path maps offsets (a full diff would take long)."""


def map_span(old: str, new: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``old[start:end]`` sits in ``new``; None if it was rewritten (not just moved)."""
    prefix = common_prefix(old, new)
    suffix = common_suffix(old, new, min(len(old), len(new)) - prefix)
    changed_end = len(old) - suffix  # old[prefix:changed_end] became new[prefix:len-suffix]
    shift = len(new) - len(old)
    if end <= prefix:
        return start, end
    if start >= changed_end:
        return start + shift, end + shift
    if len(old) > MAX_DIFF_CHARS or len(new) > MAX_DIFF_CHARS:
        return None
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    starts = [b.a for b in blocks]

    def where(pos: int) -> int | None:
        index = bisect.bisect_right(starts, pos) - 1
        if index < 0:
            return None
        block = blocks[index]
        if block.a <= pos < block.a + block.size:
            return block.b + (pos - block.a)
        return None

    first = where(start)
    last = where(end - 1)
    if first is None or last is None or last < first:
        return None
    return first, last + 1


def hint(
    made_on: str | None, current: str, exact: str, prefix: str, suffix: str, start: int, end: int
) -> tuple[int, int]:
    """The expected ``(start, end)`` in ``current`` for an annotation made on ``made_on``."""
    if made_on is None or made_on == current:
        return start, end
    then = anchoring.anchor(made_on, exact, prefix, suffix, start, end)
    if then.state == anchoring.ORPHAN:
        return start, end
    mapped = map_span(made_on, current, then.start, then.end)
    return mapped if mapped is not None else (start, end)
