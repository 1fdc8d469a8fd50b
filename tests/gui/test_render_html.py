"""``reader.render.pane_html``: the reading pane's writer, checked without a display.

(Pure functions; they sit with the GUI tests because the pane is their first user.)
"""

from __future__ import annotations

import datetime as dt
import re

from reader.model import Comment, Post
from reader.render import Highlight, render_thread, term_marks
from reader.render.document import count_line, paragraph_spans
from reader.render.pane_html import render_text


def _post() -> Post:
    reply = Comment("c2", "p", "c1", 1, "1.1", "A reply\nwith two lines", is_new=True)
    first = Comment("c1", "p", None, 1, "1", "First para.\n\nSecond para.", replies=[reply])
    gone = Comment("c3", "p", None, 2, "2", "This comment has been removed by the author.",
                   removed=True)  # fmt: skip
    return Post("p", dt.date(2021, 3, 7), "A & B", "Body <b>one</b>", 5, 3, comments=[first, gone])


def test_every_block_carries_its_item_state_in_display_order():
    rendered = render_thread(_post())
    assert rendered.items == ["p", "c1", "c2", "c3"]
    states = [int(s) for s in re.findall(r"-qt-user-state:(\d+)", rendered.html)]
    assert states == sorted(states)
    assert set(states) == {0, 1, 2, 3}
    assert rendered.index_of("c2") == 2 and rendered.index_of("nope") == -1


def test_text_is_escaped_and_paragraphs_kept():
    html = render_thread(_post()).html
    assert "A &amp; B" in html
    assert "Body &lt;b&gt;one&lt;/b&gt;" in html
    assert "<b>one</b>" not in html
    assert ">First para.</p>" in html and ">Second para.</p>" in html
    assert "A reply<br />with two lines" in html
    assert "margin-left:26px" in html  # the reply is indented one level
    assert ">new</b>" in html and ">removed</span>" in html
    assert "3 of 5 comments in this library" in html


def test_links_and_image_placeholders():
    text = "See https://example.org/a_(b) and http://x.org/pic.PNG, then (https://y.org/z)."
    out = render_text(text)
    assert '<a href="https://example.org/a_(b)"' in out
    assert '[image] </span><a href="http://x.org/pic.PNG"' in out
    assert '<a href="https://y.org/z"' in out  # the closing parenthesis is not in the link
    assert "<img" not in out


def test_marks_split_text_and_links_correctly():
    text = "Probation officers at https://probation.example/x"
    marks = term_marks(text, ["probat"])
    assert marks == [(0, 9), (30, 39)]
    out = render_text(text, hits=marks)
    # hits are underlined, never given a background a highlight could have
    assert out.count("text-decoration:underline") == 2 and "background" not in out
    assert out.startswith('<span style="font-weight:600; text-decoration:underline')
    both = render_text("abcdef", [Highlight(1, 4, "green")], hits=[(2, 3)])
    assert both == (
        'a<span style="background-color:#c8f0c0;">b</span>'
        '<span style="font-weight:600; text-decoration:underline; text-decoration-color:#d4380d;">'
        '<span style="background-color:#c8f0c0;">c</span></span>'
        '<span style="background-color:#c8f0c0;">d</span>ef'
    )
    highlight = render_text("abcdef", [Highlight(1, 3, "green")])
    assert highlight == 'a<span style="background-color:#c8f0c0;">bc</span>def'


def test_paragraph_spans_and_count_lines():
    assert paragraph_spans("a\n\n\nb\n \nc\n") == [(0, 1), (4, 5), (8, 9)]
    assert paragraph_spans("") == []
    post = _post()
    assert count_line(post) == "3 of 5 comments in this library"
    post.declared_comments = 3
    assert count_line(post) == "3 comments"
    post.declared_comments, post.comments = None, []
    assert count_line(post) == "Comments not included in this dump"
