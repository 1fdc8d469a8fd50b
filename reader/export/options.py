"""What an export may be asked to do, shared by the HTML, Markdown and PDF writers and the CLI.

Kept free of Qt so the window's dialog, the CLI and the tests can build options without a
display.  The default paper size follows the user's locale the way glibc does (``LC_PAPER``):
Letter in the Americas that use it, A4 everywhere else.
"""

from __future__ import annotations

import datetime as dt
import locale
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from reader.errors import ReaderError

Paper = Literal["a4", "letter"]
Format = Literal["pdf", "html", "markdown"]
FORMATS: tuple[Format, ...] = ("pdf", "html", "markdown")
PAPERS: tuple[Paper, ...] = ("a4", "letter")
SUFFIXES: dict[str, str] = {"pdf": ".pdf", "html": ".html", "markdown": ".md"}

ProgressFn = Callable[[float | None, str], None]
"""``progress(fraction or None, label)``; ``None`` means "busy, no idea how long"."""

# Territories whose locales default to US Letter in glibc's LC_PAPER tables.
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "CR", "GT", "PA", "SV", "NI", "DO", "BZ"}
)


class CancelFlag(Protocol):
    """Anything with ``is_set()``: a ``threading.Event`` or the window's task handle."""

    def is_set(self) -> bool: ...


class ExportCancelled(ReaderError):
    """The user cancelled an export; nothing was written (the temporary file is gone)."""

    def __init__(self) -> None:
        super().__init__("export cancelled, nothing written")


def _territory(name: str | None) -> str | None:
    """``en_US.UTF-8@euro`` -> ``US``; ``C``, ``POSIX`` and empty names have none."""
    if not name:
        return None
    base = name.split(".", 1)[0].split("@", 1)[0]
    if "_" not in base:
        return None
    return base.split("_", 1)[1].upper() or None


def default_paper(environ: dict[str, str] | None = None) -> Paper:
    """Letter for locales that use it, else A4.

    Reads ``LC_ALL``, then ``LC_PAPER``, then ``LANG`` (the POSIX precedence) and, when none
    names a territory (Windows, macOS app bundles), Python's own idea of the locale.
    """
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_PAPER", "LANG"):
        value = env.get(key)
        if value:  # the first one set decides, even "C.UTF-8" (no territory: A4)
            return _paper_for(_territory(value))
    try:
        name = locale.getlocale()[0]
    except ValueError:
        name = None
    return _paper_for(_territory(name))


def _paper_for(territory: str | None) -> Paper:
    return "letter" if territory in LETTER_TERRITORIES else "a4"


@dataclass(slots=True)
class ExportOptions:
    """How to export one thread.

    ``annotated_only`` keeps the annotated and bookmarked comments plus their parent chains
    (the post itself always stays: it is the root of every chain).  ``endnotes`` moves the
    notes from after each comment to the end of the document.  ``paper`` ``None`` means "from
    the locale".  ``exported_at`` is fixed by tests that compare output; ``None`` means now.

    ``with_source_details`` prints the dump's full path and the post's internal id in the cover
    block; by default only the dump's file name appears (a PDF handed to someone else should
    not carry the sender's folders).  ``summary`` lists every annotation at the front (quote,
    note, where, and in a PDF the page); ``None`` means "when there are annotations".
    """

    annotated_only: bool = False
    endnotes: bool = False
    paper: Paper | None = None
    exported_at: dt.datetime | None = None
    font_size_pt: float = 10.5
    with_source_details: bool = False
    summary: bool | None = None

    def wants_summary(self, annotations: int) -> bool:
        """Whether the annotation summary is printed for a document with ``annotations``."""
        return annotations > 0 and self.summary is not False

    def resolved_paper(self) -> Paper:
        if self.paper is None:
            return default_paper()
        if self.paper not in PAPERS:
            raise ReaderError(f"unknown paper size {self.paper!r} (use a4 or letter)")
        return self.paper

    def export_time(self) -> dt.datetime:
        return self.exported_at or dt.datetime.now().astimezone().replace(microsecond=0)


def check_format(fmt: str) -> Format:
    """``fmt`` if it is one we write, else a ``ReaderError`` naming the choices."""
    if fmt == "md":
        return "markdown"
    if fmt not in FORMATS:
        raise ReaderError(f"unknown export format {fmt!r} (use pdf, html or markdown)")
    return fmt


def check_cancel(cancel: CancelFlag | None) -> None:
    """Raise ``ExportCancelled`` if the user asked to stop."""
    if cancel is not None and cancel.is_set():
        raise ExportCancelled()
