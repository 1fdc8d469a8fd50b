"""Builders for unit tests of what is made from a thread (the document model, the exports):
small threads from model objects, annotations on the n-th occurrence of a passage."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from reader.export.options import ExportOptions
from reader.model import Annotation, Bookmark, Comment, Post

FIXED_TIME = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)


def comment(path: str, text: str, *replies: Comment, **flags: bool) -> Comment:
    """A comment whose id derives from its path ("c4.2"), parent links filled in."""
    item = Comment(
        id=f"c{path}",
        post_id="p1",
        parent_id=None,
        position=0,
        path=path,
        text=text,
        replies=list(replies),
        **flags,
    )
    for reply in replies:
        reply.parent_id = item.id
    return item


def make_post(body: str, *comments: Comment, title: str = "A thread") -> Post:
    return Post(
        id="p1",
        date=dt.date(2021, 3, 7),
        title=title,
        body=body,
        declared_comments=None,
        source="/archive/dump-2021.txt",
        comments=list(comments),
    )


def annotate(
    item_id: str, text: str, passage: str, colour: str = "yellow", note: str = "", n: int = 0
) -> Annotation:
    """An annotation on the ``n``-th occurrence of ``passage`` in ``text``."""
    start = -1
    for _ in range(n + 1):
        start = text.index(passage, start + 1)
    end = start + len(passage)
    return Annotation(
        id=f"a-{item_id}-{start}",
        item_id=item_id,
        post_id="p1",
        exact=passage,
        prefix=text[max(0, start - 32) : start],
        suffix=text[end : end + 32],
        start=start,
        end=end,
        colour=colour,
        note=note,
    )


def bookmark(item_id: str, label: str = "") -> Bookmark:
    return Bookmark(id=f"b-{item_id}", item_id=item_id, post_id="p1", label=label)


def options(**kwargs: object) -> ExportOptions:
    return ExportOptions(exported_at=FIXED_TIME, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def kit() -> SimpleNamespace:
    """The builders above, for test modules (importlib import mode cannot import conftest)."""
    return SimpleNamespace(
        comment=comment,
        make_post=make_post,
        annotate=annotate,
        bookmark=bookmark,
        options=options,
        FIXED_TIME=FIXED_TIME,
    )
