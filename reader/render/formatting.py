"""The formatting of an item's sanitised HTML, as marks on its plain text, for every writer.

Items from Blogger, WordPress and Disqus keep the HTML they came with, sanitised
(``reader.formats.html``), beside the plain text derived from it.  Highlights, search hits and
note numbers are offsets into that plain text, so the writers never render the HTML itself:
they draw the text with these marks — emphasis, code, quotes, links and image placeholders
— the same way they draw a highlight.  What a writer shows is still only what the sanitiser
kept, and an image is never fetched: it is its placeholder text, linked to its address.

Each element's words are found in the text in document order (white space may differ: the
plain text collapses it as a browser would, and adds list bullets); an element whose words
are not found where expected (a text shown from another revision than the HTML) gets no mark,
so a mismatch shows plain text, never a wrong mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

Style = Literal["strong", "em", "code", "quote", "struck", "image", "link"]

_STYLES: dict[str, Style] = {
    "b": "strong", "strong": "strong", "h1": "strong", "h2": "strong", "h3": "strong",
    "h4": "strong", "h5": "strong", "h6": "strong", "dt": "strong", "th": "strong",
    "i": "em", "em": "em", "cite": "em", "dfn": "em", "var": "em",
    "code": "code", "kbd": "code", "samp": "code", "tt": "code", "pre": "code",
    "blockquote": "quote", "q": "quote",
    "s": "struck", "strike": "struck", "del": "struck",
}  # fmt: skip
_VOID = {"br", "hr", "img", "wbr"}
_BREAKS = {"br", "hr", "p", "div", "li", "ul", "ol", "tr", "td", "th", "dt", "dd", "pre",
           "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "figure", "dl"}  # fmt: skip
_GAP = r"(?:\s|•|\d+\.(?=\s))*"
"""What the plain text may hold between two words of one element: white space, and the
bullets and numbers it gives list items."""
_PLAIN_MARKUP = re.compile(r"</?(?:p|br)\s*/?>", re.I)
MAX_MARKS = 2000
"""Past this many elements in one item the rest is shown plain (a pathological page)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """``text[start:end]`` is shown with ``style``; ``href`` is a link's or image's address."""

    start: int
    end: int
    style: Style
    href: str | None = None


def has_formatting(html: str | None) -> bool:
    """Whether ``html`` holds more than paragraphs and line breaks (most comments do not)."""
    return bool(html) and "<" in _PLAIN_MARKUP.sub("", html or "")


def marks(html: str | None, text: str) -> list[Mark]:
    """The formatting of ``html`` placed on ``text`` (the plain text derived from it)."""
    if not html or not has_formatting(html):
        return []
    collector = _Collector()
    try:
        collector.feed(html)
        collector.close()
    except (ValueError, AssertionError):  # HTMLParser on odd input: show the text plain
        return []
    found: list[Mark] = []
    cursor = 0
    for element in collector.elements[:MAX_MARKS]:
        words = "".join(element.parts).split()
        if not words:
            continue
        pattern = _GAP.join(re.escape(word) for word in words)
        match = re.compile(pattern).search(text, cursor)
        if match is None:
            continue
        cursor = match.start()
        found.append(Mark(match.start(), match.end(), element.style, element.href))
    return found


@dataclass(slots=True)
class _Element:
    style: Style
    href: str | None
    parts: list[str]


class _Collector(HTMLParser):
    """Each formatting element's text, in the order the elements start."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[_Element] = []
        self.open: list[tuple[str, _Element | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.handle_data(" ")  # words either side are two words
        if tag in _VOID:
            return
        values = {name: value or "" for name, value in attrs}
        element: _Element | None = None
        if tag == "a" and values.get("href"):
            element = _Element("link", values["href"], [])
        elif tag == "span" and values.get("class") == "image":
            element = _Element("image", values.get("data-src") or None, [])
        elif tag in _STYLES:
            element = _Element(_STYLES[tag], None, [])
        if element is not None:
            self.elements.append(element)
        self.open.append((tag, element))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.handle_data(" ")
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        for _, element in self.open:
            if element is not None:
                element.parts.append(data)
