"""A PDF's outline (the viewer's sidebar) and in-document links, added to the bytes QPdfWriter made.

Why a second step: ``QPdfWriter`` has no API for outline entries or links to a place in the same
file (its links are web addresses only).  ``pypdf`` (a maintained library) reads the file's page
tree and writes the new dictionaries; they are appended as an *incremental update* (ISO 32000
7.5.6: new objects, a new catalog with ``/Outlines``, a new cross-reference section pointing
back at the old one) instead of rewriting the whole file with ``PdfWriter``: that parses every
object Qt wrote and costs about a fifth of the export's time, where this costs a few percent.

Pure Python, no Qt: positions arrive in PDF points (origin bottom left), pages as indices.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

__all__ = ["Link", "OutlineEntry", "add_navigation"]

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


@dataclass(slots=True)
class OutlineEntry:
    """One line in the viewer's sidebar: clicking it shows ``page`` (0-based) from ``top``
    (points from the page's bottom edge) downwards.  ``children`` show indented under it."""

    title: str
    page: int
    top: float
    children: list[OutlineEntry] = field(default_factory=list)
    open: bool = True


@dataclass(slots=True, frozen=True)
class Link:
    """A clickable rectangle ``(x0, y0, x1, y1)`` in points on ``page`` that shows
    ``target_page`` from ``target_top`` downwards."""

    page: int
    rect: tuple[float, float, float, float]
    target_page: int
    target_top: float


class _Update:
    """New and replaced objects of one incremental update, numbered from the file's /Size."""

    def __init__(self, size: int) -> None:
        self.next_id = size
        self.objects: dict[tuple[int, int], PdfObject] = {}

    def add(self, obj: PdfObject) -> IndirectObject:
        ref = IndirectObject(self.next_id, 0, None)
        self.next_id += 1
        self.objects[(ref.idnum, 0)] = obj
        return ref

    def reserve(self) -> IndirectObject:
        ref = IndirectObject(self.next_id, 0, None)
        self.next_id += 1
        return ref

    def put(self, ref: IndirectObject, obj: PdfObject) -> None:
        self.objects[(ref.idnum, ref.generation)] = obj


def _destination(page: IndirectObject, top: float) -> ArrayObject:
    """Show ``page`` with ``top`` at the top of the window, keeping the reader's zoom."""
    return ArrayObject(
        [page, NameObject("/XYZ"), NullObject(), FloatObject(round(top, 2)), NullObject()]
    )


def _outline_items(
    update: _Update,
    entries: Sequence[OutlineEntry],
    parent: IndirectObject,
    pages: list[IndirectObject],
) -> tuple[IndirectObject, IndirectObject, int]:
    """Write ``entries`` as a linked list under ``parent``: ``(first, last, visible count)``."""
    refs = [update.reserve() for _ in entries]
    visible = 0
    for index, (entry, ref) in enumerate(zip(entries, refs, strict=True)):
        item = DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(entry.title),
                NameObject("/Parent"): parent,
                NameObject("/Dest"): _destination(pages[entry.page], entry.top),
            }
        )
        if index:
            item[NameObject("/Prev")] = refs[index - 1]
        if index + 1 < len(refs):
            item[NameObject("/Next")] = refs[index + 1]
        visible += 1
        if entry.children:
            first, last, count = _outline_items(update, entry.children, ref, pages)
            item[NameObject("/First")] = first
            item[NameObject("/Last")] = last
            item[NameObject("/Count")] = NumberObject(count if entry.open else -count)
            if entry.open:
                visible += count
        update.put(ref, item)
    return refs[0], refs[-1], visible


def _copy(source: object) -> DictionaryObject:
    """A shallow copy that keeps references as references (``dict(...)`` would resolve them
    and write the page's contents, parent and resources inline)."""
    if not isinstance(source, DictionaryObject):
        raise ValueError("expected a dictionary in the PDF")
    return DictionaryObject({key: source.raw_get(key) for key in source})


def _page_refs(reader: PdfReader, catalog: DictionaryObject) -> list[IndirectObject]:
    """References to every page, in order.  Qt writes one flat page tree: its /Kids are the
    pages, read without opening each page (``reader.pages`` parses every page dictionary, a
    third of this step's time).  Any other shape goes through pypdf's full walk."""
    tree = catalog.get("/Pages")
    kids = tree.get("/Kids") if isinstance(tree, DictionaryObject) else None
    if (
        isinstance(tree, DictionaryObject)
        and isinstance(kids, ArrayObject)
        and tree.get("/Count") == len(kids)
        and all(isinstance(kid, IndirectObject) for kid in kids)
    ):
        refs = list(kids)
    else:
        refs = [page.indirect_reference for page in reader.pages]
    out = []
    for ref in refs:
        if not isinstance(ref, IndirectObject):
            raise ValueError("a page of the PDF is not an indirect object")
        out.append(IndirectObject(ref.idnum, ref.generation, None))
    return out


def _size(trailer: DictionaryObject) -> int:
    """The number of objects the file declares (new ones are numbered from here)."""
    size = trailer.get("/Size")
    if not isinstance(size, int):
        raise ValueError("the PDF's trailer has no /Size")
    return size


def _serialise(obj: PdfObject) -> bytes:
    stream = io.BytesIO()
    obj.write_to_stream(stream)
    return stream.getvalue()


def add_navigation(
    data: bytes, outline: Sequence[OutlineEntry], links: Sequence[Link] = ()
) -> bytes:
    """``data`` (a complete PDF) with ``outline`` as its outline, opened beside the pages, and
    ``links`` added to their pages.  Returns ``data`` itself when there is nothing to add."""
    if not outline and not links:
        return data
    match = _STARTXREF.search(data[-64:])
    if match is None:
        raise ValueError("not a complete PDF (no startxref at its end)")
    reader = PdfReader(io.BytesIO(data))
    trailer = reader.trailer
    root = trailer.raw_get("/Root")
    if not isinstance(root, IndirectObject):
        raise ValueError("the PDF's catalog is not an indirect object")
    catalog = _copy(reader.get_object(root))
    page_refs = _page_refs(reader, catalog)
    update = _Update(_size(trailer))

    if outline:
        outlines = update.reserve()
        first, last, count = _outline_items(update, outline, outlines, page_refs)
        update.put(
            outlines,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Outlines"),
                    NameObject("/First"): first,
                    NameObject("/Last"): last,
                    NameObject("/Count"): NumberObject(count),
                }
            ),
        )
        catalog[NameObject("/Outlines")] = outlines
        catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    update.put(IndirectObject(root.idnum, root.generation, None), catalog)

    by_page: dict[int, list[IndirectObject]] = {}
    for link in links:
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(FloatObject(round(v, 2)) for v in link.rect),
                NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                NameObject("/P"): page_refs[link.page],
                NameObject("/Dest"): _destination(page_refs[link.target_page], link.target_top),
            }
        )
        by_page.setdefault(link.page, []).append(update.add(annotation))
    for index, added in by_page.items():
        page = _copy(reader.get_object(page_refs[index].idnum))
        existing = page.get("/Annots")  # resolves an indirect array
        page[NameObject("/Annots")] = ArrayObject([*(existing or ()), *added])
        update.put(page_refs[index], page)

    return _append(data, update, trailer, root, int(match.group(1)))


def _append(
    data: bytes,
    update: _Update,
    trailer: DictionaryObject,
    root: IndirectObject,
    previous_xref: int,
) -> bytes:
    """The incremental update: objects, one cross-reference section, trailer with /Prev."""
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, tuple[int, int]] = {}
    for (number, generation), obj in sorted(update.objects.items()):
        offsets[number] = (len(out), generation)
        out += f"{number} {generation} obj\n".encode() + _serialise(obj) + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"  # the free list's head, as every xref has
    numbers = sorted(offsets)
    run: list[int] = []
    for number in [*numbers, -1]:  # -1 closes the last run
        if run and number != run[-1] + 1:
            out += f"{run[0]} {len(run)}\n".encode()
            for n in run:
                offset, generation = offsets[n]
                out += f"{offset:010d} {generation:05d} n \n".encode()
            run = []
        if number >= 0:
            run.append(number)
    new_trailer = DictionaryObject(
        {
            NameObject("/Size"): NumberObject(max(update.next_id, _size(trailer))),
            NameObject("/Root"): IndirectObject(root.idnum, root.generation, None),
            NameObject("/Prev"): NumberObject(previous_xref),
        }
    )
    for key in ("/Info", "/ID"):
        if key in trailer:
            new_trailer[NameObject(key)] = trailer.raw_get(key)
    out += b"trailer\n" + _serialise(new_trailer) + f"\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)
