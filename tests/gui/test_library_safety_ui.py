"""The window's side of issue 14: a read-only banner with writing switched off, the damage dialog
with its Repair button, the *edited* mark with earlier texts and a word diff, and highlights
that land at once while an import runs."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path

import pytest

from reader.annotate import store as notes
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.store import Library

BODY = "The report is damning, and the board knew it.\n\nA second paragraph."


def write_post(path: Path, body: str = BODY, title: str = "The Report", comments: int = 3):
    tree = [ParsedComment(f"Comment {n} on the report.") for n in range(comments)]
    post = ParsedPost(dt.date(2021, 5, 1), title, body, comments, tree)
    path.write_text(render_post(post), encoding="utf-8")
    return path


@pytest.fixture
def window_on(qtbot):
    from reader.ui.mainwindow import MainWindow

    made = []

    def make(library: Library):
        window = MainWindow(library)
        qtbot.addWidget(window)
        made.append((window, library))
        with qtbot.waitExposed(window):
            window.show()
        return window

    yield make
    for window, library in made:
        window.close()
        window.runner.shutdown()
        library.close()


def test_a_read_only_library_shows_a_banner_and_no_writing(
    qtbot, window_on, library_dir: Path, tmp_path: Path
) -> None:
    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
    window = window_on(Library.open(library_dir, read_only=True))
    banner = window.read_only_banner
    assert banner.isVisible() and "read-only" in banner.label.text()
    assert str(library_dir) in banner.label.text()
    assert not window.commands["import_files"].isEnabled()
    assert not window.commands["import_folder"].isEnabled()
    ctl = window.annotating  # built after the banner: its writing actions are caught too
    assert not ctl.menu.highlight.isEnabled() and not ctl.menu.bookmark.isEnabled()
    failures: list[str] = []
    window.ctx.writes.failed.connect(lambda _write, message: failures.append(message))
    post_id = window.posts_model.summaries[0].id
    window.ctx.writes.submit(
        "bookmark", lambda conn: notes.add_bookmark(conn, post_id).changes, None
    )
    assert failures == ["the library is read-only"]
    # every other way in says so and writes nothing: imports, the sample, a read mark
    assert window.imports.import_paths([tmp_path / "a.txt"]) is None
    assert window.imports.import_sample_if_empty() is None
    assert window.ctx.write("mark-read", lambda lib: lib.mark_thread_read(post_id)) is None
    assert "read-only" in window.statusBar().currentMessage()
    assert not window.runner.busy


def test_the_damage_dialog_repairs_and_opens(qtbot, library_dir: Path, tmp_path: Path) -> None:
    from reader.errors import LibraryDamaged
    from reader.ui.damage_dialog import DamageDialog

    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt", comments=40))
        post_id = lib.post_summaries()[0].id
        notes.add_annotation_by_quote(lib.conn, post_id, "damning", note="kept")
        expected = list(lib.dump())
    db = library_dir / "library.sqlite"
    os.truncate(db, db.stat().st_size // 2)
    with pytest.raises(LibraryDamaged) as raised:
        Library.open(library_dir)
    dialog = DamageDialog(str(raised.value), library_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "cut short" in dialog.message.text() and dialog.repair_button.isVisible()
    with qtbot.waitSignal(dialog.repaired, timeout=60000):
        qtbot.mouseClick(dialog.repair_button, qtbot_button())
    assert dialog.open_button.isVisible() and "Recovered:" in dialog.report.toPlainText()
    with Library.open(library_dir) as lib:
        assert list(lib.dump()) == expected
        assert [a.note for a in notes.list_annotations(lib.conn)] == ["kept"]


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_an_edited_post_is_marked_and_its_earlier_text_can_be_chosen(
    qtbot, make_window, library_dir: Path, tmp_path: Path
) -> None:
    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
        lib.import_file(write_post(tmp_path / "b.txt", body=BODY.replace("knew", "denied")))
    window = make_window(library_dir)
    post_id = window.posts_model.summaries[0].id
    window.threads.open_post(post_id)
    qtbot.waitUntil(lambda: window.threads.current_post is not None)
    html = window.reading.toHtml()
    assert f'href="revisions:{post_id}"' in html and ">edited<" in html
    assert window.revisions.open_current() is not None  # Edit › Earlier Texts…: the post
    from PySide6.QtCore import QUrl

    window.reading.anchorClicked.emit(QUrl(f"revisions:{post_id}"))  # the pane's link
    dialog = window.revisions.dialog
    assert dialog is not None and dialog.list.count() == 2
    dialog.list.setCurrentRow(0)  # the first text
    shown = dialog.text.toHtml()
    assert "line-through" in shown and "underline" in shown  # a word diff: denied -> knew
    assert "denied" in dialog.text.toPlainText() and "knew" in dialog.text.toPlainText()
    qtbot.mouseClick(dialog.use, qtbot_button())
    qtbot.waitUntil(lambda: window.threads.current_post.body == BODY, timeout=10000)
    with Library.open(library_dir) as lib:  # the choice is stored, not only shown
        assert lib.thread(post_id).body == BODY


def test_a_bookmark_lands_at_once_while_a_long_import_runs(
    qtbot, make_window, library_dir: Path, tmp_path: Path
) -> None:
    """Writes that never wait: the bookmark commits while the import still holds the library."""
    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
    big = tmp_path / "big.txt"
    posts = [
        ParsedPost(dt.date(2010, 1, 1) + dt.timedelta(days=n), f"Post {n}", "Body. " * 40, 60,
                   [ParsedComment(f"Comment {c} of {n}. " + "words " * 60) for c in range(60)])
        for n in range(700)
    ]  # fmt: skip
    big.write_text("".join(render_post(p) for p in posts), encoding="utf-8")
    window = make_window(library_dir)
    writes = window.ctx.writes
    post_id = window.posts_model.summaries[0].id
    window.imports.import_paths([big])
    probe = sqlite3.connect(library_dir / "library.sqlite", timeout=0, isolation_level=None)

    def importing() -> bool:  # the import's transaction holds the library database
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        probe.execute("ROLLBACK")
        return False

    qtbot.waitUntil(importing, timeout=20000)
    started = time.perf_counter()
    write = writes.submit(
        "bookmark", lambda conn: notes.add_bookmark(conn, post_id, "during").changes, None
    )
    assert write.finished.wait(5) and not write.error
    took = time.perf_counter() - started
    assert importing(), "the import had finished: nothing was measured"
    assert took < 0.1, f"the bookmark took {took * 1000:.0f} ms"
    probe.close()
    with Library.open(library_dir) as lib:
        assert [b.label for b in notes.list_bookmarks(lib.conn)] == ["during"]
    window.imports.cancel()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)


def test_the_import_report_names_items_whose_text_changed(
    qtbot, make_window, library_dir: Path, tmp_path: Path
) -> None:
    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
    window = make_window(library_dir)
    damaged = tmp_path / "b.txt"
    damaged.write_text(
        (tmp_path / "a.txt").read_text(encoding="utf-8").replace("knew it.", "knew it.\x01")
    )
    with qtbot.waitSignal(window.events.import_finished, timeout=30000):
        window.imports.import_paths([damaged])
    assert window.imports.report is not None and window.imports.report.isVisible()
    rows = window.imports.report.rows()
    # one row for the file (16b's report lists every file), one for the revised item
    revised = [row for row in rows if row[1] == "Revised"]
    assert [row[0] for row in rows if row[1] != "Revised"] == ["b.txt"]
    assert len(revised) == 1 and "kept aside, not shown" in revised[0][2]
    assert "control" in revised[0][2]


def test_starting_on_a_damaged_library_offers_the_repair(
    qtbot, monkeypatch, library_dir: Path, tmp_path: Path
) -> None:
    from reader import app
    from reader.store.repair import repair
    from reader.ui import damage_dialog

    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
    (library_dir / "library.sqlite").write_bytes(b"")
    offered: list[str] = []

    def offer(message: str, library: Path, parent=None) -> bool:  # the dialog, answered
        offered.append(message)
        repair(library)
        return True

    monkeypatch.setattr(damage_dialog, "offer_repair", offer)
    started = app.start(str(library_dir), first_run=False)
    qtbot.addWidget(started.window)
    try:
        assert offered and "empty (0 bytes)" in offered[0]
        assert started.window.posts_model.summaries[0].title == "The Report"
    finally:
        started.window.close()
        started.window.runner.shutdown()
        started.library.close()


def test_a_read_only_window_searches_the_store_and_never_writes_the_index(
    qtbot, window_on, library_dir: Path, tmp_path: Path
) -> None:
    """The index of a read-only library is left behind by a later import: the window neither
    updates nor rebuilds it (not its start-up check, not a search), and searches answer from
    the store, saying so."""
    from reader.search import open_index
    from reader.search.scan import NOTICE

    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
        index = open_index(lib)
        assert index.rebuild().fresh
        index.close()
        lib.import_file(write_post(tmp_path / "b.txt", body="About zeppelins.", title="Later"))

    def index_files() -> set[tuple[str, int]]:  # the index folder, its files, lock, builds
        found = [p for p in library_dir.rglob("*") if "search-index" in str(p)]
        return {(str(p), p.stat().st_mtime_ns) for p in found}

    listing = index_files()
    assert len(listing) > 3
    window = window_on(Library.open(library_dir, read_only=True))
    search = window.search
    with qtbot.waitSignal(search.index_checked, timeout=60000) as checked:
        pass
    assert not checked.args[0].fresh and "read-only" in checked.args[0].reason
    shown: list = []
    search.results_shown.connect(shown.append)
    search.field.setText("zeppelins")
    with qtbot.waitSignal(search.results_shown, timeout=20000):
        search.run_search()
    assert [search.model.hit(r).title for r in range(search.model.rowCount())] == ["Later"]
    assert NOTICE in shown[-1].notices and not shown[-1].damaged
    qtbot.wait(300)  # nothing rebuilt afterwards either
    assert not window.runner.active("index")
    assert index_files() == listing


def test_check_library_says_a_sound_library_is_sound(
    qtbot, make_window, library_dir: Path, tmp_path: Path
) -> None:
    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt"))
    window = make_window(library_dir)
    with qtbot.waitSignal(window.repair.checked, timeout=30000) as checked:
        window.commands["check_library"].trigger()  # File › Check Library…
    assert checked.args[0].ok and window.repair.dialog is None
    message = window.statusBar().currentMessage()
    assert "sound" in message and "library.sqlite" in message and "userdata.sqlite" in message


def test_damage_found_in_a_running_window_closes_it_for_the_repair(
    qtbot, monkeypatch, library_dir: Path, tmp_path: Path
) -> None:
    """File › Check Library… finds a damaged file under an open window; Quit and Repair closes
    the window (which lets go of the library), and the application repairs and reopens it."""
    import random

    from reader import app
    from reader.ui import damage_dialog

    with Library.open(library_dir) as lib:
        lib.import_file(write_post(tmp_path / "a.txt", comments=200))
        lib.conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
    started = app.start(str(library_dir), first_run=False)
    window = started.window
    qtbot.addWidget(window)
    db = library_dir / "library.sqlite"
    data = bytearray(db.read_bytes())  # garbled in the middle, under the open window
    quarter = len(data) // 4
    data[quarter : 3 * quarter] = random.Random(7).randbytes(2 * quarter)
    db.write_bytes(bytes(data))
    with qtbot.waitSignal(window.repair.checked, timeout=30000) as checked:
        window.repair.check()
    assert not checked.args[0].ok
    dialog = window.repair.dialog
    assert dialog is not None and dialog.isVisible() and str(db) in dialog.message.text()
    assert dialog.repair_button.text() == "Quit and &Repair"
    qtbot.mouseClick(dialog.repair_button, qtbot_button())
    assert window.repair.repair_on_exit and not window.isVisible()
    started.library.close()

    offered: list[str] = []

    def offer(message: str, library: Path, parent=None) -> bool:  # the dialog, answered
        from reader.store.repair import repair

        offered.append(message)
        repair(library)
        return True

    monkeypatch.setattr(damage_dialog, "offer_repair", offer)
    again = app.start(str(library_dir), first_run=False, damage=window.repair.damage)
    qtbot.addWidget(again.window)
    try:
        assert offered == [window.repair.damage]
        assert again.window.posts_model.summaries[0].title == "The Report"
        assert list((library_dir / "damaged").iterdir())  # the damaged file, kept aside
    finally:
        again.window.close()
        again.window.runner.shutdown()
        again.library.close()
