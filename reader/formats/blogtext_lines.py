"""What a line of a plain-text blog dump can be, and the rules for the text between them.

The parser (``reader.formats.blogtext_parser``) classifies lines with these: a post's date line
(``date_of``), a comment count line (``count_of``), a comment's ``N.`` marker (``NUMBER_RE``),
the close markers Blogger prints, and Blogger's deletion placeholder (``is_removed_text``);
``normalise_text`` is how a body or comment text's ends are trimmed (the module docstring of
``reader.formats.blogtext`` states the rules).  The writer (``blogtext_write``) uses the same
names, so what it writes parses back.
"""

from __future__ import annotations

import datetime as dt
import re

from reader.model import ParsedComment

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
LOAD_MORE = frozenset({"Load more...", "Load more…"})
# The markers as they stand in the dump: comment text is indented 4 spaces, reply text 6.
TOP_INDENT = "\n    "
REPLY_INDENT = "\n      "
TOP_CLOSERS = ("    " + TOP_CLOSE, "    " + TOP_CLOSE_ALT)
REPLY_CLOSER = "      " + REPLY_CLOSE
REPLIES_LINE = "    " + REPLIES
EXAMPLE_DATE_LINE = "'Sunday, 7 March 2021'"

_WD = "|".join(WEEKDAYS)
_MO = "|".join(MONTHS)
_SP = r"[ \t\xa0]"
_DATE_RE = re.compile(
    rf"(?P<wd>{_WD}),?{_SP}+"
    rf"(?:(?P<d1>\d{{1,2}}){_SP}+(?P<m1>{_MO})|(?P<m2>{_MO}){_SP}+(?P<d2>\d{{1,2}}))"
    rf",?{_SP}+(?P<y>\d{{4}})\s*"
)
_COUNT_RE = re.compile(r"(?:(?P<n>\d{1,7}|\d{1,3}(?:,\d{3})+)|(?P<no>No)) comments?:\s*", re.I)
NUMBER_RE = re.compile(r"(\d+)\.(?: |$)")
REMOVED_RE = re.compile(
    r"This (?:comment|post) has been removed by (?:the author|a blog administrator"
    r"|an? (?:blog )?administrator)\.?"
)
DATE_INITIALS = frozenset(w[0] for w in WEEKDAYS)
COUNT_INITIALS = frozenset("0123456789Nn")
# First characters of a body line that may make it a date or count line (after a BOM).
BODY_TRIGGERS = DATE_INITIALS | COUNT_INITIALS | {"\ufeff"}


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
    return text.startswith("This ") and REMOVED_RE.fullmatch(text) is not None


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


def finish_comment(lines: list[str], indent: str, comment: ParsedComment) -> None:
    """Set the text of a comment from its marker rest and raw continuation lines (``indent``:
    a line break and the indentation its continuation lines carry), and flag a deletion
    placeholder ``removed``."""
    text = lines[0] if len(lines) == 1 else "\n".join(lines).replace(indent, "\n")
    text = text.rstrip()
    if text[:1].isspace():
        text = normalise_text(text)
    comment.text = text
    if text[:5] == "This " and REMOVED_RE.fullmatch(text):
        comment.removed = True
