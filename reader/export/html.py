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
from reader.export.cover import cover_rows
from reader.export.options import ExportOptions
from reader.render.document import Block, Note, Span, ThreadDocument
from reader.settings import css_families

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
KEEP_STATE = 1
"""Block user state (Qt flavour, ``-qt-user-state``) of headings that must not end a page."""
PLACE_STATE = 2
"""Block user state of paragraphs holding a named place (a note marker, a summary page cell):
the PDF writer looks for anchors only in blocks with one of these states, because reading a
QTextFragment costs microseconds and a long thread has thousands of paragraphs."""
KEEP_PLACE_STATE = 3
"""Block user state of a heading that is kept with what follows and starts with a named place:
the post's and each top-level comment's (``ITEM_ANCHOR``), the summary's.  A reply's heading
is ``KEEP_STATE`` without a name: the PDF points at nothing below a top-level comment, and
finding a name it does not want costs the same as finding one it does."""
ITEM_ANCHOR = "item-"
"""``item-<n>``: the heading of block ``n`` (0 the post) or of a top-level comment, where the
PDF outline points."""
MARK_ANCHOR = "m-"
"""``m-<n>``: note ``n``'s marker after its passage (its note, when the passage is gone)."""
PAGEREF_ANCHOR = "pageref-"
"""``pageref-<n>``: note ``n``'s summary paragraph; the PDF writer prints its page beside it."""
PAGEREF_WIDTH_PX = 64
"""The right margin of a summary paragraph (Qt flavour), where "page 12" is printed."""
SUMMARY_ANCHOR = "summary"
QUOTE_LIMIT = 280

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_COMMON_CSS = """
body { font-family: %(family)s; font-size: %(size)spt;
       color: #111; }
h1 { font-size: 17pt; margin: 0 0 6px 0; }
h2 { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 12pt; margin: 18px 0 4px 0; }
p { margin: 0 0 6px 0; }
table.meta { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8.5pt; color: #333;
             margin-bottom: 10px; }
table.meta th { text-align: left; font-weight: bold; padding-right: 12px; }
p.summary { font-size: 9pt; margin: 0 0 3px 0; }
div.summary { margin-bottom: 8px; }
.where { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8.5pt; color: #444; }
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
.top + .top { border-top: 1px solid %(rule)s; padding-top: 10px; }
table.meta { background: #f6f6f6; padding: 6px 10px; }
@media print { body { margin: 0; max-width: none; } }
"""

_QT_CSS = """
.replies { margin-left: %(indent)spx; }
p.summary { margin-right: %(pageref)spx; }
"""


def colour_rgb(name: str) -> str:
    """The background for a highlight colour name (yellow for names this version lacks)."""
    return HIGHLIGHT_RGB.get(name, HIGHLIGHT_RGB["yellow"])


class _Writer:
    """Escapes dump text once, in one place, optionally marking characters no font can draw."""

    def __init__(self, missing: Iterable[str] = (), flavour: Flavour = "browser") -> None:
        # For Qt an empty named anchor flags headings the PDF writer keeps with what follows.
        self.qt = flavour == "qt"
        self.keep = f' style="-qt-user-state:{KEEP_STATE}"' if self.qt else ""
        self.place = f' style="-qt-user-state:{PLACE_STATE}"' if self.qt else ""
        self.keep_place = f' style="-qt-user-state:{KEEP_PLACE_STATE}"' if self.qt else ""
        chars = sorted(set(missing) - set(bidi.NAMES))  # bidi controls get their own marker
        self._missing = re.compile("|".join(re.escape(c) for c in chars)) if chars else None

    def text(self, value: str, *, isolated: bool = True, controls: bool = True) -> str:
        """Archive text as HTML: escaped, unprintable characters marked, and bidi controls
        kept inside it (``reader.bidi``): each marked visibly, the whole piece (``isolated``)
        isolated with what it left open closed.  ``controls=False``: the caller knows the
        text holds no bidi controls (a paragraph checked as a whole) and it is not looked at
        again."""
        value = _CONTROL.sub("\ufffd", value)
        escaped = html.escape(value, quote=False)
        if self._missing is not None:
            escaped = self._missing.sub(
                lambda m: f'<span class="missing">[U+{ord(m.group()):04X}]</span>', escaped
            )
        if controls and bidi.has_controls(value):
            escaped = bidi.marked(escaped, _BIDI_MARK)
            if isolated:
                escaped = isolate_html(escaped, value)
        return escaped.replace("\n", "<br>\n")

    def attr(self, value: str) -> str:
        return html.escape(_CONTROL.sub("\ufffd", value), quote=True)

    def anchor(self, name: str) -> str:
        """A place the PDF writer finds after layout (Qt flavour; QTextDocument keeps no ids)."""
        return f'<a name="{name}"></a>' if self.qt else ""

    def mark(self, number: int) -> str:
        """A note number after its passage; the summary links to it."""
        if self.qt:
            return f'{self.anchor(f"{MARK_ANCHOR}{number}")}<sup class="mark">[{number}]</sup>'
        return f'<sup class="mark" id="{MARK_ANCHOR}{number}">[{number}]</sup>'


_BIDI_MARK = '<span class="bidi">[{name}]</span>'


def isolate_html(escaped: str, raw: str) -> str:
    """``<bdi>`` for browsers, Unicode isolates for Qt, and what ``raw`` left open closed."""
    return f"<bdi>{bidi.isolate_written(escaped, raw)}</bdi>"


_STYLE_TAGS = {"strong": "b", "em": "i", "code": "code", "struck": "s", "quote": "i"}


def _spans(w: _Writer, spans: Sequence[Span]) -> str:
    """A paragraph: highlights in their colour, note numbers after their passage; web
    addresses stay text (the file refers to nothing outside it).  Isolated as a whole when
    it carries bidi controls (a highlight inside it does not cut an override short, as it
    does not in the reading pane)."""
    whole = spans[0].text if len(spans) == 1 else "".join(span.text for span in spans)
    controls = bidi.has_controls(whole)  # once for the paragraph: most have none
    parts = []
    for span in spans:
        body = w.text(span.text, isolated=False, controls=controls)
        for style in span.styles:  # the source's formatting (links stay text)
            if style in _STYLE_TAGS:
                body = f"<{_STYLE_TAGS[style]}>{body}</{_STYLE_TAGS[style]}>"
        if span.colour is not None and span.text:
            body = f'<span style="background-color:{colour_rgb(span.colour)}">{body}</span>'
        parts.append(body + "".join(w.mark(n) for n in span.notes))
    text = "".join(parts)
    return isolate_html(text, whole) if controls else text


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{text}”"


def place_text(note: Note) -> str:
    """Where a note's passage is: ``post`` or ``comment 2.1``."""
    return "post" if note.where == "post" else f"comment {note.where}"


def _note_body(w: _Writer, note: Note) -> str:
    """The quoted passage in its colour (or why it is not marked), then the user's text."""
    quote = w.text(_quote(note.quote)) if note.quote else ""
    if quote:
        if note.anchored:
            quote = f'<span style="background-color:{colour_rgb(note.colour)}">{quote}</span>'
            if note.annotation.state == "moved":
                quote += ' <span class="flag">(the passage has changed since)</span>'
        else:
            quote += ' <span class="flag">(passage no longer found in the text)</span>'
    text = f" — {w.text(note.text.strip())}" if note.text.strip() else ""
    return quote + text


def note_html(w: _Writer, note: Note, *, with_place: bool) -> str:
    """One note: number, (where), the quoted passage in its colour, the user's text."""
    place = f"{w.text(place_text(note))}: " if with_place else ""
    anchor = "" if note.anchored else w.anchor(f"{MARK_ANCHOR}{note.number}")
    ident = f' id="note-{note.number}"' if not w.qt else (w.place if anchor else "")
    body = _note_body(w, note)
    return f'<p class="note" dir="auto"{ident}>{anchor}<b>[{note.number}]</b> {place}{body}</p>'


def summary_html(w: _Writer, notes: Sequence[Note]) -> str:
    """The annotation summary at the front: one paragraph per note with its quote, note and
    where it is — a link to the passage in a browser.  In a PDF each paragraph keeps a right
    margin where the PDF writer prints the passage's page after layout (and adds a link).

    Why paragraphs, not a table with a page column: QTextDocument lays tables out several times
    slower than paragraphs, and the page numbers are only known after layout anyway."""
    rows = []
    for note in notes:
        target = f"{MARK_ANCHOR}{note.number}" if note.anchored else f"note-{note.number}"
        where = w.text(place_text(note))
        if not w.qt:
            where = f'<a href="#{w.attr(target)}">{where}</a>'
        rows.append(
            f'<p class="summary" dir="auto"{w.place}>{w.anchor(f"{PAGEREF_ANCHOR}{note.number}")}'
            f'<b>[{note.number}]</b> <span class="where">{where}</span> {_note_body(w, note)}</p>'
        )
    return (
        f'<h2 id="{SUMMARY_ANCHOR}"{w.keep_place}>{w.anchor(SUMMARY_ANCHOR)}Annotations</h2>\n'
        f'<div class="summary">\n{chr(10).join(rows)}\n</div>'
    )


def _notes_block(w: _Writer, notes: Sequence[Note], *, with_place: bool) -> str:
    if not notes:
        return ""
    inner = "\n".join(note_html(w, note, with_place=with_place) for note in notes)
    return f'<div class="notes">\n{inner}\n</div>'


def _item_head(w: _Writer, item: Block) -> str:
    named = not item.depth  # the post or a top-level comment: the PDF outline points here
    bits: list[str] = [w.anchor(f"{ITEM_ANCHOR}{item.index}") if named else ""]
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
    return f'<p class="head"{w.keep_place if named else w.keep}>{bits[0]}{" · ".join(bits[1:])}</p>'


def _item_body(w: _Writer, item: Block, *, endnotes: bool) -> str:
    css = ' class="removed"' if item.removed else ""
    paragraphs = [
        f'<p dir="auto"{css}{w.place if any(span.notes for span in p.spans) else ""}>'
        f"{_spans(w, p.spans)}</p>"
        for p in item.paragraphs
        if p.spans
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
    return "\n".join(
        f"<tr><th>{k}</th><td>{w.text(v)}</td></tr>" for k, v in cover_rows(document, options)
    )


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
    family = css_families(options.font_family.replace("'", "").replace(";", ""))
    css = _COMMON_CSS % {"size": f"{options.font_size_pt:g}", "family": family}
    if flavour == "browser":
        css += _BROWSER_CSS % {"rule": RULE_COLOUR}
    else:
        css += _QT_CSS % {"indent": INDENT_PX, "pageref": PAGEREF_WIDTH_PX}
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
    ]
    if options.wants_summary(len(document.notes)):
        out.append(summary_html(w, document.notes))
    out.append(f'<div class="post" id="post">\n{body}\n</div>')
    comments = document.comments
    if comments:
        out.append(f"<h2{w.keep}>Comments</h2>")
    out.extend(_comment_tree(w, comments, endnotes=endnotes))
    if endnotes and document.notes:
        out.append(f"<h2{w.keep}>Notes</h2>")
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
