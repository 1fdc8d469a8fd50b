"""The rules the suite runs under, checked by running pytest itself: a test that waits forever
is stopped, named and the run fails; seed tests skip as one line without ../shared/seeds and
fail a ``--require-seeds`` run (CI's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent

BLOCKING = {
    "event": """
        import threading

        def test_waits_forever():
            threading.Event().wait()
    """,
    "qt-event-loop": """
        from PySide6.QtCore import QEventLoop

        def test_waits_forever(qapp):
            QEventLoop().exec()  # nobody ever quits it
    """,
}


def run_pytest(args: list[str], cwd: Path, env: dict[str, str] | None = None):
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(REPO)])}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("kind", sorted(BLOCKING))
def test_a_test_that_waits_forever_is_stopped_and_named(tmp_path: Path, kind: str) -> None:
    (tmp_path / "test_blocking.py").write_text(textwrap.dedent(BLOCKING[kind]))
    start = time.monotonic()
    proc = run_pytest(
        ["-q", "-p", "helpers.timeouts", "--timeout", "3", "-o", "timeout_method=thread"],
        tmp_path,
    )
    elapsed = time.monotonic() - start
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert elapsed < 60
    assert "TIMEOUT: test_blocking.py::test_waits_forever still running after 3 s" in out
    # the stack shows the line where the test waits
    assert re.search(r'File ".*test_blocking\.py", line \d+, in test_waits_forever', out), out


def test_seed_tests_skip_as_one_line_and_fail_a_run_that_requires_them(tmp_path: Path) -> None:
    args = ["-q", "-ra", str(TESTS / "unit" / "formats" / "test_blogtext.py"), "-k", "seed"]
    env = {"ARCHIVE_READER_TEST_SEEDS": str(tmp_path / "no-seeds-here")}
    proc = run_pytest(args, REPO, env)
    out = proc.stdout
    assert proc.returncode == 0, out
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, skipped  # every seed test on one line, with the reason
    count = int(re.match(r"SKIPPED \[(\d+)\]", skipped[0]).group(1))
    assert count >= 5 and "needs the real dumps in ../shared/seeds" in skipped[0]
    assert f"seed tests (../shared/seeds): 0 ran, {count} skipped: needs the real dumps" in out
    assert "failed" not in out and "error" not in out.lower()

    required = run_pytest([*args, "--require-seeds"], REPO, env)
    assert required.returncode == 1, required.stdout
    assert "--require-seeds: these seed tests were skipped, so the run fails:" in required.stdout
