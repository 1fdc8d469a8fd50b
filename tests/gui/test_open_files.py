"""``archive-reader FILE...`` and later launches: the window imports what it is given, as a
drop would, and one window per library answers every launch.

``app.main`` runs for real except for the event loop: ``QApplication.exec`` is replaced by a
function that drives the window (and other processes) and returns the exit status.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from reader import app
from reader.store import Library
from reader.ui.single_instance import HandOver, SingleInstance, server_name

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"


def main_window() -> object:
    shown = [
        w for w in QApplication.topLevelWidgets() if w.objectName() == "main" and w.isVisible()
    ]
    assert len(shown) == 1
    return shown[0]


def run_main(monkeypatch, during, **kwargs) -> int:
    """``app.main(**kwargs)`` with ``during(window) -> status`` in place of the event loop."""
    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: during(main_window())))
    return app.main(**kwargs)


def launch(*args: str) -> subprocess.Popen:
    """Another ``archive-reader`` process, as a file manager or a terminal would start it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def wait_process(qtbot, process: subprocess.Popen, timeout: int = 30000) -> tuple[str, str]:
    """Let the window's event loop run (it answers the launch) until the process ends."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=timeout)
    return process.communicate()


def titles(library_dir: Path) -> list[str]:
    with Library.open(library_dir) as library:
        return sorted(s.title for s in library.post_summaries())


def test_files_given_are_imported_and_problems_reported(
    monkeypatch, qtbot, qapp, library_dir, tmp_path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list\nmilk\n")
    missing = tmp_path / "gone.txt"
    seen = {}

    def during(window) -> int:
        with qtbot.waitSignal(window.events.import_finished, timeout=60000) as blocker:
            pass
        outcome = blocker.args[0]
        seen["ok"] = [r.path.name for r in outcome.results if r.ok]
        seen["problems"] = sorted(r.path.name for r in outcome.problems)
        seen["report"] = window.imports.report is not None and window.imports.report.isVisible()
        table = window.imports.report.table if window.imports.report else None
        seen["report_rows"] = [
            " ".join(table.item(row, col).text() for col in (0, 2) if table.item(row, col))
            for row in range(table.rowCount() if table else 0)
        ]
        seen["banner"] = window.panes.banner.isVisible()
        return 0

    paths = [str(SAMPLE / "greenway-garden-2024.txt"), str(notes), str(missing)]
    assert run_main(monkeypatch, during, library=str(library_dir), paths=paths) == 0
    assert seen["ok"] == ["greenway-garden-2024.txt"]
    assert seen["problems"] == ["gone.txt", "notes.txt"]
    assert seen["report"], "a file that is not a dump is reported in the window"
    assert len(seen["report_rows"]) == 3  # one row per file, the imported one too
    assert any(
        row.startswith("greenway-garden-2024.txt 3 new posts") for row in seen["report_rows"]
    )
    assert any("gone.txt" in row for row in seen["report_rows"])
    assert any("notes.txt" in row and "unknown format" in row for row in seen["report_rows"])
    assert not seen["banner"], "no sample hint: the user opened their own files"
    got = titles(library_dir)
    assert "Harvest Supper and the Plot Waiting List" in got
    assert not any("Welcome" in t for t in got), "the sample is not added when files are given"


def test_a_second_launch_hands_its_files_to_the_open_window(
    monkeypatch, qtbot, qapp, library_dir
) -> None:
    seen = {}

    def during(window) -> int:
        before = window.posts_model.total
        started = time.monotonic()
        process = launch("--library", str(library_dir), str(SAMPLE / "greenway-garden-2024.txt"))
        with qtbot.waitSignal(window.events.import_finished, timeout=60000):
            out, err = wait_process(qtbot, process)
        seen.update(code=process.returncode, out=out, err=err, took=time.monotonic() - started)
        qtbot.waitUntil(lambda: window.posts_model.total > before)
        seen["posts"] = window.posts_model.total
        return 0

    assert run_main(monkeypatch, during, library=str(library_dir), paths=[]) == 0
    assert seen["code"] == 0, seen["err"]
    assert "Traceback" not in seen["err"]
    assert seen["took"] < 20
    assert seen["posts"] >= 3
    assert "Harvest Supper and the Plot Waiting List" in titles(library_dir)


def test_a_launch_on_another_library_opens_its_own_window(
    monkeypatch, qtbot, qapp, library_dir, tmp_path
) -> None:
    other = tmp_path / "other-library"
    seen = {}

    def during(window) -> int:
        process = launch(
            "--library", str(other), "--quit-after-import", str(SAMPLE / "welcome.txt")
        )
        out, err = wait_process(qtbot, process, timeout=60000)
        seen.update(code=process.returncode, out=out, err=err)
        return 0

    assert run_main(monkeypatch, during, library=str(library_dir), paths=[]) == 0
    assert seen["code"] == 0, seen["err"]
    assert "Imported 1 file" in seen["out"]
    assert any("Welcome" in t for t in titles(other))


def test_a_stale_socket_from_a_crashed_window_is_replaced(
    monkeypatch, qtbot, qapp, library_dir
) -> None:
    name = server_name(library_dir)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(name)  # a socket file nobody listens on: what a killed window leaves
    stale.close()
    assert Path(name).exists()
    assert SingleInstance(library_dir).hand_over([]) == HandOver.NOBODY
    seen = {}

    def during(window) -> int:
        process = launch("--library", str(library_dir), str(SAMPLE / "welcome.txt"))
        with qtbot.waitSignal(window.events.import_finished, timeout=60000):
            _out, err = wait_process(qtbot, process)
        seen.update(code=process.returncode, err=err)
        return 0

    assert run_main(monkeypatch, during, library=str(library_dir), paths=[]) == 0
    assert seen["code"] == 0, seen["err"]
    assert not Path(name).exists(), "the window removes its socket as it closes"


def test_a_window_that_does_not_answer_is_reported(tmp_path) -> None:
    name = server_name(tmp_path / "library")
    hung = socket.socket(socket.AF_UNIX)
    hung.bind(name)
    hung.listen(1)  # accepts connections (the kernel does) but never answers
    try:
        assert SingleInstance(tmp_path / "library").hand_over(["x"], 300) == HandOver.NO_ANSWER
    finally:
        hung.close()
        os.unlink(name)


def test_two_libraries_have_two_sockets(qapp, tmp_path) -> None:
    first, second = SingleInstance(tmp_path / "a"), SingleInstance(tmp_path / "b")
    try:
        assert first.listen() and second.listen()
        assert first.name != second.name
        assert SingleInstance(tmp_path / "a" / ".." / "a").name == first.name
    finally:
        first.close()
        second.close()


def test_a_malformed_message_is_answered_and_ignored(qapp, qtbot, tmp_path) -> None:
    from PySide6.QtNetwork import QLocalSocket

    instance = SingleInstance(tmp_path / "library")
    received = []
    instance.paths_received.connect(lambda paths, token: received.append(paths))
    assert instance.listen()
    try:
        client = QLocalSocket()
        client.connectToServer(instance.name)
        qtbot.waitUntil(lambda: client.state() == QLocalSocket.LocalSocketState.ConnectedState)
        client.write(b"{not json\n")
        qtbot.waitUntil(lambda: client.bytesAvailable() > 0)
        assert bytes(client.readAll().data()) == b"error\n"
        assert received == []
    finally:
        instance.close()


def test_quit_after_import_exits_with_the_outcome(monkeypatch, qtbot, qapp, library_dir, tmp_path):
    """The hidden ``--quit-after-import`` (for scripts and the bundle's smoke test) ends the
    event loop with 0 when every file imported, 1 when one could not be."""
    bad = tmp_path / "bad.txt"
    bad.write_text("not a dump\n")
    statuses = []

    def during(window) -> int:
        qtbot.waitUntil(lambda: bool(statuses), timeout=60000)
        return statuses[0]

    monkeypatch.setattr(qapp, "exit", lambda code=0: statuses.append(code))
    good = [str(SAMPLE / "welcome.txt")]
    assert run_main(monkeypatch, during, library=str(library_dir), paths=good,
                    quit_after_import=True) == 0  # fmt: skip
    statuses.clear()
    assert run_main(monkeypatch, during, library=str(library_dir), paths=[str(bad)],
                    quit_after_import=True) == 1  # fmt: skip
