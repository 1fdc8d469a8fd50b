"""Stable identities of posts and comments.

Bookmarks and annotations hang on these ids, so they must not change across re-imports or
overlapping dumps.  A post is its date plus normalised title; a comment is its post, its parent
and its normalised text, plus its rank among identical siblings (two "Agreed." under one parent
stay two) -- unless its format gives it a native id (``keyed_comment_id``).  Comment numbers
are deliberately not part of the id: they shift when a comment is deleted upstream.

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


# ``normalise`` as byte passes in C, with no word list built.  For ASCII text it is: every
# character ``str.isspace`` accepts (tab, the line breaks, \x1c-\x1f and space) becomes one
# space, runs collapse, ends are trimmed, A-Z fold to a-z: one ``translate``, a rare regex and a
# strip.  Most text beyond ASCII (é, ’, “) is the same case: NFKC and casefold leave its other
# characters alone, so it takes the same path; the rest takes the reference one.  (casefold()
# walks every character at ~80 instructions each.)  The white space NFKC keeps is the four
# characters below; text holding them takes the reference path too.
_ASCII_FOLD = bytes(
    byte if byte >= 128 else 32 if chr(byte).isspace() else ord(chr(byte).casefold())
    for byte in range(256)
)  # bytes from 128 up are parts of multi-byte UTF-8 characters: left alone
# Two spaces spelt out: sre then searches for that literal prefix, ~40% faster than b"  +".
_SPACE_RUNS = re.compile(b"   *")
_SPACES_NFKC_KEEPS = frozenset("\x85\u1680\u2028\u2029")
_ASCII_BYTES = bytes(range(128))


def _folds_like_ascii(beyond: str) -> bool:
    """Whether text whose characters beyond ASCII are ``beyond`` normalises by the ASCII rules
    alone: NFKC leaves it as it is, casefold touches only A-Z, and its spaces are ASCII.

    NFKC can change text in three ways: a character decomposes (seen in ``beyond`` alone),
    a combining mark composes with or reorders around its neighbours (so none may be present),
    or two characters compose that are both beyond ASCII (no ASCII character composes with a
    following mark-free character), which stay neighbours in ``beyond`` or, if ASCII stood
    between them, merely make this check fail safe.
    """
    return (
        unicodedata.is_normalized("NFKC", beyond)
        and not any(map(unicodedata.combining, beyond))
        and beyond.casefold() == beyond
        and _SPACES_NFKC_KEEPS.isdisjoint(beyond)
    )


def _foldable_utf8(text: str) -> bytes | None:
    """``text`` as UTF-8 if the ASCII rules alone normalise it, else None."""
    if text.isascii():
        return text.encode("ascii")
    data = text.encode("utf-8")
    # Deleting the ASCII bytes leaves whole UTF-8 characters: those beyond ASCII.
    return data if _folds_like_ascii(data.translate(None, _ASCII_BYTES).decode("utf-8")) else None


def _fold(data: bytes) -> bytes:
    """White space to single spaces and A-Z to a-z; the ends are left for the caller to trim."""
    folded = data.translate(_ASCII_FOLD)
    return _SPACE_RUNS.sub(b" ", folded) if b"  " in folded else folded


def normalised_key(text: str) -> bytes:
    """``normalise(text)`` encoded as UTF-8: what a comment's id hashes."""
    data = _foldable_utf8(text)
    if data is None:
        return normalise(text).encode("utf-8")
    return _fold(data).strip(b" ")


def normalised_keys(texts: list[str]) -> list[bytes]:
    """``normalised_key`` of each text, folded together in one pass when they allow: joined by
    NUL, which is no white space, has no case and starts afresh in NFKC, so it marks where each
    text ends (and a text holding a NUL of its own shows as one key too many)."""
    if len(texts) > 1:
        data = _foldable_utf8("\0".join(texts))
        if data is not None:
            keys = _fold(data).split(b"\0")
            if len(keys) == len(texts):
                return [key.strip(b" ") for key in keys]
    return [normalised_key(text) for text in texts]


def _digest(*parts: str) -> str:
    data = _SEPARATOR.join(parts).encode("utf-8")
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).hexdigest()


def post_id(date: dt.date, title: str) -> str:
    """The id of a post: 16 hex digits from its date and normalised title."""
    return "p" + _digest(date.isoformat(), normalise(title))


def keyed_post_id(source_key: str) -> str:
    """The id of a post whose format names it (``ParsedPost.source_key``: a Blogger post id,
    ``wp:<site>/<post_id>``, a Disqus thread's address, a thread root's Message-ID), so a newer
    export with an edited title or date is the same post.  Never equal to ``post_id``: the
    date slot of those never holds U+001E."""
    return "p" + _digest("\x1esource", source_key)


def comment_id(post: str, parent: str | None, text: str, rank: int) -> str:
    """The id of a comment; ``rank`` counts earlier siblings with the same normalised text."""
    return comment_id_for_key(post, parent, normalise(text), rank)


def comment_id_for_key(post: str, parent: str | None, key: str, rank: int) -> str:
    """``comment_id`` for a text already passed through ``normalise``."""
    return "c" + _digest(post, parent or "", key, str(rank))


def keyed_comment_id(post: str, source_key: str, rank: int = 0) -> str:
    """The id of a comment whose format names it (``ParsedComment.source_key``: a WordPress
    comment_id, a Disqus post id, a Message-ID): its post and that key, so a newer export with
    an edited text is the same comment (a new revision of it) and a reply the export moves is
    still the same reply.  ``rank`` counts earlier comments of the post with the same key (a
    mailing list can hold one Message-ID twice).  Never equal to a text-based id: the parent
    slot of those never holds U+001E."""
    return "c" + _digest(post, "\x1esource", source_key, str(rank))


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
