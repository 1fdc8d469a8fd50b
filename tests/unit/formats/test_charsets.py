"""Charset labels come from the file, so they can be anything: a label that names no text
charset (a compression codec, an escape codec, a damaged name) falls back to the guess for
undeclared bytes (UTF-8 when valid, else Windows-1252) instead of failing the import."""

from __future__ import annotations

import pytest

from reader.formats import mbox
from reader.formats.text import decode
from tests.unit.formats.samples import message

UTF8 = "Süß — “quoted”".encode()
CP1252 = "Süß — “quoted”".encode("cp1252")


@pytest.mark.parametrize(
    "label",
    ["u\x00tf-8", "zlib", "base64", "rot13", "hex", "idna", "punycode", "unicode_escape",
     "raw_unicode_escape", "undefined", "no-such-charset", "x" * 300, ""],
)  # fmt: skip
def test_a_label_that_names_no_charset_falls_back_to_the_guess(label: str) -> None:
    assert decode(UTF8, label) == ("Süß — “quoted”", "utf-8")
    assert decode(CP1252, label) == ("Süß — “quoted”", "cp1252")


def test_real_charsets_are_used_as_declared() -> None:
    assert decode("Привет".encode("koi8-r"), "KOI8-R") == ("Привет", "koi8-r")
    assert decode(b"caf\xe9 \x93x\x94", '"iso-8859-1"') == ("café “x”", "cp1252")
    assert decode("a+b".encode("utf-7"), "utf-7") == ("a+b", "utf-7")
    assert decode(UTF8, "us-ascii") == ("Süß — “quoted”", "utf-8")


def test_a_message_with_damaged_charsets_is_read(parse_bytes) -> None:
    data = message(
        "m1@x",
        "=?u\x00tf-8?q?S=C3=BC?= and =?zlib?q?x?=",
        "Gr\xfc\xdfe".encode("latin-1"),
        headers='Content-Type: text/plain; charset="base64"\n',
    )
    (post,), _ = parse_bytes(data, "list.mbox")
    assert post.body == "Grüße"
    assert post.title == "Sü and x"


def test_what_the_email_package_cannot_read_names_the_message(
    parse_bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.errors import DumpError

    def broken(*args: object) -> str:
        raise ValueError("an unforeseen header")

    monkeypatch.setattr(mbox, "_base_subject", broken)
    first = message("m1@x", "Topic", "fine")
    with pytest.raises(DumpError) as caught:
        parse_bytes(first + message("m2@x", "Re: Topic", "x"), "odd.mbox")
    assert caught.value.line == 1
    assert "could not read (ValueError: an unforeseen header)" in str(caught.value)
