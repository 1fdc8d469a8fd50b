"""Streaming parser for plain-text blog dumps: Blogger pages saved as text, post after post.

The layout (see ``reader.formats.blogtext_write`` for the exact writer)::

    Sunday, 7 March 2021            <- date line at column 0 (comma optional, or "March 7, 2021")
                                    <- blank lines anywhere are tolerated
    Title                           <- next non-blank line
    body ...                        <- anything, including "1. item" lines, up to
    9 comments:                     <- "N comments:", "1 comment:" or "No comments:" (optional)
      1. first line of a comment    <- 2 spaces + number; continuation lines have 4 spaces
        more text
        ReplyDelete                 <- closes a top-level comment ("Reply" accepted too)
        Replies                     <- optional, then replies one level deep:
        1. a reply                  <- 4 spaces + number; continuation lines have 6 spaces
          Delete                    <- closes a reply

Decisions about text (the store and exporters rely on these):

* ``title`` is the title line with surrounding whitespace (incl. ``\\xa0``) stripped.
* ``body`` and comment ``text`` keep every line exactly as in the dump, minus the indentation
  prefix (2/4/6 spaces) and the ``N. `` marker: inner blank lines, single line breaks, inner
  trailing whitespace and ``\\xa0`` all stay.  Only the ends are normalised: leading
  whitespace-only lines are dropped and the whole text is ``rstrip()``-ed (so trailing blank
  lines, the blank line before ``ReplyDelete`` and trailing ``\\xa0``/spaces of the last line
  go).  ``blogtext_lines.normalise_text`` does exactly this.  Separators such as
  ``--oo00oo--`` stay in the body untouched (their trailing ``\\xa0`` too, unless they are the
  last line).
* Lines are split on ``\\n`` only (CRLF becomes LF); other Unicode line separators stay inside
  a line.  Whitespace-only lines with less than the expected indentation count as blank.
* A comment whose text is a Blogger deletion placeholder ("This comment has been removed by
  the author." and the like) keeps that text and gets ``removed=True``.
* ``declared_comments``/``comments`` are ``None`` when a post has no count line (a listing
  page); ``No comments:`` gives ``0`` and ``[]``.  The declared count includes replies.
* ``line`` is the 1-based line of the date line (posts) or of the ``N.`` marker (comments).

Ambiguities, resolved leniently rather than refusing real data:

* A date line counts only at column 0 (an indented one is comment text); a column-0 date line
  always starts a new post, even in the middle of a body or a cut-off comment.
* Comment markers count only after a count line; before it ``1. item`` lines are body text.
* A count line followed by something that is neither a comment nor the end of the post was
  body text after all: it and what follows go back into the body (warning).
* ``ReplyDelete``/``Delete`` followed by further continuation lines (or by a second close
  marker) of the same comment were text lines, so the comment is reopened (exact, no
  warning).  The one layout that cannot be told apart: a top-level comment with a text line
  that is exactly ``ReplyDelete`` (or ``Reply``) and a later line exactly ``Replies`` with
  only blank lines between; it is read as the comment's end and its replies section (the
  real close marker then no longer fits, which leaves a warning).
* A missing close marker (the last comment cut off) is not an error; a declared count that
  differs from the comments found is a warning.
* A ``Load more...`` line in a comment section (less indented than comment text) is Blogger's
  link to the next page of comments: it is not text, and it sets ``more_comments`` (the
  comments after the last one shown are not in this dump).
* Any other line that does not fit (wrong indentation, text at column 0 inside the comment
  section) is appended to the most recent comment with its leading spaces removed (warning).
* Warnings are capped at 200 per file, then counted in one last line.
* Bytes that are not UTF-8: if everything before was ASCII the rest of the file is read as
  cp1252 (identical to reading all of it as cp1252) and ``report.encoding = "cp1252"``; in a
  file that already had real UTF-8 text only the offending lines are read as cp1252.

Malformed input raises ``DumpError`` with the line: text before the first date line, a file
without any post, NUL bytes (binary data), or a single line longer than 64 MiB.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from reader.errors import DumpError
from reader.formats.base import ParseReport
from reader.formats.blogtext_lines import EXAMPLE_DATE_LINE, date_of
from reader.formats.blogtext_parser import Parser
from reader.formats.blogtext_read import BOM, Warnings, blocks
from reader.model import ParsedPost

NAME = "blogtext"
LABEL = "plain-text blog dump"
KIND = "text"
HINT = f"a plain-text dump starts with a date line such as {EXAMPLE_DATE_LINE}"

_SNIFF_LINES = 40


def sniff(head: bytes, filename: str = "") -> float:
    """1.0 if the file starts (after a BOM and blank lines) with a post date line, else 0."""
    if head.startswith(BOM):
        head = head[3:]
    text = head.decode("utf-8", "replace")
    for raw in text.split("\n", _SNIFF_LINES)[:_SNIFF_LINES]:
        line = raw.lstrip("\ufeff").rstrip(" \t\r\xa0\ufffd")
        if line.strip():
            return 1.0 if date_of(line) is not None else 0.0
    return 0.0


def parse(source: Path | str | BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Stream the posts of a file (a path, or a binary stream named by ``report.path``); see
    the module docstring for the text rules."""
    if not report.format:
        report.format = NAME
    warn = Warnings(report)
    if isinstance(source, str | Path):
        path = report.path = Path(source)
        try:
            handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            raise DumpError(path, f"cannot read file ({exc.strerror or exc})") from exc
    else:
        path, handle = report.path, source
    try:
        yield from Parser(path, warn).run(blocks(handle, path, report, warn))
    finally:
        if handle is not source:
            handle.close()
        warn.close()
