"""Shared fixtures and the rules every test runs under.

* The offscreen Qt platform is set before any QApplication can exist (without a display Qt
  would abort the whole process), and every library and config folder points at a temporary
  directory, so no test touches a real user's data.
* Tests run on the project's own generated archive (``tests/helpers/dumpgen.py``): ``dumps``,
  ``dumps_dir`` and the ``seeded_library*`` fixtures.  Only tests that check the real dumps in
  ``../shared/seeds`` are marked ``seeds``; they skip, with one reason, when that folder is
  absent (a clone of the project alone).  ``--require-seeds`` (what CI passes) turns any
  skipped seed test into a failed run.
* No test can hang the run: pytest-timeout stops it (limits in ``pyproject.toml``; ``slow``
  tests get ``SLOW_TIMEOUT``), naming the test before the stacks; events that hold worker
  threads come from ``gates`` and are released at teardown whatever the outcome; a test whose
  code opens a modal dialog fails instead of waiting for a click that never comes.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from helpers import dumpgen, seeds
from helpers.timeouts import (
    SLOW_TIMEOUT,
    pytest_timeout_set_timer,  # noqa: F401  (a hook: names stuck tests)
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"
OUTPUT_DIR = REPO_ROOT / "test-output"


# --- seeds: the real dumps, when they are beside the checkout ---------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-seeds",
        action="store_true",
        help="fail the run if any test marked 'seeds' was skipped (CI, where ../shared exists)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(seeds.SeedTally(), "archive-reader-seed-tally")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if seeds.FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.seeds)  # using the seeds makes a test a seed test
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TIMEOUT))


@pytest.fixture(autouse=True)
def _seeds_present(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("seeds"):
        seeds.skip_without_seeds()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real dumps; a test using them is a seed test (it skips when they are absent)."""
    seeds.skip_without_seeds()
    return seeds.SEEDS_DIR


@pytest.fixture
def seed_files(seeds_dir: Path) -> list[Path]:
    return sorted(seeds_dir.glob("*.txt"))


# --- no modal dialogs, no stuck workers -------------------------------------------------------


class ModalDialogInTest(AssertionError):
    """A test's code opened a modal dialog: under test nobody would ever answer it."""


_BLOCKING_CALLS = {
    "QDialog": ("exec", "exec_"),
    "QMessageBox": (
        "exec",
        "exec_",
        "information",
        "warning",
        "critical",
        "question",
        "about",
        "aboutQt",
    ),
    "QFileDialog": (
        "exec",
        "exec_",
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
        "getOpenFileUrl",
        "getOpenFileUrls",
        "getSaveFileUrl",
        "getExistingDirectoryUrl",
    ),
    "QInputDialog": (
        "exec",
        "exec_",
        "getText",
        "getMultiLineText",
        "getInt",
        "getDouble",
        "getItem",
    ),
    "QColorDialog": ("exec", "exec_", "getColor"),
    "QFontDialog": ("exec", "exec_", "getFont"),
    "QProgressDialog": ("exec", "exec_"),
    "QErrorMessage": ("exec", "exec_"),
    "QMenu": ("exec", "exec_"),  # the static form (PySide resolves ``menu.exec()`` itself)
    "QApplication": ("exec", "exec_"),  # the event loop of a whole program, never returns
}


@pytest.fixture(autouse=True)
def modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any blocking dialog call raises ``ModalDialogInTest`` and fails the test at teardown,
    even when it happened inside a Qt slot (where an exception is only printed): patch the
    ``ask_*``/``choose_*`` function instead.  The list of calls is the fixture's value (a test
    of this rule clears it)."""
    opened: list[str] = []
    try:
        from PySide6 import QtWidgets
    except ImportError:  # pragma: no cover - PySide6 is a dependency
        yield opened
        return

    def refuse(name: str):
        def call(*args, **kwargs):
            opened.append(name)
            raise ModalDialogInTest(f"a test opened a modal dialog: {name}()")

        return call

    for class_name, methods in _BLOCKING_CALLS.items():
        cls = getattr(QtWidgets, class_name)
        for method in methods:
            if hasattr(cls, method):  # a plain function: called on the class or an instance
                monkeypatch.setattr(cls, method, refuse(f"{class_name}.{method}"))
    yield opened
    if opened:
        pytest.fail(
            f"the test opened a modal dialog ({', '.join(opened)}), which would wait forever "
            "for a click: patch the dialog's ask_*/choose_* function",
            pytrace=False,
        )


class Gates:
    """``threading.Event``s a test holds worker threads with (``release.wait()`` inside a
    patched function).  Every gate is set at teardown, whatever the outcome, before the
    window's workers are joined, so a failing test can never leave a worker parked."""

    def __init__(self) -> None:
        self._events: list[threading.Event] = []

    def new(self) -> threading.Event:
        event = threading.Event()
        self._events.append(event)
        return event

    def release_all(self) -> None:
        for event in self._events:
            event.set()


@pytest.fixture
def gates() -> Iterator[Gates]:
    made = Gates()
    yield made
    made.release_all()


# --- folders ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test may read or write the real user's library or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ARCHIVE_READER_LIBRARY", str(home / "library"))
    monkeypatch.setenv("ARCHIVE_READER_CONFIG", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config-xdg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("ARCHIVE_READER_LOG_DIR", str(home / "log"))


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave screenshots and PDFs for a person to look at."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


# --- the generated archive and libraries ------------------------------------------------------


@pytest.fixture(scope="session")
def dumps(tmp_path_factory: pytest.TempPathFactory) -> dumpgen.Archive:
    """The project's own archive (``helpers.dumpgen``), written once per session, with the
    truth about every file and about the library they make.  Read-only: copy before changing."""
    return dumpgen.write(tmp_path_factory.mktemp("generated"))


@pytest.fixture(scope="session")
def dumps_dir(dumps: dumpgen.Archive) -> Path:
    """The folder holding the generated dump files (and nothing else)."""
    return dumps.dumps


@pytest.fixture
def dump_files(dumps: dumpgen.Archive) -> list[Path]:
    """The generated dump files in import order."""
    return list(dumps.paths)


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def library(library_dir: Path):
    from reader.store import Library

    lib = Library.open(library_dir)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory, dumps: dumpgen.Archive) -> Path:
    """A library holding the generated archive, imported once per session; tests get a copy.
    Fails here, in one line, if the import does not give what the archive says it holds."""
    from reader.store import Library

    folder = tmp_path_factory.mktemp("seeded") / "library"
    with Library.open(folder) as lib:
        for result in lib.import_paths(dumps.paths):
            if not result.ok:
                pytest.fail(f"generated archive: {result.summary()}", pytrace=False)
        posts = len(lib.post_summaries())
        if posts != len(dumps.library):
            pytest.fail(
                f"generated archive: {posts} posts imported, {len(dumps.library)} expected",
                pytrace=False,
            )
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def seeded_library_dir(_seeded_template: Path, tmp_path: Path) -> Path:
    """A private copy of a library holding the generated archive (``dumps``)."""
    target = tmp_path / "seeded-library"
    shutil.copytree(_seeded_template, target)
    return target


@pytest.fixture
def seeded_library(seeded_library_dir: Path):
    from reader.store import Library

    lib = Library.open(seeded_library_dir)
    yield lib
    lib.close()
