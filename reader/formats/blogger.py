"""Blogger's Atom files: the legacy "Back up content" export, the 2018+ Takeout ``feed.atom``,
and a post's comment feed (``…/<post>/comments/default``).

All three are Atom with Blogger's extensions; one parser reads them, deciding per entry:

* **legacy backup** — kind told by ``<category scheme='…/g/2005#kind' term='…kind#post'>``
  (post, page, comment; settings and template entries are skipped).  Never by the id: a
  comment's ``<id>`` has the same ``…post-N`` shape as a post's.  A comment names its post in
  ``thr:in-reply-to ref``; a draft has ``<app:control><app:draft>yes``; ``thr:total`` is the
  declared count (it can disagree with the comments present: that is kept, not "fixed");
* **Takeout** — ``blogger:type`` POST/PAGE/COMMENT, ``blogger:status`` (LIVE, DRAFT,
  SOFT_TRASHED, SPAM…), ``blogger:parent`` (the post; a comment id in some exports),
  ``blogger:inReplyTo`` (the parent comment);
* **comment feed** — entries with no kind at all: every one is a comment of the feed's post.
  Replies point at their parent with ``<link rel='related' href='…/comments/default/ID'>``;
  ``gd:extendedProperty blogger.contentRemoved`` marks a removed comment.  Without the post
  itself the feed becomes a post marked ``comments_only`` (title from "Comments on Blog:
  Title", date of its first comment) whose ``source_key`` is the post's id, so the post merges
  with it when it arrives.

Times come from ``<published>`` with its offset, never from the localised
``blogger.displayTime`` ("2019年5月28日 上午4:13:00").  Posts are yielded in file order, each
with its comments by time; because a backup lists all posts before any comment, records are
parked in a ``Spill`` until the end of the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import etree

from reader.errors import DumpError
from reader.formats import xmlsafe
from reader.formats.base import ParseReport
from reader.formats.html import sanitise
from reader.formats.spill import Spill
from reader.formats.text import clean, one_line, parse_iso
from reader.formats.threads import Flat, build
from reader.model import ParsedComment, ParsedPost

NAME = "blogger"
LABEL = "Blogger export (Atom)"
KIND = "xml"
HINT = "a Blogger export is Atom XML with tag:blogger.com ids"

ATOM = "http://www.w3.org/2005/Atom"
TAKEOUT = "http://schemas.google.com/blogger/2018"
_KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
_NUMBER = re.compile(r"(\d+)$")
_BLOG = re.compile(r"blog-(\d+)")
_FEED_POST = re.compile(r"blog-(\d+)\.post-?(\d+)\.\.comments")
_COMMENTS_ON = re.compile(r"^Comments on [^:]*:\s*")


def sniff(head: bytes, filename: str = "") -> float:
    root = xmlsafe.sniff_root(head)
    if root is None:
        return 0.0
    name, attributes = root
    if name.rpartition(":")[2] != "feed":
        return 0.0
    namespaces = set(attributes.values())
    if TAKEOUT in namespaces or b"schemas.google.com/blogger/2008/kind#" in head:
        return 1.0
    if ATOM in namespaces and (b"tag:blogger.com" in head or b">Blogger</generator>" in head):
        return 0.95
    return 0.0


@dataclass
class _Feed:
    """What the feed says about itself (a comment feed's post lives only here)."""

    blog: str = ""
    post_key: str | None = None
    title: str = ""
    url: str | None = None
    total: int | None = None
    variant: str = ""
    entries: int = 0
    order: list[str] = field(default_factory=list)


def parse(stream: BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Stream the posts of a Blogger Atom file (see the module docstring)."""
    report.format = report.format or NAME
    feed = _Feed()
    with Spill() as spill:
        root_checked = False
        for _event, element in xmlsafe.events(stream, report):
            parent = element.getparent()
            if not root_checked and parent is not None:
                root = element.getroottree().getroot()
                if xmlsafe.local(root.tag) != "feed":
                    raise DumpError(report.path, "not an Atom feed: no <feed> root", 1)
                root_checked = True
            if parent is None:
                continue  # the root itself ends last
            if xmlsafe.local(element.tag) == "entry" and xmlsafe.namespace(element.tag) == ATOM:
                _entry(element, feed, spill, report)
                xmlsafe.release(element)
            elif parent.getparent() is None:
                _feed_element(element, feed)
                xmlsafe.release(element)
        if feed.entries == 0:
            raise DumpError(report.path, "a Blogger feed without any entry")
        yield from _threads(spill, feed, report)


def _feed_element(element: etree._Element, feed: _Feed) -> None:
    name = xmlsafe.local(element.tag)
    if name == "id":
        text = (element.text or "").strip()
        match = _FEED_POST.search(text)
        if match:
            feed.blog = match.group(1)
            feed.post_key = match.group(2)
        elif blog := _BLOG.search(text):
            feed.blog = blog.group(1)
    elif name == "title":
        feed.title = _COMMENTS_ON.sub("", one_line(element.text))
    elif name == "link" and element.get("rel") == "alternate":
        feed.url = element.get("href")
    elif name == "totalResults":
        text = (element.text or "").strip()
        feed.total = int(text) if text.isdigit() else None


@dataclass
class _Entry:
    """The fields of one ``<entry>`` this parser uses."""

    id: str = ""
    kind: str = ""
    status: str = ""
    draft: bool = False
    removed: bool = False
    trashed: bool = False
    title: str = ""
    content: str = ""
    content_type: str = "text"
    published: dt.datetime | None = None
    updated: dt.datetime | None = None
    author: str | None = None
    author_uri: str | None = None
    url: str | None = None
    post_ref: str | None = None
    post_href: str | None = None
    parent_ref: str | None = None
    total: int | None = None


def _read_entry(element: etree._Element) -> _Entry:
    entry = _Entry()
    for child in element:
        name, ns = xmlsafe.local(child.tag), xmlsafe.namespace(child.tag)
        text = child.text or ""
        if ns == TAKEOUT:
            if name == "type":
                entry.kind = text.strip().lower()
            elif name == "status":
                entry.status = text.strip().upper()
            elif name == "parent":
                entry.post_ref = text.strip() or entry.post_ref
            elif name == "inReplyTo":
                entry.parent_ref = text.strip() or None
            elif name == "trashed":
                entry.trashed = bool(text.strip())
            continue
        if name == "id":
            entry.id = text.strip()
        elif name == "category" and child.get("scheme") == _KIND_SCHEME:
            entry.kind = (child.get("term") or "").rpartition("#")[2].lower()
        elif name == "control":
            entry.draft = any(
                xmlsafe.local(c.tag) == "draft" and (c.text or "").strip() == "yes" for c in child
            )
        elif name == "title":
            entry.title = _text_content(child)
        elif name == "content":
            entry.content_type = (child.get("type") or "text").lower()
            entry.content = _text_content(child)
        elif name == "published":
            entry.published = parse_iso(text.strip())
        elif name == "updated":
            entry.updated = parse_iso(text.strip())
        elif name == "author":
            for part in child:
                part_name = xmlsafe.local(part.tag)
                if part_name == "name":
                    entry.author = one_line(part.text) or None
                elif part_name == "uri":
                    entry.author_uri = (part.text or "").strip() or None
        elif name == "link":
            rel = child.get("rel")
            if rel == "alternate":
                entry.url = child.get("href")
            elif rel == "related":
                entry.parent_ref = child.get("href")
        elif name == "in-reply-to":
            entry.post_ref = child.get("ref") or entry.post_ref
            entry.post_href = child.get("href")
        elif name == "total":
            entry.total = int(text.strip()) if text.strip().isdigit() else None
        elif (
            name == "extendedProperty"
            and child.get("name") == "blogger.contentRemoved"
            and child.get("value") == "true"
        ):
            entry.removed = True
    return entry


def _text_content(element: etree._Element) -> str:
    """An Atom text construct: escaped HTML and plain text are the element's text; XHTML is
    its child ``<div>``'s content, serialised back to markup for the sanitiser."""
    if (element.get("type") or "").lower() != "xhtml":
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(parts)


def _number(ref: str | None) -> str | None:
    """The numeric id at the end of a Blogger id or feed address."""
    if not ref:
        return None
    match = _NUMBER.search(ref.strip().split("?")[0].rstrip("/"))
    return match.group(1) if match else None


def _body(entry: _Entry) -> tuple[str, str | None]:
    if entry.content_type in ("html", "xhtml", "text/html"):
        safe = sanitise(entry.content)
        return safe.text, safe.html
    return clean(entry.content).strip(), None


def _entry(element: etree._Element, feed: _Feed, spill: Spill, report: ParseReport) -> None:
    entry = _read_entry(element)
    feed.entries += 1
    line = element.sourceline or 0
    where = xmlsafe.where(element, entry.id or None)
    kind = entry.kind
    if not kind:
        if feed.post_key is None and entry.post_ref is None:
            report.warn(f"{where}: neither a post nor a comment; skipped", line)
            return
        kind = "comment"
        feed.variant = feed.variant or "blogger-comments"
    elif not feed.variant:
        feed.variant = "blogger-takeout" if entry.status else "blogger-backup"
    report.format = feed.variant
    if kind not in ("post", "page", "comment"):
        return  # settings, template and anything newer: not reading matter
    if not feed.blog and (blog := _BLOG.search(entry.id)):
        feed.blog = blog.group(1)
    number = _number(entry.id)
    if number is None:
        raise DumpError(report.path, f"{where}: an entry without a Blogger id", line)
    text, html = _body(entry)
    if kind in ("post", "page"):
        post = ParsedPost(
            date=_date(entry.published or entry.updated),
            title=one_line(entry.title) or "(no title)",
            body=text,
            declared_comments=entry.total,
            comments=[],
            line=line,
            author=entry.author,
            published=entry.published,
            author_uri=entry.author_uri,
            status=_post_status(entry, kind),
            html=html,
            source_key=entry.id,
            where=where,
            url=entry.url,
        )
        spill.add(number, ("post", post))
    else:
        post_number = _number(entry.post_ref) or feed.post_key
        if post_number is None:
            report.warn(f"{where}: a comment that names no post; skipped", line)
            return
        status = _comment_status(entry)
        comment = ParsedComment(
            text=text,
            removed=status == "deleted",
            line=line,
            author=entry.author,
            published=entry.published,
            author_uri=entry.author_uri,
            status=status,
            html=html,
            source_key=entry.id,
            where=where,
        )
        parent = _number(entry.parent_ref)
        context = (entry.post_ref, entry.post_href)
        spill.add(post_number, ("comment", number, parent, comment, context))


def _post_status(entry: _Entry, kind: str) -> str:
    if entry.trashed or entry.status in ("SOFT_TRASHED", "DELETED", "TRASHED"):
        return "deleted"
    if entry.draft or entry.status in ("DRAFT", "SCHEDULED", "IMPORTED"):
        return "draft"
    return "page" if kind == "page" else "published"


def _comment_status(entry: _Entry) -> str:
    if entry.removed or entry.trashed or entry.status in ("DELETED", "SOFT_TRASHED"):
        return "deleted"
    if "SPAM" in entry.status:
        return "spam"
    if entry.status in ("PENDING", "MODERATED", "NOT_APPROVED", "DRAFT"):
        return "unapproved"
    return "published"


def _date(when: dt.datetime | None) -> dt.date:
    return when.date() if when is not None else dt.date.min


def _threads(spill: Spill, feed: _Feed, report: ParseReport) -> Iterator[ParsedPost]:
    for group in spill.groups():
        records = spill.group(group)
        posts = [r[1] for r in records if r[0] == "post"]
        flats = [Flat(r[1], r[2], r[3]) for r in records if r[0] == "comment"]
        if not posts and not flats:
            continue
        if len(posts) > 1:
            report.warn(f"post {group} appears {len(posts)} times; the first is kept")
        post = posts[0] if posts else _comments_only(group, records, feed)
        post.comments = build(flats, report)
        if not posts and feed.total is not None and feed.post_key == group:
            post.declared_comments = feed.total
        if post.declared_comments is not None:
            found = sum(1 for _ in post.walk_comments())
            if found != post.declared_comments:
                report.warn(
                    f"{post.where or post.title}: declares {post.declared_comments} comments,"
                    f" {found} found",
                    post.line or None,
                )
        yield post


def _comments_only(group: str, records: list[tuple[Any, ...]], feed: _Feed) -> ParsedPost:
    """A post known only through its comments (a comment feed, or a trimmed backup)."""
    comments: list[ParsedComment] = [r[3] for r in records if r[0] == "comment"]
    first = min(
        comments,
        key=lambda c: c.published.timestamp() if c.published is not None else float("inf"),
    )
    post_ref, post_href = next((r[4] for r in records if r[0] == "comment"), (None, None))
    blog = _BLOG.search(post_ref or "")
    blog_id = blog.group(1) if blog else feed.blog
    title = feed.title if feed.post_key == group and feed.title else ""
    url = (feed.url if feed.post_key == group else None) or post_href
    return ParsedPost(
        date=_date(first.published),
        title=title or _title_from_url(url) or f"Comments on post {group}",
        body="",
        declared_comments=None,
        comments=[],
        line=first.line,
        source_key=f"tag:blogger.com,1999:blog-{blog_id}.post-{group}",
        where=f"comments of post {group}",
        url=url,
        comments_only=True,
    )


def _title_from_url(url: str | None) -> str:
    if not url:
        return ""
    slug = url.split("?")[0].rstrip("/").rpartition("/")[2]
    slug = slug.removesuffix(".html")
    return slug.replace("-", " ").replace("_", " ").strip()
