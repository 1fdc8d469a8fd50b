"""A PDF's outline (the viewer's sidebar) and in-document links, added to the bytes QPdfWriter made.

Why a second step: ``QPdfWriter`` has no API for outline entries or links to a place in the same
file (its links are web addresses only).  ``pypdf`` (a maintained library) reads the file's trailer,
catalog and page tree (strictly: Qt's fresh output needs no repair) and writes the catalog and
pages the update replaces; the outline items and links, plain dictionaries, are written here.
They are appended as an *incremental update* (ISO 32000 7.5.6: new objects, a new catalog with
``/Outlines``, a new cross-reference section pointing back at the old one) instead of rewriting
the whole file with ``PdfWriter``: that parses every object Qt wrote and costs about a fifth of
the export's time, where this costs ~3 ms of ~350.

Pure Python, no Qt: positions arrive in PDF points (origin bottom left), pages as indices.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    encode_pdfdocencoding,
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
    """New and replaced objects of one incremental update, numbered from the file's /Size,
    each kept as the bytes between ``obj`` and ``endobj``."""

    def __init__(self, size: int) -> None:
        self.next_id = size
        self.objects: dict[tuple[int, int], bytes] = {}

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.objects[(number, 0)] = body
        return number

    def reserve(self) -> int:
        number = self.next_id
        self.next_id += 1
        return number

    def put(self, number: int, body: bytes, generation: int = 0) -> None:
        self.objects[(number, generation)] = body


# The outline items and links are small dictionaries of names, numbers, references and text
# strings, ~250 of them for a long thread: they are written here, directly, where pypdf's
# general object writer (which escapes every name character by character) cost ~5 ms.  The
# catalog and the pages this update replaces are copies of what Qt wrote, with whatever
# entries it gave them, and go through pypdf (``_serialise``).


def _ref(number: int, generation: int = 0) -> bytes:
    return b"%d %d R" % (number, generation)


def _number(value: float) -> bytes:
    """A real number with two decimals at most (what a point position needs)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode("ascii")


def _text(text: str) -> bytes:
    """A PDF text string (ISO 32000 7.9.2.2): in PDFDocEncoding when it has every character
    (one byte each: curly quotes, dashes, accents), else UTF-16BE with its byte-order mark; a
    literal string, with its three special bytes escaped."""
    try:
        raw = encode_pdfdocencoding(text)
    except UnicodeEncodeError:
        raw = b""
    if len(raw) != len(text) or raw.startswith(codecs.BOM_UTF16_BE):
        raw = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped.replace(b"\r", b"\\r") + b")"


def _destination(page: IndirectObject, top: float) -> bytes:
    """Show ``page`` with ``top`` at the top of the window, keeping the reader's zoom."""
    return b"[%s /XYZ null %s null]" % (_ref(page.idnum, page.generation), _number(top))


def _outline_items(
    update: _Update,
    entries: Sequence[OutlineEntry],
    parent: int,
    pages: list[IndirectObject],
) -> tuple[int, int, int]:
    """Write ``entries`` as a linked list under ``parent``: ``(first, last, visible count)``."""
    refs = [update.reserve() for _ in entries]
    visible = 0
    for index, (entry, number) in enumerate(zip(entries, refs, strict=True)):
        parts = [
            b"<< /Title ",
            _text(entry.title),
            b" /Parent ",
            _ref(parent),
            b" /Dest ",
            _destination(pages[entry.page], entry.top),
        ]
        if index:
            parts += [b" /Prev ", _ref(refs[index - 1])]
        if index + 1 < len(refs):
            parts += [b" /Next ", _ref(refs[index + 1])]
        visible += 1
        if entry.children:
            first, last, count = _outline_items(update, entry.children, number, pages)
            shown = count if entry.open else -count
            parts.append(b" /First %s /Last %s /Count %d" % (_ref(first), _ref(last), shown))
            if entry.open:
                visible += count
        parts.append(b" >>")
        update.put(number, b"".join(parts))
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
    tree = _resolved(catalog.get("/Pages"))  # (the copied catalog keeps references)
    kids = _resolved(tree.get("/Kids")) if isinstance(tree, DictionaryObject) else None
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


def _resolved(value: object) -> object:
    """What a reference points at; any other value as it is."""
    return value.get_object() if isinstance(value, IndirectObject) else value


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
    reader = PdfReader(io.BytesIO(data), strict=True)  # Qt's fresh file: no repairs to look for
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
            b"<< /Type /Outlines /First %s /Last %s /Count %d >>"
            % (_ref(first), _ref(last), count),
        )
        catalog[NameObject("/Outlines")] = IndirectObject(outlines, 0, None)
        catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    update.put(root.idnum, _serialise(catalog), root.generation)

    by_page: dict[int, list[int]] = {}
    for link in links:
        on = page_refs[link.page]
        annotation = (
            b"<< /Type /Annot /Subtype /Link /Rect [%s] /Border [0 0 0] /P %s /Dest %s >>"
            % (
                b" ".join(_number(v) for v in link.rect),
                _ref(on.idnum, on.generation),
                _destination(page_refs[link.target_page], link.target_top),
            )
        )
        by_page.setdefault(link.page, []).append(update.add(annotation))
    for index, added in by_page.items():
        ref = page_refs[index]
        page = _copy(reader.get_object(ref.idnum))
        existing = page.get("/Annots")  # resolves an indirect array
        page[NameObject("/Annots")] = ArrayObject(
            [*(existing or ()), *(IndirectObject(number, 0, None) for number in added)]
        )
        update.put(ref.idnum, _serialise(page), ref.generation)

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
    for (number, generation), body in sorted(update.objects.items()):
        offsets[number] = (len(out), generation)
        out += b"%d %d obj\n%s\nendobj\n" % (number, generation, body)
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
