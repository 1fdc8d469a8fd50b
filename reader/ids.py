"""Stable identities of posts and comments.

Bookmarks and annotations hang on these ids, so they must not change across re-imports or
overlapping dumps.  A post is its date plus normalised title; a comment is its post, its parent
and its normalised text, plus its rank among identical siblings (two "Agreed." under one parent
stay two).  Comment numbers are deliberately not part of the id: they shift when a comment is
deleted upstream.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata


def normalise(text: str) -> str:
    """Fold what dumps of the same item disagree on: Unicode form, case, runs of white space.

    ``str.split()`` splits on every Unicode space (no-break spaces included) and is several
    times faster than a regex on the importer's hot path.
    """
    if not text.isascii():  # ASCII is already in NFKC; skipping the call saves a pass
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split()).casefold()


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()


def post_id(date: dt.date, title: str) -> str:
    """The id of a post: 16 hex digits from its date and normalised title."""
    return "p" + _digest(date.isoformat(), normalise(title))


def comment_id(post: str, parent: str | None, text: str, rank: int) -> str:
    """The id of a comment; ``rank`` counts earlier siblings with the same normalised text."""
    return comment_id_for_key(post, parent, normalise(text), rank)


def comment_id_for_key(post: str, parent: str | None, key: str, rank: int) -> str:
    """``comment_id`` for a text already passed through ``normalise`` (the importer's hot path)."""
    return "c" + _digest(post, parent or "", key, str(rank))
