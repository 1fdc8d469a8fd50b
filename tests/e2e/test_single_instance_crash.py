"""A window killed outright (kill -9) leaves its socket file behind; the next launch finds
nobody answering on it, takes it over, and opens its own window."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from reader.ui.single_instance import server_name

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "sample"


def reader(*args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "reader", *args], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, **kwargs,
    )  # fmt: skip


def answers(name: str) -> bool:
    probe = socket.socket(socket.AF_UNIX)
    try:
        probe.connect(name)
        return True
    except OSError:
        return False
    finally:
        probe.close()


def test_the_socket_of_a_killed_window_is_taken_over(tmp_path: Path) -> None:
    library = tmp_path / "library"
    name = server_name(library)
    window = reader("--library", str(library))
    try:
        deadline = time.monotonic() + 60
        while not answers(name):
            assert window.poll() is None, window.communicate()
            assert time.monotonic() < deadline, "the window never listened"
            time.sleep(0.1)
    finally:
        window.send_signal(signal.SIGKILL)
        window.communicate()
    assert Path(name).exists() and not answers(name), "a stale socket file, nobody behind it"

    again = reader("--library", str(library), "--quit-after-import", str(SAMPLE / "welcome.txt"))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "Imported 1 file" in out
    assert not Path(name).exists(), "removed again when that window closed"
