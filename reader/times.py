"""Times the formats carry, shown the same way by the pane, the tree and every export.

The store keeps a post's or comment's time as the source stated it: ISO 8601 with the source's
UTC offset ("2019-05-28T04:13:00+08:00"), or without one when the source named a zone nobody
can place ("17:10 G" in a 1995 mail).  Readers see it in their own time zone
(``local_text``), with the time as written on hover (``original_text``); the window may pass a
formatter that follows the user's locale (``reader.ui`` uses ``QLocale``), the core's default
is the dumps' own English style.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

TimeFormat = Callable[[dt.datetime], str]
"""Turns an aware time, already in the viewer's zone, into the text a reader sees."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@lru_cache(maxsize=4096)
def parse(stored: str | None) -> dt.datetime | None:
    """A stored time back as a ``datetime`` (aware when the source gave an offset), or None
    for none or for text that is not ISO 8601."""
    if not stored:
        return None
    try:
        return dt.datetime.fromisoformat(stored)
    except ValueError:
        return None


def default_format(when: dt.datetime) -> str:
    """``13 July 2011, 22:22``: the dumps' own style, in English whatever the locale."""
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M}"


def local_text(stored: str | None, fmt: TimeFormat = default_format) -> str:
    """``stored`` in the viewer's time zone, as ``fmt`` writes it; "" for no time.  A time
    without an offset is shown as written (its zone is unknown, so it cannot be moved)."""
    when = parse(stored)
    if when is None:
        return ""
    if when.tzinfo is not None:
        when = when.astimezone()
    return fmt(when)


def original_text(stored: str | None) -> str:
    """The time as the source wrote it, for the hover text: "2019-05-28 04:13 +08:00" (and
    "zone not stated" where the source named none anyone can place)."""
    when = parse(stored)
    if when is None:
        return ""
    text = f"{when:%Y-%m-%d %H:%M}"
    if when.second:
        text += f":{when:%S}"
    if when.tzinfo is None:
        return f"{text} (zone not stated)"
    offset = when.strftime("%z")
    return f"{text} UTC{offset[:3]}:{offset[3:]}" if offset else text


def stated_text(stored: str | None) -> str:
    """The time as the source stated it, with its offset, for exports handed to others:
    "28 May 2019, 04:13 (UTC+08:00)"; "" for no time."""
    when = parse(stored)
    if when is None:
        return ""
    text = default_format(when)
    offset = when.strftime("%z") if when.tzinfo is not None else ""
    return f"{text} (UTC{offset[:3]}:{offset[3:]})" if offset else text
