"""The sanitiser: what is dropped, what is kept, and the plain text derived from it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.formats.html import autop, sanitise, sanitise_paragraphs


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>ok", ["<script", "alert"]),
        ('<img src="x.png" onerror="alert(1)">', ["onerror", "<img"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
        ('<iframe src="https://evil.example/">inside</iframe>ok', ["<iframe", "evil"]),
        ('<form action="https://evil.example/"><input name="q">text</form>', ["<form", "<input"]),
        ('<p style="background:url(https://track.example/p.gif)">x</p>', ["style", "track"]),
        ('<style>@import "https://evil.example/x.css";</style>ok', ["<style", "@import"]),
        ('<link rel="stylesheet" href="https://evil.example/x.css">ok', ["<link", "evil"]),
        ('<object data="https://evil.example/x.swf"></object>ok', ["<object", "evil"]),
        ("<svg><script>alert(1)</script></svg>ok", ["<svg", "alert"]),
        ('<div onclick="steal()">x</div>', ["onclick", "steal"]),
    ],
)
def test_dangerous_markup_is_removed(source: str, forbidden: list[str]) -> None:
    safe = sanitise(source)
    for bad in forbidden:
        assert bad not in safe.html
        assert bad not in safe.text


def test_reading_markup_is_kept() -> None:
    source = (
        '<p>One <em>two</em> <strong>three</strong> <a href="https://example.org/a">link</a></p>'
        "<blockquote>quoted</blockquote><ul><li>item</li></ul><pre><code>x = 1</code></pre>"
        "<p>line<br>break</p>"
    )
    safe = sanitise(source)
    for kept in (
        "<p>",
        "<em>two</em>",
        "<strong>",
        'href="https://example.org/a"',
        "<blockquote>",
        "<ul><li>",
        "<pre><code>",
        "<br>",
    ):
        assert kept in safe.html
    assert 'rel="noopener noreferrer nofollow"' in safe.html


def test_images_become_placeholders_with_their_address() -> None:
    safe = sanitise('See <img src="https://img.example/cat.jpg" alt="A cat"> here')
    assert "<img" not in safe.html
    assert 'data-src="https://img.example/cat.jpg"' in safe.html
    assert 'href="https://img.example/cat.jpg"' in safe.html
    assert safe.text == "See [image: A cat] here"
    # An image already inside a link keeps that link and no second one.
    linked = sanitise('<a href="https://img.example/big.jpg"><img src="//img.example/s.jpg"></a>')
    assert linked.html.count("<a ") == 1
    assert 'data-src="//img.example/s.jpg"' in linked.html
    assert linked.text == "[image]"


def test_plain_text_rules() -> None:
    safe = sanitise(
        "<p>First  paragraph\nwraps</p><p>Second<br/>line</p>"
        "<ol><li>a</li><li>b<ul><li>inner</li></ul></li></ol>tail &amp; more&nbsp;!"
    )
    assert safe.text == (
        "First paragraph wraps\n\nSecond\nline\n\n1. a\n2. b\n  • inner\n\ntail & more !"
    )


def test_control_characters_never_reach_the_text() -> None:
    safe = sanitise("bell\x07 escape\x1b[31m red\u202e")
    assert "\x07" not in safe.text and "\x1b" not in safe.text and "\u202e" not in safe.text


def test_empty_and_text_only() -> None:
    assert sanitise("").text == "" and sanitise(None).html == ""
    assert sanitise("just words").text == "just words"


def test_autop_makes_paragraphs_like_wordpress() -> None:
    assert autop("one\ntwo\n\nthree") == "<p>one<br>\ntwo</p>\n<p>three</p>"
    assert autop("<ul>\n<li>x</li>\n</ul>\n\npara") == "<ul>\n<li>x</li>\n</ul>\n<p>para</p>"
    assert autop("single line") == "single line"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\t\n\r\xa0\x07>\"'\u2028")), max_size=60))
def test_fast_paragraphs_give_the_same_text_as_the_full_path(text: str) -> None:
    assert sanitise_paragraphs(text).text == sanitise(autop(text)).text
