"""Turning stored threads into documents, without Qt.

``document.build_document`` arranges a thread with the reader's highlights, notes, bookmarks
and search hits into one model (blocks, paragraphs, spans, marks); the reading pane
(``pane_html``) and every export (``reader.export.html``, ``.markdown``, and the PDF through
the HTML) only write that model, so what the window shows and what an export prints cannot
drift apart, and both are tested without a display.
"""

from reader.render.document import (
    Block,
    Highlight,
    Note,
    Paragraph,
    Span,
    ThreadDocument,
    build_document,
    count_line,
    format_date,
    locate_highlight,
    paragraph_spans,
    term_marks,
)
from reader.render.pane_html import DARK, LIGHT, PaneHtml, ThreadPalette, render_thread

__all__ = [
    "DARK",
    "LIGHT",
    "Block",
    "Highlight",
    "Note",
    "PaneHtml",
    "Paragraph",
    "Span",
    "ThreadDocument",
    "ThreadPalette",
    "build_document",
    "count_line",
    "format_date",
    "locate_highlight",
    "paragraph_spans",
    "render_thread",
    "term_marks",
]
