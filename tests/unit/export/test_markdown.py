"""The Markdown export: literal dump text, replies as nested quotes, highlights and notes."""

from __future__ import annotations

import re

import pytest

from reader.export.markdown import escape, render_markdown
from reader.render.document import build_document


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("*not bold* and _not em_", r"\*not bold\* and \_not em\_"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("<b>tag</b>", r"\<b\>tag\</b\>"),
        ("[link](http://x)", r"\[link\](http://x)"),
        ("a == b", r"a =\= b"),
        ("AT&amp;T", r"AT\&amp;T"),
        ("£5 — fine", "£5 — fine"),
    ],
)
def test_escape_keeps_text_literal(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_thread_renders_as_nested_quotes_with_notes(kit) -> None:
    c = kit.comment
    post = kit.make_post(
        "Post *body*.",
        c("1", "Top comment.\n\nSecond paragraph.", c("1.1", "A reply with a passage.")),
        c("2", "Gone.", removed=True),
    )
    reply = post.comments[0].replies[0]
    annotations = [kit.annotate(reply.id, reply.text, "a passage", "green", "Look here")]
    document = build_document(post, annotations=annotations, bookmarks=[kit.bookmark("c2")])
    md = render_markdown(document, kit.options())
    assert md.startswith("# A thread\n")
    assert "- Exported: 2024-05-01 09:30 +0000" in md
    assert "Post \\*body\\*." in md
    assert "**1**\n\nTop comment.\n\nSecond paragraph." in md
    assert "> **1.1**\n>\n> A reply with ==a passage==\\[1\\]." in md
    assert "> - **\\[1\\]** (green) “a passage” — Look here" in md
    assert re.search(r"\*\*2\*\* · \*removed\* · ★ bookmarked\n\n\*Gone\.\*", md)
    assert md.index("**1.1**") < md.index("---") < md.index("**2**")


def test_endnotes_collect_notes_with_their_place(kit) -> None:
    post = kit.make_post("Body text here.", kit.comment("1", "Comment text."))
    annotations = [
        kit.annotate("p1", post.body, "text", note="n1"),
        kit.annotate("c1", "Comment text.", "Comment", note="n2"),
    ]
    options = kit.options(endnotes=True, summary=False)
    md = render_markdown(build_document(post, annotations=annotations), options)
    assert "## Annotations" not in md
    notes = md[md.index("## Notes") :]
    assert "**\\[1\\]** (yellow) post: “text” — n1" in notes
    assert "**\\[2\\]** (yellow) comment 1: “Comment” — n2" in notes
    assert "— n1" not in md[: md.index("## Notes")]
