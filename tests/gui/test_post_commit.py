"""The window's post-commit step: writes that land while the writer thread is busy are brought
up to date together, once; a cancelled step drops nothing that a later one needs."""

from __future__ import annotations

import threading

from reader import derived
from reader.changes import Changes
from reader.paths import LibraryPaths
from reader.ui.post_commit import PostCommit
from reader.ui.tasks import TaskRunner


def _changes(post_id: str) -> Changes:
    return Changes(posts_changed=frozenset({post_id}))


def test_commits_during_a_long_write_are_brought_up_to_date_once(qtbot, library_dir, monkeypatch):
    seen: list[Changes] = []
    monkeypatch.setattr(
        derived,
        "bring_up_to_date",
        lambda library, changes, **kw: seen.append(changes) or derived.DerivedReport(),
    )
    runner = TaskRunner(LibraryPaths.resolve(library_dir))
    step = PostCommit(runner)
    release = threading.Event()
    runner.submit("import", lambda ctx: release.wait(10), writes=True)  # holds the writer
    step.committed(_changes("p1"))
    step.committed(_changes("p2"))
    step.committed(Changes(read=frozenset({"p3"})))  # nothing derived depends on it
    step.committed(_changes("p4"))
    with qtbot.waitSignal(step.finished, timeout=10000):
        release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert seen == [Changes(posts_changed=frozenset({"p1", "p2", "p4"}))]
    runner.shutdown()


def test_a_cancelled_step_leaves_later_commits_their_own(qtbot, library_dir, monkeypatch):
    seen: list[Changes] = []
    monkeypatch.setattr(
        derived,
        "bring_up_to_date",
        lambda library, changes, **kw: seen.append(changes) or derived.DerivedReport(),
    )
    runner = TaskRunner(LibraryPaths.resolve(library_dir))
    step = PostCommit(runner)
    release = threading.Event()
    runner.submit("import", lambda ctx: release.wait(10), writes=True)
    step.committed(_changes("p1"))
    runner.cancel_all("index")  # Cancel in the status bar, before it started
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert seen == []  # dropped: re-anchoring and the index catch up from the stamps
    with qtbot.waitSignal(step.finished, timeout=10000):
        step.committed(_changes("p2"))
    assert seen == [_changes("p2")]
    runner.shutdown()
