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
from collections.abc import Iterator
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

# Comment-section sub-states.
_C_START = 0  # after the count line, no comment yet
_C_TOP = 1  # a top-level comment is open
_C_TOP_DONE = 2  # closed by ReplyDelete; "Replies" or the next comment may follow
_C_REPLIES = 3  # after "Replies", before the first reply
_C_REPLY = 4  # a reply is open
_C_REPLY_DONE = 5  # a reply closed by Delete

# Post-level states.
_S_PREAMBLE = 0
_S_TITLE = 1
_S_BODY = 2
_S_COMMENTS = 3


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
    """Decoded lines (without line ends) in blocks of about ``_CHUNK`` bytes."""
    lineno = 0  # lines handed out so far
    utf8 = True
    ascii_so_far = True
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
        nul = block.find(b"\x00")
        if nul >= 0:
            line = lineno + block.count(b"\n", 0, nul) + 1
            raise DumpError(path, "binary data (NUL byte): not a text dump", line)
        if not utf8:
            text = block.decode("cp1252", "reader-cp1252")
        else:
            try:
                text = block.decode("utf-8")
                if ascii_so_far and not block.isascii():
                    ascii_so_far = False
            except UnicodeDecodeError as exc:
                bad_line = lineno + block.count(b"\n", 0, exc.start) + 1
                if ascii_so_far and block[: exc.start].isascii():
                    utf8 = False
                    report.encoding = "cp1252"
                    warn(bad_line, "not valid UTF-8; the file is read as cp1252")
                    text = block.decode("cp1252", "reader-cp1252")
                else:
                    ascii_so_far = False
                    text = _decode_mixed(block, lineno, warn)
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        if last:
            if lines[-1].endswith("\r"):  # a CR without its LF at the very end
                lines[-1] = lines[-1][:-1]
        else:
            lines.pop()  # the block ends with "\n": the last piece is empty
        lineno += len(lines)
        yield lines
        if last:
            return


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


def _finish(lines: list[str], indent: str, comment: ParsedComment) -> None:
    """Set the text of a comment from its marker rest and raw continuation lines."""
    text = lines[0] if len(lines) == 1 else "\n".join(lines).replace(indent, "\n")
    text = text.rstrip()
    if text[:1].isspace():
        text = normalise_text(text)
    comment.text = text
    if text[:5] == "This " and _REMOVED_RE.fullmatch(text):
        comment.removed = True


def _build(
    post: ParsedPost,
    body: list[str],
    top_lines: list[str],
    reply: ParsedComment | None,
    reply_lines: list[str],
    warn: _Warnings,
) -> ParsedPost:
    """Finish ``post``: its body text and the text of its last comment and reply."""
    post.body = normalise_text("\n".join(body))
    comments = post.comments
    if comments:
        _finish(top_lines, _TOP_INDENT, comments[-1])
        if reply is not None:
            _finish(reply_lines, _REPLY_INDENT, reply)
    if comments is not None and post.declared_comments is not None:
        found = sum(1 + len(c.replies) for c in comments)
        if found != post.declared_comments:
            warn(
                post.line,
                f"post '{post.title}' declares {post.declared_comments} comments, {found} found",
            )
    return post


def _parse_lines(blocks: Iterator[list[str]], path: Path, warn: _Warnings) -> Iterator[ParsedPost]:
    """The state machine: post states (``_S_*``) and, in a comment section, ``_C_*`` states.

    Comment lines are kept raw (with their indentation) and dedented in one ``replace`` when
    the comment is finished, so the common continuation line costs one ``startswith``, two
    string comparisons and an ``append``.
    """
    # Constants as locals: the loop runs once per line of a 300 MB file.
    s_comments, s_body, s_title = _S_COMMENTS, _S_BODY, _S_TITLE
    c_start, c_top, c_top_done = _C_START, _C_TOP, _C_TOP_DONE
    c_replies, c_reply, c_reply_done = _C_REPLIES, _C_REPLY, _C_REPLY_DONE
    top_closers = ("    " + TOP_CLOSE, "    " + TOP_CLOSE_ALT)
    reply_close, replies_line = "      " + REPLY_CLOSE, "    " + REPLIES
    triggers = _DATE_INITIALS | _COUNT_INITIALS | {"\ufeff"}
    date_initials, count_initials, weekdays = _DATE_INITIALS, _COUNT_INITIALS, WEEKDAYS
    number_match = _NUMBER_RE.match

    state = _S_PREAMBLE
    base = 0  # lines before the current block
    post = ParsedPost(dt.date.min, "", "", None, None)
    body: list[str] = []
    comments: list[ParsedComment] = []
    cs = c_start
    count_line = ""
    start_blanks = 0  # blank lines after the count line, before the first comment
    top: ParsedComment | None = None
    top_lines: list[str] = []  # the text after "N. ", then raw lines (4-space indent)
    reply: ParsedComment | None = None
    reply_lines: list[str] = []  # the same with the 6-space indent
    marker = ""  # the raw close line consumed in c_top_done / c_reply_done
    closed_tail: list[str] = []  # blank lines after it, raw

    for lines in blocks:
        for lineno, line in enumerate(lines, base + 1):
            if state == s_comments:
                # The common lines first: continuation and blank lines of an open comment.
                if cs == c_top:
                    if not line:
                        top_lines.append(line)
                        continue
                    if line.startswith("    "):
                        if line in top_closers:
                            cs = c_top_done
                            marker = line
                            closed_tail.clear()
                        else:
                            top_lines.append(line)
                        continue
                elif cs == c_reply:
                    if not line:
                        reply_lines.append(line)
                        continue
                    if line.startswith("      "):
                        if line == reply_close:
                            cs = c_reply_done
                            marker = line
                            closed_tail.clear()
                        else:
                            reply_lines.append(line)
                        continue
                # Structure lines, blank lines between comments, and oddities.
                if line.startswith("  "):
                    if line[2:3].isdigit() and (m := number_match(line, 2)) is not None:
                        if top is not None:
                            _finish(top_lines, _TOP_INDENT, top)
                        if reply is not None:
                            _finish(reply_lines, _REPLY_INDENT, reply)
                            reply = None
                        top = ParsedComment(text="", line=lineno)
                        top_lines = [line[m.end() :]]
                        comments.append(top)
                        cs = c_top
                        continue
                    if line.startswith("    "):
                        if cs >= c_replies:
                            if line[4:5].isdigit() and (m := number_match(line, 4)) is not None:
                                if reply is not None:
                                    _finish(reply_lines, _REPLY_INDENT, reply)
                                reply = ParsedComment(text="", line=lineno)
                                reply_lines = [line[m.end() :]]
                                assert top is not None
                                top.replies.append(reply)
                                cs = c_reply
                                continue
                            if (
                                cs == c_reply_done
                                and line.startswith("      ")
                                and not line.isspace()
                            ):
                                # "Delete" was a line of the reply's text: reopen it.
                                reply_lines.append(marker)
                                reply_lines.extend(closed_tail)
                                if line == reply_close:
                                    closed_tail.clear()
                                else:
                                    reply_lines.append(line)
                                    cs = c_reply
                                continue
                        elif cs == c_top_done:
                            if line == replies_line:
                                cs = c_replies
                                continue
                            if not line.isspace():
                                # "ReplyDelete" was a line of the text: reopen the comment.
                                top_lines.append(marker)
                                top_lines.extend(closed_tail)
                                if line in top_closers:
                                    marker = line
                                    closed_tail.clear()
                                else:
                                    top_lines.append(line)
                                    cs = c_top
                                continue
                elif line and line[0] != " ":
                    if line[0] == "\ufeff":
                        line = line.lstrip("\ufeff")
                    if (
                        line[:1] in date_initials
                        and line.startswith(weekdays)
                        and (new_date := date_of(line)) is not None
                    ):
                        yield _build(post, body, top_lines, reply, reply_lines, warn)
                        state = s_title
                        post = ParsedPost(new_date, "", "", None, None, line=lineno)
                        body = []
                        top = reply = None
                        continue
                if not line or line.isspace():
                    if cs == c_top:
                        top_lines.append("")
                    elif cs == c_reply:
                        reply_lines.append("")
                    elif cs == c_start:
                        start_blanks += 1
                    elif cs == c_top_done:
                        closed_tail.append(line if line.startswith("    ") else "")
                    elif cs == c_reply_done:
                        closed_tail.append(line if line.startswith("      ") else "")
                    continue
                if line.strip(" \t\xa0") in _LOAD_MORE:
                    post.more_comments = True  # Blogger's link to the next page of comments
                    continue
                if cs != c_start:
                    warn(lineno, "line does not fit the comment layout; added to the comment above")
                    if reply is not None and cs >= c_replies:
                        reply_lines.append("      " + line.lstrip(" "))
                    else:
                        assert top is not None
                        top_lines.append("    " + line.lstrip(" "))
                    continue
                # No comment yet: the count line was body text.  Put it back, go on as body.
                warn(
                    lineno - 1 - start_blanks,
                    "count line not followed by comments; kept as body text",
                )
                body.append(count_line)
                body.extend([""] * start_blanks)
                state = s_body
                post.declared_comments = None
                post.comments = None
                # and fall through to the body handling of this line

            if state == s_body:
                c0 = line[:1]
                if c0 in triggers:
                    if c0 == "\ufeff":
                        line = line.lstrip("\ufeff")
                        c0 = line[:1]
                    if c0 in count_initials and (n := count_of(line)) is not None:
                        state = s_comments
                        post.declared_comments = n
                        post.comments = comments = []
                        cs = c_start
                        count_line = line
                        start_blanks = 0
                        continue
                    if (
                        c0 in date_initials
                        and line.startswith(weekdays)
                        and (new_date := date_of(line)) is not None
                    ):
                        yield _build(post, body, top_lines, reply, reply_lines, warn)
                        state = s_title
                        post = ParsedPost(new_date, "", "", None, None, line=lineno)
                        body = []
                        top = reply = None
                        continue
                body.append(line)
                continue

            if not line or line.isspace():
                continue
            line = line.lstrip("\ufeff")
            new_date = date_of(line) if line.startswith(weekdays) else None
            if state == s_title:
                if new_date is None:
                    post.title = line.strip()
                    state = s_body
                    continue
                warn(post.line, "post without title or text")
                yield _build(post, body, top_lines, reply, reply_lines, warn)
            elif new_date is None:  # the preamble: only blank lines may come before a post
                raise DumpError(
                    path,
                    "expected a date line such as 'Sunday, 7 March 2021' before any text",
                    lineno,
                )
            state = s_title
            post = ParsedPost(new_date, "", "", None, None, line=lineno)
            body = []
            top = reply = None
        base += len(lines)

    if state == _S_PREAMBLE:
        raise DumpError(path, "no posts found: no date line such as 'Sunday, 7 March 2021'")
    if state == s_title:
        warn(post.line, "post without title or text")
    yield _build(post, body, top_lines, reply, reply_lines, warn)
