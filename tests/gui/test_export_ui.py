"""File › Export Thread…: the dialog's choices, the export in the background with progress and
cancel, the notice with Open, and failures as one line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from helpers import dumpgen
from reader.export import ExportOptions
from reader.ui import export_dialog
from reader.ui.export_dialog import ExportDialog, ExportRequest

TITLE = dumpgen.FOCUS_TITLE


def open_thread(window) -> str:
    post_id = next(s.id for s in window.posts_model.summaries if s.title == TITLE)
    window.threads.open_post(post_id)
    return post_id


def answer(monkeypatch, request: ExportRequest | None, seen: list | None = None) -> None:
    def ask(parent, title, suggestion):
        if seen is not None:
            seen.append((title, suggestion))
        return request

    monkeypatch.setattr(export_dialog, "ask_export", ask)


def test_ctrl_e_exports_a_pdf_in_the_background_then_open(
    make_window, seeded_library_dir, qtbot, gui, monkeypatch, tmp_path, output_dir
):
    target = tmp_path / "out" / "thread.pdf"
    target.parent.mkdir()
    seen: list = []
    answer(monkeypatch, ExportRequest(target, "pdf", ExportOptions(paper="a4")), seen)
    opened: list[Path] = []
    monkeypatch.setattr(export_dialog, "open_file", lambda path: opened.append(path) or True)
    window = make_window(seeded_library_dir)
    window.resize(1100, 700)
    gui.activate(window)
    ui = window.export
    assert not ui.action.isEnabled()  # nothing open yet
    open_thread(window)
    assert ui.action.isEnabled()
    with qtbot.waitSignal(ui.finished, timeout=60000) as blocker:
        qtbot.keyClick(window.reading, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    result = blocker.args[0]
    assert seen and seen[0][0] == TITLE
    assert seen[0][1].path.name == f"{dumpgen.FOCUS_DATE.isoformat()} {TITLE}.pdf"
    assert target.is_file() and result.path == target and result.pages >= 1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip
        assert TITLE in text
    notice = ui.notice
    assert notice.isVisible() and notice.open_button.isVisible()
    assert notice.text == "Exported thread.pdf"
    save_path = output_dir / "gui-export-01-notice.png"
    QApplication.processEvents()
    assert window.grab().save(str(save_path))
    qtbot.mouseClick(notice.open_button, Qt.MouseButton.LeftButton)
    assert opened == [target]
    # the folder and format are remembered for next time
    assert ui.prefs.folder == target.parent
    assert ui.suggestion(window.threads.current_post).path.parent == target.parent


def test_markdown_and_html_with_options(make_window, seeded_library_dir, qtbot, tmp_path):
    window = make_window(seeded_library_dir)
    post_id = open_thread(window)
    ui = window.export
    for fmt, name in (("markdown", "t.md"), ("html", "t.html")):
        request = ExportRequest(tmp_path / name, fmt, ExportOptions(annotated_only=True))
        with qtbot.waitSignal(ui.finished, timeout=30000) as blocker:
            ui.start(post_id, TITLE, request)
        assert blocker.args[0].path == tmp_path / name
        assert TITLE in (tmp_path / name).read_text(encoding="utf-8")


def test_a_failure_is_one_clear_line(make_window, seeded_library_dir, qtbot, monkeypatch,
                                     tmp_path):  # fmt: skip
    target = tmp_path / "missing-folder" / "t.pdf"
    answer(monkeypatch, ExportRequest(target, "pdf", ExportOptions()))
    window = make_window(seeded_library_dir)
    open_thread(window)
    with qtbot.waitSignal(window.export.finished, timeout=30000) as blocker:
        window.export.export_current()
    line = blocker.args[0]
    assert line.startswith("Export failed: cannot write") and "does not exist" in line
    assert "\n" not in line and "Error:" not in line
    notice = window.export.notice
    assert notice.isVisible() and not notice.open_button.isVisible()
    assert notice.text == line
    assert not target.exists()


def test_cancel_from_the_status_bar_writes_nothing(
    make_window, seeded_library_dir, qtbot, monkeypatch, tmp_path, gates
):
    from reader.ui import tasks

    original = tasks.TaskContext.progress
    held, release = gates.new(), gates.new()

    def progress(self, fraction, label=""):
        original(self, fraction, label)
        if self.task.kind == "export" and not held.is_set():
            held.set()
            release.wait(20)

    monkeypatch.setattr(tasks.TaskContext, "progress", progress)
    target = tmp_path / "out" / "t.pdf"
    target.parent.mkdir()
    window = make_window(seeded_library_dir)
    post_id = open_thread(window)
    with qtbot.waitSignal(window.export.finished, timeout=30000) as blocker:
        task = window.export.start(post_id, TITLE, ExportRequest(target, "pdf", ExportOptions()))
        qtbot.waitUntil(lambda: held.is_set() and window.status.current is task)
        assert window.status.work.isVisible()
        qtbot.mouseClick(window.status.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert blocker.args[0] is None
    assert "cancelled" in window.export.notice.text
    assert list(target.parent.iterdir()) == []  # not even a temporary file


def test_dialog_defaults_suffixes_and_paper_from_the_locale(qtbot, monkeypatch, tmp_path,
                                                            output_dir):  # fmt: skip
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_PAPER", "en_US.UTF-8")
    suggestion = ExportRequest(tmp_path / "2019-12-07 T.pdf", "pdf", ExportOptions())
    dialog = ExportDialog(None, TITLE, suggestion)
    qtbot.addWidget(dialog)
    assert dialog.paper.currentData() == "letter"  # from LC_PAPER
    dialog.set_format("markdown")
    assert dialog.path.text().endswith("2019-12-07 T.md")
    assert not dialog.paper.isEnabled()
    dialog.set_format("pdf")
    dialog.annotated_only.setChecked(True)
    dialog.endnotes.setChecked(True)
    request = dialog.request()
    assert request.path == tmp_path / "2019-12-07 T.pdf"
    assert (request.fmt, request.options.annotated_only, request.options.endnotes,
            request.options.paper) == ("pdf", True, True, "letter")  # fmt: skip
    # a file to hand over: no folders, no ids, the summary on; the user may choose otherwise
    assert request.options.with_source_details is False and request.options.summary is None
    dialog.source_details.setChecked(True)
    dialog.summary.setChecked(False)
    options = dialog.request().options
    assert options.with_source_details is True and options.summary is False
    assert not options.wants_summary(3)
    monkeypatch.setattr(export_dialog, "choose_export_path",
                        lambda parent, start, fmt: str(tmp_path / "chosen"))  # fmt: skip
    dialog._browse()
    assert dialog.path.text() == str(tmp_path / "chosen.pdf")
    with qtbot.waitExposed(dialog):  # a context manager: called bare, it would not wait
        dialog.show()
    assert dialog.grab().save(str(output_dir / "gui-export-02-dialog.png"))


def test_file_names_are_safe():
    import datetime as dt

    from reader.model import Post

    post = Post("p", dt.date(2021, 3, 7), 'A/B: "C"? <D>|', "", 0)
    assert export_dialog.file_name(post, "html") == "2021-03-07 A B C D.html"
    assert export_dialog.with_suffix(Path("x/notes.txt"), "pdf") == Path("x/notes.txt.pdf")
    assert export_dialog.with_suffix(Path("x/t.md"), "html") == Path("x/t.html")
