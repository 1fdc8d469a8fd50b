"""HTML from any archive, made safe, and the plain text the rest of the program reads.

Blogger, WordPress and Disqus store bodies as HTML written by anyone, spammers included.
``sanitise`` runs it through nh3 (the Ammonia sanitiser: a maintained allow-list, not a
hand-written blocklist), keeping what reading needs — paragraphs, line breaks, links,
emphasis, quotes, lists, code, tables — and dropping scripts, event handlers, ``javascript:``
and ``data:`` URLs, iframes, forms and every ``style`` (so nothing can load a remote font or
background).  Images are never fetched: each ``<img>`` becomes a placeholder carrying its
address (``<span class="image" data-src="...">[image: alt]</span>``, inside a link to the
address when it is not already in one), so the reader can offer it on click.

The same walk derives the plain text (``Sanitised.text``): blocks become paragraphs, ``<br>``
a line break, list items "• " or "1. " lines, white space collapsed as a browser would.
Search, snippets and annotation anchoring use that text, so the rules here are part of every
stored offset: change them only with a migration that re-derives the text.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

from reader.formats.text import clean

_TAGS = {
    "a", "abbr", "b", "big", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "u", "ul", "var",
}  # fmt: skip
# Removed with everything inside them (the rest of the unknown tags keep their text).
_DROP_WITH_CONTENT = {
    "script", "style", "template", "iframe", "object", "embed", "applet", "svg", "math",
    "noscript", "title", "head", "select", "textarea", "button", "frameset", "frame",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
}
_SCHEMES = {"http", "https", "mailto", "ftp"}

_PARAGRAPH = {"p", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr",
              "figure", "dl"}  # fmt: skip
_LINE = {"div", "li", "tr", "dt", "dd", "caption", "figcaption", "ul", "ol"}
_VOID = {"br", "hr", "img"}
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Sanitised:
    """Safe HTML and the plain text derived from it."""

    html: str
    text: str


def sanitise(source: str | None) -> Sanitised:
    """``source`` HTML made safe (see the module docstring) and its plain text."""
    if not source or not source.strip():
        return Sanitised("", "")
    safe = nh3.clean(
        clean(source),
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    walker = _Walker()
    walker.feed(safe)
    walker.close()
    return Sanitised("".join(walker.html).strip(), walker.text())


def sanitise_paragraphs(source: str | None) -> Sanitised:
    """``sanitise(autop(source))``: WordPress bodies and comments, paragraphs by blank lines.

    Most comments hold no markup at all; for those the result is computed directly (no
    sanitiser, no HTML parse), which makes a comment-heavy export parse several times faster.
    The plain text is exactly what the full path gives (a property test checks it).
    """
    if (
        not source
        or "<" in source
        or "&" in source
        or not source.replace("\n", "").replace("\r", "").replace("\t", "").isprintable()
    ):  # markup, entities, control characters or unusual spaces: the full path
        return sanitise(autop(source or ""))
    text = clean(source).strip()
    if not text:
        return Sanitised("", "")
    paragraphs = []
    for chunk in re.split(r"\n[ \t]*\n+", text) if "\n" in text else [text]:
        lines = [" ".join(line.split()) for line in chunk.strip().split("\n")]
        paragraphs.append(lines)
    html = "\n".join(
        "<p>" + "<br>\n".join(htmllib.escape(line, quote=False) for line in lines) + "</p>"
        for lines in paragraphs
    )
    if "\n" not in text:
        html = htmllib.escape(paragraphs[0][0], quote=False)
    plain = "\n\n".join("\n".join(lines) for lines in paragraphs).replace("\xa0", " ")
    plain = "\n".join(line.rstrip() for line in plain.split("\n"))
    return Sanitised(html, _BLANKS.sub("\n\n", plain).strip("\n").strip())


def from_text(text: str) -> str:
    """Plain text as safe HTML paragraphs (for sources that mix plain and HTML bodies)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + htmllib.escape(p.strip(), quote=False).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )


_AUTOP_BLOCK = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:p|div|ul|ol|li|pre|blockquote|h[1-6]|table|thead|tbody|tr|td"
    r"|th|dl|dt|dd|hr|figure|address|section|article|aside|header|footer|form|fieldset"
    r"|iframe|script|style|object|embed|noscript|caption)\b",
    re.I | re.S,
)


def autop(text: str) -> str:
    """WordPress stores posts and comments without ``<p>``: its themes add them when showing
    (``wpautop``).  Do the same: blank lines separate paragraphs, single line breaks become
    ``<br>``, except in chunks that already start with a block element."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text.strip():
        return text
    chunks = re.split(r"\n[ \t]*\n+", text.strip())
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if _AUTOP_BLOCK.match(chunk) or "<pre" in chunk.lower():
            out.append(chunk)
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


class _Walker(HTMLParser):
    """Re-serialises nh3's output with image placeholders, and collects the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html: list[str] = []
        self.parts: list[str] = []
        self.pending = 0  # newlines owed before the next text
        self.at_start = True  # nothing written yet, or just after a break
        self.pre = 0
        self.links = 0
        self.lists: list[list[int | None]] = []  # per open list: [next number] or [None]

    # -- text --------------------------------------------------------------------------

    def _break(self, newlines: int) -> None:
        if self.parts:
            self.pending = max(self.pending, newlines)
        self.at_start = True

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self.pending:
            self.parts.append("\n" * self.pending)
            self.pending = 0
        self.parts.append(text)
        self.at_start = text.endswith("\n")

    def text(self) -> str:
        raw = "".join(self.parts).replace("\xa0", " ")
        lines = [line.rstrip() for line in raw.split("\n")]
        return _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n").strip()

    # -- events ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "img":
            self._image(values)
            return
        self.html.append(_start(tag, attrs))
        if tag == "br":
            self._emit("\n")
            self.at_start = True
        elif tag in _PARAGRAPH:
            self._break(2)
            if tag == "pre":
                self.pre += 1
            elif tag == "hr":
                self._emit("———")
                self._break(2)
        elif tag in _LINE:
            if tag in ("ul", "ol"):
                self._break(2 if not self.lists else 1)
                start = values.get("start", "1")
                self.lists.append([int(start) if start.isdigit() else 1] if tag == "ol" else [None])
            elif tag == "li":
                self._break(1)
                number = self.lists[-1][0] if self.lists else None
                indent = "  " * max(0, len(self.lists) - 1)
                if number is None:
                    self._emit(f"{indent}• ")
                else:
                    self._emit(f"{indent}{number}. ")
                    self.lists[-1][0] = number + 1
                self.at_start = True
            else:
                self._break(1)
        elif tag in ("td", "th"):
            if self.parts and not self.at_start:
                self._emit(" ")
        elif tag == "a":
            self.links += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.html.append(f"</{tag}>")
        if tag in _PARAGRAPH:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break(2)
        elif tag in _LINE:
            if tag in ("ul", "ol"):
                if self.lists:
                    self.lists.pop()
                self._break(2 if not self.lists else 1)
            else:
                self._break(1)
        elif tag == "a":
            self.links = max(0, self.links - 1)

    def handle_data(self, data: str) -> None:
        self.html.append(htmllib.escape(data, quote=False))
        if self.pre:
            self._emit(data)
            return
        text = _SPACE.sub(" ", data)
        if self.at_start or (self.parts and self.parts[-1].endswith(" ")):
            text = text.lstrip(" ")
        self._emit(text)

    def _image(self, values: dict[str, str]) -> None:
        src = values.get("src", "").strip()
        alt = " ".join(values.get("alt", "").split())
        label = f"[image: {alt}]" if alt else "[image]"
        placeholder = (
            f'<span class="image" data-src="{htmllib.escape(src)}">'
            f"{htmllib.escape(label, quote=False)}</span>"
        )
        if src and not self.links:
            safe_src = htmllib.escape(src)
            placeholder = (
                f'<a href="{safe_src}" rel="noopener noreferrer nofollow">{placeholder}</a>'
            )
        self.html.append(placeholder)
        if self.parts and not self.at_start and not self.parts[-1].endswith((" ", "\n")):
            self._emit(" ")
        self._emit(label)


def _start(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    rendered = "".join(
        f' {name}="{htmllib.escape(value or "")}"' if value is not None else f" {name}"
        for name, value in attrs
    )
    return f"<{tag}{rendered}>"
