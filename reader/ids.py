"""Stable identities of posts and comments.

Bookmarks and annotations hang on these ids, so they must not change across re-imports or
overlapping dumps.  A post is its date plus normalised title; a comment is its post, its parent
and its normalised text, plus its rank among identical siblings (two "Agreed." under one parent
stay two).  Comment numbers are deliberately not part of the id: they shift when a comment is
deleted upstream.

``normalise`` is the definition; ``normalised_key`` and ``sibling_ids`` compute exactly the same
thing faster, because the importer runs them over every comment of every dump (a heavy archive
is 300,000 comments) and identity was its largest cost after parsing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

_SEPARATOR = "\x1f"
_DIGEST_SIZE = 8


def normalise(text: str) -> str:
    """Fold what dumps of the same item disagree on: Unicode form, case, runs of white space."""
    if not text.isascii():  # ASCII is already in NFKC; skipping the call saves a pass
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split()).casefold()


# For ASCII text ``normalise`` is: every character ``str.isspace`` accepts (tab, the line breaks,
# \x1c-\x1f and space) becomes one space, runs collapse, ends are trimmed, A-Z fold to a-z.  As
# bytes that is one ``translate``, a rare regex and a strip, all in C, with no word list built.
_ASCII_FOLD = bytes(
    byte if byte >= 128 else 32 if chr(byte).isspace() else ord(chr(byte).casefold())
    for byte in range(256)
)
_SPACE_RUNS = re.compile(b"  +")


def normalised_key(text: str) -> bytes:
    """``normalise(text)`` encoded as UTF-8: what a comment's id hashes.

    Text beyond ASCII takes the reference path: NFKC dominates its cost, and folding its UTF-8
    bytes the same way measured no faster (bench/import.py on a dump with accents and curly
    quotes in a third of the comments).
    """
    if not text.isascii():
        return normalise(text).encode("utf-8")
    folded = text.encode("ascii").translate(_ASCII_FOLD)
    if b"  " in folded:
        folded = _SPACE_RUNS.sub(b" ", folded)
    return folded.strip(b" ")


def normalised_keys(texts: list[str]) -> list[bytes]:
    """``normalised_key`` of each text; ASCII texts go through the C passes together, joined
    by NUL (not white space, so it survives folding and marks where each text ends)."""
    joined = "\0".join(texts)
    if len(texts) < 2 or not joined.isascii() or joined.count("\0") != len(texts) - 1:
        return [normalised_key(text) for text in texts]
    folded = _SPACE_RUNS.sub(b" ", joined.encode("ascii").translate(_ASCII_FOLD))
    return [key.strip(b" ") for key in folded.split(b"\0")]


def _digest(*parts: str) -> str:
    data = _SEPARATOR.join(parts).encode("utf-8")
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).hexdigest()


def post_id(date: dt.date, title: str) -> str:
    """The id of a post: 16 hex digits from its date and normalised title."""
    return "p" + _digest(date.isoformat(), normalise(title))


def comment_id(post: str, parent: str | None, text: str, rank: int) -> str:
    """The id of a comment; ``rank`` counts earlier siblings with the same normalised text."""
    return comment_id_for_key(post, parent, normalise(text), rank)


def comment_id_for_key(post: str, parent: str | None, key: str, rank: int) -> str:
    """``comment_id`` for a text already passed through ``normalise``."""
    return "c" + _digest(post, parent or "", key, str(rank))


def sibling_ids(post: str, parent: str | None, texts: list[str]) -> list[str]:
    """The ids of the comments directly under ``parent``, in order, ranks counted here.

    The digest of the shared prefix (post and parent) is computed once and copied per comment.
    """
    prefix = hashlib.blake2b(
        f"{post}{_SEPARATOR}{parent or ''}{_SEPARATOR}".encode(), digest_size=_DIGEST_SIZE
    )
    ranks: dict[bytes, int] = {}
    result = []
    for key in normalised_keys(texts):
        rank = ranks.get(key, 0)
        ranks[key] = rank + 1
        digest = prefix.copy()
        digest.update(key)
        digest.update(b"\x1f%d" % rank)
        result.append("c" + digest.hexdigest())
    return result
