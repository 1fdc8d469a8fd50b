"""Every export format dropped on the window, as a user would: the posts appear, the thread shows
authors and times (the time as written on hover), statuses as marks, spam and unapproved
comments dimmed and foldable, the tree's Author column; each real sample of ../shared with its
SOURCES.md counts (skipped with a reason when absent)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QTextDocument

from helpers.real_samples import CORPUS, SAMPLES, need_corpus, tally
from reader import times
from reader.store import Library
from tests.e2e.test_import_formats import write_exports
from tests.unit.formats.samples import WpComment, WpItem, wxr


def _mime(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def _drop(window, paths: list[Path], qtbot, gui):
    mime = _mime(paths)  # referenced while the events are sent
    with qtbot.waitSignal(window.events.import_finished, timeout=60000) as blocker:
        assert gui.drop(window, mime)
    return blocker.args[0]


def _open(window, title: str) -> None:
    summary = next(s for s in window.posts_model.summaries if s.title == title)
    window.threads.open_post(summary.id)
    window.reading.complete()


def test_every_format_dropped_on_the_window_imports(make_window, library_dir, tmp_path, qtbot, gui):
    exports = tmp_path / "exports"
    write_exports(exports)
    window = make_window(library_dir)
    outcome = _drop(window, sorted(p for p in exports.iterdir() if p.suffix != ".txt"), qtbot, gui)
    assert not outcome.problems and not outcome.cancelled
    titles = {s.title for s in window.posts_model.summaries}
    assert titles == {"From WordPress", "From Blogger", "From Disqus", "From the list",
                      "From Takeout"}  # fmt: skip
    _open(window, "From Blogger")
    text = window.reading.toPlainText()
    assert "blogger comment" in text and "Writer" in text  # the comment's author


def _moderated(tmp_path: Path) -> Path:
    path = tmp_path / "moderated.xml"
    path.write_bytes(
        wxr([WpItem(1, "Moderated thread", content="<p>The <b>post</b>.</p>", comments=[
            WpComment(2, "<p>A <em>fine</em> comment.</p>", author="Ann Author",
                      date="2020-01-02 10:00:00", date_gmt="2020-01-02 09:00:00"),
            WpComment(3, "Cheap watches here.", author="Spam Bot", approved="spam"),
            WpComment(4, "Awaiting approval.", author="New Person", approved="0"),
        ])])
    )  # fmt: skip
    return path


def test_authors_times_and_statuses_in_the_pane_and_the_tree(
    make_window, library_dir, tmp_path, qtbot, gui
):
    window = make_window(library_dir)
    assert not _drop(window, [_moderated(tmp_path)], qtbot, gui).problems
    _open(window, "Moderated thread")
    pane = window.reading
    text = pane.toPlainText()
    assert "Ann Author" in text and "Spam Bot" in text and "[spam]" in text
    assert "[unapproved]" in text and "Cheap watches here." in text
    # the time, in the reader's locale, shows the source's own on hover
    stored = "2020-01-02T10:00:00+01:00"
    from reader.ui.locale_format import locale_time

    shown = times.local_text(stored, locale_time)
    found = pane.document().find(shown)
    assert not found.isNull(), f"{shown!r} not in the pane"
    cursor = pane.textCursor()
    cursor.setPosition(found.selectionStart() + 1)
    point = pane.cursorRect(cursor).center()
    assert pane.tooltip_at(point) == times.original_text(stored) == "2020-01-02 10:00 UTC+01:00"
    # the source's formatting, as the pane's own markup: "fine" in italics
    fine = pane.document().find("fine", 0, QTextDocument.FindFlag.FindWholeWords)
    cursor.setPosition(fine.selectionStart() + 1)
    assert cursor.charFormat().fontItalic()
    # the tree's By column: author and local time, shown for a thread that has them
    from reader.ui.models.threadtree import BY_COLUMN

    model = window.thread_model
    root = model.index(0, 0)
    bylines = [model.index(r, BY_COLUMN, root).data() for r in range(model.rowCount(root))]
    assert {line.split(" · ")[0] for line in bylines} == {"Ann Author", "Spam Bot", "New Person"}
    assert all(re.search(r" · \d+ \w+ \d{4}, \d\d:\d\d$", line) for line in bylines), bylines
    assert not window.panes.thread_view.isColumnHidden(BY_COLUMN)
    # View > Show Unapproved, Spam and Deleted Comments: off folds them to their headings
    action = window.commands["show_dimmed"]
    assert action.isChecked()
    action.setChecked(False)
    pane.complete()
    folded = pane.toPlainText()
    assert "Cheap watches here." not in folded and "Awaiting approval." not in folded
    assert "Spam Bot" in folded and "A fine comment." in folded
    action.setChecked(True)
    pane.complete()
    assert "Cheap watches here." in pane.toPlainText()


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_real_sample_dropped_on_the_window(make_window, library_dir, qtbot, gui, name) -> None:
    need_corpus()
    window = make_window(library_dir)
    outcome = _drop(window, [CORPUS / name], qtbot, gui)
    assert not outcome.problems and not outcome.cancelled
    expected = SAMPLES[name]
    assert window.posts_model.total == expected.posts
    with Library.open(library_dir) as library:
        found, _authors, _times = tally(list(library.dump()))
    assert found == expected
    # the thread with the most comments shows its authors
    busiest = max(window.posts_model.summaries, key=lambda s: s.comment_count)
    window.threads.open_post(busiest.id)
    window.reading.complete()
    thread = window.threads.current_post
    named = [c.author for c in thread.walk_comments() if c.author]
    assert named and named[0] in window.reading.toPlainText()
    # dropping it again changes nothing
    again = _drop(window, [CORPUS / name], qtbot, gui)
    assert not again.problems
    assert window.posts_model.total == expected.posts


def test_hostile_html_dropped_on_the_window_loads_and_runs_nothing(
    make_window, library_dir, tmp_path, qtbot, gui, monkeypatch
):
    from tests.e2e.test_hostile_exports import hostile_export

    opened: list[str] = []
    monkeypatch.setattr(
        "reader.ui.reading.open_external", lambda url: opened.append(url.toString())
    )
    window = make_window(library_dir)
    assert not _drop(window, [hostile_export(tmp_path)], qtbot, gui).problems
    _open(window, "A hostile thread")
    pane = window.reading
    text = pane.toPlainText()
    assert "still bold" in text and "<b>Mallory</b>" in text and "[image: pixel]" in text
    assert "alert" not in text
    assert pane.blocked_resources == []  # not even a request for the remote image
    assert opened == []  # nothing opened by itself
    html = pane.document().toHtml()
    assert "<img" not in html and "javascript:" not in html and "tracker.example" in html
