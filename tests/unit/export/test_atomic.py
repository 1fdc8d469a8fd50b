"""The atomic writer: the target is the old file or the complete new one, never a fragment."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from reader.export import atomic
from reader.export.atomic import ExportWriteError, atomic_output, write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_writes_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.html"
    target.write_text("old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert leftovers(tmp_path) == []
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask, "permissions like any new file, not 0600"


def test_an_exception_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write(b"half")
        raise RuntimeError("cancelled half way")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


class FullDisk:
    """A file object whose writes fail like a full disk."""

    def __init__(self, real) -> None:
        self.real = real

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str):
        return getattr(self.real, name)


def test_a_full_disk_is_one_clear_error_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fdopen = os.fdopen
    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    target = tmp_path / "out.pdf"
    with pytest.raises(ExportWriteError, match=r"cannot write .*out\.pdf: the disk is full"):
        write_atomic(target, b"x" * 1000)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_fsync_failure_is_reported_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(atomic.os, "fsync", fail)
    with pytest.raises(ExportWriteError, match="Input/output error"):
        write_atomic(tmp_path / "out.md", b"text")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing/out.pdf", "does not exist"),
        ("a-file.txt/out.pdf", "is not a folder"),
        (".", "it is a folder"),
    ],
)
def test_impossible_targets_fail_before_any_work(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "a-file.txt").write_text("x")
    entered = False
    with pytest.raises(ExportWriteError, match=message), atomic_output(tmp_path / name):
        entered = True
    assert not entered


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_permission_denied(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportWriteError, match="permission denied"):
            write_atomic(folder / "out.pdf", b"x")
    finally:
        folder.chmod(0o700)
