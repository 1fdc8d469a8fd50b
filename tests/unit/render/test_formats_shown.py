"""Authors, times, statuses and the source's formatting, as the pane and the exports show
them (``reader.render``, ``reader.times``): one document model, every writer alike."""

from __future__ import annotations

import datetime as dt

import pytest

from reader import times
from reader.export.html import render_html
from reader.export.markdown import render_markdown
from reader.formats.html import sanitise
from reader.model import Comment, Post
from reader.render import PaneHtml, build_document
from reader.render.formatting import marks


def comment(cid: str, text: str, **fields) -> Comment:
    return Comment(cid, "p1", None, int(cid[1:]), cid[1:], text, **fields)


def thread() -> Post:
    rich = sanitise('<p>See <b>this</b> and <a href="https://example.org/x">that page</a>'
                    '<img src="https://img.example/cat.png" alt="a cat"></p>')  # fmt: skip
    return Post(
        "p1",
        dt.date(2019, 5, 28),
        "Title",
        "Body.",
        None,
        comment_count=4,
        author="Owner",
        published="2019-05-28T04:13:00+08:00",
        comments=[
            comment("c1", rich.text, author="Ann", published="2019-05-28T05:00:00+08:00",
                    html=rich.html),
            comment("c2", "Buy now.", author="Spammer", status="spam"),
            comment("c3", "Waiting.", author="Cy", status="unapproved"),
            comment("c4", "A ping.", author="Other blog", status="pingback",
                    published="1995-09-18T17:10:00"),
        ],
    )  # fmt: skip


def test_times_are_shown_in_the_readers_zone_with_the_original_on_hover(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        assert times.local_text("2019-05-28T04:13:00+08:00") == "27 May 2019, 20:13"
        assert times.original_text("2019-05-28T04:13:00+08:00") == "2019-05-28 04:13 UTC+08:00"
        assert times.stated_text("2019-05-28T04:13:00+08:00") == "28 May 2019, 04:13 (UTC+08:00)"
        # a zone nobody can place ("17:10 G") is shown as written, and said so
        assert times.local_text("1995-09-18T17:10:00") == "18 September 1995, 17:10"
        assert times.original_text("1995-09-18T17:10:00").endswith("(zone not stated)")
        assert times.local_text(None) == "" and times.local_text("not a time") == ""
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_pane_heading_names_author_time_and_status() -> None:
    pane = PaneHtml(build_document(thread()), time_format=lambda when: f"T{when:%H%M}")
    head = pane.piece(1)
    assert "<b>Ann</b>" in head
    original = times.original_text("2019-05-28T05:00:00+08:00")
    assert f'title="{original}"' in head  # the hover text
    assert "[spam]" in pane.piece(2) and "[unapproved]" in pane.piece(3)
    assert "[pingback]" in pane.piece(4) and "Other blog" in pane.piece(4)
    assert "Owner" in pane.piece(0)  # the post's author in its date line


def test_unapproved_spam_and_deleted_are_dimmed_and_can_be_folded() -> None:
    document = build_document(thread())
    assert [document.block(n).dimmed for n in range(1, 5)] == [False, True, True, False]
    shown = PaneHtml(document)
    assert "Buy now." in shown.piece(2) and "color:#8a8a8f" in shown.piece(2)
    assert "color:#8a8a8f" not in shown.piece(1).split("</p>", 1)[1]  # Ann's text not dimmed
    folded = PaneHtml(build_document(thread()), hide_dimmed=True)
    assert "Buy now." not in folded.piece(2) and "hidden" in folded.piece(2)
    assert "Waiting." not in folded.piece(3)
    assert "A ping." in folded.piece(4) and "See" in folded.piece(1)
    assert "-qt-user-state:2;" in folded.piece(2)  # still maps back to its comment


def test_the_sources_formatting_is_drawn_on_the_plain_text() -> None:
    document = build_document(thread())
    block = document.block(1)
    text = block.text
    styled = {(text[m.start : m.end], m.style, m.href) for m in block.formatting}
    assert ("this", "strong", None) in styled
    assert ("that page", "link", "https://example.org/x") in styled
    assert ("[image: a cat]", "image", "https://img.example/cat.png") in styled
    pane = PaneHtml(document).piece(1)
    assert "<b>this</b>" in pane
    assert '<a href="https://example.org/x"' in pane
    assert "<img" not in pane and "[image: a cat]" in pane
    assert block.text == "See this and that page [image: a cat]"  # offsets stay the text's


def test_formatting_marks_survive_highlights_and_a_mismatched_text() -> None:
    safe = sanitise("<p>one <em>two three</em> four</p>")
    assert [(m.start, m.end, m.style) for m in marks(safe.html, safe.text)] == [(4, 13, "em")]
    # the text shown is another revision than the HTML: no mark rather than a wrong one
    assert marks(safe.html, "entirely different words") == []
    assert marks("<p>plain</p>", "plain") == []


def test_exports_print_author_time_and_status_in_each_heading(monkeypatch) -> None:
    document = build_document(thread())
    html = render_html(document)
    assert "Ann · 28 May 2019, 05:00 (UTC+08:00)" in html
    assert "Spammer · spam" in html
    assert "<b>this</b>" in html and "<img" not in html
    markdown = render_markdown(document)
    assert "**1** · Ann · 28 May 2019, 05:00 (UTC+08:00)" in markdown
    assert "Other blog · 18 September 1995, 17:10 · pingback" in markdown


@pytest.mark.parametrize("status", ["deleted"])
def test_a_deleted_comment_says_removed_once(status) -> None:
    post = thread()
    post.comments[1] = comment("c2", "Gone.", status=status, removed=True)
    document = build_document(post)
    assert document.block(2).dimmed and document.block(2).status_label == ""
    assert "removed" in PaneHtml(document).piece(2)


def test_a_post_known_only_through_its_comment_feed_says_so() -> None:
    post = thread()
    assert "Only the comments" not in PaneHtml(build_document(post)).piece(0)
    post.comments_only = True
    assert "Only the comments are in this library" in PaneHtml(build_document(post)).piece(0)
