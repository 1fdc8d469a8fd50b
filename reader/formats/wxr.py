"""WordPress eXtended RSS (WXR 1.0–1.2): posts and pages with every comment, nested.

* The ``wp:`` namespace is matched loosely: ``http`` or ``https``, any 1.x version (the
  official theme test data uses ``https://wordpress.org/export/1.2/``, most exports ``http``).
* Posts, pages and custom post types are read; attachments, menu items, revisions, templates
  and other site machinery are skipped.  ``wp:status`` gives the status: publish → published
  (a page → page), draft/pending/future/private/auto-draft → draft, trash → deleted.
* Every ``wp:comment`` is kept and nested by ``wp:comment_parent`` at any depth, in any order:
  unapproved (``comment_approved`` 0), spam, trash, pingbacks and trackbacks are all imported
  and marked, never dropped.
* ``content:encoded`` and ``comment_content`` are HTML without paragraphs (WordPress adds them
  when showing: ``wpautop``), so blank lines become paragraphs, then the HTML is sanitised.
* Titles are plain text holding HTML character references as WordPress stores them
  ("Fish &amp; chips", "it&#8217;s"): those are decoded.
* Times: ``wp:post_date`` is local time and ``wp:post_date_gmt`` the same moment in UTC; their
  difference is the site's offset, so ``published`` carries it (2015-01-27T14:56:00+01:00).
  A draft's zero GMT date ("0000-00-00 00:00:00") leaves the local time without an offset.

Items are self-contained, so each post is yielded as soon as its ``</item>`` arrives and
memory is bounded by the largest item.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from reader.errors import DumpError
from reader.formats import xmlsafe
from reader.formats.base import ParseReport
from reader.formats.html import sanitise_paragraphs
from reader.formats.text import one_line, parse_iso
from reader.formats.threads import Flat, build
from reader.formats.urls import site_key, url_key
from reader.model import ParsedComment, ParsedPost

NAME = "wxr"
LABEL = "WordPress export (WXR)"
KIND = "xml"
HINT = "a WordPress export is RSS XML with the wordpress.org/export namespace"

_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/?$")
_SKIP_TYPES = frozenset(
    {
        "attachment", "nav_menu_item", "revision", "custom_css", "customize_changeset",
        "oembed_cache", "user_request", "wp_block", "wp_template", "wp_template_part",
        "wp_global_styles", "wp_navigation", "wp_font_family", "wp_font_face", "scheduled-action",
    }
)  # fmt: skip
# The elements parse() looks at (any namespace); the fields inside an item are read from it.
_TAGS = tuple(
    "{*}" + name
    for name in ("rss", "channel", "item", "author", "base_blog_url", "base_site_url", "link")
)
_DRAFT = frozenset({"draft", "pending", "future", "private", "auto-draft"})


def sniff(head: bytes, filename: str = "") -> float:
    root = xmlsafe.sniff_root(head)
    if root is None:
        return 0.0
    name, attributes = root
    if name.rpartition(":")[2] != "rss":
        return 0.0
    if any(_WP_NS.match(value.strip()) for value in attributes.values()):
        return 1.0
    return 0.8 if b"wordpress.org/export/" in head else 0.0


def _is_wp(tag: object) -> bool:
    return bool(_WP_NS.match(xmlsafe.namespace(tag)))


def parse(stream: BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Stream the posts and pages of a WXR file (see the module docstring)."""
    report.format = report.format or NAME
    authors: dict[str, str] = {}
    site = ""
    channel_seen = items = 0
    for _event, element in xmlsafe.events(stream, report, tags=_TAGS):
        parent = element.getparent()
        if parent is None:
            if xmlsafe.local(element.tag) != "rss":
                raise DumpError(report.path, "not a WordPress export: no <rss> root", 1)
            continue
        name = xmlsafe.local(element.tag)
        if parent.getparent() is None:  # <channel> itself
            channel_seen += 1
            continue
        if xmlsafe.local(parent.tag) != "channel" or parent.getparent().getparent() is not None:
            continue  # inside an item or an author: handled when that ends
        if name == "item":
            items += 1
            post = _item(element, authors, site, report)
            xmlsafe.release(element)
            if post is not None:
                yield post
        elif name == "author" and _is_wp(element.tag):
            login = xmlsafe.child_text(element, "author_login")
            display = xmlsafe.child_text(element, "author_display_name")
            if login and display:
                authors[login.strip()] = one_line(display)
            xmlsafe.release(element)
        elif name in ("base_blog_url", "base_site_url") and _is_wp(element.tag):
            site = site if name == "base_site_url" and site else (element.text or "").strip()
        elif name == "link" and not site:
            site = (element.text or "").strip()
    if not channel_seen:
        raise DumpError(report.path, "not a WordPress export: no <channel>")


def _fields(element: etree._Element) -> dict[str, str]:
    """Text of the item's simple children by local name (``encoded`` split in two)."""
    fields: dict[str, str] = {}
    for child in element:
        name = xmlsafe.local(child.tag)
        if name == "encoded" and "excerpt" in xmlsafe.namespace(child.tag):
            name = "excerpt"
        if name not in fields and name not in ("comment", "postmeta", "category"):
            fields[name] = child.text or ""
    return fields


def _time(local: str | None, gmt: str | None, fallback: str | None = None) -> dt.datetime | None:
    """A WordPress local time with the offset its GMT twin implies."""
    when = parse_iso((local or "").strip())
    utc = parse_iso((gmt or "").strip())
    if when is None:
        return _rfc822(fallback)
    if utc is None:
        return when
    offset = when - utc
    minutes = round(offset.total_seconds() / 900) * 15
    if abs(minutes) >= 24 * 60:
        return when
    return when.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))


def _rfc822(value: str | None) -> dt.datetime | None:
    if not value or not value.strip():
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _item(
    element: etree._Element, authors: dict[str, str], site: str, report: ParseReport
) -> ParsedPost | None:
    fields = _fields(element)
    post_type = fields.get("post_type", "post").strip() or "post"
    post_id = fields.get("post_id", "").strip() or fields.get("guid", "").strip()
    line = element.sourceline or 0
    where = xmlsafe.where(element, f"{post_id} ({post_type})" if post_id else None)
    comments = [c for c in element if xmlsafe.local(c.tag) == "comment" and _is_wp(c.tag)]
    if post_type in _SKIP_TYPES:
        if comments:
            report.warn(f"{where}: {len(comments)} comments on a {post_type} skipped", line)
        return None
    status = fields.get("status", "publish").strip()
    if status == "trash":
        mark = "deleted"
    elif status in _DRAFT:
        mark = "draft"
    else:
        mark = "page" if post_type == "page" else "published"
    published = _time(fields.get("post_date"), fields.get("post_date_gmt"), fields.get("pubDate"))
    safe = sanitise_paragraphs(fields.get("encoded", ""))
    creator = (fields.get("creator") or "").strip()
    site = site_key(site)
    link = (fields.get("link") or "").strip() or None
    flats = [_comment(c, site, report) for c in comments]
    return ParsedPost(
        date=published.date() if published is not None else dt.date.min,
        title=one_line(html.unescape(fields.get("title") or "")) or "(no title)",
        body=safe.text,
        declared_comments=None,
        comments=build(flats, report),
        line=line,
        author=authors.get(creator, creator) or None,
        published=published,
        status=mark,
        html=safe.html,
        source_key=f"wp:{site}/{post_id}" if post_id else None,
        where=where,
        url=link,
        url_key=url_key(link),
    )


def _comment(element: etree._Element, site: str, report: ParseReport) -> Flat:
    fields = _fields(element)
    comment_id = fields.get("comment_id", "").strip()
    parent = fields.get("comment_parent", "").strip()
    approved = fields.get("comment_approved", "1").strip().lower()
    kind = fields.get("comment_type", "").strip().lower()
    if approved == "spam":
        status = "spam"
    elif approved in ("trash", "post-trashed"):
        status = "deleted"
    elif approved in ("0", "hold", "unapproved"):
        status = "unapproved"
    elif kind in ("pingback", "trackback"):
        status = kind
    else:
        status = "published"
    content = fields.get("comment_content", "")
    safe = sanitise_paragraphs(content)
    url = (fields.get("comment_author_url") or "").strip()
    line = element.sourceline or 0
    comment = ParsedComment(
        text=safe.text,
        removed=status == "deleted",
        line=line,
        author=one_line(fields.get("comment_author")) or None,
        published=_time(fields.get("comment_date"), fields.get("comment_date_gmt")),
        author_uri=url if url and url != "http://" else None,
        status=status,
        html=safe.html,
        source_key=f"wp:{site}/comment/{comment_id}" if comment_id else None,
        where=xmlsafe.where(element, comment_id or None),
    )
    if not comment_id:
        report.warn(f"{comment.where}: a comment without comment_id", line)
    key = comment_id or f"line-{line}"
    return Flat(key, parent if parent and parent != "0" else None, comment)
