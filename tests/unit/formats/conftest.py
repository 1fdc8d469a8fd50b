"""Helpers for the format tests: parse bytes written to a temporary file, as the importer would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader import formats
from reader.model import ParsedPost

ParseBytes = Callable[..., tuple[list[ParsedPost], formats.ParseReport]]


@pytest.fixture
def parse_bytes(tmp_path: Path) -> ParseBytes:
    def run(data: bytes, name: str = "export.dat") -> tuple[list[ParsedPost], formats.ParseReport]:
        path = tmp_path / name
        path.write_bytes(data)
        report = formats.ParseReport()
        posts = list(formats.parse(path, report))
        return posts, report

    return run
