"""Writes posts in the plain-text blog dump layout that ``reader.formats.blogtext`` reads.

Why it exists: the parser's round-trip tests, the synthetic benchmark dump and the sample
archive all need the same exact layout, so it lives in one place next to the parser.

``render_post`` is the inverse of the parser for normalised posts (see
``blogtext_lines.normalise_text``): a non-empty title without line breaks, body and comment texts
without leading blank lines or trailing whitespace.  Texts must not hold lines that the parser
reads as structure: a column-0 date line or ``N comments:`` line in a body, or a line that is
exactly ``ReplyDelete``/``Reply``/``Replies``/``Delete`` in a comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TextIO

from reader.formats.blogtext_lines import MONTHS, REPLIES, REPLY_CLOSE, TOP_CLOSE, WEEKDAYS
from reader.model import ParsedComment, ParsedPost


def date_line(date: dt.date) -> str:
    """``Sunday, 7 March 2021`` (English names whatever the locale)."""
    return f"{WEEKDAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"


def count_line(count: int) -> str:
    """``9 comments:``, ``1 comment:`` or ``No comments:``."""
    if count == 0:
        return "No comments:"
    if count == 1:
        return "1 comment:"
    return f"{count} comments:"


def _indent(text: str, first: str, rest: str, out: list[str]) -> None:
    lines = text.split("\n")
    out.append(f"{first}{lines[0]}")
    for line in lines[1:]:
        out.append(f"{rest}{line}" if line else "")


def _render_comment(number: int, comment: ParsedComment, out: list[str]) -> None:
    _indent(comment.text, f"  {number}. ", "    ", out)
    out.append("")
    out.append(f"    {TOP_CLOSE}")
    if comment.replies:
        out.append(f"    {REPLIES}")
        for reply_number, reply in enumerate(comment.replies, start=1):
            _indent(reply.text, f"    {reply_number}. ", "      ", out)
            out.append("")
            out.append(f"      {REPLY_CLOSE}")


def render_post(post: ParsedPost) -> str:
    """One post in dump layout, ending with a newline.

    The comment section is written when ``post.comments`` is not ``None``; its count line uses
    ``declared_comments`` when set, else the number of comments and replies given.
    """
    out = [date_line(post.date), "", post.title, ""]
    if post.body:
        out.append(post.body)
        out.append("")
    if post.comments is not None:
        declared = post.declared_comments
        if declared is None:
            declared = sum(1 + len(c.replies) for c in post.comments)
        out.append(count_line(declared))
        out.append("")
        for number, comment in enumerate(post.comments, start=1):
            _render_comment(number, comment, out)
    out.append("")
    return "\n".join(out)


def write_dump(posts: Iterable[ParsedPost], handle: TextIO) -> None:
    """Posts one after another, a blank line between them, as a dump file holds them."""
    first = True
    for post in posts:
        if not first:
            handle.write("\n")
        first = False
        handle.write(render_post(post))
