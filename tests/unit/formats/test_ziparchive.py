"""Zip files read in place: every entry sniffed, junk skipped, limits against zip bombs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from reader import formats
from reader.errors import DumpError
from reader.formats import ziparchive
from tests.unit.formats.samples import WpItem, takeout, takeout_entry, wxr


def make_zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_takeout_zip_read_in_place(parse_bytes) -> None:
    feed = takeout(
        [
            takeout_entry("post-1", "POST", title="From takeout", content="x"),
            takeout_entry("comment-2", "COMMENT", content="hi", parent="post-1"),
        ]
    )
    data = make_zip(
        {
            "Takeout/Blogger/Blogs/My blog/feed.atom": feed,
            "Takeout/Blogger/Blogs/My blog/theme-classic.html": b"<html><body>theme</body></html>",
            "Takeout/Blogger/Albums/x/photo.jpg": b"\xff\xd8\xff\xe0 not really",
            "__MACOSX/Takeout/._feed.atom": b"mac",
            "Takeout/other/export.xml": wxr([WpItem(3, "From WordPress")]),
            "archive_browser.html": b"<!DOCTYPE html><html></html>",
        }
    )
    assert ziparchive.sniff(data[:100]) == 1.0
    posts, report = parse_bytes(data, "takeout-2024.zip")
    assert sorted(p.title for p in posts) == ["From WordPress", "From takeout"]
    assert report.format == "zip:blogger-takeout,wxr"
    assert any("3 files in the zip are not archives" in w for w in report.warnings)


def test_errors_inside_an_entry_name_it(parse_bytes) -> None:
    data = make_zip({"inner/export.xml": wxr([WpItem(1, "T")])[:-40]})
    with pytest.raises(DumpError) as caught:
        parse_bytes(data, "broken.zip")
    assert "broken.zip!inner/export.xml" in str(caught.value)
    assert caught.value.line


def test_zip_without_archives(parse_bytes) -> None:
    with pytest.raises(DumpError, match="holds no archive this version reads"):
        parse_bytes(make_zip({"a.txt": b"notes", "b.png": b"\x89PNG"}), "x.zip")


def test_damaged_zip(parse_bytes) -> None:
    data = make_zip({"export.xml": wxr([WpItem(1, "T")])})
    with pytest.raises(DumpError, match="damaged zip"):
        parse_bytes(data[:40] + b"\x00" * 20, "x.zip")


def test_compression_ratio_limit(parse_bytes) -> None:
    bomb = make_zip({"export.xml": b"<rss>" + b" " * (8 << 20) + b"</rss>"})
    with pytest.raises(DumpError, match="zip bomb"):
        parse_bytes(bomb, "bomb.zip")


def test_entry_count_and_total_size_limits(parse_bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    many = make_zip({f"f{i}.txt": b"x" for i in range(30)})
    monkeypatch.setattr(ziparchive, "MAX_ENTRIES", 20)
    with pytest.raises(DumpError, match="more than 20 files"):
        parse_bytes(many, "many.zip")
    monkeypatch.setattr(ziparchive, "MAX_ENTRIES", 20_000)
    monkeypatch.setattr(ziparchive, "MAX_TOTAL", 1000)
    big = make_zip({"export.xml": wxr([WpItem(1, "T", content="y" * 2000)])}, zipfile.ZIP_STORED)
    with pytest.raises(DumpError, match="unpacks to more than"):
        parse_bytes(big, "big.zip")


def test_zip_imports_through_the_library(library, tmp_path: Path) -> None:
    path = tmp_path / "takeout.zip"
    path.write_bytes(
        make_zip(
            {
                "Blogs/b/feed.atom": takeout(
                    [
                        takeout_entry("post-1", "POST", title="Zipped", content="x"),
                    ]
                )
            }
        )
    )
    result = library.import_file(path)
    assert result.ok, result.error
    assert result.posts == 1
    again = library.import_file(path)
    assert again.ok and not again.changed
    assert formats.detect(path).NAME == "zip"
