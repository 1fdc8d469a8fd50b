"""The state machine that turns a plain-text dump's lines into posts and comment trees.

Why hand-written: dumps run to hundreds of megabytes and the importer must stay above 15 MB/s,
while the structure is carried only by column-0 date lines, a ``N comments:`` line and fixed
indentation; so lines are walked with cheap ``startswith``/equality checks, and the regexes of
``reader.formats.blogtext_lines`` run only on lines whose first character could start a date,
count or comment marker line.  Each post is yielded once the next date line (or the end)
arrives: memory is bounded by the largest post.  The layout and how its ambiguities are
resolved: the module docstring of ``reader.formats.blogtext``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from enum import IntEnum
from pathlib import Path

from reader.errors import DumpError
from reader.formats.blogtext_lines import (
    BODY_TRIGGERS,
    COUNT_INITIALS,
    DATE_INITIALS,
    EXAMPLE_DATE_LINE,
    LOAD_MORE,
    NUMBER_RE,
    REPLIES_LINE,
    REPLY_CLOSER,
    REPLY_INDENT,
    TOP_CLOSERS,
    TOP_INDENT,
    WEEKDAYS,
    count_of,
    date_of,
    finish_comment,
    normalise_text,
)
from reader.formats.blogtext_read import Warnings
from reader.model import ParsedComment, ParsedPost

_number_match = NUMBER_RE.match


class State(IntEnum):
    """Where the parser is in the dump, each with its ``Parser._in_*`` function.

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


class Parser:
    """The state machine over a dump's lines; one instance per file.

    ``run`` hands each block of lines to the current state's function (``step``), which
    consumes lines while the state lasts and returns the index of the first line it did not
    take.  The common lines (body lines, continuation and blank lines of an open comment) are
    handled in those functions' own loops; structure lines go through ``_in_section``, and
    every change of state through ``_enter`` (written out in the transitions made once per
    comment).  After a close marker the next comment's (or reply's) marker, nearly always the
    next line, is taken in the same loop, which spares a return to ``run`` per comment.

    Comment lines are kept raw (with their indentation) and dedented in one ``replace`` when
    the comment is finished (``finish_comment``), so a continuation line costs one ``startswith``,
    one or two comparisons and an ``append``.
    """

    __slots__ = (
        "_steps", "base", "body", "closed_tail", "comments", "count_line", "marker", "path",
        "post", "ready", "reply", "reply_lines", "start_blanks", "state", "step", "top",
        "top_lines", "warn",
    )  # fmt: skip

    def __init__(self, path: Path, warn: Warnings) -> None:
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
            raise DumpError(self.path, f"no posts found: no date line such as {EXAMPLE_DATE_LINE}")
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
                    f"expected a date line such as {EXAMPLE_DATE_LINE} before any text",
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
        append, triggers = self.body.append, BODY_TRIGGERS
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
        if first in COUNT_INITIALS and (count := count_of(line)) is not None:
            self._start_comments(line, count)
            return None
        if first in DATE_INITIALS and line.startswith(WEEKDAYS):
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
        closers, count = TOP_CLOSERS, len(lines)
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
        closer, count = REPLY_CLOSER, len(lines)
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
            if line[:1] in DATE_INITIALS and line.startswith(WEEKDAYS):
                date = date_of(line)
                if date is not None:
                    self._start_post(date, lineno)
                    return start + 1
        if not line or line.isspace():
            self._blank(line)
        elif line.strip(" \t\xa0") in LOAD_MORE:
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
                self._reopen(line, self.reply_lines, (REPLY_CLOSER,), _REPLY)
                return True
        elif state == _COMMENT_CLOSED:
            if line == REPLIES_LINE:
                self._enter(_REPLIES)
                return True
            if not line.isspace():
                self._reopen(line, self.top_lines, TOP_CLOSERS, _COMMENT)
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
        kept = self._body_trigger(line, lineno) if line[:1] in BODY_TRIGGERS else line
        if kept is not None:
            self.body.append(kept)

    def _open_comment(self, first: str, lineno: int) -> None:
        """A top-level comment marker: finish the comment and reply before it."""
        if self.top is not None:
            finish_comment(self.top_lines, TOP_INDENT, self.top)
        if self.reply is not None:
            finish_comment(self.reply_lines, REPLY_INDENT, self.reply)
            self.reply = None
        self.top = ParsedComment("", False, [], lineno)  # positional: ~100 ns less each
        self.top_lines = [first]
        self.comments.append(self.top)
        self.state, self.step = _COMMENT, self._in_comment  # ``_enter``, inlined: per comment

    def _open_reply(self, first: str, lineno: int) -> None:
        """A reply marker: finish the reply before it."""
        if self.reply is not None:
            finish_comment(self.reply_lines, REPLY_INDENT, self.reply)
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
            finish_comment(self.top_lines, TOP_INDENT, comments[-1])
            if self.reply is not None:
                finish_comment(self.reply_lines, REPLY_INDENT, self.reply)
        if comments is not None and post.declared_comments is not None:
            found = sum(1 + len(c.replies) for c in comments)
            if found != post.declared_comments:
                warn(
                    post.line,
                    f"post '{post.title}' declares {post.declared_comments} comments,"
                    f" {found} found",
                )
        return post
