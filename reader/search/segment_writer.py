"""A whoosh segment writer that skips whoosh's generic posting pool.

Why: profiling whoosh's ``SegmentWriter`` on comment text shows the analyzer is not the main
cost.  Every posting becomes a 5-tuple that is size-estimated, sorted with all the others,
pickled one by one into run files, heap-merged back and fed one at a time (with type
assertions and a column lookup of the document's length) to the codec: ~20 µs per posting,
~0.4 MB/s of text.  ``FastSegmentWriter`` keeps each term's postings in one list as documents
arrive (document numbers only grow, so nothing needs sorting but the distinct terms), encodes
positions once at the end and hands the codec whole blocks.

The segments are whoosh's, written through its codec objects (``whoosh_storage.FastCodec``, W3
with compact posting blocks), so reading, merging and deleting are plain whoosh.  A test
builds the same documents with whoosh's writer and with this one and compares every posting.

Memory grows with the postings of one segment, so bulk builds (``build``) start a new
segment every ``MAX_SEGMENT_POSTINGS`` postings.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from whoosh import fields, formats
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from reader.search.analysis import term_slots
from reader.search.schema import _SINGLE, FastText, encode_positions
from reader.search.whoosh_storage import FastCodec

MAX_SEGMENT_POSTINGS = 2_000_000
"""About 150 MB of postings in memory before a bulk build starts a new segment."""

SMALL_SEGMENT_DOCS = 5_000


def _lossy(length: int) -> int:
    """The length as the codec stores it (one byte), which is what block statistics use."""
    return byte_to_length(length_to_byte(length)) if length else 0


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with ``add_document`` and segment flushing rewritten for speed.

    Supports what this package uses: unstored fields, ``FastText`` and whoosh's ID/KEYWORD
    fields, columns, ``update_document``/``delete_by_term`` and merging (``add_reader``); not
    term vectors or spelling fields.

    Each term's postings are one flat list ``[doc, payload, doc, payload, ...]`` where the
    payload is the word position (an int when the word occurs once, else a list; encoded at
    flush) for ``FastText`` fields, or a ``(weight, value bytes)`` pair (other fields, merged
    segments).
    """

    def __init__(self, ix: Any, *, shared_temp: bool = False, **kwargs: Any) -> None:
        """``shared_temp``: other writers (bulk-build workers) use the same temporary folder,
        so this one must not delete it when it finishes (whoosh's writers do)."""
        kwargs.setdefault("codec", FastCodec())
        kwargs.setdefault("compound", False)  # separate files: plain reads, no sub-file layer
        self._shared_temp = shared_temp
        super().__init__(ix, **kwargs)
        if self.docbase:
            raise ValueError("FastSegmentWriter does not support docbase")
        self._postings: dict[str, dict[str, list]] = {}
        self._lengths: dict[str, array] = {
            name: array("I") for name, obj in self.schema.items() if obj.scorable
        }
        self.posting_count = 0
        self._checked: set[tuple[str, ...]] = set()

    # -- adding ------------------------------------------------------------------------------

    def add_document(self, **values: Any) -> None:
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        perdoc = self.perdocwriter
        names = sorted(name for name in values if name[0] != "_")
        key = tuple(names)
        if key not in self._checked:
            self._check_fields(schema, names)
            self._checked.add(key)
        perdoc.start_doc(docnum)
        lengths = dict.fromkeys(self._lengths, 0)
        try:
            for name in names:
                value = values[name]
                if value is None:
                    continue
                fieldobj = schema[name]
                length = 0
                if fieldobj.indexed:
                    if isinstance(fieldobj, FastText):
                        length = self._add_text(name, value, docnum, fieldobj.pairs_field)
                    else:
                        length = self._add_other(name, fieldobj, value, docnum)
                    if name in lengths:
                        lengths[name] = length
                if length or fieldobj.stored:  # (W3PerDocWriter.add_field does nothing else)
                    perdoc.add_field(name, fieldobj, value if fieldobj.stored else None, length)
                if fieldobj.column_type:
                    perdoc.add_column_value(
                        name, fieldobj.column_type, fieldobj.to_column_value(value)
                    )
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        for name, length in lengths.items():
            self._lengths[name].append(_lossy(length))
        self._added = True
        self.docnum += 1

    def _field_postings(self, name: str) -> dict[str, list]:
        found = self._postings.get(name)
        if found is None:
            found = self._postings[name] = {}
        return found

    def _add_text(self, name: str, value: str, docnum: int, pairs_field: str | None) -> int:
        """The hot loop: one dict lookup and two appends per distinct term of the text."""
        field_postings = self._field_postings(name)
        get = field_postings.get
        pairs: dict[str, int] | None = {} if pairs_field else None
        slots, length = term_slots(value, pairs)
        if pairs:
            pair_postings = self._field_postings(pairs_field)  # type: ignore[arg-type]
            for pair, freq in pairs.items():
                payload = (float(freq), pack_uint(freq))
                found = pair_postings.get(pair)
                if found is None:
                    pair_postings[pair] = [docnum, payload]
                else:
                    found.append(docnum)
                    found.append(payload)
            self.posting_count += len(pairs)
        for term, found in slots.items():
            postings = get(term)
            if postings is None:
                field_postings[term] = [docnum, found]
            else:
                postings.append(docnum)
                postings.append(found)
        self.posting_count += len(slots)
        return length

    def _add_other(self, name: str, fieldobj: Any, value: Any, docnum: int) -> int:
        """ID and KEYWORD fields without whoosh's analyzer chain (their values here are plain
        ids and space-separated words); anything else through ``fieldobj.index``."""
        field_postings = self._field_postings(name)
        fmt = type(fieldobj.format)
        if isinstance(fieldobj, fields.ID) and fmt is formats.Existence:
            items = [(value, 1)]
        elif isinstance(fieldobj, fields.KEYWORD) and fmt is formats.Frequency:
            items = list(Counter(value.split()).items())
        else:
            length = 0
            for btext, freq, weight, vbytes in fieldobj.index(value):
                field_postings.setdefault(btext.decode("utf-8"), []).extend(
                    (docnum, (weight, vbytes))
                )
                length += freq
                self.posting_count += 1
            return length
        boost = fieldobj.format.field_boost
        frequency = fmt is formats.Frequency
        for term, freq in items:
            payload = (freq * boost, pack_uint(freq) if frequency else b"")
            postings = field_postings.get(term)
            if postings is None:
                field_postings[term] = [docnum, payload]
            else:
                postings.append(docnum)
                postings.append(payload)
        self.posting_count += len(items)
        return sum(freq for _, freq in items)

    def add_postings_to_pool(self, reader, startdoc: int, docmap: Mapping | None) -> None:
        """Called by ``add_reader`` (merging) after the per-document data was copied."""
        old_docs = list(reader.all_doc_ids())
        for name, lengths in self._lengths.items():
            lengths.extend(reader.doc_field_length(docnum, name, 0) or 0 for docnum in old_docs)
        for name, btext, docnum, weight, vbytes in reader.iter_postings():
            if name not in self.schema:
                continue
            new = docmap.get(docnum) if docmap is not None else startdoc + docnum
            if new is None:  # a deleted document
                continue
            self._field_postings(name).setdefault(btext.decode("utf-8"), []).extend(
                (new, (weight, vbytes))
            )
            self.posting_count += 1

    # -- writing -----------------------------------------------------------------------------

    def _finish(self) -> None:
        if self._shared_temp:
            self._tempstorage.destroy = lambda: None
        super()._finish()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        for name in sorted(self._postings):
            fieldobj = self.schema[name]
            lengths = self._lengths.get(name)
            writer.start_field(name, fieldobj)
            terms = self._postings[name]
            for term in sorted(terms):
                writer.start_term(term.encode("utf-8"))
                _fill_postings(writer._postwriter, terms.pop(term), lengths)
                writer.finish_term()
            writer.finish_field()
        self.fieldwriter.close()
        self._postings = {}


def _weight(found: Any) -> float:
    if type(found) is tuple:
        return found[0]
    return 1 if type(found) is int else len(found)


def _encoded(found: Any) -> bytes:
    if type(found) is tuple:
        return found[1]
    return encode_positions([found] if type(found) is int else found)


def _fill_postings(postwriter: Any, postings: list, lengths: array | None) -> None:
    """Hand one term's postings to the W3 postings writer a block at a time.

    Mirrors ``W3PostingsWriter.add_posting``: the same blocks, the same block statistics
    (largest weight, shortest and longest non-zero document length), every block but the last
    written here and the last left buffered for ``finish_postings``.
    """
    docs = array("I", postings[0::2])
    payloads = postings[1::2]
    kinds = set(map(type, payloads))
    if tuple not in kinds:  # word positions from _add_text
        weights = array("f", [1 if type(found) is int else len(found) for found in payloads])
        single = _SINGLE
        values = [
            (single[found] if found < 256 else encode_positions([found]))
            if type(found) is int
            else encode_positions(found)
            for found in payloads
        ]
    elif len(kinds) > 1:  # merged old postings (weight, bytes) beside new positions
        weights = array("f", [_weight(found) for found in payloads])
        values = [_encoded(found) for found in payloads]
    else:
        weights = array("f", [payload[0] for payload in payloads])
        values = [payload[1] for payload in payloads if payload[1]]
    count = len(docs)
    limit = postwriter._blocklimit
    for start in range(0, count, limit):
        end = min(start + limit, count)
        ids = docs[start:end]
        block_weights = weights[start:end]
        postwriter._ids = ids
        postwriter._weights = block_weights
        postwriter._values = values[start:end] if values else []
        postwriter._maxweight = max(block_weights)
        if lengths is not None:
            found = [lengths[doc] for doc in ids]
            nonzero = [length for length in found if length]
            postwriter._minlength = min(nonzero) if nonzero else None
            postwriter._maxlength = max(found)
        else:
            postwriter._minlength = None
            postwriter._maxlength = 0
        if end < count:
            postwriter._write_block()


def documents_by_id(reader: Any) -> dict[str, list[int]]:
    """Index-wide document numbers of every live document, by item id (from ``ref``)."""
    subreaders = getattr(reader, "readers", None)
    pairs = list(zip(subreaders, reader.doc_offsets, strict=True)) if subreaders else [(reader, 0)]
    found: dict[str, list[int]] = {}
    for segment, offset in pairs:
        if not segment.has_column("ref"):
            continue
        column = segment.column_reader("ref", translate=False)
        live = set(segment.all_doc_ids()) if segment.has_deletions() else None
        for docnum, value in enumerate(column):
            if live is not None and docnum not in live:
                continue
            item = value.split(b" ", 1)[0].decode()
            found.setdefault(item, []).append(offset + docnum)
    return found


def replace_documents(
    writer: FastSegmentWriter, docs: Iterable[tuple[str, dict | None]]
) -> Iterator[int]:
    """Delete the documents of each ``(item id, new document)`` and add the new one (None:
    delete only), yielding after each so the caller can report progress or stop.

    Finds the old documents through the ``ref`` column (ids are not index terms)."""
    existing = documents_by_id(writer.reader())
    for count, (item, doc) in enumerate(docs, 1):
        for docnum in existing.get(item, ()):
            writer.delete_document(docnum)
        if doc is not None:
            writer.add_document(**doc)
        yield count


def merge_small_segments(writer: SegmentWriter, segments: list) -> list:
    """Merge policy for incremental commits: fold small segments (one per earlier import)
    together once there are four of them, so an import never waits on a big merge; past 16
    segments, also fold the smallest ones."""
    from whoosh.reading import SegmentReader

    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_DOCS]
    if len(small) < 4 and len(segments) <= 16:
        return segments
    if len(small) < 4:
        small = sorted(segments, key=lambda s: s.doc_count_all())[: len(segments) - 12]
    keep = [s for s in segments if s not in small]
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return keep
