"""Helpers for the export tests: poppler wrappers (pdftotext for the text layer, pdftoppm for
pixels) so tests check PDFs the way a reader sees them.  Small threads come from ``kit``
(tests/unit/conftest.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


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
