"""Mailing-list archives in mbox form (mboxo and mboxrd): one post per thread.

* Messages are split at ``From `` lines that follow a blank line (or start the file) and carry
  a time and a year, so a body line "From here on…" that a careless writer left unescaped
  does not cut a message in two.  ``>From `` / ``>>From `` lines lose one ``>`` (the mboxrd
  rule, which also undoes mboxo's escaping); each message is then parsed by the standard
  library's ``email`` package.
* Threads are built with Jamie Zawinski's algorithm (``reader.formats.mail_threads``).  A
  thread's first message is the post (subject as title, its text as body); the rest nest as
  replies, ordered by date.
* Headers are RFC 2047-decoded whatever their charset; a body prefers ``text/plain``, and
  HTML-only mail is sanitised and converted.  Undeclared 8-bit text is UTF-8 when valid, else
  Windows-1252.  Dates with two-digit years, named zones (CDT, MET, JST) and odd forms
  ("-5:00") keep their offset; a zone nobody can place ("17:10:00 G") leaves the time without
  one.  A message without a usable Date falls back to its ``From `` line.
* ``source_key`` is the Message-ID; a second message with the same id is kept as its own
  message (with a warning), never merged into the first.

Every message is parked in a ``Spill`` while the file is read; only the few header fields
threading needs stay in memory.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr, parsedate_tz
from typing import BinaryIO

from reader.errors import DumpError
from reader.formats.base import ParseReport
from reader.formats.html import sanitise
from reader.formats.mail_threads import MessageHeader, jwz_threads
from reader.formats.spill import Spill
from reader.formats.text import clean, decode, one_line, sort_key
from reader.formats.threads import Flat, build
from reader.model import ParsedComment, ParsedPost

NAME = "mbox"
LABEL = "mailbox (mbox)"
KIND = "mbox"
HINT = "an mbox starts with a 'From address date' line followed by mail headers"

_CHUNK = 1 << 20
_MAX_MESSAGE = 256 << 20
_FROM_LINE = re.compile(rb"From .*?\d{1,2}:\d\d.*?\d{4}")
_FROM_LINE_SCAN = 1024
"""How much of a line may hold a separator's time and year.  Real ``From `` lines are under a
hundred bytes; bounding the scan keeps the two lazy searches from going quadratic on a long
damaged line (20 KB of noise after "From " took 14 s)."""
_HEADER = re.compile(rb"[!-9;-~]+:")
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_RE_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|antw|fwd?|fw)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*|\[[^\]]{1,40}\]\s*)",
    re.I,
)
_ENVELOPE_DATE = re.compile(
    r"([A-Z][a-z]{2}) +([A-Z][a-z]{2}) +(\d{1,2}) +(\d{1,2}:\d\d(?::\d\d)?) +(\d{4})(?: +(\S+))?"
)
_ZONE = re.compile(r"\d{1,2}:\d\d(?::\d\d)?\s+([A-Za-z]{1,5}|[+-]\d{1,2}:?\d\d)\b")
_ZONES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 60, "IST": 60, "WEST": 60,
    "CET": 60, "MET": 60, "MEZ": 60, "CEST": 120, "MEST": 120, "MESZ": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AEST": 600,
    "AEDT": 660, "NZST": 720, "NZDT": 780, "EST": -300, "EDT": -240, "CST": -360,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540,
    "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180, "NST": -210, "NDT": -150,
}  # fmt: skip


def sniff(head: bytes, filename: str = "") -> float:
    text = head.lstrip(b"\r\n")
    first, _, rest = text.partition(b"\n")
    if not first.startswith(b"From ") or not _from_line(first.rstrip(b"\r")):
        return 0.0
    headers = rest.split(b"\n", 5)[:5]
    fits = sum(1 for line in headers if _HEADER.match(line) or line[:1] in (b" ", b"\t"))
    return 1.0 if fits >= 2 else 0.6


def _from_line(line: bytes) -> bool:
    """Whether ``line`` (without its end) is a message separator: "From who … hh:mm … yyyy"."""
    return _FROM_LINE.match(line[:_FROM_LINE_SCAN]) is not None


def _split(stream: BinaryIO, report: ParseReport) -> Iterator[tuple[int, bytes, bytes]]:
    """(line, From_ line, raw message) for every message, unescaped."""
    lineno = 0
    start_line = 0
    separator = b""
    lines: list[bytes] = []
    size = 0
    previous_blank = True
    pending = b""
    while True:
        chunk = stream.read(_CHUNK)
        report.bytes_read += len(chunk)
        data = pending + chunk
        if chunk:
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                pending = data
                if len(pending) > _MAX_MESSAGE:
                    raise DumpError(report.path, "a line longer than 256 MiB", lineno + 1)
                continue
            block, pending = data[:cut], data[cut:]
        else:
            block, pending = data, b""
        for line in block.splitlines(keepends=True):
            lineno += 1
            if line.startswith(b"From ") and previous_blank:
                stripped = line.rstrip(b"\r\n")
                if _from_line(stripped):
                    if separator:
                        yield start_line, separator, _finish(lines)
                    elif any(item.strip() for item in lines):
                        raise DumpError(
                            report.path, "text before the first 'From ' line: not an mbox", 1
                        )
                    separator, start_line, lines, size = stripped, lineno, [], 0
                    previous_blank = False
                    continue
            previous_blank = not line.strip()
            size += len(line)
            if size > _MAX_MESSAGE:
                raise DumpError(report.path, "a message larger than 256 MiB", start_line)
            lines.append(line)
        if not chunk:
            break
    if separator:
        yield start_line, separator, _finish(lines)
    else:
        raise DumpError(report.path, "no 'From ' line: not an mbox", 1)


def _finish(lines: list[bytes]) -> bytes:
    if lines and not lines[-1].strip():
        lines = lines[:-1]  # the blank line that separates messages
    return _ESCAPED_FROM.sub(rb"\1", b"".join(lines))


def parse(stream: BinaryIO, report: ParseReport) -> Iterator[ParsedPost]:
    """Stream one post per thread (see the module docstring)."""
    report.format = report.format or NAME
    headers: list[MessageHeader] = []
    with Spill() as spill:
        for line, separator, raw in _split(stream, report):
            index = len(headers)
            try:
                header, comment, subject = _message(index, line, separator, raw, report)
            except RecursionError:
                # The email package parses MIME parts inside parts, and comments inside
                # comments, by recursion: a hostile or damaged message can nest deeper than
                # Python's stack. Refusing the file (naming the message) keeps the import whole.
                raise DumpError(
                    report.path,
                    "a message nested too deeply to read (MIME parts or header comments inside"
                    " one another); remove or repair that message and import again",
                    line,
                ) from None
            except (ValueError, LookupError, TypeError, AttributeError, IndexError) as exc:
                # What the email package raises on input nobody foresaw: the file is refused
                # with the message's line, never a traceback (and nothing is stored).
                raise DumpError(
                    report.path,
                    f"a message the mail reader could not read ({type(exc).__name__}: "
                    f"{one_line(str(exc))[:200]}); repair or remove it and import again",
                    line,
                ) from None
            headers.append(header)
            spill.add(str(index), (comment, subject))
        for thread in jwz_threads(headers, report):
            yield _post(thread, headers, spill, report)


def _header(message: Message, name: str) -> str:
    """A header decoded from RFC 2047 words, unfolded, whatever charset they name."""
    values = message.get_all(name)
    if not values:
        return ""
    raw = str(values[0])
    try:
        parts = decode_header(raw)
    except (ValueError, LookupError, AssertionError):
        return one_line(raw)
    out = []
    for value, charset in parts:
        if isinstance(value, bytes):
            out.append(decode(value, charset)[0])
        else:
            out.append(value)
    return one_line("".join(out))


def _date(value: str, separator: bytes) -> dt.datetime | None:
    """The Date header's moment with its offset (see the module docstring)."""
    envelope = _ENVELOPE_DATE.search(separator.decode("latin-1"))
    fallback = ""
    if envelope:  # "Thu Sep 21 17:39:53 1995 CDT" -> "Thu, 21 Sep 1995 17:39:53 CDT"
        weekday, month, day, clock, year, zone = envelope.groups()
        fallback = f"{weekday}, {day} {month} {year} {clock} {zone or ''}".strip()
    for text in (value, fallback):
        parsed = parsedate_tz(text) if text else None
        if parsed is None:
            continue
        year, month, day, hour, minute, second = parsed[:6]
        if year < 100:
            year += 1900 if year >= 50 else 2000
        tz: dt.tzinfo | None = None
        zone = _ZONE.search(text)
        if zone:
            token = zone.group(1)
            if token[0] in "+-":
                sign = -1 if token[0] == "-" else 1
                digits = token[1:].replace(":", "").rjust(4, "0")
                minutes = int(digits[:-2]) * 60 + int(digits[-2:])
                if minutes < 24 * 60:
                    tz = dt.timezone(dt.timedelta(minutes=sign * minutes))
            elif token.upper() in _ZONES:
                tz = dt.timezone(dt.timedelta(minutes=_ZONES[token.upper()]))
        try:
            return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
        except (ValueError, OverflowError):
            continue
    return None


def _author(value: str) -> tuple[str | None, str | None]:
    """Display name and mailto: address of a From header, unquoted commas and all."""
    if "<" in value and value.rstrip().endswith(">"):
        name, _, address = value.rpartition("<")
        address = address.rstrip().rstrip(">").strip()
        name = name.strip().strip('"').strip()
    else:
        try:
            name, address = parseaddr(value)
        except RecursionError:  # "((((…" nests comments deeper than the stack: keep it as said
            name, address = value, ""
        if not address and not name:
            name = value
    if "(" in address or " " in address or "@" not in address:
        address = ""
    shown = one_line(name) or None
    if shown and shown.startswith("(") and shown.endswith(")"):
        shown = shown[1:-1].strip() or None
    return shown or (address or None), (f"mailto:{address}" if address else None)


def _body(message: Message) -> tuple[str, str | None]:
    """Plain text of the message (text/plain preferred) and sanitised HTML if that was all."""
    plain = html = None
    for part in message.walk() if message.is_multipart() else [message]:
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        if disposition.startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        try:
            payload = part.get_payload(decode=True)
        except (ValueError, LookupError, AssertionError):
            payload = None
        if not isinstance(payload, bytes):
            raw = part.get_payload()
            payload = raw.encode("utf-8", "replace") if isinstance(raw, str) else b""
        text = decode(payload, part.get_content_charset())[0]
        if kind == "text/plain" and plain is None:
            plain = text
        elif kind == "text/html" and html is None:
            html = text
    if plain is not None:
        return clean(plain).rstrip(), None
    if html is not None:
        safe = sanitise(html)
        return safe.text, safe.html
    return "", None


def _message(
    index: int, line: int, separator: bytes, raw: bytes, report: ParseReport
) -> tuple[MessageHeader, ParsedComment, str]:
    message = message_from_bytes(raw, policy=compat32)
    subject = _header(message, "Subject")
    message_id = next(iter(_MSG_ID.findall(_header(message, "Message-ID"))), "")
    if not message_id:
        message_id = f"no-message-id-{index}"
    references = _MSG_ID.findall(_header(message, "References"))
    in_reply_to = _MSG_ID.findall(_header(message, "In-Reply-To"))
    if in_reply_to and (not references or references[-1] != in_reply_to[0]):
        references.append(in_reply_to[0])
    when = _date(_header(message, "Date"), separator)
    author, author_uri = _author(_header(message, "From"))
    text, html = _body(message)
    comment = ParsedComment(
        text=text,
        line=line,
        author=author,
        published=when,
        author_uri=author_uri,
        html=html,
        source_key=f"mid:{message_id}",
        where=f"message <{message_id}>",
    )
    base = _base_subject(subject)
    reply = base != one_line(subject).lower()
    # Interned: a 500 MB archive repeats each thread's subject and ids thousands of times.
    references = [sys.intern(ref) for ref in references if ref != message_id]
    header = MessageHeader(
        index, sys.intern(message_id), references, sys.intern(base), reply, sort_key(when)
    )
    return header, comment, subject


def _base_subject(subject: str) -> str:
    """The subject without Re:/Fwd:/[list] prefixes, case and spacing folded."""
    text = one_line(subject)
    while True:
        stripped = _RE_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text.lower()


def _post(
    thread: list[tuple[int, int | None]],
    headers: list[MessageHeader],
    spill: Spill,
    report: ParseReport,
) -> ParsedPost:
    root_index = thread[0][0]
    comment, subject = spill.group(str(root_index))[0]
    flats = []
    for index, parent in thread[1:]:
        reply, _subject = spill.group(str(index))[0]
        above = str(parent) if parent is not None and parent != root_index else None
        flats.append(Flat(str(index), above, reply))
    published = comment.published
    return ParsedPost(
        date=published.date() if published is not None else dt.date.min,
        title=one_line(subject) or "(no subject)",
        body=comment.text,
        declared_comments=None,
        comments=build(flats, report),
        line=comment.line,
        author=comment.author,
        published=published,
        author_uri=comment.author_uri,
        html=comment.html,
        source_key=comment.source_key,
        where=comment.where,
    )
