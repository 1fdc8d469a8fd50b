"""The registry picks formats by content and says what an unreadable file looked like; a file
is read once and hashed on the way."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reader import formats
from reader.errors import DumpError
from reader.formats import SourceFile, blogger, blogtext, disqus, mbox, wxr, ziparchive
from tests.unit.formats.samples import WpItem, blogger_entry, blogger_feed, message
from tests.unit.formats.samples import disqus as disqus_export
from tests.unit.formats.samples import wxr as wxr_export

SAMPLES = {
    "blogtext": b"Sunday, 7 March 2021\n\nTitle\nBody\n",
    "wxr": wxr_export([WpItem(1, "T")]),
    "blogger": blogger_feed([blogger_entry("1", "post", title="T", content="x")]),
    "disqus": disqus_export([("1", "https://e.org/p", "T", "2020-01-01T00:00:00Z")], []),
    "mbox": message("a@x", "Hi", "body"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("filename", ["export.xml", "notes.txt", "archive.mbox", "noext"])
def test_chosen_by_content_whatever_the_name(tmp_path: Path, name: str, filename: str) -> None:
    path = tmp_path / filename
    path.write_bytes(SAMPLES[name])
    assert name == formats.detect(path).NAME


def test_every_format_module_fits_the_protocol() -> None:
    for fmt in formats.formats():
        assert fmt.NAME and fmt.LABEL and fmt.HINT and fmt.KIND in ("text", "xml", "mbox", "zip")
        assert callable(fmt.sniff) and callable(fmt.parse)
    assert {f.NAME for f in formats.formats()} == {
        blogtext.NAME,
        wxr.NAME,
        blogger.NAME,
        disqus.NAME,
        mbox.NAME,
        ziparchive.NAME,
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01binary\x00", "binary"),
        (b"\x1f\x8b\x08\x00gz", "gzip"),
        (
            b"<?xml version='1.0'?>\n<rss version='2.0'><channel/></rss>",
            "XML with root element <rss>",
        ),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><title>x</title></feed>", "<feed>"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "HTML page"),
        (b'{"posts": []}', "JSON"),
        (b"just some notes\n", "plain text starting 'just some notes'"),
    ],
)
def test_unreadable_files_say_what_they_looked_like(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "file.dat"
    path.write_bytes(content)
    with pytest.raises(DumpError) as caught:
        formats.detect(path)
    message = str(caught.value)
    assert "not an archive this version reads" in message
    assert expected in message and str(path) in message


def test_plain_text_wording_comes_from_the_formats() -> None:
    text = formats.describe(b"hello\n")
    assert blogtext.HINT in text and mbox.HINT in text


@pytest.mark.parametrize("read", ["nothing", "head", "part", "all", "seek"])
def test_source_file_hash_covers_the_whole_file(tmp_path: Path, read: str) -> None:
    data = bytes(range(256)) * 2000  # 512 KB: beyond the first block
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    with SourceFile(path) as source:
        assert source.head == data[: formats.HEAD_BYTES]
        if read == "head":
            assert source.read(100) == data[:100]
        elif read == "part":
            got = source.read(70000) + source.read(1000)
            assert got == data[:71000]
        elif read == "all":
            assert source.read() == data
            assert source.position == len(data)
        elif read == "seek":
            source.seek(len(data) - 10)
            assert source.read(10) == data[-10:]
        assert source.sha256() == hashlib.sha256(data).hexdigest()


def test_importer_opens_the_file_once(
    library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(SAMPLES["wxr"])
    opened: list[str] = []
    real_open = open

    def counting_open(file, *args, **kwargs):
        if str(file) == str(path):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    result = library.import_file(path)
    assert result.ok, result.error
    assert len(opened) == 1
    sha = library.conn.execute("SELECT sha256 FROM sources").fetchone()[0]
    assert sha == hashlib.sha256(SAMPLES["wxr"]).hexdigest()
