"""A thread layout as CommonMark: for pasting into a ticket, a wiki or an email.

Why these choices: replies nest as block quotes (one ``>`` per level) because every Markdown
renderer shows those, and they read well as plain text too.  Highlights are ``==passage==``
followed by ``[n]``; the notes list repeats the colour.  Dump text is backslash-escaped so that
a ``*`` or ``#`` in a comment never turns into formatting, and ``<`` never into HTML.
"""

from __future__ import annotations

import re

from reader import bidi
from reader.export.html import format_date
from reader.export.layout import Item, Note, Segment, ThreadLayout

_INLINE = re.compile(r"([\\`*_\[\]<>|~])|(==)|(&(?=#?[A-Za-z0-9]+;))")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)
QUOTE_LIMIT = 280


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


def _segments(segments: list[Segment]) -> str:
    """One paragraph; isolated as a whole (a highlight inside it does not cut an override
    short, as it does not in the reading pane)."""
    parts = []
    for seg in segments:
        body = escape(seg.text, isolated=False)
        if seg.colour is not None and seg.text.strip():
            lead = body[: len(body) - len(body.lstrip())]
            trail = body[len(body.rstrip()) :]
            body = f"{lead}=={body.strip()}=={trail}"
        parts.append(body + "".join(f"\\[{n}\\]" for n in seg.marks))
    # A single newline inside a paragraph is a hard line break: two spaces before it.
    text = "".join(parts)
    whole = "".join(seg.text for seg in segments)
    if bidi.has_controls(whole):
        text = bidi.FSI + text + bidi.closers(whole) + bidi.PDI
    return text.replace("\n", "  \n")


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


def _head(item: Item) -> str:
    bits = ["**Post**" if item.kind == "post" else f"**{item.path}**"]
    if item.author:
        bits.append(escape(item.author))
    if item.removed:
        bits.append("*removed*")
    if item.vanished:
        bits.append("*no longer in the latest dump*")
    for bookmark in item.bookmarks:
        bits.append("★ bookmarked" + (f": {escape(bookmark.label)}" if bookmark.label else ""))
    if item.context:
        bits.append("(context)")
    return " · ".join(bits)


def _item(item: Item, *, endnotes: bool) -> list[str]:
    blocks = [_head(item)]
    for segs in item.paragraphs:
        if segs:
            text = _segments(segs)
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


def render_markdown(layout: ThreadLayout) -> str:
    """The whole document, ending with a newline."""
    post = layout.post
    endnotes = layout.options.endnotes
    shown = str(layout.comments_total)
    if layout.options.annotated_only:
        shown += f" (showing {layout.comments_shown}: annotated and bookmarked, with parents)"
    out = [
        f"# {escape(layout.title)}",
        "\n".join(
            [
                f"- Posted: {format_date(post.date)}",
                f"- Source: {_code(post.source or 'unknown')}",
                f"- Exported: {layout.exported_at.strftime('%Y-%m-%d %H:%M %z').strip()}",
                f"- Comments: {shown}",
                f"- Annotations: {layout.annotations_total}, bookmarks: {layout.bookmarks_total}",
                f"- Post id: {_code(post.id)}",
            ]
        ),
        _quoted(_item(layout.body, endnotes=endnotes), 0),
    ]
    if layout.comments:
        out.append("## Comments")
        for index, item in enumerate(layout.comments):
            if item.depth == 0 and index:
                out.append("---")
            out.append(_quoted(_item(item, endnotes=endnotes), item.depth))
    if endnotes and layout.notes:
        out.append("## Notes")
        out.append("\n".join(note_line(note, with_place=True) for note in layout.notes))
    return "\n\n".join(part for part in out if part) + "\n"
