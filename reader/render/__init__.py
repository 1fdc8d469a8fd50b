"""Turning stored threads into documents, without Qt.

The reading pane, and later export, both start from ``thread_html.render_thread``: one pure
function of a ``Post`` (plus optional marks), so what the window shows and what an export writes
cannot drift apart, and both can be tested without a display.
"""

from reader.render.thread_html import (
    DARK,
    LIGHT,
    Mark,
    RenderedThread,
    ThreadPalette,
    render_text,
    render_thread,
    term_marks,
)

__all__ = [
    "DARK",
    "LIGHT",
    "Mark",
    "RenderedThread",
    "ThreadPalette",
    "render_text",
    "render_thread",
    "term_marks",
]
