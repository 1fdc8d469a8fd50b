"""The one background-work helper: results, failures, cancellation, stale results dropped."""

from __future__ import annotations

import threading

from reader.ui.tasks import TaskCancelled


def test_result_and_progress_arrive_on_the_gui_thread(qtbot, make_runner):
    runner = make_runner()
    seen: dict[str, object] = {}
    main = threading.get_ident()

    def job(ctx):
        ctx.progress(0.5, "half")
        ctx.partial("piece")
        return threading.get_ident()

    def done(worker_thread):
        seen["worker"] = worker_thread
        seen["callback"] = threading.get_ident()

    with qtbot.waitSignal(runner.ended, timeout=5000):
        runner.submit("t", job, on_done=done, on_partial=lambda v: seen.setdefault("partial", v))
    assert seen["worker"] != main and seen["callback"] == main
    assert seen["partial"] == "piece"
    assert not runner.busy


def test_failure_is_reported_as_one_line(qtbot, make_runner):
    runner = make_runner()
    errors: list = []

    def job(ctx):
        raise ValueError("bad input\nsecond line")

    with qtbot.waitSignal(runner.ended, timeout=5000):
        runner.submit("t", job, on_error=errors.append)
    [error] = errors
    assert str(error) == "ValueError: bad input" == error.text  # a bug says what kind it was
    assert (error.kind, error.message, error.user_error) == ("ValueError", "bad input", False)
    assert error.file.endswith("test_tasks.py") and error.line  # where it was raised


def test_bad_input_crosses_as_a_task_error_naming_the_file_and_line(qtbot, make_runner, tmp_path):
    from reader.errors import DumpError

    runner = make_runner()
    errors: list = []
    dump = tmp_path / "dump.txt"

    def job(ctx):
        raise DumpError(dump, "expected a date line", 3)

    with qtbot.waitSignal(runner.ended, timeout=5000):
        runner.submit("t", job, on_error=errors.append)
    [error] = errors
    assert (error.kind, error.file, error.line) == ("DumpError", str(dump), 3)
    assert error.user_error and error.text == f"{dump}:3: expected a date line"


def test_cancel_and_supersede_drop_stale_results(qtbot, make_runner, gates):
    runner = make_runner()
    release = gates.new()
    results: list[str] = []
    cancelled: list[int] = []

    def slow(ctx):
        release.wait(5)
        ctx.check()
        return "old"

    first = runner.submit(
        "search", slow, on_done=results.append, on_cancelled=lambda: cancelled.append(1)
    )
    second = runner.submit("search", lambda ctx: "new", supersede=True, on_done=results.append)
    assert first.cancelled and first.stale and not second.cancelled
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert results == ["new"]  # the superseded search never delivers
    assert cancelled == []  # and its callbacks stay silent


def test_writer_jobs_run_one_at_a_time(qtbot, make_runner):
    runner = make_runner()
    running = 0
    peak = 0
    lock = threading.Lock()

    def job(ctx):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        threading.Event().wait(0.02)
        with lock:
            running -= 1

    for _ in range(4):
        runner.submit("write", job, writes=True)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert peak == 1


def test_ctx_check_raises_when_cancelled(qtbot, make_runner):
    runner = make_runner()
    outcome: list[str] = []

    def job(ctx):
        ctx.task.cancel()
        try:
            ctx.check()
        except TaskCancelled:
            outcome.append("raised")
            raise

    with qtbot.waitSignal(runner.ended, timeout=5000):
        runner.submit("t", job, on_cancelled=lambda: outcome.append("cancelled"))
    assert outcome == ["raised", "cancelled"]


def test_a_deferred_task_counts_at_once_and_starts_next_turn(qtbot, make_runner):
    runner = make_runner()
    ran = threading.Event()
    task = runner.submit("mark-read", lambda ctx: ran.set(), writes=True, defer=True)
    assert runner.busy and not ran.is_set()  # nothing started while the caller still runs
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert ran.is_set() and task.finished


def test_a_deferred_task_never_starts_after_shutdown(qtbot, make_runner):
    runner = make_runner()
    ran = threading.Event()
    task = runner.submit("t", lambda ctx: ran.set(), defer=True)
    runner.shutdown()  # the window closed in the same turn
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert not ran.is_set() and task.cancelled and task.finished
