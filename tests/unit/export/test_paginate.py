"""Pagination splits the paragraphs a page break cuts without laying the whole document out
again: the layout it leaves must be the one a full relayout gives, line for line."""

from __future__ import annotations

from itertools import pairwise

from reader.export.html import render_html
from reader.export.pdf import build_document
from reader.export.pdf.paginate import EPSILON, lay_out_pages, lines, relayout
from reader.render import build_document as thread_document


def _long_thread(kit):
    c = kit.comment
    comments = []
    for n in range(1, 40):
        # short lines joined by <br> (the break replaces one where it cuts) and long paragraphs
        verse = "\n".join(f"Line {k} of comment {n}, a few words more." for k in range(9))
        reply = c(f"{n}.1", "A reply that runs on. " * 25)
        comments.append(c(str(n), f"{verse}\n\n" + "A longer paragraph of filler. " * 40, reply))
    return kit.make_post("Body.", *comments, title="Pages")


def test_pages_leave_the_layout_a_full_relayout_gives(kit, pdf_app) -> None:
    html = render_html(thread_document(_long_thread(kit)), kit.options(), flavour="qt")
    doc = build_document(html, 640.0, 10.5)
    height = 900.0
    pages = lay_out_pages(doc, height)
    assert len(pages) > 10
    kept = [(round(line.top, 2), line.position, line.index) for line in lines(doc)]
    relayout(doc)
    assert [(round(line.top, 2), line.position, line.index) for line in lines(doc)] == kept
    starts = {round(line.top, 2): line for line in lines(doc)}
    for (top, bottom), (next_top, _) in pairwise(pages):
        assert bottom == next_top and bottom - top <= height + EPSILON
        assert starts[round(next_top, 2)].index == 0  # each page starts a paragraph (a split)
