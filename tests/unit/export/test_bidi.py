"""Right-to-left overrides in archive text stay inside their item, visibly marked (finding 8)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from reader import bidi
from reader.export.html import render_html
from reader.export.markdown import render_markdown
from reader.render import build_document, render_thread

RLO_TEXT = "Ordinary start \u202eevil reversed tail"  # an override never closed


def _layout(kit):
    c = kit.comment
    post = kit.make_post(
        "A body \u202bwith an embedding.",
        c("1", RLO_TEXT, c("1.1", "An innocent reply.")),
        c("2", "Back at the top."),
        title="Title \u202eesrever",
    )
    texts = {x.id: x.text for x in post.walk_comments()}
    notes = [kit.annotate("c1", texts["c1"], "evil", note="note \u202ewith override")]
    return build_document(post, annotations=notes, bookmarks=[kit.bookmark("c2", "\u2067label")])


@given(st.text(alphabet="ab" + "".join(bidi.NAMES), max_size=30))
def test_closers_leave_nothing_open(text: str) -> None:
    closed = text + bidi.closers(text)
    assert bidi.closers(closed) == ""
    assert bidi.closers(bidi.isolate(text)) == ""


def test_closers_pair_like_the_bidi_algorithm() -> None:
    assert bidi.closers("\u202e") == bidi.PDF
    assert bidi.closers("\u2067x\u202e") == bidi.PDF + bidi.PDI
    assert bidi.closers("\u2067x\u202ey\u2069") == ""  # a PDI closes the embedding inside too
    assert bidi.closers("\u202cstray pop") == ""
    assert bidi.isolate("plain") == "plain"


def _balanced_pieces(document: str, start: str, end: str) -> list[str]:
    pieces = re.findall(re.escape(start) + "(.*?)" + re.escape(end), document, re.S)
    for piece in pieces:
        assert bidi.closers(piece) == "", piece
    return pieces


def test_html_export_isolates_every_override_and_marks_it(kit) -> None:
    for flavour in ("browser", "qt"):
        document = render_html(_layout(kit), kit.options(), flavour=flavour)
        pieces = _balanced_pieces(document, "<bdi>", "</bdi>")
        # every control in the document sits in an isolated piece, with a visible marker
        outside = re.sub(r"<bdi>.*?</bdi>", "", document, flags=re.S)
        assert not bidi.has_controls(outside)
        assert len(pieces) >= 5  # title (twice), body, comment, note, bookmark label
        assert '<span class="bidi">[RLO]</span>\u202e' in document
        assert '<span class="bidi">[RLI]</span>' in document
        assert '<p dir="auto">' in document


def test_markdown_export_closes_what_each_piece_opened(kit) -> None:
    text = render_markdown(_layout(kit), kit.options())
    for line in text.splitlines():
        assert bidi.closers(line) == "", line
    assert "\\[RLO\\]\u202e==evil==" in text
    assert "Back at the top." in text


def test_the_reading_pane_isolates_each_paragraph(kit) -> None:
    c = kit.comment
    post = kit.make_post("Body.", c("1", RLO_TEXT), c("2", "Back at the top."))
    document = render_thread(post).html
    paragraph = next(p for p in re.findall(r"<p [^>]*>(.*?)</p>", document) if "evil" in p)
    assert paragraph.startswith(bidi.FSI) and paragraph.endswith(bidi.PDF + bidi.PDI)
    assert "[RLO]</span>\u202e" in paragraph
    following = next(p for p in re.findall(r"<p [^>]*>(.*?)</p>", document) if "Back at" in p)
    assert not bidi.has_controls(following)
