"""The two helpers under the annotation UI: mapping pane positions to raw offsets, and the
ordered write queue that must never lose a write."""

from __future__ import annotations

import threading

from reader.ui.textmap import align
from reader.ui.writes import StoreWrites


def _pairs(shown: str, raw: str, start: int = 0, end: int | None = None) -> str:
    """The raw characters each shown character maps to ('.' for none)."""
    return "".join("." if o is None else raw[o] for o in align(shown, raw, start, end))


def test_align_skips_collapsed_white_space_and_line_separators():
    raw = "a  b\n  c\td"
    shown = "a b\u2028c d"
    assert [o for o in align(shown, raw) if o is not None] == [0, 3, 7, 9]
    assert _pairs(shown, raw) == "a.b.c.d"


def test_align_treats_the_image_placeholder_as_added_text():
    raw = "see http://x.org/a.png now"
    shown = "see [image] http://x.org/a.png now"
    mapped = align(shown, raw)
    assert all(o is None for o in mapped[4:11])  # "[image]"
    assert raw[mapped[shown.index("http")]] == "h"
    assert mapped[shown.index("now")] == raw.index("now")


def test_align_survives_a_character_qt_dropped_and_one_it_added():
    raw = "ab\x00cd"  # a NUL the document does not keep
    assert _pairs("abcd", raw) == "abcd"
    assert _pairs("abXcd", "abcd") == "ab.cd"


def test_align_works_on_a_paragraph_inside_the_text():
    raw = "first\n\nsecond para"
    start = raw.index("second")
    assert align("second para", raw, start)[0] == start


def test_writes_run_in_order_and_flush_claims_what_the_worker_has_not_started(
    qtbot, seeded_library, make_runner, gates
):
    runner = make_runner(seeded_library.paths)
    writes = StoreWrites(runner, lambda: seeded_library.conn)
    gate, started = gates.new(), threading.Event()

    def busy(ctx):
        started.set()
        gate.wait(20)

    # The user-data thread (where writes run, never behind an import) is held busy, so no
    # write can start there: flush must claim and run all three itself.  (Holding the
    # library's writer thread instead, as an import does, left the user-data thread free to
    # take "one" first under load.)
    runner.submit("annotate", busy, user_data=True)
    assert started.wait(5)
    order: list[tuple[str, str]] = []
    guard = threading.Lock()

    def note(name: str):
        def fn(conn):
            with guard:
                order.append((name, threading.current_thread().name))

        return fn

    landed = []
    writes.landed.connect(lambda w: landed.append(w.label))
    for name in ("one", "two", "three"):
        writes.submit(name, note(name), ("x", None, name))
    assert [w.effect[2] for w in writes.pending] == ["one", "two", "three"]
    assert writes.flush(timeout=5)
    assert [name for name, _ in order] == ["one", "two", "three"]
    assert {thread for _, thread in order} == {threading.current_thread().name}
    assert writes.pending == [] and landed == ["one", "two", "three"]
    gate.set()
    assert runner.wait(10)
    qtbot.waitUntil(lambda: not runner.busy)
    assert len(order) == 3  # the worker skipped what flush had run


def test_a_failed_write_is_reported_once(qtbot, seeded_library, make_runner):
    runner = make_runner(seeded_library.paths)
    writes = StoreWrites(runner, lambda: seeded_library.conn)

    def boom(conn):
        raise ValueError("no such thing")

    with qtbot.waitSignal(writes.failed, timeout=10000) as blocker:
        writes.submit("bookmark", boom, ("bookmark", None, None))
    assert blocker.args[1] == "ValueError: no such thing"
    assert writes.pending == []
