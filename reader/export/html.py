"""A thread's document as one self-contained HTML file: the HTML export and the PDF's source.

A writer only: what is printed (paragraphs, dates, numbering, which characters a highlight
covers) is decided by ``reader.render.document``, the model the reading pane is written from
too.  Why pure: the same HTML is saved as the HTML export and handed to Qt's ``QTextDocument``
by ``reader.export.pdf``, so both show the same numbers, highlights and notes.  Two flavours
differ only in CSS: ``"browser"`` draws the reply rules with ``border-left``; ``"qt"`` keeps to
the subset QTextDocument understands (the PDF writer draws the rules itself).

Dump text is always escaped, never interpreted: a ``<b>`` in a comment prints as ``<b>``, and
links stay plain text.  Nothing refers to anything outside the file (no fonts, images, scripts).
Bidirectional controls stay inside the piece of archive text that carries them (``reader.bidi``):
each paragraph, heading, note and label is isolated (``dir="auto"``, ``<bdi>`` and Unicode
isolates for Qt, which knows no ``<bdi>``), what it left open is closed, and each control is
marked visibly (``[RLO]``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Literal

from reader import __version__, bidi
from reader.export.options import ExportOptions
from reader.render.document import Block, Note, Span, ThreadDocument

Flavour = Literal["browser", "qt"]

HIGHLIGHT_RGB: dict[str, str] = {
    "yellow": "#fff176",
    "green": "#c5e1a5",
    "blue": "#b3e5fc",
    "pink": "#f8bbd0",
    "orange": "#ffcc80",
}
"""Highlight backgrounds by colour name (``reader.model.COLOURS``); unknown names get yellow."""

INDENT_PX = 22
"""How far each reply level is indented; the PDF writer derives reply depth from it."""

RULE_COLOUR = "#b0b0b0"
KEEP_WITH_NEXT = "keep-with-next"
"""Anchor name on headings (Qt flavour) that must not end a page."""
QUOTE_LIMIT = 280

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_COMMON_CSS = """
body { font-family: 'DejaVu Serif', Georgia, 'Times New Roman', serif; font-size: %(size)spt;
       color: #111; }
h1 { font-size: 17pt; margin: 0 0 6px 0; }
h2 { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 12pt; margin: 18px 0 4px 0; }
p { margin: 0 0 6px 0; }
table.meta { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8.5pt; color: #333;
             margin-bottom: 10px; }
table.meta th { text-align: left; font-weight: bold; padding-right: 12px; }
.head { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8.5pt; color: #555;
        margin: 0 0 3px 0; }
.num { font-weight: bold; color: #000; font-size: 9.5pt; }
.flag { color: #a33; font-weight: bold; }
.bookmark { color: #8a5a00; font-weight: bold; }
.context { color: #777; }
.removed { color: #666; font-style: italic; }
.comment { margin-top: 10px; }
.top { margin-top: 18px; }
.note { font-size: 9pt; margin: 0 0 4px 14px; }
.notes { margin-top: 4px; }
.mark { font-family: 'DejaVu Sans', Arial, sans-serif; font-weight: bold; color: #444; }
.missing { font-family: 'DejaVu Sans Mono', monospace; color: #777; }
.omitted { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8.5pt; color: #777; }
.bidi { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 7pt; color: #a33; }
"""

_BROWSER_CSS = """
body { max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
.replies { margin-left: 10px; padding-left: 11px; border-left: 1px solid %(rule)s; }
.mark { font-size: 65%%; line-height: 0; }
@media print { body { margin: 0; max-width: none; } }
"""

_QT_CSS = """
.replies { margin-left: %(indent)spx; }
"""


def colour_rgb(name: str) -> str:
    """The background for a highlight colour name (yellow for names this version lacks)."""
    return HIGHLIGHT_RGB.get(name, HIGHLIGHT_RGB["yellow"])


class _Writer:
    """Escapes dump text once, in one place, optionally marking characters no font can draw."""

    def __init__(self, missing: Iterable[str] = (), flavour: Flavour = "browser") -> None:
        # For Qt an empty named anchor flags headings the PDF writer keeps with what follows.
        self.keep = f'<a name="{KEEP_WITH_NEXT}"></a>' if flavour == "qt" else ""
        chars = sorted(set(missing) - set(bidi.NAMES))  # bidi controls get their own marker
        self._missing = re.compile("|".join(re.escape(c) for c in chars)) if chars else None

    def text(self, value: str, *, isolated: bool = True) -> str:
        """Archive text as HTML: escaped, unprintable characters marked, and bidi controls
        kept inside it (``reader.bidi``): each marked visibly, the whole piece (``isolated``)
        isolated with what it left open closed."""
        value = _CONTROL.sub("\ufffd", value)
        escaped = html.escape(value, quote=False)
        if self._missing is not None:
            escaped = self._missing.sub(
                lambda m: f'<span class="missing">[U+{ord(m.group()):04X}]</span>', escaped
            )
        if bidi.has_controls(value):
            escaped = bidi.marked(escaped, _BIDI_MARK)
            if isolated:
                escaped = isolate_html(escaped, value)
        return escaped.replace("\n", "<br>\n")

    def attr(self, value: str) -> str:
        return html.escape(_CONTROL.sub("\ufffd", value), quote=True)


_BIDI_MARK = '<span class="bidi">[{name}]</span>'


def isolate_html(escaped: str, raw: str) -> str:
    """``<bdi>`` for browsers, Unicode isolates for Qt, and what ``raw`` left open closed."""
    return f"<bdi>{bidi.FSI}{escaped}{bidi.closers(raw)}{bidi.PDI}</bdi>"


def _mark(number: int) -> str:
    return f'<sup class="mark">[{number}]</sup>'


_STYLE_TAGS = {"strong": "b", "em": "i", "code": "code", "struck": "s", "quote": "i"}


def _spans(w: _Writer, spans: Sequence[Span]) -> str:
    """A paragraph: highlights in their colour, note numbers after their passage; web
    addresses stay text (the file refers to nothing outside it).  Isolated as a whole when
    it carries bidi controls (a highlight inside it does not cut an override short, as it
    does not in the reading pane)."""
    parts = []
    for span in spans:
        body = w.text(span.text, isolated=False)
        for style in span.styles:  # the source's formatting (links stay text)
            if style in _STYLE_TAGS:
                body = f"<{_STYLE_TAGS[style]}>{body}</{_STYLE_TAGS[style]}>"
        if span.colour is not None and span.text:
            body = f'<span style="background-color:{colour_rgb(span.colour)}">{body}</span>'
        parts.append(body + "".join(_mark(n) for n in span.notes))
    text = "".join(parts)
    whole = "".join(span.text for span in spans)
    return isolate_html(text, whole) if bidi.has_controls(whole) else text


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{text}”"


def note_html(w: _Writer, note: Note, *, with_place: bool) -> str:
    """One note: number, (where), the quoted passage in its colour, the user's text."""
    place = ""
    if with_place:
        place = "post: " if note.where == "post" else f"comment {w.text(note.where)}: "
    quote = w.text(_quote(note.quote)) if note.quote else ""
    if quote:
        if note.anchored:
            quote = f'<span style="background-color:{colour_rgb(note.colour)}">{quote}</span>'
            if note.annotation.state == "moved":
                quote += ' <span class="flag">(the passage has changed since)</span>'
        else:
            quote += ' <span class="flag">(passage no longer found in the text)</span>'
    text = f" — {w.text(note.text.strip())}" if note.text.strip() else ""
    return (
        f'<p class="note" dir="auto" id="note-{note.number}"><b>[{note.number}]</b> {place}{quote}'
        f"{text}</p>"
    )


def _notes_block(w: _Writer, notes: Sequence[Note], *, with_place: bool) -> str:
    if not notes:
        return ""
    inner = "\n".join(note_html(w, note, with_place=with_place) for note in notes)
    return f'<div class="notes">\n{inner}\n</div>'


def _item_head(w: _Writer, item: Block) -> str:
    bits: list[str] = []
    if item.kind == "post":
        bits.append('<span class="num">Post</span>')
    else:
        bits.append(f'<span class="num">{w.text(item.path)}</span>')
    bits.extend(w.text(field) for field in item.heading_fields())
    if item.removed:
        bits.append('<span class="flag">removed</span>')
    if item.vanished:
        bits.append('<span class="flag">no longer in the latest dump</span>')
    if item.revisions_label:
        bits.append(f'<span class="flag">{item.revisions_label}</span>')
    for bookmark in item.bookmarks:
        label = f": {w.text(bookmark.label)}" if bookmark.label else ""
        bits.append(f'<span class="bookmark">★ bookmarked{label}</span>')
    if item.context:
        bits.append('<span class="context">(context)</span>')
    return f'<p class="head">{w.keep}{" · ".join(bits)}</p>'


def _item_body(w: _Writer, item: Block, *, endnotes: bool) -> str:
    css = ' class="removed"' if item.removed else ""
    paragraphs = [
        f'<p dir="auto"{css}>{_spans(w, p.spans)}</p>' for p in item.paragraphs if p.spans
    ]
    out = [_item_head(w, item), *paragraphs]
    if not endnotes:
        out.append(_notes_block(w, item.notes, with_place=False))
    if item.omitted_replies:
        n = item.omitted_replies
        replies = "reply" if n == 1 else "replies"
        out.append(f'<p class="omitted">… {n} {replies} without annotations not shown</p>')
    return "\n".join(part for part in out if part)


def _meta_rows(w: _Writer, document: ThreadDocument, options: ExportOptions) -> str:
    post = document.post
    shown = f"{document.comments_total}"
    if document.annotated_only:
        shown += (
            f" (this export shows {document.comments_shown}: the annotated and bookmarked ones"
            " with their parents)"
        )
    rows = [
        ("Posted", document.date_text),
        ("Source", post.source or "unknown"),
        ("Exported", options.export_time().strftime("%Y-%m-%d %H:%M %z").strip()),
        ("Comments", shown),
        ("Annotations", str(document.annotations_total)),
        ("Bookmarks", str(document.bookmarks_total)),
        ("Post id", post.id),
    ]
    return "\n".join(f"<tr><th>{k}</th><td>{w.text(v)}</td></tr>" for k, v in rows)


def render_html(
    document: ThreadDocument,
    options: ExportOptions | None = None,
    *,
    flavour: Flavour = "browser",
    missing: Iterable[str] = (),
) -> str:
    """The whole document.  ``missing``: characters to print as ``[U+XXXX]`` because no
    installed font can draw them (the PDF writer finds them; browsers bring their own fonts)."""
    options = options or ExportOptions()
    w = _Writer(missing, flavour)
    endnotes = options.endnotes
    body = _item_body(w, document.body, endnotes=endnotes)
    css = _COMMON_CSS % {"size": f"{options.font_size_pt:g}"}
    if flavour == "browser":
        css += _BROWSER_CSS % {"rule": RULE_COLOUR}
    else:
        css += _QT_CSS % {"indent": INDENT_PX}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta name="generator" content="Archive Reader {__version__}">',
        f"<title>{w.text(document.title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        f"<h1>{w.text(document.title)}</h1>",
        f'<table class="meta">\n{_meta_rows(w, document, options)}\n</table>',
        f'<div class="post" id="post">\n{body}\n</div>',
    ]
    comments = document.comments
    if comments:
        out.append(f"<h2>{w.keep}Comments</h2>")
    out.extend(_comment_tree(w, comments, endnotes=endnotes))
    if endnotes and document.notes:
        out.append(f"<h2>{w.keep}Notes</h2>")
        out.append(_notes_block(w, document.notes, with_place=True))
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _comment_tree(w: _Writer, items: list[Block], *, endnotes: bool) -> list[str]:
    """Nested ``div.comment`` / ``div.replies`` from the flat depth-first list.

    Depth rises by at most one from an item to the next (depth-first order), so a deeper item
    opens a ``replies`` wrapper inside the previous comment; a shallower one closes as many
    comment/wrapper pairs as levels it climbs.
    """
    out: list[str] = []
    previous: Block | None = None
    for item in items:
        if previous is not None:
            if item.depth > previous.depth:
                out.append('<div class="replies">')
            else:
                out.append("</div>")
                out.extend(["</div></div>"] * (previous.depth - item.depth))
        anchor = "c-" + item.path.replace(".", "-")
        css = "comment top" if item.depth == 0 else "comment"
        out.append(f'<div class="{css}" id="{w.attr(anchor)}">')
        out.append(_item_body(w, item, endnotes=endnotes))
        previous = item
    if previous is not None:
        out.append("</div>")
        out.extend(["</div></div>"] * previous.depth)
    return out
