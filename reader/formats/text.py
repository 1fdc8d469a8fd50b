"""Small text helpers the export formats share: control characters, charsets, ISO times.

The plain-text dump has its own decoding rules (``reader.formats.blogtext``); these serve the
formats whose text comes out of XML or e-mail, where a field can hold anything.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides that could flip
# what a terminal or a row shows (isolates and marks are harmless and stay).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
_ISO = re.compile(
    r"\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d\d:?\d\d)?\s*"
)


def clean(text: str | None) -> str:
    """``text`` with CRLF/CR as LF and control characters removed (never shown as codes)."""
    if not text:
        return ""
    if text.isprintable():
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def one_line(text: str | None) -> str:
    """A title or a name: cleaned, white space collapsed to single spaces, trimmed."""
    if not text:
        return ""
    return " ".join((text if text.isprintable() else clean(text)).split())


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    """The bytes cp1252 leaves undefined read as the same code points, like Windows does."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("reader-latin1", _latin1_fallback)


_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode"})
"""Text codecs Python has that no message is written in: they would turn backslashes into
other characters, or refuse to decode at all."""


def _is_charset(name: str) -> bool:
    """Whether ``name`` (from a file, so anything: "zlib", "u\\x00tf-8") is a text charset."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # unknown, or a NUL in the name
        return False
    return getattr(info, "_is_text_encoding", True) and info.name not in _NOT_CHARSETS


def decode(data: bytes, charset: str | None) -> tuple[str, str]:
    """Text of ``data`` and the charset actually used.

    A declared charset that Python knows is used with replacement characters for bad bytes
    (a mislabelled message stays readable); an unknown or missing one — or a label that names
    no charset ("base64", "zlib", a damaged name) — means UTF-8 when the bytes are valid UTF-8,
    else Windows-1252: what undeclared 8-bit mail almost always is.
    """
    if charset:
        name = charset.strip().strip("\"'").lower()
        if name in ("us-ascii", "ascii", "ansi_x3.4-1968"):
            name = "utf-8"  # 8-bit bytes in "ASCII" mail are nearly always UTF-8 or cp1252
        elif not _is_charset(name):
            name = ""
        if name:
            if name in ("iso-8859-1", "latin-1", "latin1"):
                name = "cp1252"  # what mail labelled Latin-1 really is (smart quotes)
            try:
                return data.decode(name, "replace"), name
            except (LookupError, ValueError):  # a codec that cannot replace (idna): guess
                pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "reader-latin1"), "cp1252"


def parse_iso(value: str | None) -> dt.datetime | None:
    """An ISO 8601 / RFC 3339 time as written ("2011-07-13T22:22:37.508-04:00"), keeping its
    offset; naive when it has none; ``None`` when it is missing or not a time at all."""
    if not value:
        return None
    match = _ISO.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    tz: dt.tzinfo | None = None
    if zone:
        if zone == "Z":
            tz = dt.UTC
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            if offset >= dt.timedelta(hours=24):
                return None
            tz = dt.timezone(sign * offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=tz,
        )
    except ValueError:
        return None


def sort_key(when: dt.datetime | None) -> float:
    """A number to order times by; naive times count as UTC, missing ones come last."""
    if when is None:
        return float("inf")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return when.timestamp()
    except (OverflowError, ValueError, OSError):
        return float("inf")


def title_from_text(text: str, limit: int = 80) -> str:
    """A title for something that has none: its first line, shortened."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""
