"""Disqus comment exports: ``<disqus>`` with ``<thread>`` and ``<post>`` records.

* Posts point at their thread with ``<thread dsq:id>`` and at their parent with
  ``<parent dsq:id>``; replies nest at any depth and may come before their parents.
* One article appears as many threads — under every host, port, trailing slash and
  percent-escape case it was ever opened at (a real export has nine threads for one article).
  Threads are joined by ``reader.formats.urls.url_key`` of their ``<link>`` so each article
  becomes one post holding every comment; the post borrows its title and address from the
  article's threads (a public address beats ``localhost`` or a raw IP) and its date from the
  earliest.  Threads without a usable link stay apart, keyed by their ``dsq:id``.
* Threads with no comments are not posts: an export lists every page ever viewed.
* ``isDeleted`` → deleted (``removed``), ``isSpam`` → spam; both are kept.
* ``message`` is HTML (CDATA), sanitised.

Threads are small and kept in memory; posts are parked in a ``Spill`` per thread until the
end of the file, so memory stays bounded by the largest article's comments.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from lxml import etree

from reader.errors import DumpError
from reader.formats import xmlsafe
from reader.formats.base import ParseReport
from reader.formats.html import sanitise
from reader.formats.spill import Spill
from reader.formats.text import one_line, parse_iso, sort_key
from reader.formats.threads import Flat, build
from reader.formats.urls import url_key
from reader.model import ParsedComment, ParsedPost

NAME = "disqus"
LABEL = "Disqus comment export"
KIND = "xml"
HINT = "a Disqus export is XML with a <disqus> root"

DISQUS = "http://disqus.com"


def sniff(head: bytes, filename: str = "") -> float:
    root = xmlsafe.sniff_root(head)
    if root is None:
        return 0.0
    name, attributes = root
    if name.rpartition(":")[2] != "disqus":
        return 0.0
    namespaces = {value.rstrip("/") for value in attributes.values()}
    return 1.0 if DISQUS in namespaces or b"disqus-internals" in head else 0.7


@dataclass(slots=True)
class _Thread:
    dsq_id: str
    key: str
    link: str | None
    title: str
    created: dt.datetime | None
    message: str
    line: int
    forum: str


def _dsq_id(element: etree._Element) -> str | None:
    for name, value in element.attrib.items():
        if xmlsafe.local(name) == "id":
            return value.strip() or None
    return None


def parse(stream: BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Stream one post per article that has comments (see the module docstring)."""
    report.format = report.format or NAME
    threads: dict[str, _Thread] = {}
    order: dict[str, int] = {}  # article key -> first thread's position
    root_seen = False
    with Spill() as spill:
        for _event, element in xmlsafe.events(stream, report):
            parent = element.getparent()
            if parent is None:
                if xmlsafe.local(element.tag) != "disqus":
                    raise DumpError(report.path, "not a Disqus export: no <disqus> root", 1)
                root_seen = True
                continue
            if parent.getparent() is not None:
                continue
            name = xmlsafe.local(element.tag)
            if name == "thread":
                thread = _thread(element, report)
                if thread is not None:
                    threads[thread.dsq_id] = thread
                    order.setdefault(thread.key, len(order))
            elif name == "post":
                _post(element, spill, report)
            xmlsafe.release(element)
        if not root_seen:
            raise DumpError(report.path, "not a Disqus export: no <disqus> root")
        yield from _articles(spill, threads, order, report)


def _thread(element: etree._Element, report: ParseReport) -> _Thread | None:
    dsq_id = _dsq_id(element)
    line = element.sourceline or 0
    if dsq_id is None:
        report.warn(f"{xmlsafe.where(element)}: a thread without dsq:id; skipped", line)
        return None
    link = (xmlsafe.child_text(element, "link") or "").strip() or None
    key = url_key(link) or f"thread:{dsq_id}"
    return _Thread(
        dsq_id=dsq_id,
        key=key,
        link=link,
        title=one_line(xmlsafe.child_text(element, "title")),
        created=parse_iso((xmlsafe.child_text(element, "createdAt") or "").strip()),
        message=xmlsafe.child_text(element, "message") or "",
        line=line,
        forum=(xmlsafe.child_text(element, "forum") or "").strip(),
    )


def _flag(element: etree._Element, name: str) -> bool:
    return (xmlsafe.child_text(element, name) or "").strip().lower() == "true"


def _post(element: etree._Element, spill: Spill, report: ParseReport) -> None:
    dsq_id = _dsq_id(element)
    line = element.sourceline or 0
    where = xmlsafe.where(element, dsq_id)
    thread_id = parent_id = None
    author = None
    for child in element:
        name = xmlsafe.local(child.tag)
        if name == "thread":
            thread_id = _dsq_id(child)
        elif name == "parent":
            parent_id = _dsq_id(child)
        elif name == "author":
            author = one_line(xmlsafe.child_text(child, "name")) or None
    if dsq_id is None or thread_id is None:
        report.warn(f"{where}: a post without its dsq:id or thread; skipped", line)
        return
    if _flag(element, "isDeleted"):
        status = "deleted"
    elif _flag(element, "isSpam"):
        status = "spam"
    else:
        status = "published"
    safe = sanitise(xmlsafe.child_text(element, "message"))
    comment = ParsedComment(
        text=safe.text,
        removed=status == "deleted",
        line=line,
        author=author,
        published=parse_iso((xmlsafe.child_text(element, "createdAt") or "").strip()),
        status=status,
        html=safe.html,
        source_key=f"disqus:post/{dsq_id}",
        where=where,
    )
    spill.add(thread_id, Flat(dsq_id, parent_id, comment))


def _public(link: str | None) -> bool:
    """Whether ``link`` names a real site rather than localhost or a bare IP address."""
    if not link:
        return False
    try:
        host = urlsplit(link).hostname or ""
    except ValueError:
        return False
    if not host or host == "localhost" or host.endswith(".local"):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return True
    return False


def _articles(
    spill: Spill, threads: dict[str, _Thread], order: dict[str, int], report: ParseReport
) -> Iterator[ParsedPost]:
    by_key: dict[str, list[str]] = {}  # article key -> thread ids with comments
    orphans: list[str] = []
    for thread_id in spill.groups():
        thread = threads.get(thread_id)
        if thread is None:
            orphans.append(thread_id)
        else:
            by_key.setdefault(thread.key, []).append(thread_id)
    keys = sorted(by_key, key=lambda k: order.get(k, len(order)))
    for key in keys:
        members = sorted((threads[t] for t in by_key[key]), key=lambda t: sort_key(t.created))
        flats = [flat for t in members for flat in spill.group(t.dsq_id)]
        yield _article(key, members, flats, report)
    for thread_id in orphans:
        flats = spill.group(thread_id)
        report.warn(f"{len(flats)} posts name thread {thread_id}, which is not in the file")
        first = min(flats, key=lambda f: sort_key(f.comment.published))
        stand_in = _Thread(
            thread_id,
            f"thread:{thread_id}",
            None,
            f"Comments on thread {thread_id}",
            first.comment.published,
            "",
            first.comment.line,
            "",
        )
        yield _article(stand_in.key, [stand_in], flats, report)


def _article(
    key: str, members: list[_Thread], flats: list[Flat], report: ParseReport
) -> ParsedPost:
    first = members[0]
    public = [t for t in members if _public(t.link)]
    chosen = public[-1] if public else members[-1]
    title = next((t.title for t in members if t.title), "") or chosen.link or "(no title)"
    message = next((t.message for t in members if t.message.strip()), "")
    safe = sanitise(message)
    forum = first.forum
    return ParsedPost(
        date=first.created.date() if first.created is not None else dt.date.min,
        title=title,
        body=safe.text,
        declared_comments=None,
        comments=build(flats, report),
        line=first.line,
        published=first.created,
        html=safe.html or None,
        source_key=f"disqus:{forum}:{key}" if forum else f"disqus:{key}",
        where=f'<thread dsq:id="{first.dsq_id}">'
        + (f" and {len(members) - 1} more threads" if len(members) > 1 else ""),
        url=chosen.link,
        url_key=key if not key.startswith("thread:") else None,
    )
