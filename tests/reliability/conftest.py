"""The fault tests' shared parts: how big a run is, dumps to import, running the CLI, counts.

``make test`` runs the quick version (a few of each fault, about a minute and a half);
``ARCHIVE_READER_RELIABILITY=full`` (set by ``.ci/run``) runs the CI size: more kills, more
fuzzed files, every damaged file against every command.  At the end of the session the counts
each test ran are printed ("reliability: ..."), so a closing note can quote them.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers.timeouts import SLOW_TIMEOUT

REPO = Path(__file__).resolve().parents[2]
FULL = os.environ.get("ARCHIVE_READER_RELIABILITY", "").lower() == "full"
COUNTS: Counter[str] = Counter()


def size(quick: int, full: int) -> int:
    """How many of something to run: ``quick`` under ``make test``, ``full`` in CI."""
    return full if FULL else quick


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)
            if FULL and not item.get_closest_marker("timeout"):
                # the CI size runs minutes per test: the time limit of tests marked ``slow``
                item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if COUNTS:
        mode = "full" if FULL else "quick"
        parts = ", ".join(f"{value} {key}" for key, value in sorted(COUNTS.items()))
        terminalreporter.write_line(f"reliability ({mode}): {parts}")


def make_dump(path: Path, posts: int, *, seed: int = 1, comments: int = 30) -> Path:
    """A deterministic dump in the plain-text format (the project's own words, never a seed's)."""
    from reader.formats.blogtext_write import render_post
    from reader.model import ParsedComment, ParsedPost

    rng = random.Random(seed)
    words = [
        "probation", "service", "officer", "report", "board", "plan", "inspection", "staff",
        "union", "court", "reader", "archive", "thread", "comment", "reply", "office",
    ]  # fmt: skip

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(6, 18))).capitalize() + "."

    out = []
    for n in range(posts):
        tree = []
        for c in range(rng.randint(0, comments)):
            replies = [ParsedComment(sentence()) for _ in range(rng.randint(0, 2))]
            tree.append(ParsedComment(f"{sentence()} ({seed}.{n}.{c})", replies=replies))
        declared = sum(1 + len(c.replies) for c in tree)
        body = "\n\n".join(sentence() for _ in range(rng.randint(1, 4)))
        date = dt.date(2015, 1, 1) + dt.timedelta(days=n)
        out.append(ParsedPost(date, f"Post {seed}-{n}", body, declared, tree))
    with open(path, "w", encoding="utf-8") as handle:
        for post in out:
            handle.write(render_post(post))
    return path


def cli(library: Path, *args: str, timeout: float = 300, **popen) -> subprocess.CompletedProcess:
    """``archive-reader --library LIBRARY ARGS`` in a fresh process; any exit status."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
        **popen,
    )


def start_cli(library: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )


def one_clear_line(proc: subprocess.CompletedProcess, command: Sequence[str]) -> None:
    """A failure a user can cause is one line, never a traceback or an "internal error"."""
    where = f"archive-reader {' '.join(command)} -> {proc.returncode}\n{proc.stderr}"
    assert proc.returncode in (0, 1), where
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, where
    if proc.returncode:
        lines = [line for line in proc.stderr.splitlines() if line.startswith("archive-reader:")]
        assert lines, where


def integrity(path: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="session")
def rel() -> SimpleNamespace:
    """The helpers above for test modules (importlib import mode cannot import conftest)."""
    return SimpleNamespace(
        FULL=FULL,
        COUNTS=COUNTS,
        size=size,
        make_dump=make_dump,
        cli=cli,
        start_cli=start_cli,
        one_clear_line=one_clear_line,
        integrity=integrity,
    )


@pytest.fixture(scope="session")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Dumps shared by the session: small ones, and one whose import takes a few seconds."""
    folder = tmp_path_factory.mktemp("dumps")
    return {
        "small": make_dump(folder / "small.txt", 12, seed=1),
        "other": make_dump(folder / "other.txt", 8, seed=2),
        "long": make_dump(folder / "long.txt", size(900, 1500), seed=3, comments=40),
    }
