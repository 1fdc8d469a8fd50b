"""The built bundle (``make bundle``, dist/archive-reader/) in a clean environment: no Python,
no venv, no PATH beyond /usr/bin:/bin, an empty HOME.  It prints its version, imports from the
CLI, opens the window offscreen on a dump given as argument and imports it, hands a second
launch to the first, and installs its desktop entry.

Skipped when no bundle was built (building takes about a minute: CI builds it before the
tests; set ARCHIVE_READER_BUNDLE to test one elsewhere).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from reader import __version__
from reader.paths import APP_ID

REPO = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("ARCHIVE_READER_BUNDLE", REPO / "dist" / "archive-reader"))
EXE = BUNDLE / "archive-reader"
SAMPLE = REPO / "resources" / "sample"


def _stale() -> bool:
    """A bundle older than the package it froze tests old code: say so rather than fail."""
    if not EXE.is_file() or "ARCHIVE_READER_BUNDLE" in os.environ:
        return False
    built = EXE.stat().st_mtime
    return any(p.stat().st_mtime > built for p in (REPO / "reader").rglob("*.py"))


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not EXE.is_file(), reason=f"no bundle at {BUNDLE} (run `make bundle`)"),
    pytest.mark.skipif(_stale(), reason="the bundle is older than reader/ (run `make bundle`)"),
]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}


def run(home: Path, *args: str, timeout: int = 120, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(EXE), *args], env=clean_env(home, **extra), capture_output=True, text=True,
        timeout=timeout, cwd=home,
    )  # fmt: skip


def posts(home: Path) -> int:
    done = run(home, "stats", "--json")
    assert done.returncode == 0, done.stderr
    import json

    return int(json.loads(done.stdout)["posts"])


def test_version(home: Path) -> None:
    done = run(home, "--version")
    assert done.returncode == 0 and done.stdout.strip() == f"archive-reader {__version__}"


def test_import_from_the_command_line(home: Path) -> None:
    done = run(home, "import", str(SAMPLE / "welcome.txt"))
    assert done.returncode == 0, done.stderr
    assert "1 new post," in done.stdout and "1 posts" not in done.stdout
    assert (home / ".local" / "share" / "archive-reader" / "library" / "library.sqlite").is_file()
    assert posts(home) == 1
    search = run(home, "search", "garden")
    assert search.returncode == 0 and "Welcome to Archive Reader" in search.stdout


def test_the_window_opens_offscreen_and_imports_the_dump_it_is_given(home: Path) -> None:
    dump = home / "Müller's dump.txt"  # a name beyond ASCII, under the C locale
    dump.write_bytes((SAMPLE / "greenway-garden-2024.txt").read_bytes())
    done = run(home, "--quit-after-import", str(dump))
    assert done.returncode == 0, done.stderr
    assert "Imported 1 file: 3 new posts" in done.stdout
    assert "Traceback" not in done.stderr and "UTF-8 locale" not in done.stderr
    assert posts(home) == 3, "the sample is not added when a file is given"
    log = home / ".local" / "state" / "archive-reader" / "log" / "archive-reader.log"
    assert "starting Archive Reader" in log.read_text(encoding="utf-8")


def test_a_second_launch_hands_over_to_the_first(home: Path) -> None:
    first = subprocess.Popen(
        [str(EXE)], env=clean_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=home,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while posts(home) < 1:  # the first window imports the sample: it is up
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first window did not start"
            time.sleep(0.2)
        started = time.monotonic()
        second = run(home, str(SAMPLE / "greenway-garden-2024.txt"), timeout=60)
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 10
        assert first.poll() is None, "the first window is still open"
        deadline = time.monotonic() + 60
        while posts(home) < 4:
            assert time.monotonic() < deadline, "the first window did not import the file"
            time.sleep(0.2)
    finally:
        first.kill()
        first.communicate()


def test_only_the_qt_it_needs_is_inside(home: Path) -> None:
    files = [p.relative_to(BUNDLE).as_posix() for p in BUNDLE.rglob("*") if p.is_file()]
    heavy = [f for f in files if re.search(r"Qt6?(WebEngine|Quick|Qml|Pdf|Multimedia|3D)", f)]
    assert not heavy, heavy[:10]
    platforms = {Path(f).name for f in files if "/plugins/platforms/" in f}
    assert {"libqxcb.so", "libqwayland.so", "libqoffscreen.so"} <= platforms
    assert not any(f.endswith("libfontconfig.so.1") or "libstdc++" in f for f in files)
    inside = BUNDLE / "_internal" / "reader" / "resources"
    assert sorted(p.name for p in (inside / "sample").glob("*.txt")) == sorted(
        p.name for p in SAMPLE.glob("*.txt")
    )
    assert (inside / "icons" / "archive-reader-256.png").is_file()
    assert (inside / "desktop" / f"{APP_ID}.desktop").is_file()


def test_licences_and_readme_are_beside_the_executable() -> None:
    assert (BUNDLE / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    notices = (BUNDLE / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices
    for name in ("Qt and PySide6", "Whoosh-Reloaded", "sqlite-utils", "platformdirs", "Python "):
        assert name in notices, name
    assert "--install-desktop" in (BUNDLE / "README.txt").read_text(encoding="utf-8")


def test_install_desktop_points_at_the_bundle(home: Path) -> None:
    data = home / "data"
    done = run(home, "--install-desktop", XDG_DATA_HOME=str(data))
    assert done.returncode == 0, done.stderr
    entry = (data / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={EXE.resolve()} %F" in entry
    assert (data / "icons" / "hicolor" / "512x512" / "apps" / f"{APP_ID}.png").is_file()
