"""The reading pane's writer: a ``ThreadDocument`` as the HTML subset Qt's rich text shows.

Only this module knows the pane's markup; what is shown (paragraphs, links, dates, numbering,
which characters a highlight covers) comes from ``reader.render.document``, the model every
export writes from too.  The HTML stays inside what ``QTextBrowser`` understands (``<p>``,
``<h2>``, ``<a>``, ``<span>`` with inline ``style``).  Pure and Qt-free: testable without a
display.

Safety rules this module guarantees, and tests check:

* dump text is always escaped: a comment saying ``<img src=...>`` shows those characters;
* the only markup comes from here: paragraphs, links made from ``http(s)`` addresses in the
  text, and marks; no ``<img>`` is ever emitted, so nothing can be fetched: an address that
  looks like an image becomes a placeholder naming it;
* bidirectional controls in archive text stay inside the paragraph or heading that carries
  them (``reader.bidi``: the piece isolated, what it left open closed, each control marked
  visibly), so an unclosed right-to-left override never reverses the comments after it;
* an item whose text changed between dumps has its ``Block.revisions_label`` in its heading,
  linked as ``revisions:ITEM_ID`` (the window opens the revisions view from it);
* authors and times come from ``Block.byline``: the time in the reader's zone (the window
  passes a locale formatter), the time as the source wrote it in the ``title`` (hover); a
  status other than published is a mark in the heading, and unapproved, spam and deleted
  items are dimmed, or folded to their heading line with ``hide_dimmed``;
* the source's HTML formatting (``Block.formatting``: emphasis, code, quotes, links, image
  placeholders) is drawn as marks on the escaped text, never as the stored HTML itself;
* every block carries ``-qt-user-state: N`` where ``N`` indexes ``items`` (0 is the post),
  which lets the window map a click or a scroll position back to a comment without searching
  the document.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from reader import bidi, times
from reader.model import Post
from reader.render.document import (
    Block,
    Highlight,
    Span,
    ThreadDocument,
    build_document,
    is_image_address,
    spans_of,
)

INDENT_PX = 26
HEAD_MARGIN_TOP = 14
"""Space above each comment's heading line (the window re-creates it when it appends)."""
HEAD_MARGIN_BOTTOM = 4
"""Space between a heading line and its comment's first paragraph."""
FLAG = "\u2691"  # ⚑, in DejaVu Sans and every platform's UI font
MAX_INDENT_LEVELS = 10
REVISIONS_SCHEME = "revisions"
"""Links ``revisions:ITEM_ID`` in the pane open the item's revisions view."""


@dataclass(frozen=True, slots=True)
class ThreadPalette:
    """Colours of the document; the window passes one matching its theme."""

    text: str
    muted: str
    link: str
    new: str
    removed: str
    hit_line: str
    """Search hits are underlined in this colour: no background, so a hit can never be
    mistaken for a highlight of any colour, and a highlight under a hit stays visible."""
    flag: str
    """The bookmark flag in a heading."""
    rule: str
    """The thin rule between top-level comments and the current comment's left bar."""
    highlights: Mapping[str, str] = field(default_factory=dict)

    def with_highlights(self, colours: Mapping[str, str]) -> ThreadPalette:
        """This palette with the reader's own highlight colours (Preferences)."""
        return replace(self, highlights={**self.highlights, **colours})


LIGHT = ThreadPalette(
    text="#1d1d1f",
    muted="#6b6b70",
    link="#1a5fb4",
    new="#c0392b",
    removed="#8a8a8f",
    hit_line="#d4380d",
    flag="#c2410c",
    rule="#d0d0d6",
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
    hit_line="#ff9e57",
    flag="#ffab70",
    rule="#4a4a52",
    highlights={
        "yellow": "#6b5d12",
        "green": "#2f5a2a",
        "blue": "#23476e",
        "pink": "#6e2f4b",
        "orange": "#6e4620",
    },
)


class PaneHtml:
    """A thread's document written for the pane, block by block, on demand.

    ``items[n]`` is the id of the item whose blocks carry ``-qt-user-state: n``.  ``piece(n)``
    is item ``n``'s HTML and ``html`` all of them; pieces are written when first asked for, so
    the window can show the top of a 1,000-comment thread before the rest is even written.
    """

    def __init__(
        self,
        document: ThreadDocument,
        palette: ThreadPalette = LIGHT,
        line_height: int = 0,
        *,
        time_format: times.TimeFormat = times.default_format,
        hide_dimmed: bool = False,
    ) -> None:
        self.document = document
        self.palette = palette
        self.line_height = line_height  # percent of the font's line height; 0: Qt's own
        self._spacing = f" line-height:{line_height}%;" if line_height else ""
        self.time_format = time_format
        self.hide_dimmed = hide_dimmed
        self.items = document.items
        self._pieces: list[str | None] = [None] * len(document)

    def __len__(self) -> int:
        return len(self.items)

    def index_of(self, item_id: str) -> int:
        """The user state of ``item_id``'s blocks, or -1."""
        return self.document.index_of(item_id)

    def indent(self, n: int) -> int:
        """Item ``n``'s left margin in pixels (replies are indented under their parent)."""
        return INDENT_PX * min(self.document.depths[n], MAX_INDENT_LEVELS)

    def size(self, n: int) -> int:
        """Roughly how much text item ``n`` holds, for cutting the document into chunks."""
        return len(self.document.text_of(n))

    def piece(self, n: int) -> str:
        cached = self._pieces[n]
        if cached is None:
            block = self.document.block(n)
            if n == 0:
                cached = _post_piece(
                    self.document, block, self.palette, self._spacing, self.time_format
                )
            else:
                cached = _comment_piece(
                    block,
                    self.indent(n),
                    self.palette,
                    self._spacing,
                    self.time_format,
                    self.hide_dimmed,
                )
            self._pieces[n] = cached
        return cached

    def pieces(self, start: int = 0, end: int | None = None) -> str:
        end = len(self.items) if end is None else end
        return "\n".join(self.piece(n) for n in range(start, end))

    @property
    def html(self) -> str:
        return self.pieces()


def render_thread(
    post: Post,
    *,
    marks: Mapping[str, Sequence[Highlight]] | None = None,
    hits: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    palette: ThreadPalette = LIGHT,
) -> PaneHtml:
    """``post`` for the pane, with already placed highlights (``marks``, oldest first) and
    search ``hits`` by item id: a shorthand for tests and benchmarks; the window builds the
    document with the reader's annotations (``build_document``)."""
    document = build_document(post, hits=hits)
    for item_id, found in (marks or {}).items():
        n = document.index_of(item_id)
        if n >= 0:
            document.block(n).highlights = list(found)
    return PaneHtml(document, palette)


def _post_piece(
    document: ThreadDocument,
    block: Block,
    palette: ThreadPalette,
    spacing: str = "",
    time_format: times.TimeFormat = times.default_format,
) -> str:
    title = _esc(document.post.title)
    facts = _esc(document.date_text)
    facts += "".join(f" &middot; {part}" for part in _byline(block, palette, time_format))
    if block.status_label:
        facts += f" &middot; {_status_mark(block, palette)}"
    facts += f" &middot; {_esc(document.count_text)}"
    if block.revisions_label:
        facts += " &middot; " + _revisions_link(block, palette)
    if block.bookmarked:
        facts += " &middot; " + _flag(block, palette)
    out = [
        f'<h2 style="-qt-user-state:0;"><a name="{block.id}"></a>{title}</h2>',
        f'<p style="-qt-user-state:0; color:{palette.muted};">{facts}</p>',
    ]
    if document.post.comments_only:
        out.append(
            f'<p style="-qt-user-state:0; color:{palette.muted}; font-style:italic;">'
            "Only the comments are in this library: import the blog's backup and the post"
            " takes this place, its comments kept.</p>"
        )
    out.extend(_paragraphs(block, palette, f"-qt-user-state:0;{spacing}"))
    return "\n".join(out)


def _comment_piece(
    block: Block,
    indent: int,
    palette: ThreadPalette,
    spacing: str = "",
    time_format: times.TimeFormat = times.default_format,
    hide_dimmed: bool = False,
) -> str:
    style = f"-qt-user-state:{block.index}; margin-left:{indent}px;"
    out = [_comment_head(block, style, palette, time_format, folded=hide_dimmed)]
    if hide_dimmed and block.dimmed:
        return out[0]  # folded to its heading: the text is one menu command away
    style += spacing
    if block.removed:
        style += f" color:{palette.removed}; font-style:italic;"
    elif block.dimmed:
        style += f" color:{palette.removed};"
    out.extend(_paragraphs(block, palette, style))
    return "\n".join(out)


def _flag(block: Block, palette: ThreadPalette) -> str:
    """The bookmark flag: ⚑ and "Bookmarked" (or the bookmark's label)."""
    label = next((b.label for b in block.bookmarks if b.label), "") or "Bookmarked"
    return f'<span style="color:{palette.flag}; font-weight:600;">{FLAG} {_esc(label)}</span>'


def _byline(block: Block, palette: ThreadPalette, time_format: times.TimeFormat) -> list[str]:
    """The author (bold) and the time (hover: as the source wrote it), as heading parts."""
    line = block.byline(time_format)
    parts = []
    if line.author:
        parts.append(f"<b>{_esc(line.author)}</b>")
    if line.time:
        title = html.escape(line.original, quote=True)
        parts.append(
            f'<span title="{title}" style="color:{palette.muted};">{_esc(line.time)}</span>'
        )
    return parts


def _status_mark(block: Block, palette: ThreadPalette) -> str:
    return f'<span style="color:{palette.removed};">[{_esc(block.status_label)}]</span>'


def _comment_head(
    block: Block,
    style: str,
    palette: ThreadPalette,
    time_format: times.TimeFormat = times.default_format,
    *,
    folded: bool = False,
) -> str:
    """One compact line in small type: the number, author and time, status, replies, marks
    and the bookmark flag."""
    parts = [f'<a name="{block.id}"></a><b>{block.path}</b>']
    parts.extend(_byline(block, palette, time_format))
    if block.status_label:
        parts.append(_status_mark(block, palette))
    if folded and block.dimmed:
        parts.append(f'<span style="color:{palette.muted};">hidden</span>')
    if block.replies:
        count = block.replies
        parts.append(
            f'<span style="color:{palette.muted};">{count} repl{"ies" if count != 1 else "y"}'
            "</span>"
        )
    if block.is_new:
        parts.append(f'<b style="color:{palette.new};">new</b>')
    if block.removed:
        parts.append(f'<span style="color:{palette.removed};">removed</span>')
    if block.vanished:
        parts.append(f'<span style="color:{palette.removed};">not in the latest dump</span>')
    if block.revisions_label:
        parts.append(_revisions_link(block, palette))
    if block.bookmarked:
        parts.append(_flag(block, palette))
    head = " &middot; ".join(parts)
    return (
        f'<p style="{style} margin-top:{HEAD_MARGIN_TOP}px; margin-bottom:{HEAD_MARGIN_BOTTOM}px;'
        f' font-size:small;">{head}</p>'
    )


def _revisions_link(block: Block, palette: ThreadPalette) -> str:
    return (
        f'<a href="{REVISIONS_SCHEME}:{block.id}" style="color:{palette.link};">'
        f"{block.revisions_label}</a>"
    )


def _paragraph(style: str, inner: str, raw: str) -> str:
    """One paragraph; isolated when its text carries bidi controls.  Each paragraph is its own
    block, so its own bidi paragraph in Qt; isolating it and closing what it leaves open
    keeps its controls out of any line after them (a highlight inside does not cut it up)."""
    return f'<p dir="auto" style="{style}">{bidi.isolate_written(inner, raw)}</p>'


def _paragraphs(block: Block, palette: ThreadPalette, style: str) -> list[str]:
    plain = block.plain_paragraphs()
    if plain is not None:  # nothing marked (most items)
        return [_paragraph(style, _esc_lines(text), text) for text in plain]
    out = []
    text = block.text
    for paragraph in block.paragraphs:
        spans = paragraph.spans
        if (
            len(spans) == 1
            and spans[0].colour is None
            and not spans[0].hit
            and not spans[0].link
            and not spans[0].styles
        ):
            inner = _esc_lines(spans[0].text)  # most paragraphs: plain text
        elif paragraph.end > paragraph.start:
            inner = write_spans(spans, palette)
        else:
            continue
        out.append(_paragraph(style, inner, text[paragraph.start : paragraph.end]))
    return out


def write_spans(spans: Sequence[Span], palette: ThreadPalette = LIGHT) -> str:
    """Spans as escaped inline HTML: line breaks kept, links made, marks drawn (a search hit
    underlined, over any highlight).  Note numbers are not shown in the pane."""
    out: list[str] = []
    for span in spans:
        if not span.text:
            continue
        segment = _esc_lines(span.text)
        if span.styles:
            segment = _styled(segment, span.styles, palette)
        if span.colour is not None:
            colour = palette.highlights.get(span.colour) or LIGHT.highlights["yellow"]
            segment = f'<span style="background-color:{colour};">{segment}</span>'
        if span.hit:  # an underline, never a background: see ``ThreadPalette.hit_line``
            segment = (
                '<span style="font-weight:600; text-decoration:underline;'
                f' text-decoration-color:{palette.hit_line};">{segment}</span>'
            )
        if span.link is not None:
            segment = _linked(segment, span.link, palette, first=span.link_start)
        out.append(segment)
    return "".join(out)


def render_text(
    text: str,
    highlights: Sequence[Highlight] = (),
    hits: Sequence[tuple[int, int]] = (),
    palette: ThreadPalette = LIGHT,
) -> str:
    """All of ``text`` as one run of inline HTML, as a paragraph is written: for tests of
    links and marks."""
    return write_spans(spans_of(text, 0, len(text), highlights, hits), palette)


_STYLE_TAGS = {"strong": ("<b>", "</b>"), "em": ("<i>", "</i>"), "struck": ("<s>", "</s>")}


def _styled(segment: str, styles: Sequence[str], palette: ThreadPalette) -> str:
    """The source's formatting on an escaped segment, in the markup Qt's rich text shows."""
    for style in styles:
        if style in _STYLE_TAGS:
            start, end = _STYLE_TAGS[style]
            segment = f"{start}{segment}{end}"
        elif style == "code":
            segment = f'<span style="font-family:monospace;">{segment}</span>'
        elif style == "quote":
            segment = f'<span style="color:{palette.muted}; font-style:italic;">{segment}</span>'
        elif style == "image":  # a placeholder, never the picture: the pane fetches nothing
            segment = f'<span style="color:{palette.muted};">{segment}</span>'
    return segment


def _linked(segment: str, url: str, palette: ThreadPalette, *, first: bool) -> str:
    href = html.escape(url, quote=True)
    anchor = f'<a href="{href}" style="color:{palette.link};">{segment}</a>'
    if first and is_image_address(url) and "[image" not in segment:
        # Never an <img>: the reading pane is offline, so a picture is only named.
        return f'<span style="color:{palette.muted};">[image] </span>{anchor}'
    return anchor


_BIDI_MARK = '<span style="color:#b03a2e; font-size:small;">[{name}]</span>'
"""Where the dump carried a bidi control: said visibly, before the (kept) control."""


def _esc(text: str) -> str:
    """A title or heading: escaped, and isolated if it carries bidi controls."""
    escaped = html.escape(text, quote=False)
    if bidi.has_controls(text):
        escaped = bidi.isolate_written(bidi.marked(escaped, _BIDI_MARK), text)
    return escaped


def _esc_lines(text: str) -> str:
    escaped = html.escape(text, quote=False)
    if bidi.has_controls(text):  # where the dump carried an override, say so visibly
        escaped = bidi.marked(escaped, _BIDI_MARK)
    return escaped.replace("\n", "<br />")
