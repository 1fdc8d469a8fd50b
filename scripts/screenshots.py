"""Render the screenshots the README and the AppStream metainfo show.

    make screenshots     # scripts/screenshots.py docs/screenshots, offscreen, in .venv

The real window, offscreen, on the sample archive the program ships, in a temporary library
(the user's own library and settings are never touched):

* ``reading.png``  the three panes, a thread with a highlight and a note, the Annotations panel;
* ``search.png``   search results for a word, with the hits marked in the thread;
* ``dark.png``     the dark theme;
* ``export.png``   the first page of the thread exported as PDF (rendered by ``pdftoppm``).

Regenerate them when the window changes; ``tests/gui/test_screenshots_script.py`` runs this
script and checks what each picture shows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZE = (1280, 800)
THREAD = "Harvest Supper and the Plot Waiting List"
HIGHLIGHT = "try half plots for new members next year"
NOTE_ON = "a mentor from the older plots"
NOTE = "Ask Marta who could mentor: the Tuesday group?"
SEARCH = "waiting list"
DUMPS = Path(tempfile.gettempdir()) / "archive-reader-screenshots" / "dumps"
NAMES = ("reading.png", "search.png", "dark.png", "export.png")


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: timed out waiting for the window")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(window: object) -> None:
    from PySide6.QtWidgets import QApplication

    wait_until(lambda: not window.runner.busy)  # type: ignore[attr-defined]
    for _ in range(5):
        QApplication.processEvents()


def save(widget: object, path: Path) -> Path:
    settle(widget.window())  # type: ignore[attr-defined]
    if not widget.grab().save(str(path)):  # type: ignore[attr-defined]
        raise SystemExit(f"screenshots: cannot write {path}")
    print(path)
    return path


def select(window: object, text: str) -> None:
    pane = window.reading  # type: ignore[attr-defined]
    pane.complete()
    cursor = pane.document().find(text)
    if cursor.isNull():
        raise SystemExit(f"screenshots: {text!r} is not in the thread any more")
    pane.setTextCursor(cursor)


def render(out: Path) -> list[Path]:
    """Write the four screenshots into ``out``; returns their paths."""
    from reader import app
    from reader.ui import note_dialog

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="archive-reader-shots-") as temp:
        base = Path(temp)
        os.environ["ARCHIVE_READER_CONFIG"] = str(base / "config")
        os.environ["ARCHIVE_READER_LOG_DIR"] = str(base / "log")
        started = app.start(str(base / "library"), [sys.argv[0]], first_run=False)
        window = started.window
        try:
            return _shoot(window, out, base, note_dialog)
        finally:
            window.close()  # type: ignore[attr-defined]
            started.library.close()  # type: ignore[attr-defined]
            shutil.rmtree(DUMPS, ignore_errors=True)


def _shoot(window, out: Path, base: Path, note_dialog) -> list[Path]:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from reader.ui.controllers.imports import sample_paths

    window.resize(*SIZE)
    window.view.set_theme("light")
    # The sample, from a folder whose name the export shows (its "Source" line) the same way
    # on every machine and every run.
    shutil.rmtree(DUMPS, ignore_errors=True)
    DUMPS.mkdir(parents=True)
    for path in sample_paths():
        shutil.copyfile(path, DUMPS / path.name)
    window.imports.import_paths([DUMPS])
    settle(window)
    post_id = next(s.id for s in window.posts_model.summaries if s.title == THREAD)
    window.threads.open_post(post_id)
    notes = window.annotating
    select(window, HIGHLIGHT)
    notes.highlight("yellow")
    ask_note = note_dialog.ask_note
    note_dialog.ask_note = lambda *args, **kwargs: NOTE  # the dialog would wait for a person
    try:
        select(window, NOTE_ON)
        notes.set_default_colour("green")
        notes.add_note()
    finally:
        note_dialog.ask_note = ask_note
    settle(window)
    window.annotations_panel.show()
    settle(window)
    window.resizeDocks([window.annotations_panel], [150], Qt.Orientation.Vertical)
    window.threads.select_item(post_id)
    window.reading.setTextCursor(window.reading.textCursor())  # no selection drawn
    cursor = window.reading.textCursor()
    cursor.clearSelection()
    window.reading.setTextCursor(cursor)
    shots = [save(window, out / "reading.png")]

    window.annotations_panel.hide()
    search = window.search
    wait_until(lambda: search.model is not None)
    search.field.setText(SEARCH)
    search.run_search(open_first=True)
    wait_until(lambda: search.model.rowCount() > 0)
    settle(window)
    shots.append(save(window, out / "search.png"))

    search.field.clear()
    window.view.set_theme("dark")
    window.threads.open_post(post_id)
    window.threads.select_item(post_id)  # the top, with the highlights and notes
    shots.append(save(window, out / "dark.png"))
    window.view.set_theme("light")

    shots.append(export_page(window.library, post_id, base, out / "export.png"))
    return shots


def export_page(library: object, post_id: str, base: Path, target: Path) -> Path:
    """The annotated thread as PDF, its first page as a PNG (what the export looks like)."""
    from reader.export import export_thread

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("screenshots: pdftoppm is needed (Debian: apt install poppler-utils)")
    pdf = base / "thread.pdf"
    export_thread(library, post_id, pdf, "pdf")
    prefix = base / "page"
    subprocess.run(
        [pdftoppm, "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
        check=True,
    )
    shutil.copyfile(prefix.with_suffix(".png"), target)
    print(target)
    return target


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    render(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
