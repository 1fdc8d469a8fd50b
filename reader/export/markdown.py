"""A thread's document as CommonMark: for pasting into a ticket, a wiki or an email.

A writer only: what is printed comes from ``reader.render.document``, as for the pane and the
HTML and PDF exports.

Why these choices: replies nest as block quotes (one ``>`` per level) because every Markdown
renderer shows those, and they read well as plain text too.  Highlights are ``==passage==``
followed by ``[n]``; the notes list repeats the colour.  Dump text is backslash-escaped so that
a ``*`` or ``#`` in a comment never turns into formatting, and ``<`` never into HTML.
Bidirectional controls are marked (``[RLO]``) and each paragraph or line holding them is
isolated with Unicode isolates, what it left open closed (``reader.bidi``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader import bidi
from reader.export.cover import cover_rows
from reader.export.options import ExportOptions
from reader.render.document import Block, Note, Span, ThreadDocument

_INLINE = re.compile(r"([\\`*_\[\]<>|~])|(==)|(&(?=#?[A-Za-z0-9]+;))")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)
QUOTE_LIMIT = 280
CODE_FACTS = frozenset({"Source", "Source path", "Post id"})


def escape(text: str, *, isolated: bool = True) -> str:
    """``text`` as literal Markdown: every character that could start markup is escaped, and
    bidi controls are marked and (``isolated``) kept inside it (``reader.bidi``)."""
    text = bidi.shown(text) if isolated else bidi.marked(text)

    def inline(match: re.Match[str]) -> str:
        if match.group(2):
            return r"=\="
        return "\\" + match.group()

    text = _INLINE.sub(inline, text)
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\" + m.group(2)[-1]), text)


def _code(text: str) -> str:
    """A file name or id as a code span (no escapes to read), if it holds no backtick."""
    return f"`{text}`" if "`" not in text and "\n" not in text else escape(text)


def _fact(label: str, value: str) -> str:
    """A cover value: file names and ids as code (nothing to unescape), the rest as text."""
    return _code(value) if label in CODE_FACTS else escape(value)


def _spans(spans: Sequence[Span]) -> str:
    """One paragraph; isolated as a whole (a highlight inside it does not cut an override
    short, as it does not in the reading pane)."""
    parts = []
    for span in spans:
        body = escape(span.text, isolated=False)
        if span.colour is not None and span.text.strip():
            lead = body[: len(body) - len(body.lstrip())]
            trail = body[len(body.rstrip()) :]
            body = f"{lead}=={body.strip()}=={trail}"
        parts.append(body + "".join(f"\\[{n}\\]" for n in span.notes))
    # A single newline inside a paragraph is a hard line break: two spaces before it.
    text = "".join(parts)
    whole = "".join(span.text for span in spans)
    return bidi.isolate_written(text, whole).replace("\n", "  \n")


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > QUOTE_LIMIT:
        text = text[: QUOTE_LIMIT - 1].rstrip() + "…"
    return f"“{escape(text)}”"


def note_line(note: Note, *, with_place: bool) -> str:
    place = ""
    if with_place:
        place = "post: " if note.where == "post" else f"comment {note.where}: "
    quote = _quote(note.quote) if note.quote else ""
    if quote and not note.anchored:
        quote += " (passage no longer found in the text)"
    elif quote and note.annotation.state == "moved":
        quote += " (the passage has changed since)"
    colour = f" ({note.colour})" if note.anchored else ""
    text = f" — {escape(' '.join(note.text.split()))}" if note.text.strip() else ""
    return f"- **\\[{note.number}\\]**{colour} {place}{quote}{text}"


def _head(item: Block) -> str:
    bits = ["**Post**" if item.kind == "post" else f"**{item.path}**"]
    bits.extend(escape(field) for field in item.heading_fields())
    if item.removed:
        bits.append("*removed*")
    if item.vanished:
        bits.append("*no longer in the latest dump*")
    if item.revisions_label:
        bits.append(f"*{item.revisions_label}*")
    for bookmark in item.bookmarks:
        bits.append("★ bookmarked" + (f": {escape(bookmark.label)}" if bookmark.label else ""))
    if item.context:
        bits.append("(context)")
    return " · ".join(bits)


def _item(item: Block, *, endnotes: bool) -> list[str]:
    blocks = [_head(item)]
    for paragraph in item.paragraphs:
        if paragraph.spans:
            text = _spans(paragraph.spans)
            blocks.append(f"*{text}*" if item.removed and text.strip() else text)
    if item.notes and not endnotes:
        blocks.append("\n".join(note_line(note, with_place=False) for note in item.notes))
    if item.omitted_replies:
        n = item.omitted_replies
        blocks.append(f"… {n} {'reply' if n == 1 else 'replies'} without annotations not shown")
    return blocks


def _quoted(blocks: list[str], depth: int) -> str:
    """Blocks joined by blank lines, each line prefixed with one ``>`` per reply level."""
    text = "\n\n".join(blocks)
    if depth == 0:
        return text
    prefix = "> " * depth
    return "\n".join((prefix + line).rstrip() for line in text.split("\n"))


def render_markdown(document: ThreadDocument, options: ExportOptions | None = None) -> str:
    """The whole document, ending with a newline."""
    options = options or ExportOptions()
    endnotes = options.endnotes
    rows = cover_rows(document, options)
    out = [
        f"# {escape(document.title)}",
        "\n".join(f"- {label}: {_fact(label, value)}" for label, value in rows),
    ]
    if options.wants_summary(len(document.notes)):
        out.append("## Annotations")
        out.append("\n".join(note_line(note, with_place=True) for note in document.notes))
    out.append(_quoted(_item(document.body, endnotes=endnotes), 0))
    comments = document.comments
    if comments:
        out.append("## Comments")
        for index, item in enumerate(comments):
            if item.depth == 0 and index:
                out.append("---")
            out.append(_quoted(_item(item, endnotes=endnotes), item.depth))
    if endnotes and document.notes:
        out.append("## Notes")
        out.append("\n".join(note_line(note, with_place=True) for note in document.notes))
    return "\n\n".join(part for part in out if part) + "\n"
