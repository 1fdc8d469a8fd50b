"""Keeping an archive's bidirectional-text controls inside the item that carries them.

A comment holding U+202E (RIGHT-TO-LEFT OVERRIDE) and no matching U+202C makes everything after
it display reversed: in an HTML export that is the rest of the line, the note that follows,
the next comment's heading.  The text itself is never changed (it is what the dump said);
every writer instead:

* isolates each piece of archive text (HTML: ``dir="auto"`` and ``<bdi>``; plain text and Qt's
  rich text, which knows neither: U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL
  ISOLATE), closing whatever embeddings and isolates the piece left open, so no control
  reaches beyond it;
* shows a visible marker (``[RLO]``) where the dump carried an override, embedding or isolate
  character, so a reader knows why the text looks the way it does.

Pure; used by the reading pane's renderer and by every export.
"""

from __future__ import annotations

import re

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
NAMES = {LRE: "LRE", RLE: "RLE", PDF: "PDF", LRO: "LRO", RLO: "RLO",
         LRI: "LRI", RLI: "RLI", FSI: "FSI", PDI: "PDI"}  # fmt: skip
CONTROLS = re.compile(f"[{''.join(NAMES)}]")
_OPENERS_EMBED = {LRE, RLE, LRO, RLO}
_OPENERS_ISOLATE = {LRI, RLI, FSI}


def has_controls(text: str) -> bool:
    return CONTROLS.search(text) is not None


def closers(text: str) -> str:
    """The PDF/PDI characters that close every embedding, override and isolate ``text``
    leaves open, innermost first (what the Unicode bidi algorithm would pair them with)."""
    stack: list[str] = []
    for match in CONTROLS.finditer(text):
        char = match.group()
        if char in _OPENERS_EMBED or char in _OPENERS_ISOLATE:
            stack.append(char)
        elif char == PDF:
            if stack and stack[-1] in _OPENERS_EMBED:
                stack.pop()
        elif char == PDI and any(c in _OPENERS_ISOLATE for c in stack):
            while stack:  # a PDI closes its isolate and every embedding opened inside it
                if stack.pop() in _OPENERS_ISOLATE:
                    break
    return "".join(PDF if c in _OPENERS_EMBED else PDI for c in reversed(stack))


def isolate(text: str) -> str:
    """``text`` as an isolated run for plain text or Qt rich text (unchanged if it holds no
    controls: most text never needs it)."""
    return isolate_written(text, text)


def isolate_written(written: str, raw: str) -> str:
    """``written`` (``raw`` as a writer wrote it: escaped, marked, highlighted) isolated, with
    whatever ``raw`` leaves open closed; unchanged when ``raw`` holds no controls.  The one
    rule every writer applies to a paragraph, heading, note or label."""
    if not has_controls(raw):
        return written
    return FSI + written + closers(raw) + PDI


def marked(text: str, marker: str = "[{name}]") -> str:
    """``text`` with a visible marker before each bidi control (the control is kept)."""
    return CONTROLS.sub(lambda m: marker.format(name=NAMES[m.group()]) + m.group(), text)


def shown(text: str) -> str:
    """Plain text as a writer shows it: markers, then isolated."""
    if not has_controls(text):
        return text
    return isolate(marked(text))
