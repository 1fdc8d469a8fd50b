"""The whoosh schema: one document per post and per comment, bodies indexed but never stored.

whoosh pickles the schema into the index's table of contents, so the classes here are part
of the on-disk format: renaming or moving them makes old indexes unreadable, which the index
code treats as "corrupt → rebuild".  ``SCHEMA_VERSION`` (recorded beside the index) must be
bumped whenever a field changes meaning; adding a field is done in place with
``writer.add_field`` where whoosh allows (existing documents simply lack it).

Fields:

* ``ref`` (a column, not indexed): "item-id post-id yyyy-mm-dd", for turning a hit into a
  store row, grouping by thread and sorting by date.  Item ids are deliberately not index
  terms: a term per document is a quarter of the build time; replacing a document finds it by
  scanning this column instead (``segment_writer.replace_documents``);
* ``kind``: ``post``, or ``comment`` (plus ``reply`` for replies);
* ``title`` (posts only) and ``body`` (a post's title and body, or a comment's text): word
  positions for phrases, Porter stems, no stored text; ``note``: annotation notes (empty until
  the annotations provider supplies them);
* ``pairs``: each adjacent pair of very common words in ``body`` (``of the``), so phrases made
  only of such words are one posting list (``analysis.COMMON``);
* ``date``: the post's date as three terms (``2020``, ``2020-06``, ``2020-06-07``) so a year or
  month filter is one posting list;
* ``flags``: ``removed``, ``vanished`` and whatever the item-info provider adds
  (``bookmarked``, ``annotated``); ``colors``: highlight colours used on the item.
"""

from __future__ import annotations

import itertools
import operator
import os
import sys
from array import array
from collections.abc import Iterator

from whoosh import columns, fields, formats
from whoosh.analysis import Token, Tokenizer
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex

from reader.search.analysis import TOKEN, term_for, term_positions

SCHEMA_VERSION = 1

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

    def word_values(self, value, analyzer, **kwargs):
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
        return self.decode_frequency(valuestring) * self.field_boost

    def combine(self, vs: list[bytes]) -> bytes:
        found: set[int] = set()
        for v in vs:
            found.update(decode_positions(v))
        return encode_positions(sorted(found))


class FastAnalyzer(Tokenizer):
    """``analysis.terms`` as a whoosh analyzer, for whoosh code paths that want one (its query
    parser, highlighters).  Indexing does not go through it: see ``FastText.postings``."""

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
        for pos, match in enumerate(TOKEN.finditer(value), start_pos):
            token.text = term_for(match.group())
            token.boost = 1.0
            if keeporiginal:
                token.original = match.group()
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class FastText(fields.TEXT):
    """A TEXT field with positions whose indexing skips whoosh's token pipeline.

    ``postings`` is what ``FastSegmentWriter`` calls; ``index`` gives the same postings to
    whoosh's own writers, so either writer builds the same index.
    """

    def __init__(self, field_boost: float = 1.0, pairs_field: str | None = None) -> None:
        super().__init__(
            analyzer=FastAnalyzer(), phrase=True, stored=False, field_boost=field_boost
        )
        self.format = CompactPositions(field_boost=field_boost)
        self.pairs_field = pairs_field

    positions = staticmethod(term_positions)

    def postings(self, value: str) -> tuple[list[tuple[str, float, bytes]], int]:
        """``([(term, weight, encoded positions)], length in words)`` for one value."""
        positions = term_positions(value)
        items = [
            (term, float(len(found)), encode_positions(found)) for term, found in positions.items()
        ]
        return items, sum(len(found) for found in positions.values())

    def index(self, value: str, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        items, _ = self.postings(value)
        for term, weight, encoded in items:
            yield term.encode("utf-8"), int(weight), weight, encoded


def make_schema() -> fields.Schema:
    return fields.Schema(
        ref=fields.COLUMN(columns.VarBytesColumn()),
        kind=fields.KEYWORD(scorable=False),
        title=FastText(),
        body=FastText(pairs_field="pairs"),
        pairs=fields.KEYWORD(scorable=False),
        note=FastText(),
        date=fields.KEYWORD(scorable=False),
        flags=fields.KEYWORD(scorable=False),
        colors=fields.KEYWORD(scorable=False),
    )


TEXT_FIELDS = ("title", "body", "note")


def open_folder(folder: str | os.PathLike[str]) -> FileIndex:
    """Open the index in ``folder`` reading its files with ordinary reads, not memory maps: a
    file shrunk under a map (a sync tool rewriting it, a failing disk) kills the process with
    SIGBUS, where a read just raises.  Measured: no slower for these queries."""
    return FileStorage(str(folder), supports_mmap=False).open_index()
