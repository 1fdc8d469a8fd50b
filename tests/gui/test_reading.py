"""The reading pane: progressive loading gives exactly the document a single setHtml would."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser

from reader.render import render_thread
from reader.ui.reading import ReadingPane


def _blocks(document) -> list[tuple]:
    out = []
    block = document.begin()
    while block.isValid():
        fmt = block.blockFormat()
        out.append(
            (block.text(), block.userState(), fmt.leftMargin(), fmt.topMargin(), fmt.bottomMargin())
        )
        block = block.next()
    return out


def test_chunked_document_equals_the_whole_document(qtbot, seeded_library):
    summaries = seeded_library.post_summaries()
    post = seeded_library.thread(max(summaries, key=lambda s: s.comment_count).id)
    rendered = render_thread(post)
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.show()
    with qtbot.waitSignal(pane.completed, timeout=10000):
        pane.show_thread(rendered)
        assert not pane.is_complete  # the seed thread is longer than the first screenful
    whole = QTextBrowser()
    qtbot.addWidget(whole)
    whole.setHtml(render_thread(post).html)
    assert _blocks(pane.document()) == _blocks(whole.document())
    assert pane.toPlainText() == whole.toPlainText()


def test_marking_a_late_comment_completes_the_document(qtbot, seeded_library):
    summaries = seeded_library.post_summaries()
    post = seeded_library.thread(max(summaries, key=lambda s: s.comment_count).id)
    rendered = render_thread(post)
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(500, 400)
    pane.show()
    pane.show_thread(rendered)
    last = rendered.items[-1]
    pane.mark_item(last)
    assert pane.is_complete
    assert pane.marked_item == last
    assert pane.verticalScrollBar().value() > 0
    assert pane.item_on_top() in rendered.items[-3:]
