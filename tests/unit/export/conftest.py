"""Helpers for the export tests: small threads built from model objects, and poppler wrappers
(pdftotext for the text layer, pdftoppm for pixels) so tests check PDFs the way a reader sees
them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
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


@dataclass
class PdfTools:
    """pdftotext/pdftoppm, returning plain Python values."""

    def text(self, pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
        args = ["pdftotext", "-enc", "UTF-8"]
        if first:
            args += ["-f", str(first)]
        if last:
            args += ["-l", str(last)]
        return subprocess.run(
            [*args, str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")

    def words(self, pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
        """``(word, x0, y0, x1, y1)`` in points from the page's top-left corner."""
        out = subprocess.run(
            [
                "pdftotext",
                "-bbox",
                "-enc",
                "UTF-8",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                "-",
            ],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        pattern = re.compile(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
        )
        return [
            (w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in pattern.findall(out)
        ]

    def pixels(self, pdf: Path, page: int, dpi: int = 72) -> tuple[int, int, bytes]:
        """``(width, height, rgb bytes)`` of one page rendered by pdftoppm (binary PPM)."""
        data = subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
            capture_output=True,
            check=True,
        ).stdout
        match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
        assert match, "pdftoppm did not produce a binary PPM"
        width, height = int(match.group(1)), int(match.group(2))
        return width, height, data[match.end() :]

    def info(self, pdf: Path) -> dict[str, str]:
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return {
            key.strip(): value.strip()
            for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
        }

    def fonts(self, pdf: Path) -> list[list[str]]:
        out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
        return [line.split() for line in out.stdout.splitlines()[2:]]


@pytest.fixture
def pdftools() -> PdfTools:
    for tool in ("pdftotext", "pdftoppm", "pdfinfo", "pdffonts"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} not installed (apt-get install poppler-utils)")
    return PdfTools()


@pytest.fixture
def pdf_app(qapp):
    """The session's QApplication (pytest-qt), so the PDF writer never makes its own: a
    QGuiApplication created here would break later widget tests."""
    return qapp


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
