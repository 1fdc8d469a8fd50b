"""Shared fixtures.  Sets the offscreen Qt platform before any QApplication can exist (without a
display Qt would abort the whole process) and points every library and config folder at a
temporary directory so no test touches a real user's data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
TEST_DATA = Path(__file__).resolve().parent / "data"
OUTPUT_DIR = REPO_ROOT / "test-output"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test may read or write the real user's library or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ARCHIVE_READER_LIBRARY", str(home / "library"))
    monkeypatch.setenv("ARCHIVE_READER_CONFIG", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config-xdg"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"seed dumps not found at {SEEDS_DIR}")
    return SEEDS_DIR


@pytest.fixture
def seed_files(seeds_dir: Path) -> list[Path]:
    return sorted(seeds_dir.glob("*.txt"))


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
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with the five seeds imported once per session; tests get a copy."""
    from reader.store import Library

    folder = tmp_path_factory.mktemp("seeded") / "library"
    with Library.open(folder) as lib:
        for result in lib.import_paths(sorted(SEEDS_DIR.glob("*.txt"))):
            assert result.ok, result.error
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def seeded_library_dir(_seeded_template: Path, tmp_path: Path) -> Path:
    """A private copy of a library holding the five seed dumps."""
    target = tmp_path / "seeded-library"
    shutil.copytree(_seeded_template, target)
    return target


@pytest.fixture
def seeded_library(seeded_library_dir: Path):
    from reader.store import Library

    lib = Library.open(seeded_library_dir)
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave screenshots and PDFs for a person to look at."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR
