"""The facts printed at the top of every export (the cover block), decided once for all writers.

Why one place: the HTML, PDF and Markdown exports printed the dump's full local path and the
post's internal id, each in its own way.  A file handed to someone else should name the dump by
its file name only and leave internal ids out; ``ExportOptions.with_source_details`` (the CLI's
``--with-source-details``, a box in the window's export dialog) puts them back for the user's
own records.  Pure: no Qt, no markup.
"""

from __future__ import annotations

import re

from reader.export.options import ExportOptions
from reader.render.document import ThreadDocument

_SEPARATORS = re.compile(r"[\\/]")


def file_name(source: str | None) -> str:
    """The last part of a dump's path, whether it was stored with ``/`` or ``\\``
    (``C:\\Users\\ann\\dump.txt`` -> ``dump.txt``); ``unknown`` when there is none."""
    if not source or not source.strip():
        return "unknown"
    parts = [part for part in _SEPARATORS.split(source.strip()) if part]
    return parts[-1] if parts else "unknown"


def comments_fact(document: ThreadDocument) -> str:
    """Comments held in the library, against the number the dump declares when it differs."""
    held = document.comments_total
    declared = document.post.declared_comments
    text = f"{held:,}"
    if declared is not None and declared != held:
        text = f"{held:,} held of {declared:,} declared"
    if document.annotated_only:
        text += (
            f" (this export shows {document.comments_shown:,}: the annotated and bookmarked ones"
            " with their parents)"
        )
    return text


def cover_rows(document: ThreadDocument, options: ExportOptions) -> list[tuple[str, str]]:
    """``(label, value)`` rows of the cover block, in print order."""
    source = document.post.source
    rows = [
        ("Posted", document.date_text),
        ("Comments", comments_fact(document)),
        ("Annotations", f"{document.annotations_total:,}"),
        ("Bookmarks", f"{document.bookmarks_total:,}"),
        ("Source", file_name(source)),
        ("Exported", options.export_time().strftime("%Y-%m-%d %H:%M %z").strip()),
    ]
    if options.with_source_details:
        rows.append(("Source path", source or "unknown"))
        rows.append(("Post id", document.post.id))
    return rows
