"""Fuzzing every parser: damaged exports give a ``DumpError`` naming the file (and the line
for syntax errors), never another exception; what parses gives well-formed trees."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.errors import DumpError
from reader.formats import ParseReport, blogger, disqus, mbox, wxr, ziparchive
from reader.model import STATUSES
from tests.unit.formats.samples import (
    WpComment,
    WpItem,
    blogger_entry,
    blogger_feed,
    message,
    takeout,
    takeout_entry,
)
from tests.unit.formats.samples import disqus as disqus_export
from tests.unit.formats.samples import wxr as wxr_export

BASES = {
    "wxr": (
        wxr,
        wxr_export(
            [
                WpItem(
                    1,
                    "A <b>t</b>",
                    content="<p>x</p>\n\ny",
                    comments=[
                        WpComment(1, "a"),
                        WpComment(2, "b", parent=1),
                        WpComment(3, "c", parent=2, approved="spam"),
                    ],
                )
            ]
        ),
    ),
    "blogger": (
        blogger,
        blogger_feed(
            [
                blogger_entry("1", "post", title="P", content="<p>x</p>", total=2),
                blogger_entry("2", "comment", content="c", post="1"),
                blogger_entry("3", "comment", content="r", post="1", parent="2"),
            ]
        ),
    ),
    "takeout": (
        blogger,
        takeout(
            [
                takeout_entry("post-1", "POST", title="P", content="x"),
                takeout_entry("comment-2", "COMMENT", content="c", parent="post-1"),
            ]
        ),
    ),
    "disqus": (
        disqus,
        disqus_export(
            [("1", "https://e.org/p/x", "T", "2020-01-01T00:00:00Z")],
            [
                {"id": "5", "thread": "1", "message": "<p>a</p>"},
                {"id": "6", "thread": "1", "message": "b", "parent": "5"},
            ],
        ),
    ),
    "mbox": (
        mbox,
        message("a@x", "=?utf-8?q?S=C3=BC?=", "body\n>From x")
        + message("b@x", "Re: Sü", "reply", in_reply_to="a@x"),
    ),
}

mutations = st.lists(
    st.tuples(
        st.sampled_from(["cut", "flip", "insert", "delete"]),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=12),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, steps: list[tuple[str, float, bytes]]) -> bytes:
    for kind, where, blob in steps:
        at = int(where * len(data))
        if kind == "cut":
            data = data[:at]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (blob[0] or 1)]) + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + blob + data[at:]
        else:
            data = data[:at] + data[at + len(blob) :]
    return data


def check(posts) -> None:
    for post in posts:
        assert isinstance(post.title, str) and isinstance(post.body, str)
        assert post.status in STATUSES
        for comment in post.walk_comments():
            assert isinstance(comment.text, str) and comment.status in STATUSES


@pytest.mark.parametrize("name", sorted(BASES))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=mutations)
def test_damaged_exports_fail_cleanly(name: str, steps) -> None:
    module, base = BASES[name]
    data = mutate(base, steps)
    path = Path(f"/archives/{name}.export")
    report = ParseReport(path=path)
    try:
        posts = list(module.parse(io.BytesIO(data), report))
    except DumpError as exc:
        assert exc.path == path
        assert str(path) in str(exc)
        if "malformed XML" in exc.message:
            assert exc.line
        return
    check(posts)


@pytest.mark.parametrize("name", sorted(BASES))
def test_bases_parse(name: str) -> None:
    module, base = BASES[name]
    posts = list(module.parse(io.BytesIO(base), ParseReport(path=Path("x"))))
    assert posts and sum(1 for p in posts for _ in p.walk_comments()) >= 1


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_any_format(data: bytes) -> None:
    for module in (wxr, blogger, disqus, mbox, ziparchive):
        report = ParseReport(path=Path("/random.bin"))
        try:
            check(list(module.parse(io.BytesIO(data), report)))
        except DumpError as exc:
            assert str(exc).startswith("/random.bin")
