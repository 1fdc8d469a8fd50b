"""Streaming XML that cannot reach outside the file or blow up: the one way formats read XML.

lxml's pull parser is fed the stream in 1 MiB chunks and yields elements as they end, so a
500 MB export is read in bounded memory as long as the caller clears what it has used
(``release``).  Safety settings: no DTD loading, no network, external entities never resolved
(``resolve_entities="internal"``: with ``False`` libxml2 silently stops at an undefined entity
such as ``&nbsp;`` instead of naming its line), libxml2's size limits left on (``huge_tree``
off).  On top of that a document type declaration with an
internal subset (where entities are declared: the billion-laughs bomb, an external entity
naming ``/etc/passwd``) is refused outright — no export from Blogger, WordPress or Disqus has
one.  Every syntax error becomes a ``DumpError`` with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from reader.errors import DumpError
from reader.formats.base import ParseReport

_CHUNK = 1 << 20
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _check_prolog(first: bytes, report: ParseReport) -> None:
    """Refuse a document type declaration that declares anything (entities live there)."""
    match = _DOCTYPE.search(first)
    if match is None:
        return
    prolog_end = _ROOT_START.search(first, match.end())
    declaration = first[match.start() : prolog_end.start() if prolog_end else len(first)]
    if b"[" in declaration or b"<!ENTITY" in declaration.upper():
        line = first.count(b"\n", 0, match.start()) + 1
        raise DumpError(
            report.path,
            "XML declares entities in a DOCTYPE; refused for safety (no export has one)",
            line,
        )


def events(
    stream: BinaryIO, report: ParseReport, *, tags: tuple[str, ...] | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """("end", element) for the whole document, or only for elements named in ``tags``
    (``"{*}item"``: any namespace) — far fewer Python-level events on a big export."""
    parser = etree.XMLPullParser(
        events=("end",),
        tag=list(tags) if tags else None,
        resolve_entities="internal",
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        dtd_validation=False,
        attribute_defaults=False,
    )
    prolog: bytearray | None = bytearray()  # until the first element: where a DTD can be
    lines = 1  # lines fed so far, for errors libxml2 reports without one (at the end)
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if prolog is not None:
                prolog += chunk
                _check_prolog(bytes(prolog), report)
            report.bytes_read += len(chunk)
            if not chunk:
                parser.close()
                yield from parser.read_events()
                return
            lines += chunk.count(b"\n")
            parser.feed(chunk)
            for event in parser.read_events():
                prolog = None
                yield event
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else lines
        message = str(exc.msg or exc).split(", line ")[0].strip()
        if line == lines and ("no element found" in message or "end of" in message.lower()):
            message += " (the file ends too early)"
        raise DumpError(report.path, f"malformed XML: {message}", line) from None


def local(tag: object) -> str:
    """The local part of ``{namespace}name`` (comments and PIs give "")."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace(tag: object) -> str:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[1:].partition("}")[0]


def release(element: etree._Element) -> None:
    """Free ``element`` and the finished siblings before it (keeps memory bounded)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first child whose local name is ``name`` (any namespace), or ``None``."""
    for child in element:
        if local(child.tag) == name:
            return child.text or ""
    return None


def where(element: etree._Element, key: str | None = None) -> str:
    """How messages name an element: ``<wp:comment> 904``."""
    prefix = f"{element.prefix}:" if element.prefix else ""
    name = f"<{prefix}{local(element.tag)}>"
    return f"{name} {key}" if key else name


_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S | re.I)
_START_TAG = re.compile(
    rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)"
    rb"((?:\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>"
)
_ATTRIBUTE = re.compile(rb"([^\s=>/]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def sniff_root(head: bytes) -> tuple[str, dict[str, str]] | None:
    """The root element's qualified name and its attributes (namespace declarations among
    them), read from the first block without parsing; ``None`` if it is not XML."""
    data = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    position = 0
    while True:
        match = _PROLOG_ITEM.match(data, position)
        if match is None or match.end() == position:
            break
        position = match.end()
    tag = _START_TAG.match(data, position)
    if tag is None:
        return None
    attributes = {}
    for match in _ATTRIBUTE.finditer(tag.group(2)):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        attributes[match.group(1).decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    return tag.group(1).decode("ascii", "replace"), attributes
