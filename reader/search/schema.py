"""The index's fields: one document per post and per comment, text indexed but never stored.

whoosh pickles the schema into the index's table of contents, so the classes here are part
of the on-disk format: renaming or moving them makes old indexes unreadable, which the index
code treats as "damaged or foreign → rebuild".  ``SCHEMA_VERSION`` (recorded beside the index)
is bumped whenever a field changes meaning.

Fields:

* ``ref`` (a column, not indexed): "item-id post-id yyyy-mm-dd", for turning a hit into a
  store row, grouping by thread and sorting by date.  Item ids are deliberately not index
  terms (a term per document is a quarter of the build time); replacing a document finds it
  by scanning this column instead (``segment_writer.replace_documents``);
* ``kind``: ``post``, or ``comment`` (plus ``reply`` for replies);
* ``title`` (posts only) and ``body`` (a post's title and body, or a comment's text): stems
  with word positions (phrases), no stored text; ``note``: annotation notes;
* ``title_words``, ``words``, ``note_words``: the same text's folded, unstemmed words with their
  counts, no positions: prefix and fuzzy words look here, so ``officer*`` finds "officers"
  but not "office" (whose stem, "offic", it shares);
* ``grams``: each adjacent pair of ``body`` terms with a very common word (``the wheel``), so a
  phrase with a frequent word is one short posting list (``analysis.COMMON``);
* ``date``: the post's date as three terms (``2020``, ``2020-06``, ``2020-06-07``) so a year or
  month filter is one posting list;
* ``author``/``author_words``: the author's display name (``author:name``);
* ``flags``: ``removed``, ``vanished``, the item's status when it is not "published"
  (``unapproved``, ``spam``, ``deleted``, ``draft``, ``page``, ``pingback``, ``trackback``:
  ``status:spam``, ``is:unapproved``) and whatever the item-info provider adds
  (``bookmarked``, ``annotated``); ``colors``: highlight colours used on the item.
"""

from __future__ import annotations

import itertools
import operator
import sys
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh import columns, fields, formats
from whoosh.analysis import Token, Tokenizer

from reader.search.analysis import COMMON, Slots, analyse, word_spans

SCHEMA_VERSION = 3

_NATIVE_LITTLE = sys.byteorder == "little"
_SINGLE: list[bytes] = [b"\x01" + bytes([p]) for p in range(256)]


def encode_positions(positions: list[int]) -> bytes:
    """Word positions as a width byte (1, 2 or 4) then the little-endian deltas.

    Cheaper than whoosh's own encoding (a pickled list per posting): a comment's positions
    fit in single bytes, so encoding is one ``bytes(map(...))`` call.
    """
    if len(positions) == 1 and positions[0] < 256:
        return _SINGLE[positions[0]]
    try:
        return b"\x01" + bytes(map(operator.sub, positions, itertools.chain((0,), positions)))
    except ValueError:
        pass
    deltas = list(map(operator.sub, positions, itertools.chain((0,), positions)))
    packed = array("H" if max(deltas) < 65536 else "I", deltas)
    if not _NATIVE_LITTLE:
        packed.byteswap()
    return bytes([packed.itemsize]) + packed.tobytes()


def decode_positions(value: bytes) -> list[int]:
    width = value[0]
    if width == 1:
        return list(itertools.accumulate(value[1:]))
    packed = array("H" if width == 2 else "I")
    packed.frombytes(value[1:])
    if not _NATIVE_LITTLE:
        packed.byteswap()
    return list(itertools.accumulate(packed))


SINGLE_MASKS = {value: 1 << position for position, value in enumerate(_SINGLE)}
_BIT = (1).__lshift__


def position_mask(value: bytes) -> int:
    """Encoded positions as an int with bit ``p`` set for each position ``p`` (one word
    position in most postings: a table lookup)."""
    found = SINGLE_MASKS.get(value)
    if found is not None:
        return found
    # Positions are distinct, so summing their bits is ORing them (and runs in C).
    if value[0] == 1:
        return sum(map(_BIT, itertools.accumulate(value[1:])))
    return sum(map(_BIT, decode_positions(value)))


class CompactPositions(formats.Positions):
    """whoosh's Positions format with ``encode_positions``' cheaper encoding."""

    def word_values(
        self, value: str, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        positions: dict[str, list[int]] = {}
        kwargs["positions"] = True
        for token in analyzer(value, **kwargs):
            positions.setdefault(token.text, []).append(token.pos)
        for word, found in positions.items():
            yield word, len(found), float(len(found)) * self.field_boost, encode_positions(found)

    def encode(self, poslist: list[int]) -> bytes:
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // valuestring[0]

    def decode_weight(self, valuestring: bytes) -> float:
        return float(self.decode_frequency(valuestring) * self.field_boost)

    def combine(self, vs: list[bytes]) -> bytes:
        found: set[int] = set()
        for v in vs:
            found.update(decode_positions(v))
        return encode_positions(sorted(found))


class FastAnalyzer(Tokenizer):
    """``analysis.terms`` as a whoosh analyzer, for whoosh code paths that want one (its own
    writer in the tests, highlighters).  Indexing does not go through it: see
    ``FastText.postings``."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FastAnalyzer)

    def __hash__(self) -> int:
        return hash(FastAnalyzer)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, start, end, term, _ in word_spans(value):
            token.text = term
            token.boost = 1.0
            if keeporiginal:
                token.original = value[start:end]
            token.stopped = False
            if positions:  # a CJK character and its bigram share a position, as indexed
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def text_parts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """A text field's value is a string, or several (a post's title and body) that no phrase
    may span: one position is left empty between them."""
    return (value,) if isinstance(value, str) else value


class FastText(fields.TEXT):
    """A TEXT field with positions whose indexing skips whoosh's token pipeline.

    ``words_field`` and ``grams_field`` name the fields that receive the text's folded words
    and common grams (see the module docstring); ``FastSegmentWriter`` fills all of them from
    one pass of ``analysis.analyse``.  ``index`` gives whoosh's own writers the same postings
    for this field, so either writer builds the same index (tests compare them).
    """

    def __init__(
        self,
        field_boost: float = 1.0,
        words_field: str | None = None,
        grams_field: str | None = None,
        common: frozenset[str] = COMMON,
    ) -> None:
        super().__init__(
            analyzer=FastAnalyzer(), phrase=True, stored=False, field_boost=field_boost
        )
        self.format = CompactPositions(field_boost=field_boost)
        self.words_field = words_field
        self.grams_field = grams_field
        self.common = frozenset(common)
        """The index's common words (``analysis.choose_common``): saved with the schema in the
        table of contents, so updates, merges and queries use the words the build chose."""

    def analyse(
        self, value: str | tuple[str, ...], words: bool = True, grams: bool = True
    ) -> tuple[Slots, dict[str, int] | None, dict[str, int] | None, int]:
        """(term → positions, folded word → count, gram → count, length in positions)."""
        slots: Slots = {}
        found_words: dict[str, int] | None = {} if words and self.words_field else None
        found_grams: dict[str, int] | None = {} if grams and self.grams_field else None
        position = 0
        for number, part in enumerate(text_parts(value)):
            if number:
                position += 1
            position = analyse(part, slots, found_words, found_grams, position, self.common)
        length = sum(1 if isinstance(p, int) else len(p) for p in slots.values())
        return slots, found_words, found_grams, length

    def postings(self, value: str | tuple[str, ...]) -> tuple[list[tuple[str, float, bytes]], int]:
        """``([(term, weight, encoded positions)], length in words)`` for one value."""
        slots, _, _, length = self.analyse(value, words=False, grams=False)
        items = []
        for term, found in slots.items():
            positions = [found] if isinstance(found, int) else found
            items.append((term, float(len(positions)), encode_positions(positions)))
        return items, length

    def index(
        self, value: str | tuple[str, ...], **kwargs: object
    ) -> Iterator[tuple[bytes, int, float, bytes]]:
        items, _ = self.postings(value)
        for term, weight, encoded in items:
            yield term.encode("utf-8"), int(weight), weight, encoded


def _words() -> fields.KEYWORD:
    """A field of terms with counts and no positions, filled from a ``FastText`` field."""
    return fields.KEYWORD(scorable=False)


def make_schema(common: frozenset[str] = COMMON) -> fields.Schema:
    """The schema; ``common``: the words whose pairs the body's grams index."""
    return fields.Schema(
        ref=fields.COLUMN(columns.VarBytesColumn()),
        kind=fields.KEYWORD(scorable=False),
        title=FastText(words_field="title_words"),
        title_words=_words(),
        body=FastText(words_field="words", grams_field="grams", common=common),
        words=_words(),
        grams=_words(),
        note=FastText(words_field="note_words"),
        note_words=_words(),
        author=FastText(words_field="author_words"),
        author_words=_words(),
        date=fields.KEYWORD(scorable=False),
        flags=fields.KEYWORD(scorable=False),
        colors=fields.KEYWORD(scorable=False),
    )


TEXT_FIELDS = ("title", "body", "note", "author")
WORDS_FIELDS = {
    "title": "title_words",
    "body": "words",
    "note": "note_words",
    "author": "author_words",
}
"""Where the folded words of each text field are (prefix and fuzzy words look there)."""
