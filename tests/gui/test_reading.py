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
        assert not pane.is_complete  # the thread is longer than the first screenful
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
    value = pane.verticalScrollBar().value()
    assert value > 0
    rect = pane._item_rect(len(rendered.items) - 1)  # scrolled to: the last comment is on screen
    assert 0 <= rect.top() - value < pane.viewport().height()
    assert pane.item_on_top() in rendered.items[-8:]


def test_a_new_thread_gets_a_fresh_document_and_the_old_one_goes_next_turn(qtbot, seeded_library):
    """Swapping documents (not clearing the old one in place) keeps the pane's own rules: the
    resources of the new document still go through ``loadResource``, and the documents of
    threads shown before are deleted once the event loop runs, never piled up."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    summaries = seeded_library.post_summaries()
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.show()
    for summary in summaries[:3]:
        pane.show_thread(render_thread(seeded_library.thread(summary.id)))
    document = pane.document()
    assert document.parent() is pane
    assert len(pane._old_documents) == 2  # the first, the widget's own, went at once
    qtbot.waitUntil(lambda: not pane._old_documents, timeout=2000)
    document.resource(QTextDocument.ResourceType.ImageResource, QUrl("https://example.org/x"))
    assert pane.blocked_resources == ["https://example.org/x"]
    assert pane.document() is document and pane.toPlainText()
