"""Streaming parser for plain-text blog dumps: Blogger pages saved as text, post after post.

Why a hand-written state machine: the dumps run to hundreds of megabytes, the importer must
stay above 15 MB/s end to end, and the structure is carried only by column-0 date lines, a
``N comments:`` line and fixed indentation.  So the file is read in 1 MiB binary chunks, cut at
newlines, decoded per block and walked line by line with cheap ``startswith``/equality checks;
regexes run only on the few lines whose first character could start a date, count or comment
marker line, and comment lines are dedented in one ``str.replace`` per comment.
Each post is yielded as soon as the next date line (or end of file) arrives, so memory is
bounded by the largest single post.

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
  go).  ``normalise_text`` does exactly this.  Separators such as ``--oo00oo--`` stay in the
  body untouched (their trailing ``\\xa0`` too, unless they are the last line).
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

import codecs
import datetime as dt
import re
from collections.abc import Callable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import BinaryIO

from reader.errors import DumpError
from reader.formats.base import ParseReport
from reader.model import ParsedComment, ParsedPost

NAME = "blogtext"
LABEL = "plain-text blog dump"
KIND = "text"
HINT = "a plain-text dump starts with a date line such as 'Sunday, 7 March 2021'"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}
# Close markers: the comment's "Reply"/"Delete" links as Blogger prints them.
TOP_CLOSE = "ReplyDelete"
TOP_CLOSE_ALT = "Reply"
REPLIES = "Replies"
REPLY_CLOSE = "Delete"
# Where Blogger cut a long comment section (200 comments a page); a later dump may hold the rest.
_LOAD_MORE = frozenset({"Load more...", "Load more…"})

_WD = "|".join(WEEKDAYS)
_MO = "|".join(MONTHS)
_SP = r"[ \t\xa0]"
_DATE_RE = re.compile(
    rf"(?P<wd>{_WD}),?{_SP}+"
    rf"(?:(?P<d1>\d{{1,2}}){_SP}+(?P<m1>{_MO})|(?P<m2>{_MO}){_SP}+(?P<d2>\d{{1,2}}))"
    rf",?{_SP}+(?P<y>\d{{4}})\s*"
)
_COUNT_RE = re.compile(r"(?:(?P<n>\d{1,7}|\d{1,3}(?:,\d{3})+)|(?P<no>No)) comments?:\s*", re.I)
_NUMBER_RE = re.compile(r"(\d+)\.(?: |$)")
_REMOVED_RE = re.compile(
    r"This (?:comment|post) has been removed by (?:the author|a blog administrator"
    r"|an? (?:blog )?administrator)\.?"
)
_DATE_INITIALS = frozenset(w[0] for w in WEEKDAYS)
_COUNT_INITIALS = frozenset("0123456789Nn")
_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
_MAX_LINE = 64 << 20
_MAX_WARNINGS = 200
_SNIFF_LINES = 40


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Map the five bytes cp1252 leaves undefined to the same code points, like Windows does."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("reader-cp1252", _cp1252_fallback)


def date_of(line: str) -> dt.date | None:
    """The date of a column-0 post date line, or ``None`` if ``line`` is not one."""
    match = _DATE_RE.fullmatch(line)
    if match is None:
        return None
    day = match["d1"] or match["d2"]
    month = _MONTH_NUMBER[match["m1"] or match["m2"]]
    try:
        return dt.date(int(match["y"]), month, int(day))
    except ValueError:
        return None


def count_of(line: str) -> int | None:
    """The declared comment count of a ``N comments:`` line, or ``None`` if it is not one."""
    match = _COUNT_RE.fullmatch(line)
    if match is None:
        return None
    if match["no"]:
        return 0
    return int(match["n"].replace(",", ""))


def is_removed_text(text: str) -> bool:
    """Whether ``text`` is a Blogger deletion placeholder rather than what someone wrote."""
    return text.startswith("This ") and _REMOVED_RE.fullmatch(text) is not None


def normalise_text(text: str) -> str:
    """Text as the parser returns it: no leading whitespace-only lines, no trailing whitespace."""
    text = text.rstrip()
    if text[:1].isspace():
        while True:
            cut = text.find("\n")
            if cut < 0 or (cut and not text[:cut].isspace()):
                break
            text = text[cut + 1 :]
    return text


def sniff(head: bytes, filename: str = "") -> float:
    """1.0 if the file starts (after a BOM and blank lines) with a post date line, else 0."""
    if head.startswith(_BOM):
        head = head[3:]
    text = head.decode("utf-8", "replace")
    for raw in text.split("\n", _SNIFF_LINES)[:_SNIFF_LINES]:
        line = raw.lstrip("\ufeff").rstrip(" \t\r\xa0\ufffd")
        if line.strip():
            return 1.0 if date_of(line) is not None else 0.0
    return 0.0


class _Warnings:
    """Appends warnings to the report, at most ``_MAX_WARNINGS``, then counts the rest."""

    def __init__(self, report: ParseReport) -> None:
        self.report = report
        self.suppressed = 0

    def __call__(self, line: int, message: str) -> None:
        if len(self.report.warnings) < _MAX_WARNINGS:
            self.report.warnings.append(f"line {line}: {message}")
        else:
            self.suppressed += 1

    def close(self) -> None:
        if self.suppressed:
            self.report.warnings.append(f"... and {self.suppressed} more warnings")
            self.suppressed = 0


def _blocks(
    handle: BinaryIO, path: Path, report: ParseReport, warn: _Warnings
) -> Iterator[list[str]]:
    """Decoded lines (without line ends) in blocks of about ``_CHUNK`` bytes, cut at line
    ends (``_Decoder`` turns each into text)."""
    decoder = _Decoder(path, report, warn)
    lineno = 0  # lines handed out so far
    pending: list[bytes] = []
    pending_size = 0
    first = True
    while True:
        chunk = handle.read(_CHUNK)
        report.bytes_read += len(chunk)  # progress bars: blocks are read ahead of parsing
        if first:
            first = False
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        if not chunk:
            if not pending:
                return
            block = b"".join(pending)
            pending = []
            last = True
        else:
            cut = chunk.rfind(b"\n")
            if cut < 0:
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size > _MAX_LINE:
                    raise DumpError(path, "line longer than 64 MiB: not a text dump", lineno + 1)
                continue
            if pending:
                pending.append(chunk[: cut + 1])
                block = b"".join(pending)
            else:
                block = chunk[: cut + 1]
            pending = [chunk[cut + 1 :]] if cut + 1 < len(chunk) else []
            pending_size = len(chunk) - cut - 1
            last = False
        lines = decoder.text(block, lineno).split("\n")
        if last:
            if lines[-1].endswith("\r"):  # a CR without its LF at the very end
                lines[-1] = lines[-1][:-1]
        else:
            lines.pop()  # the block ends with "\n": the last piece is empty
        lineno += len(lines)
        yield lines
        if last:
            return


class _Decoder:
    """Blocks of bytes as text: UTF-8, or cp1252 for a file whose first non-ASCII bytes are
    not UTF-8 (then all of it), or line by line in a UTF-8 file with some bad lines."""

    def __init__(self, path: Path, report: ParseReport, warn: _Warnings) -> None:
        self.path = path
        self.report = report
        self.warn = warn
        self.utf8 = True
        self.ascii_so_far = True

    def text(self, block: bytes, lineno: int) -> str:
        """``block`` (lines ``lineno + 1`` on) as text with LF line ends."""
        nul = block.find(b"\x00")
        if nul >= 0:
            line = lineno + block.count(b"\n", 0, nul) + 1
            raise DumpError(self.path, "binary data (NUL byte): not a text dump", line)
        if not self.utf8:
            text = block.decode("cp1252", "reader-cp1252")
        else:
            try:
                text = block.decode("utf-8")
                if self.ascii_so_far and not block.isascii():
                    self.ascii_so_far = False
            except UnicodeDecodeError as exc:
                text = self._not_utf8(block, lineno, exc)
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return text

    def _not_utf8(self, block: bytes, lineno: int, exc: UnicodeDecodeError) -> str:
        bad_line = lineno + block.count(b"\n", 0, exc.start) + 1
        if self.ascii_so_far and block[: exc.start].isascii():
            self.utf8 = False
            self.report.encoding = "cp1252"
            self.warn(bad_line, "not valid UTF-8; the file is read as cp1252")
            return block.decode("cp1252", "reader-cp1252")
        self.ascii_so_far = False
        return _decode_mixed(block, lineno, self.warn)


def _decode_mixed(block: bytes, lineno: int, warn: _Warnings) -> str:
    """A block of a UTF-8 file holding some invalid bytes: those lines are read as cp1252."""
    out: list[str] = []
    for offset, raw in enumerate(block.split(b"\n"), start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            warn(lineno + offset, "not valid UTF-8 in a UTF-8 file; this line is read as cp1252")
            out.append(raw.decode("cp1252", "reader-cp1252"))
    return "\n".join(out)


def parse(source: Path | str | BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Stream the posts of a file (a path, or a binary stream named by ``report.path``); see
    the module docstring for the text rules."""
    if not report.format:
        report.format = NAME
    warn = _Warnings(report)
    if isinstance(source, str | Path):
        path = report.path = Path(source)
        try:
            handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in the finally below
        except OSError as exc:
            raise DumpError(path, f"cannot read file ({exc.strerror or exc})") from exc
    else:
        path, handle = report.path, source
    try:
        yield from _parse_lines(_blocks(handle, path, report, warn), path, warn)
    finally:
        if handle is not source:
            handle.close()
        warn.close()


_TOP_INDENT = "\n    "
_REPLY_INDENT = "\n      "
_TOP_CLOSERS = ("    " + TOP_CLOSE, "    " + TOP_CLOSE_ALT)
_REPLY_CLOSER = "      " + REPLY_CLOSE
_REPLIES_LINE = "    " + REPLIES
_BODY_TRIGGERS = _DATE_INITIALS | _COUNT_INITIALS | {"\ufeff"}
_number_match = _NUMBER_RE.match
_EXAMPLE = "'Sunday, 7 March 2021'"


class State(IntEnum):
    """Where the parser is in the dump, each with its ``_Parser._in_*`` function.

    Between comments (COUNTED, COMMENT_CLOSED, REPLIES, REPLY_CLOSED) every line is a structure
    line, so those four share ``_in_section``, which asks ``_indented`` and ``_blank`` for
    what differs.  An ``IntEnum`` so the table of state functions is a list indexed by state.
    """

    PREAMBLE = 0  # before the first date line: only blank lines may come
    TITLE = 1  # after a date line: the next non-blank line is the title
    BODY = 2  # the post's text, up to a count line or the next date line
    COUNTED = 3  # after "N comments:", before the first comment
    COMMENT = 4  # a top-level comment is open
    COMMENT_CLOSED = 5  # closed by ReplyDelete; "Replies" or the next comment may follow
    REPLIES = 6  # after "Replies", before the first reply
    REPLY = 7  # a reply is open
    REPLY_CLOSED = 8  # a reply closed by Delete


# The states as module constants: a member looked up on the Enum class costs ~70 ns, a global
# ~15 ns, and the parser changes state a few times per comment.
(
    _PREAMBLE, _TITLE, _BODY, _COUNTED, _COMMENT, _COMMENT_CLOSED, _REPLIES, _REPLY,
    _REPLY_CLOSED,
) = State  # fmt: skip
_AFTER_REPLIES = (_REPLIES, _REPLY, _REPLY_CLOSED)


def _finish(lines: list[str], indent: str, comment: ParsedComment) -> None:
    """Set the text of a comment from its marker rest and raw continuation lines."""
    text = lines[0] if len(lines) == 1 else "\n".join(lines).replace(indent, "\n")
    text = text.rstrip()
    if text[:1].isspace():
        text = normalise_text(text)
    comment.text = text
    if text[:5] == "This " and _REMOVED_RE.fullmatch(text):
        comment.removed = True


def _parse_lines(blocks: Iterator[list[str]], path: Path, warn: _Warnings) -> Iterator[ParsedPost]:
    """The posts of a stream of line blocks (see ``_Parser``)."""
    return _Parser(path, warn).run(blocks)


class _Parser:
    """The state machine over a dump's lines; one instance per file.

    ``run`` hands each block of lines to the current state's function (``step``), which
    consumes lines while the state lasts and returns the index of the first line it did not
    take.  The common lines (body lines, continuation and blank lines of an open comment) are
    handled in those functions' own loops; structure lines go through ``_in_section``, and
    every change of state through ``_enter`` (written out in the transitions made once per
    comment).  After a close marker the next comment's (or reply's) marker, nearly always the
    next line, is taken in the same loop, which spares a return to ``run`` per comment.

    Comment lines are kept raw (with their indentation) and dedented in one ``replace`` when
    the comment is finished (``_finish``), so a continuation line costs one ``startswith``,
    one or two comparisons and an ``append``.
    """

    __slots__ = (
        "_steps", "base", "body", "closed_tail", "comments", "count_line", "marker", "path",
        "post", "ready", "reply", "reply_lines", "start_blanks", "state", "step", "top",
        "top_lines", "warn",
    )  # fmt: skip

    def __init__(self, path: Path, warn: _Warnings) -> None:
        self.path = path
        self.warn = warn
        self.base = 0  # lines before the current block
        self.ready: list[ParsedPost] = []  # finished posts not yet yielded
        self.post = ParsedPost(dt.date.min, "", "", None, None)
        self.body: list[str] = []
        self.comments: list[ParsedComment] = []
        self.count_line = ""
        self.start_blanks = 0  # blank lines after the count line, before the first comment
        self.top: ParsedComment | None = None
        self.top_lines: list[str] = []  # the text after "N. ", then raw lines (4-space indent)
        self.reply: ParsedComment | None = None
        self.reply_lines: list[str] = []  # the same with the 6-space indent
        self.marker = ""  # the raw close line of the comment or reply just closed
        self.closed_tail: list[str] = []  # blank lines after it, raw
        self._steps: list[Callable[[list[str], int], int]] = [
            self._in_preamble,
            self._in_title,
            self._in_body,
            self._in_section,  # COUNTED
            self._in_comment,
            self._in_section,  # COMMENT_CLOSED
            self._in_section,  # REPLIES
            self._in_reply,
            self._in_section,  # REPLY_CLOSED
        ]
        self.state = _PREAMBLE
        self.step: Callable[[list[str], int], int] = self._in_preamble

    def run(self, blocks: Iterator[list[str]]) -> Iterator[ParsedPost]:
        ready = self.ready
        for lines in blocks:
            count, index = len(lines), 0
            while index < count:
                index = self.step(lines, index)
                if ready:
                    yield from ready
                    ready.clear()
            self.base += count
        if self.state == _PREAMBLE:
            raise DumpError(self.path, f"no posts found: no date line such as {_EXAMPLE}")
        if self.state == _TITLE:
            self.warn(self.post.line, "post without title or text")
        yield self._built()

    def _enter(self, state: State) -> None:
        self.state = state
        self.step = self._steps[state]

    # -- before the body: the preamble and the title --------------------------------------

    def _in_preamble(self, lines: list[str], start: int) -> int:
        """Blank lines until the first date line; any text before it is an error."""
        for index in range(start, len(lines)):
            line = lines[index]
            if not line or line.isspace():
                continue
            line = line.lstrip("\ufeff")
            date = date_of(line) if line.startswith(WEEKDAYS) else None
            if date is None:
                raise DumpError(
                    self.path,
                    f"expected a date line such as {_EXAMPLE} before any text",
                    self.base + index + 1,
                )
            self._begin_post(date, self.base + index + 1)
            return index + 1
        return len(lines)

    def _in_title(self, lines: list[str], start: int) -> int:
        """The first non-blank line is the title, unless it is another date line."""
        for index in range(start, len(lines)):
            line = lines[index]
            if not line or line.isspace():
                continue
            line = line.lstrip("\ufeff")
            date = date_of(line) if line.startswith(WEEKDAYS) else None
            if date is None:
                self.post.title = line.strip()
                self._enter(_BODY)
            else:
                self.warn(self.post.line, "post without title or text")
                self._start_post(date, self.base + index + 1)
            return index + 1
        return len(lines)

    # -- the body ----------------------------------------------------------------------------

    def _in_body(self, lines: list[str], start: int) -> int:
        """Body lines; only lines starting like a count or a date line are looked at."""
        append, triggers = self.body.append, _BODY_TRIGGERS
        for index in range(start, len(lines)):
            line = lines[index]
            if line[:1] in triggers:
                kept = self._body_trigger(line, self.base + index + 1)
                if kept is None:
                    return index + 1
                line = kept
            append(line)
        return len(lines)

    def _body_trigger(self, line: str, lineno: int) -> str | None:
        """A body line that may be a count or a date line: ``None`` if it was one (the state
        changed), else the line to keep (without a byte order mark)."""
        if line[0] == "\ufeff":
            line = line.lstrip("\ufeff")
        first = line[:1]
        if first in _COUNT_INITIALS and (count := count_of(line)) is not None:
            self._start_comments(line, count)
            return None
        if first in _DATE_INITIALS and line.startswith(WEEKDAYS):
            date = date_of(line)
            if date is not None:
                self._start_post(date, lineno)
                return None
        return line

    # -- the comment section -----------------------------------------------------------------

    def _in_comment(self, lines: list[str], start: int) -> int:
        """An open top-level comment: its 4-space continuation and blank lines, up to its
        close marker or a line of the section's structure.

        After the close marker the next line is nearly always the next comment's marker; it
        is taken here (the same test as ``_in_section``'s first one) and the loop goes on with
        the new comment, which spares a return to ``run`` per comment."""
        closers, count = _TOP_CLOSERS, len(lines)
        append = self.top_lines.append
        index = start
        while index < count:
            line = lines[index]
            index += 1
            if not line:
                append(line)
            elif not line.startswith("    "):
                return self._in_section(lines, index - 1)
            elif line not in closers:
                append(line)
            else:
                self._close(line, _COMMENT_CLOSED)
                if index == count:
                    return count
                following = lines[index]
                if (
                    following[2:3].isdigit()
                    and following.startswith("  ")
                    and (match := _number_match(following, 2)) is not None
                ):
                    self._open_comment(following[match.end() :], self.base + index + 1)
                    index += 1
                    append = self.top_lines.append
                    continue
                return self._in_section(lines, index)
        return count

    def _in_reply(self, lines: list[str], start: int) -> int:
        """An open reply: the same with 6-space lines and ``Delete``; after it, the next
        reply's marker is taken here too."""
        closer, count = _REPLY_CLOSER, len(lines)
        append = self.reply_lines.append
        index = start
        while index < count:
            line = lines[index]
            index += 1
            if not line:
                append(line)
            elif not line.startswith("      "):
                return self._in_section(lines, index - 1)
            elif line != closer:
                append(line)
            else:
                self._close(line, _REPLY_CLOSED)
                if index == count:
                    return count
                following = lines[index]
                if (
                    following[4:5].isdigit()
                    and following.startswith("    ")
                    and (match := _number_match(following, 4)) is not None
                ):
                    self._open_reply(following[match.end() :], self.base + index + 1)
                    index += 1
                    append = self.reply_lines.append
                    continue
                return self._in_section(lines, index)
        return count

    def _in_section(self, lines: list[str], start: int) -> int:
        """A line of the comment section that is not a plain line of an open comment: the
        only kind in COUNTED, COMMENT_CLOSED, REPLIES and REPLY_CLOSED, taken one at a time
        since any of them may change the state."""
        line, lineno = lines[start], self.base + start + 1
        if line.startswith("  "):
            if line[2:3].isdigit() and (match := _number_match(line, 2)) is not None:
                self._open_comment(line[match.end() :], lineno)
                return start + 1
            if line.startswith("    ") and self._indented(line, lineno):
                return start + 1
        elif line and line[0] != " ":
            if line[0] == "\ufeff":
                line = line.lstrip("\ufeff")
            if line[:1] in _DATE_INITIALS and line.startswith(WEEKDAYS):
                date = date_of(line)
                if date is not None:
                    self._start_post(date, lineno)
                    return start + 1
        if not line or line.isspace():
            self._blank(line)
        elif line.strip(" \t\xa0") in _LOAD_MORE:
            self.post.more_comments = True  # Blogger's link to the next page of comments
        elif self.state == _COUNTED:
            self._uncount(line, lineno)
        else:
            self._misplaced(line, lineno)
        return start + 1

    def _indented(self, line: str, lineno: int) -> bool:
        """A line of 4+ spaces outside an open comment: a reply's marker, "Replies", or a
        line that shows a close marker was text after all.  False if it is none of these."""
        state = self.state
        if state in _AFTER_REPLIES:
            if line[4:5].isdigit() and (match := _number_match(line, 4)) is not None:
                self._open_reply(line[match.end() :], lineno)
                return True
            if state == _REPLY_CLOSED and line.startswith("      ") and not line.isspace():
                self._reopen(line, self.reply_lines, (_REPLY_CLOSER,), _REPLY)
                return True
        elif state == _COMMENT_CLOSED:
            if line == _REPLIES_LINE:
                self._enter(_REPLIES)
                return True
            if not line.isspace():
                self._reopen(line, self.top_lines, _TOP_CLOSERS, _COMMENT)
                return True
        return False

    def _blank(self, line: str) -> None:
        """A blank (or white-space-only) line in the comment section."""
        state = self.state
        if state == _COMMENT:
            self.top_lines.append("")
        elif state == _REPLY:
            self.reply_lines.append("")
        elif state == _COUNTED:
            self.start_blanks += 1
        elif state == _COMMENT_CLOSED:
            self.closed_tail.append(line if line.startswith("    ") else "")
        elif state == _REPLY_CLOSED:
            self.closed_tail.append(line if line.startswith("      ") else "")

    def _misplaced(self, line: str, lineno: int) -> None:
        """A line that fits no layout: kept, dedented, in the comment or reply above."""
        self.warn(lineno, "line does not fit the comment layout; added to the comment above")
        if self.reply is not None and self.state in _AFTER_REPLIES:
            self.reply_lines.append("      " + line.lstrip(" "))
        else:
            assert self.top is not None
            self.top_lines.append("    " + line.lstrip(" "))

    # -- transitions -------------------------------------------------------------------------

    def _start_post(self, date: dt.date, lineno: int) -> None:
        """A date line: the post so far is finished, a new one begins (title next)."""
        self.ready.append(self._built())
        self._begin_post(date, lineno)

    def _begin_post(self, date: dt.date, lineno: int) -> None:
        """A new post from its date line; its title comes next."""
        self.post = ParsedPost(date, "", "", None, None, line=lineno)
        self.body = []
        self.top = self.reply = None
        self._enter(_TITLE)

    def _start_comments(self, line: str, count: int) -> None:
        """A count line ends the body; comment markers count from here on."""
        self.post.declared_comments = count
        self.post.comments = self.comments = []
        self.count_line = line
        self.start_blanks = 0
        self._enter(_COUNTED)

    def _uncount(self, line: str, lineno: int) -> None:
        """Text right after a count line: the count line was body text.  Put it (and the blank
        lines after it) back into the body and read ``line`` as body text too."""
        self.warn(
            lineno - 1 - self.start_blanks,
            "count line not followed by comments; kept as body text",
        )
        self.body.append(self.count_line)
        self.body.extend([""] * self.start_blanks)
        self.post.declared_comments = None
        self.post.comments = None
        self._enter(_BODY)
        kept = self._body_trigger(line, lineno) if line[:1] in _BODY_TRIGGERS else line
        if kept is not None:
            self.body.append(kept)

    def _open_comment(self, first: str, lineno: int) -> None:
        """A top-level comment marker: finish the comment and reply before it."""
        if self.top is not None:
            _finish(self.top_lines, _TOP_INDENT, self.top)
        if self.reply is not None:
            _finish(self.reply_lines, _REPLY_INDENT, self.reply)
            self.reply = None
        self.top = ParsedComment("", False, [], lineno)  # positional: ~100 ns less each
        self.top_lines = [first]
        self.comments.append(self.top)
        self.state, self.step = _COMMENT, self._in_comment  # ``_enter``, inlined: per comment

    def _open_reply(self, first: str, lineno: int) -> None:
        """A reply marker: finish the reply before it."""
        if self.reply is not None:
            _finish(self.reply_lines, _REPLY_INDENT, self.reply)
        self.reply = ParsedComment("", False, [], lineno)
        self.reply_lines = [first]
        assert self.top is not None
        self.top.replies.append(self.reply)
        self.state, self.step = _REPLY, self._in_reply  # ``_enter``, inlined: per reply

    def _close(self, marker: str, state: State) -> None:
        """A close marker (``ReplyDelete``, ``Delete``); it may yet turn out to be text."""
        self.marker = marker
        self.closed_tail.clear()
        self.state, self.step = state, self._in_section  # ``_enter``, inlined

    def _reopen(self, line: str, lines: list[str], closers: tuple[str, ...], state: State) -> None:
        """More of the closed comment (or reply) followed its close marker: the marker and the
        blank lines after it were text.  A second close marker closes it again."""
        lines.append(self.marker)
        lines.extend(self.closed_tail)
        if line in closers:
            self.marker = line
            self.closed_tail.clear()
        else:
            lines.append(line)
            self._enter(state)

    def _built(self) -> ParsedPost:
        """The current post, finished: its body text, its last comment's and reply's text."""
        post, warn = self.post, self.warn
        post.body = normalise_text("\n".join(self.body))
        comments = post.comments
        if comments:
            _finish(self.top_lines, _TOP_INDENT, comments[-1])
            if self.reply is not None:
                _finish(self.reply_lines, _REPLY_INDENT, self.reply)
        if comments is not None and post.declared_comments is not None:
            found = sum(1 + len(c.replies) for c in comments)
            if found != post.declared_comments:
                warn(
                    post.line,
                    f"post '{post.title}' declares {post.declared_comments} comments,"
                    f" {found} found",
                )
        return post
