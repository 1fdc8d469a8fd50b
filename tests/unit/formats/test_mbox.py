"""mbox: splitting, From-escaping, JWZ threading with the subject fallback, charsets, dates."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from reader.errors import DumpError
from reader.formats import ParseReport, mbox
from tests.unit.formats.samples import message


def tree(post) -> list:
    def node(c):
        return (c.text.splitlines()[0] if c.text else "", [node(r) for r in c.replies])

    return [node(c) for c in post.comments]


def test_references_and_in_reply_to(parse_bytes) -> None:
    data = (
        message("a@x", "Topic", "root", date="Mon, 18 Sep 1995 10:00:00 -0500")
        + message(
            "c@x",
            "Re: Topic",
            "grandchild",
            references="<a@x> <b@x>",
            date="Mon, 18 Sep 1995 12:00:00 -0500",
        )
        + message(
            "b@x", "Re: Topic", "child", in_reply_to="a@x", date="Mon, 18 Sep 1995 11:00:00 -0500"
        )
    )
    assert mbox.sniff(data[:65536]) == 1.0
    posts, report = parse_bytes(data, "list.txt")
    assert report.format == "mbox"
    assert len(posts) == 1
    post = posts[0]
    assert (post.title, post.body, post.source_key) == ("Topic", "root", "mid:a@x")
    assert tree(post) == [("child", [("grandchild", [])])]


def test_subject_fallback_without_references(parse_bytes) -> None:
    data = (
        message("1@x", "Polywell machines", "original", date="Fri, 22 Sep 95 12:57 PDT")
        + message("2@x", "Re: Polywell machines", "answer", date="Fri, 22 Sep 95 22:16:17 -0500")
        + message(
            "3@x", "RE: [list] polywell   MACHINES", "another", date="Sun, 24 Sep 95 00:07:44 -0500"
        )
        + message("4@x", "Something else", "unrelated", date="Sat, 23 Sep 95 00:00:00 -0500")
    )
    posts, _ = parse_bytes(data)
    assert [p.title for p in posts] == ["Polywell machines", "Something else"]
    assert tree(posts[0]) == [("answer", []), ("another", [])]


def test_the_same_message_twice_and_missing_ids(parse_bytes) -> None:
    data = (
        message("d@x", "Twice", "same text", date="Mon, 18 Sep 1995 10:00:00 -0500")
        + message("d2@x", "Twice", "same text", date="Mon, 18 Sep 1995 10:05:00 -0500")
        + message("", "No id", "anonymous")
        + message("e@x", "Dup id", "one")
        + message("e@x", "Dup id 2", "two")
    )
    posts, report = parse_bytes(data)
    total = sum(1 + sum(1 for _ in p.walk_comments()) for p in posts)
    assert total == 5
    twice = next(p for p in posts if p.title == "Twice")
    assert tree(twice) == [("same text", [])]
    assert any("used twice" in w for w in report.warnings)


def test_from_escaping_mboxrd_and_mboxo(parse_bytes) -> None:
    body = "Intro\n\n>From here on, quoted\n>>From the archive\nFrom no blank line before"
    data = message("a@x", "Escapes", body) + message("b@x", "Next", "second")
    posts, _ = parse_bytes(data)
    assert len(posts) == 2
    assert posts[0].body == (
        "Intro\n\nFrom here on, quoted\n>From the archive\nFrom no blank line before"
    )


def test_a_from_line_of_prose_after_a_blank_line_does_not_split(parse_bytes) -> None:
    data = message("a@x", "Prose", "para\n\nFrom the start it was clear.\nend")
    posts, _ = parse_bytes(data)
    assert len(posts) == 1 and posts[0].body.endswith("From the start it was clear.\nend")


def test_encoded_headers_charsets_and_multipart(parse_bytes) -> None:
    latin = message(
        "l@x",
        "=?ISO-8859-1?Q?Caf=E9?=",
        "na\xefve caf\xe9".encode("latin-1"),
        sender="=?utf-8?B?SsO8cmdlbg==?= <j@example.org>",
        headers="Content-Type: text/plain; charset=iso-8859-1\n",
    )
    undeclared = message("u@x", "8bit", "smart “quotes”".encode("cp1252"))
    koi = message(
        "k@x",
        "=?koi8-r?B?8NLJ18XU?=",
        "привет".encode("koi8-r"),
        headers="Content-Type: text/plain; charset=koi8-r\n",
    )
    multipart = message(
        "m@x",
        "Both",
        (
            "--B\nContent-Type: text/html; charset=utf-8\n\n<p>html <b>part</b></p>\n"
            "--B\nContent-Type: text/plain; charset=utf-8\n\nplain part\n--B--\n"
        ),
        headers='MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="B"\n',
    )
    html_only = message(
        "h@x",
        "Html",
        "<p>only <script>x()</script>html</p>",
        headers="Content-Type: text/html; charset=utf-8\n",
    )
    posts, _ = parse_bytes(latin + undeclared + koi + multipart + html_only)
    by_title = {p.title: p for p in posts}
    assert by_title["Café"].body == "naïve café"
    assert by_title["Café"].author == "Jürgen"
    assert by_title["Café"].author_uri == "mailto:j@example.org"
    assert by_title["8bit"].body == "smart “quotes”"
    assert by_title["Привет"].body == "привет"
    assert by_title["Both"].body == "plain part" and by_title["Both"].html is None
    assert by_title["Html"].body == "only html"
    assert by_title["Html"].html == "<p>only html</p>"


def test_dates_two_digit_years_and_odd_zones(parse_bytes) -> None:
    cases = {
        "Thu, 21 Sep 95 17:39:53 -0500": "1995-09-21T17:39:53-05:00",
        "Mon, 25 Sep 95 08:58:25 MET": "1995-09-25T08:58:25+01:00",
        "Fri, 22 Sep 95 12:57 PDT": "1995-09-22T12:57:00-07:00",
        "Fri, 29 Sep 1995 10:00:00 -5:00": "1995-09-29T10:00:00-05:00",
        "Wed, 27 Sep 95 17:10:00 G": "1995-09-27T17:10:00",  # unknown zone: no offset
        "Thu, 21 Sep 1995 15:11:06 +0800 (SST)": "1995-09-21T15:11:06+08:00",
    }
    data = b"".join(
        message(f"{i}@x", f"Subject {i}", "x", date=date) for i, date in enumerate(cases)
    )
    posts, _ = parse_bytes(data)
    assert sorted(p.published.isoformat() for p in posts) == sorted(cases.values())


def test_missing_date_falls_back_to_the_from_line(parse_bytes) -> None:
    data = message(
        "a@x",
        "Dateless",
        "x",
        date="garbage",
        envelope="From (no email) Thu Sep 21 17:39:53 1995 CDT",
    )
    post = parse_bytes(data)[0][0]
    assert post.published == dt.datetime(
        1995, 9, 21, 17, 39, 53, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )


def test_odd_from_headers() -> None:
    assert mbox._author("Bauer, Paul W <pbauer@example.org>") == (
        "Bauer, Paul W",
        "mailto:pbauer@example.org",
    )
    assert mbox._author("(no name) <(no email)>") == ("no name", None)
    assert mbox._author("plain@example.org") == ("plain@example.org", "mailto:plain@example.org")


def test_a_from_header_of_nested_comments_keeps_the_message(parse_bytes) -> None:
    """parseaddr recurses once per "(": the fuzzer's 20,000 of them must not lose the message."""
    sender = "Ann " + "(" * 20_000 + " <ann@example.org"
    posts, _ = parse_bytes(message("m1@x", "Topic", "the body", sender=sender), "list.mbox")
    (post,) = posts
    assert post.body == "the body"
    assert post.author and post.author.startswith("Ann (((")
    assert mbox._author("(" * 20_000) == ("(" * 20_000, None)


def test_mime_parts_nested_past_the_stack_are_refused_naming_the_message(parse_bytes) -> None:
    first = message("m1@x", "Topic", "fine")
    deep = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(3000)
    )
    second = (
        b"From ann@example.org Mon Sep 18 17:14:26 1995\nFrom: Ann <ann@example.org>\n"
        b"Subject: Re: Topic\nMessage-ID: <m2@x>\n" + deep + b"Content-Type: text/plain\n\nhi\n"
    )
    with pytest.raises(DumpError) as caught:
        parse_bytes(first + second, "deep.mbox")
    assert "nested too deeply" in str(caught.value)
    assert caught.value.line == first.count(b"\n") + 1
    assert "deep.mbox" in str(caught.value)


def test_a_long_damaged_from_line_is_read_in_linear_time() -> None:
    """The separator test ran two lazy searches over the whole line: 20 KB of noise after
    "From " took 14 s (found by the fuzzer).  Only a line's first KB can make it a separator."""
    import time

    noise = "From ann@examp" + "\u7b4f" * 7000
    started = time.monotonic()
    report = ParseReport(format=mbox.NAME, path=Path("noise.mbox"))
    with pytest.raises(DumpError, match="no 'From ' line"):
        list(mbox.parse(io.BytesIO(noise.encode() + b"\n"), report))
    assert time.monotonic() - started < 2
    assert mbox._from_line(b"From ann@example.org Mon Sep 18 17:14:26 1995")
    assert not mbox._from_line(b"From ann " + b"a" * 2000 + b" Mon Sep 18 17:14:26 1995")
