"""Helpers for the annotation tests: tiny dumps written with the real dump writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.formats.blogtext_write import write_dump
from reader.model import ParsedComment, ParsedPost

DATE = dt.date(2021, 3, 7)
TITLE = "Case notes"


def post(
    body: str, comments: list[str] | None = None, *, title: str = TITLE, date: dt.date = DATE
) -> ParsedPost:
    """A post; ``comments=None`` is a listing page (no comment section)."""
    parsed = None if comments is None else [ParsedComment(text) for text in comments]
    return ParsedPost(date, title, body, None, parsed)


@pytest.fixture
def make_post() -> Callable[..., ParsedPost]:
    return post


@pytest.fixture
def dump(tmp_path: Path) -> Callable[..., Path]:
    """``dump(name, *posts)`` writes a dump file and returns its path."""

    def make(name: str, *posts: ParsedPost) -> Path:
        path = tmp_path / f"{name}.txt"
        with open(path, "w", encoding="utf-8") as handle:
            write_dump(posts, handle)
        return path

    return make
