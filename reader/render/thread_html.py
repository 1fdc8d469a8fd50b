"""A whole thread as one readable HTML document: the post, then its comments with replies indented.

Pure and Qt-free so the reading pane and export share it and tests need no display.  The HTML
stays inside the subset Qt's rich text engine understands (``<p>``, ``<h2>``, ``<a>``, ``<span>``
with inline ``style``), because the window feeds it to ``QTextBrowser``.

Safety rules this module guarantees, and tests check:

* dump text is always escaped: a comment saying ``<img src=...>`` shows those characters;
* the only markup comes from here: paragraphs, links made from ``http(s)`` addresses in the text,
  and marks; no ``<img>`` is ever emitted, so nothing can be fetched: an address that looks like
  an image becomes a placeholder naming it;
* every block carries ``-qt-user-state: N`` where ``N`` indexes ``RenderedThread.items`` (0 is
  the post), which lets the window map a click or a scroll position back to a comment without
  searching the document.

Marks are character ranges into an item's own text (a post's body or a comment's text), the
same offsets an ``Annotation`` stores, so search hits today and annotation highlights later are
drawn by the same code.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reader import bidi
from reader.model import Comment, Post

INDENT_PX = 26
HEAD_MARGIN_TOP = 16
"""Space above each comment's heading line (the window re-creates it when it appends)."""
MAX_INDENT_LEVELS = 10
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}\u201d\u2019'\""
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg)(?:[?#].*)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Mark:
    """A range of an item's text to draw marked.

    ``kind`` is ``"hit"`` for search terms or ``"highlight"`` for a user's highlight (then
    ``colour`` names one of ``reader.model.COLOURS``); ``ref`` can carry an annotation id so a
    later click handler can find it.  Overlapping marks are allowed; the last one listed wins.
    """

    start: int
    end: int
    kind: str = "hit"
    colour: str = "yellow"
    ref: str = ""


@dataclass(frozen=True, slots=True)
class ThreadPalette:
    """Colours of the document; the window passes one matching its theme."""

    text: str
    muted: str
    link: str
    new: str
    removed: str
    hit_bg: str
    hit_fg: str
    highlights: Mapping[str, str] = field(default_factory=dict)


LIGHT = ThreadPalette(
    text="#1d1d1f",
    muted="#6b6b70",
    link="#1a5fb4",
    new="#c0392b",
    removed="#8a8a8f",
    hit_bg="#ffd54f",
    hit_fg="#000000",
    highlights={
        "yellow": "#fff3a3",
        "green": "#c8f0c0",
        "blue": "#c9e2ff",
        "pink": "#ffd0e4",
        "orange": "#ffdcb0",
    },
)

DARK = ThreadPalette(
    text="#e6e6e6",
    muted="#a0a0a8",
    link="#8ab4f8",
    new="#ff8a80",
    removed="#8f8f96",
    hit_bg="#c9a227",
    hit_fg="#000000",
    highlights={
        "yellow": "#6b5d12",
        "green": "#2f5a2a",
        "blue": "#23476e",
        "pink": "#6e2f4b",
        "orange": "#6e4620",
    },
)


class RenderedThread:
    """The thread's document, item by item, rendered on demand.

    ``items[n]`` is the id of the item whose blocks carry ``-qt-user-state: n``: ``items[0]`` is
    the post, then every comment in display order.  ``piece(n)`` is item ``n``'s HTML (its
    blocks only) and ``html`` all of them; pieces are made when first asked for, so a window
    can show the top of a 1,000-comment thread before the rest is even rendered.
    """

    def __init__(
        self,
        post: Post,
        marks: Mapping[str, Sequence[Mark]],
        palette: ThreadPalette,
    ) -> None:
        self.post = post
        self.marks = marks
        self.palette = palette
        nodes: list[Post | Comment] = [post]
        depths = [0]
        # pre-order without recursion (reply chains can be deep), sibling lists walked in
        # place: the window builds this for every thread it opens
        stack: list[tuple[list[Comment], int, int]] = [(post.comments, 0, 0)]
        while stack:
            siblings, row, depth = stack.pop()
            count = len(siblings)
            while row < count:
                comment = siblings[row]
                row += 1
                nodes.append(comment)
                depths.append(depth)
                if comment.replies:  # its replies next, then the rest of these
                    stack.append((siblings, row, depth))
                    siblings, row, depth = comment.replies, 0, depth + 1
                    count = len(siblings)
        self._nodes = nodes
        self.depths: list[int] = depths
        self.items: list[str] = [node.id for node in nodes]
        self._pieces: list[str | None] = [None] * len(nodes)

    def __len__(self) -> int:
        return len(self.items)

    def index_of(self, item_id: str) -> int:
        """The user state of ``item_id``'s blocks, or -1."""
        try:
            return self.items.index(item_id)
        except ValueError:
            return -1

    def indent(self, n: int) -> int:
        """Item ``n``'s left margin in pixels (replies are indented under their parent)."""
        return INDENT_PX * min(self.depths[n], MAX_INDENT_LEVELS)

    def size(self, n: int) -> int:
        """Roughly how much text item ``n`` holds, for cutting the document into chunks."""
        node = self._nodes[n]
        return len(node.body) if isinstance(node, Post) else len(node.text)

    def piece(self, n: int) -> str:
        cached = self._pieces[n]
        if cached is None:
            node = self._nodes[n]
            if isinstance(node, Post):
                cached = _post_piece(node, self.marks.get(node.id, ()), self.palette)
            else:
                cached = _comment_piece(
                    node, n, self.indent(n), self.marks.get(node.id, ()), self.palette
                )
            self._pieces[n] = cached
        return cached

    def pieces(self, start: int = 0, end: int | None = None) -> str:
        end = len(self.items) if end is None else end
        return "\n".join(self.piece(n) for n in range(start, end))

    @property
    def html(self) -> str:
        return self.pieces()


def format_date(date: dt.date) -> str:
    """The dump's own style ("Sunday, 7 March 2021"), independent of the platform's %d padding."""
    return f"{date:%A}, {date.day} {date:%B %Y}"


def count_line(post: Post) -> str:
    """How many comments the post declares and how many this library holds."""
    present = post.comment_count
    declared = post.declared_comments
    if declared is None:
        if not post.comments:
            return "Comments not included in this dump"
        return f"{present} comment{'s' if present != 1 else ''}"
    if declared == present:
        return f"{present} comment{'s' if present != 1 else ''}"
    return f"{present} of {declared} comments in this library"


def render_thread(
    post: Post,
    *,
    marks: Mapping[str, Sequence[Mark]] | None = None,
    palette: ThreadPalette = LIGHT,
) -> RenderedThread:
    """The thread as HTML plus the block-state map; ``marks`` maps item ids to their marks."""
    return RenderedThread(post, marks or {}, palette)


def _revisions_link(item_id: str, revision: int, palette: ThreadPalette) -> str:
    """*edited* (the text shown is not the first one seen) or *another text kept aside*, as a
    link the window opens the revisions view from (``reader.ui.revisions_view``)."""
    label = "edited" if revision > 1 else "another text kept aside"
    return f'<a href="revisions:{item_id}" style="color:{palette.link};">{label}</a>'


def _post_piece(post: Post, marks: Sequence[Mark], palette: ThreadPalette) -> str:
    edited = ""
    if post.revisions > 1:
        edited = " &middot; " + _revisions_link(post.id, post.revision, palette)
    out = [
        f'<h2 style="-qt-user-state:0;"><a name="{post.id}"></a>{_esc(post.title)}</h2>',
        f'<p style="-qt-user-state:0; color:{palette.muted};">{_esc(format_date(post.date))}'
        f" &middot; {_esc(count_line(post))}{edited}</p>",
    ]
    out.extend(_paragraphs(post.body, marks, palette, "-qt-user-state:0;"))
    return "\n".join(out)


def _comment_piece(
    comment: Comment, state: int, indent: int, marks: Sequence[Mark], palette: ThreadPalette
) -> str:
    style = f"-qt-user-state:{state}; margin-left:{indent}px;"
    out = [_comment_head(comment, style, palette)]
    if comment.removed:
        style += f" color:{palette.removed}; font-style:italic;"
    out.extend(_paragraphs(comment.text, marks, palette, style))
    return "\n".join(out)


def _comment_head(comment: Comment, style: str, palette: ThreadPalette) -> str:
    parts = [f'<a name="{comment.id}"></a><b>{comment.path}</b>']
    if comment.replies:
        count = len(comment.replies)
        parts.append(
            f'<span style="color:{palette.muted};">{count} repl{"ies" if count != 1 else "y"}'
            "</span>"
        )
    if comment.is_new:
        parts.append(f'<b style="color:{palette.new};">new</b>')
    if comment.removed:
        parts.append(f'<span style="color:{palette.removed};">removed</span>')
    if comment.vanished:
        parts.append(f'<span style="color:{palette.removed};">not in the latest dump</span>')
    if comment.revisions > 1:
        parts.append(_revisions_link(comment.id, comment.revision, palette))
    head = " &middot; ".join(parts)
    return f'<p style="{style} margin-top:{HEAD_MARGIN_TOP}px;">{head}</p>'


def _paragraphs(
    text: str, marks: Sequence[Mark], palette: ThreadPalette, style: str
) -> Iterable[str]:
    for start, end in paragraph_spans(text):
        inner = render_text(text, marks, palette, start, end)
        piece = text[start:end]
        if bidi.has_controls(piece):
            # each paragraph is its own block (so its own bidi paragraph in Qt); isolating it
            # and closing what it leaves open keeps its controls out of any line after them
            inner = f"{bidi.FSI}{inner}{bidi.closers(piece)}{bidi.PDI}"
        yield f'<p dir="auto" style="{style}">{inner}</p>'


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the paragraphs of ``text`` (split at blank lines), trimmed of surrounding
    white space; blank ones are dropped."""
    spans = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append(_trimmed(text, position, match.start()))
        position = match.end()
    spans.append(_trimmed(text, position, len(text)))
    return [(start, end) for start, end in spans if end > start]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def render_text(
    text: str,
    marks: Sequence[Mark] = (),
    palette: ThreadPalette = LIGHT,
    start: int = 0,
    end: int | None = None,
) -> str:
    """``text[start:end]`` as escaped inline HTML: line breaks kept, links made, marks drawn.

    Offsets in ``marks`` are relative to the whole ``text``; marks outside the range are ignored.
    """
    end = len(text) if end is None else end
    piece = text[start:end]
    if not marks and "://" not in piece:
        return _esc_lines(piece)
    links = [
        (start + m.start(), start + m.start() + len(_trim_url(m.group())), _trim_url(m.group()))
        for m in _URL.finditer(piece)
    ]
    active = [m for m in marks if m.end > start and m.start < end and m.end > m.start]
    cuts = {start, end}
    for mark in active:
        cuts.update((max(mark.start, start), min(mark.end, end)))
    for link_start, link_end, _ in links:
        cuts.update((link_start, link_end))
    bounds = sorted(cuts)
    link_starts = {s for s, _, _ in links}
    out: list[str] = []
    for left, right in itertools.pairwise(bounds):
        segment = _esc_lines(text[left:right])
        covering = [m for m in active if m.start <= left and m.end >= right]
        if covering:
            segment = _marked(segment, covering[-1], palette)
        link = next((u for s, e, u in links if s <= left and e >= right), None)
        if link is not None:
            segment = _linked(segment, link, palette, first=left in link_starts)
        out.append(segment)
    return "".join(out)


def _marked(segment: str, mark: Mark, palette: ThreadPalette) -> str:
    if mark.kind == "hit":
        return (
            f'<span style="background-color:{palette.hit_bg}; color:{palette.hit_fg};">'
            f"{segment}</span>"
        )
    colour = palette.highlights.get(mark.colour, palette.hit_bg)
    return f'<span style="background-color:{colour};">{segment}</span>'


def _linked(segment: str, url: str, palette: ThreadPalette, *, first: bool) -> str:
    href = html.escape(url, quote=True)
    anchor = f'<a href="{href}" style="color:{palette.link};">{segment}</a>'
    if first and _IMAGE_SUFFIX.search(url):
        # Never an <img>: the reading pane is offline, so a picture is only named.
        return f'<span style="color:{palette.muted};">[image] </span>{anchor}'
    return anchor


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _esc(text: str) -> str:
    """A title or heading: escaped, and isolated if it carries bidi controls."""
    escaped = html.escape(text, quote=False)
    if bidi.has_controls(text):
        escaped = bidi.FSI + bidi.marked(escaped, _BIDI_MARK) + bidi.closers(text) + bidi.PDI
    return escaped


_BIDI_MARK = '<span style="color:#b03a2e; font-size:small;">[{name}]</span>'


def _esc_lines(text: str) -> str:
    escaped = html.escape(text, quote=False)
    if bidi.has_controls(text):  # where the dump carried an override, say so visibly
        escaped = bidi.marked(escaped, _BIDI_MARK)
    return escaped.replace("\n", "<br />")


def term_marks(text: str, terms: Iterable[str]) -> list[Mark]:
    """Marks for every word of ``text`` starting with one of ``terms`` (case-insensitive).

    Prefix matching covers what a stemming index reports ("probat" marks "probation").
    """
    words = sorted({t.strip().casefold() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    return [Mark(m.start(), m.end()) for m in pattern.finditer(text)]


def thread_term_marks(post: Post, terms: Iterable[str]) -> dict[str, list[Mark]]:
    """``term_marks`` for the body and every comment, by item id (items without any left out)."""
    terms = list(terms)
    found: dict[str, list[Mark]] = {}
    if not terms:
        return found
    for item_id, text in [(post.id, post.body)] + [(c.id, c.text) for c in post.walk_comments()]:
        item_marks = term_marks(text, terms)
        if item_marks:
            found[item_id] = item_marks
    return found
