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

import os
import shutil
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh import fields
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from reader.search.index_generations import commit_generation, read_segments
from reader.search.schema import FastText
from reader.search.whoosh_storage import (
    INLINE_LIMIT,
    FastCodec,
    fill_counted_postings,
    fill_positional_postings,
    positional_payloads,
    segment_item_ids,
    write_inlined_term,
)

MAX_SEGMENT_POSTINGS = 5_000_000
"""Postings held in memory (about 50 bytes each) before a bulk build starts a new segment:
fewer, larger segments mean fewer copies of each term and faster queries."""


def _lossy(length: int) -> int:
    """The length as the codec stores it (one byte), which is what block statistics use."""
    return byte_to_length(length_to_byte(length)) if length else 0


class FastSegmentWriter(SegmentWriter):
    """``SegmentWriter`` with ``add_document`` and segment flushing rewritten for speed.

    Supports what this package uses: unstored fields, ``FastText`` (with its words and grams
    fields) and whoosh's ID/KEYWORD fields, columns, deletions and merging (``add_reader``);
    not term vectors or spelling fields.

    Each term's postings are one flat list ``[doc, payload, doc, payload, ...]``.  In a
    positional field (``FastText``) the payload is the word position (an int while the word
    occurs once, else a list; encoded at flush) or, for postings merged from an older segment,
    ``(weight, encoded positions)``; in every other field it is the term's count.
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
        self._positional: dict[str, dict[str, list[Any]]] = {}
        self._counted: dict[str, dict[str, list[Any]]] = {}
        self._lengths: dict[str, array[int]] = {
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
                if fieldobj.indexed:
                    if isinstance(fieldobj, FastText):
                        length = self._add_text(name, fieldobj, value, docnum)
                    else:
                        length = self._add_other(name, fieldobj, value, docnum)
                    if name in lengths and length:
                        lengths[name] = length
                        perdoc.add_field(name, fieldobj, None, length)
                if fieldobj.stored:
                    perdoc.add_field(name, fieldobj, value, 0)
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

    def _terms_of(self, table: dict[str, dict[str, list[Any]]], name: str) -> dict[str, list[Any]]:
        found = table.get(name)
        if found is None:
            found = table[name] = {}
        return found

    def _add_text(self, name: str, fieldobj: FastText, value: Any, docnum: int) -> int:
        """The hot loop: per distinct term, word and gram, one dict lookup and two appends."""
        slots, words, grams, length = fieldobj.analyse(value)
        postings = self._terms_of(self._positional, name)
        get = postings.get
        for term, found in slots.items():
            existing = get(term)
            if existing is None:
                postings[term] = [docnum, found]
            else:
                existing += (docnum, found)
        count = len(slots)
        for extra, field_name in ((words, fieldobj.words_field), (grams, fieldobj.grams_field)):
            if extra:
                counted = self._terms_of(self._counted, field_name)  # type: ignore[arg-type]
                get = counted.get
                for term, freq in extra.items():
                    existing = get(term)
                    if existing is None:
                        counted[term] = [docnum, freq]
                    else:
                        existing += (docnum, freq)
                count += len(extra)
        self.posting_count += count
        return length

    def _add_other(self, name: str, fieldobj: Any, value: Any, docnum: int) -> int:
        """ID and KEYWORD fields without whoosh's analyzer chain (their values here are plain
        ids and space-separated words): each term with its count, no stored value bytes."""
        if isinstance(fieldobj, fields.ID):
            items: Any = ((value, 1),)
        elif isinstance(fieldobj, fields.KEYWORD):
            split = value.split()
            items = (
                ((w, 1) for w in split) if len(set(split)) == len(split) else Counter(split).items()
            )
        else:
            raise TypeError(f"field {name!r}: {type(fieldobj).__name__} is not supported")
        counted = self._terms_of(self._counted, name)
        length = 0
        for term, freq in items:
            existing = counted.get(term)
            if existing is None:
                counted[term] = [docnum, freq]
            else:
                existing.append(docnum)
                existing.append(freq)
            length += freq
            self.posting_count += 1
        return length

    def add_postings_to_pool(
        self, reader: Any, startdoc: int, docmap: Mapping[int, int] | None
    ) -> None:
        """Called by ``add_reader`` (merging) after the per-document data was copied."""
        old_docs = list(reader.all_doc_ids())
        for name, lengths in self._lengths.items():
            lengths.extend(reader.doc_field_length(docnum, name, 0) or 0 for docnum in old_docs)
        for name, btext, docnum, weight, vbytes in reader.iter_postings():
            if name not in self.schema:
                continue
            fieldobj = self.schema[name]
            new = docmap.get(docnum) if docmap is not None else startdoc + docnum
            if new is None:  # a deleted document
                continue
            if isinstance(fieldobj, FastText):
                payload: Any = (weight, vbytes)
                table = self._positional
            else:
                payload = int(weight)
                table = self._counted
            self._terms_of(table, name).setdefault(btext.decode("utf-8"), []).extend((new, payload))
            self.posting_count += 1

    def add_reader_mapped(self, reader: Any) -> tuple[int, Mapping[int, int] | None]:
        """``add_reader`` that returns (the first new document number, the map of old to new
        document numbers, or None when it is ``first + old``), for carrying deletions."""
        self._check_state()
        base = self.docnum
        names = {name for name in reader.indexed_field_names() if name in self.schema}
        docmap = self.write_per_doc(set(self.schema.names()) | names, reader)
        self.add_postings_to_pool(reader, base, docmap)
        self._added = True
        return base, docmap

    # -- writing -----------------------------------------------------------------------------

    def commit_described(
        self, folder: Path, meta: dict[str, Any], previous: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Commit the index's segments plus this writer's new one (no merging: an import
        waits only for what it adds) as the next generation, described by ``meta``."""
        self._check_state()
        segments = list(self.segments)
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        meta = {**meta, "docs": sum(segment.doc_count() for segment in segments)}
        if previous and "built" in previous:
            meta.setdefault("built", previous["built"])
        known = previous.get("files") if previous else None
        described = commit_generation(
            folder, self.storage, self.schema, segments, self.generation, meta, known
        )
        self._finish()
        return described

    def _finish(self) -> None:
        if self._shared_temp:
            self._tempstorage.destroy = lambda: None
        super()._finish()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        names = sorted(set(self._positional) | set(self._counted))
        for name in names:
            fieldobj = self.schema[name]
            lengths = self._lengths.get(name)
            writer.start_field(name, fieldobj)
            positional = name in self._positional
            terms = self._positional.pop(name) if positional else self._counted.pop(name)
            short = 2 * INLINE_LIMIT
            for term in sorted(terms):
                postings = terms.pop(term)
                btext = term.encode("utf-8")
                if len(postings) < short:
                    docs = postings[0::2]
                    if positional:
                        weights, values = positional_payloads(postings[1::2])
                    else:
                        weights, values = [float(c) for c in postings[1::2]], None
                    write_inlined_term(writer, btext, docs, weights, values, lengths)
                    continue
                writer.start_term(btext)
                if positional:
                    fill_positional_postings(writer._postwriter, postings, lengths)
                else:
                    fill_counted_postings(writer._postwriter, postings)
                writer.finish_term()
            writer.finish_field()
        self.fieldwriter.close()


def documents_by_id(reader: Any, wanted: set[str] | None = None) -> dict[str, list[int]]:
    """Index-wide document numbers of live documents by item id (from ``ref``): all of them,
    or those of the ``wanted`` ids."""
    subreaders = getattr(reader, "readers", None)
    pairs = list(zip(subreaders, reader.doc_offsets, strict=True)) if subreaders else [(reader, 0)]
    found: dict[str, list[int]] = {}
    want = None if wanted is None else {item.encode() for item in wanted}
    for segment, offset in pairs:
        if not segment.has_column("ref"):
            continue
        live = set(segment.all_doc_ids()) if segment.has_deletions() else None
        ids = segment_item_ids(segment)
        if ids is None:
            column = segment.column_reader("ref", translate=False)
            ids = [value.split(b" ", 1)[0] for value in column]
        if want is not None:
            hits = [(docnum, item) for docnum, item in enumerate(ids) if item in want]
        else:
            hits = list(enumerate(ids))
        for docnum, item in hits:
            if live is not None and docnum not in live:
                continue
            found.setdefault(item.decode(), []).append(offset + docnum)
    return found


def replace_documents(
    writer: FastSegmentWriter, docs: Iterable[tuple[str, dict[str, Any] | None]]
) -> Iterator[int]:
    """Delete the documents of each ``(item id, new document)`` and add the new one (None:
    delete only), yielding after each so the caller can report progress or stop.

    Finds the old documents through the ``ref`` column (ids are not index terms)."""
    docs = list(docs)
    existing = documents_by_id(writer.reader(), {item for item, _ in docs})
    for count, (item, doc) in enumerate(docs, 1):
        for docnum in existing.get(item, ()):
            writer.delete_document(docnum)
        if doc is not None:
            writer.add_document(**doc)
        yield count


class MergedSegment:
    """A segment merged from others in a folder of its own, not yet part of the index."""

    def __init__(
        self,
        workdir: Path,
        segment: Any,
        sources: dict[str, tuple[int, Mapping[int, int] | None, set[int]]],
    ) -> None:
        self.workdir = workdir
        self.segment = segment
        self.sources = sources  # segment id → (first new docnum, docmap, deleted at start)

    def discard(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

    def commit(self, folder: Path, meta: dict[str, Any], previous: dict[str, Any]) -> bool:
        """Under the index lock: replace the merged segments by this one in a new generation,
        deleting here what was deleted there while the merge ran.  False (and nothing done) if
        a merged segment is gone meanwhile (a rebuild, another merge)."""
        from whoosh.filedb.filestore import FileStorage

        try:
            schema, current, generation = read_segments(folder)
            by_id = {segment.segment_id(): segment for segment in current}
            if any(source not in by_id for source in self.sources):
                return False
            for source, (base, docmap, deleted_before) in self.sources.items():
                for old in set(by_id[source].deleted_docs()) - deleted_before:
                    new = docmap.get(old) if docmap is not None else base + old
                    if new is not None:
                        self.segment.delete_document(new)
            for name in os.listdir(self.workdir):
                if name.startswith("MAIN_") and not name.endswith("WRITELOCK"):
                    os.replace(self.workdir / name, folder / name)
            kept = [segment for segment in current if segment.segment_id() not in self.sources]
            segments = [*kept, self.segment]
            meta = {**meta, "docs": sum(segment.doc_count() for segment in segments)}
            meta.update({k: previous[k] for k in ("stamp", "provider", "built") if k in previous})
            commit_generation(
                folder,
                FileStorage(str(folder), supports_mmap=False),
                schema,
                segments,
                generation + 1,
                meta,
                previous.get("files"),
            )
            return True
        finally:
            self.discard()


def merge_segments(folder: Path, plan: Any, cancel: Any = None) -> MergedSegment | None:
    """Merge the segments ``plan`` chooses (from their live document counts) into a new
    segment written in a sibling work folder, without any lock: the index's files are
    immutable once written, so searches and updates go on meanwhile.  None when there is
    nothing to merge or ``cancel`` was set."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from reader.search.index import mergeable_sizes

    schema, segments, _ = read_segments(folder)
    chosen = [segments[n] for n in plan(mergeable_sizes(folder, segments))]
    if len(chosen) < 2:
        return None
    workdir = folder.with_name(f"{folder.name}.merge-{uuid.uuid4().hex[:8]}")
    workdir.mkdir()
    live = FileStorage(str(folder), supports_mmap=False)
    try:
        ix = FileStorage(str(workdir), supports_mmap=False).create_index(schema)
        writer = FastSegmentWriter(ix, _lk=False)
        sources: dict[str, tuple[int, Mapping[int, int] | None, set[int]]] = {}
        for segment in chosen:
            deleted_before = set(segment.deleted_docs())
            reader = SegmentReader(live, schema, segment)
            try:
                base, docmap = writer.add_reader_mapped(reader)
            finally:
                reader.close()
            sources[segment.segment_id()] = (base, docmap, deleted_before)
            if cancel is not None and cancel.is_set():
                writer.cancel()
                shutil.rmtree(workdir, ignore_errors=True)
                return None
        merged = writer._finalize_segment()
        writer._finish()
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return MergedSegment(workdir, merged, sources)
