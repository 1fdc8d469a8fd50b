"""A read-only library folder (finding 4), and a disk that fills up during an import, an export
and a backup: a clear line, nothing half-written, the library unchanged."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.store import Library


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


@contextlib.contextmanager
def read_only_view(folder: Path, mount_point: Path) -> Iterator[Path]:
    """``folder`` seen read-only: a read-only bind mount (root), else permissions taken away."""
    if os.geteuid() == 0:
        mount_point.mkdir()
        if not _run("mount", "--bind", str(folder), str(mount_point)):
            pytest.skip("running as root where mount is not allowed: no read-only folder")
        try:
            if not _run("mount", "-o", "remount,bind,ro", str(mount_point)):
                pytest.skip("cannot remount read-only here")
            yield mount_point
        finally:
            _run("umount", str(mount_point))
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(modes[path] & ~0o222)
    try:
        yield folder
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def library(rel, dumps, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ro") / "library"
    assert rel.cli(folder, "import", str(dumps["small"])).returncode == 0
    assert rel.cli(folder, "search", "probation").returncode == 0
    with Library.open(folder) as lib:
        post = lib.post_summaries()[0].id
    assert (
        rel.cli(folder, "annotations", "add", post, "--quote", "o", "--note", "n").returncode == 0
    )
    return folder


def test_a_read_only_library_reads_and_refuses_to_write(rel, library, dumps, tmp_path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(library, folder)
    before = fingerprint(folder)
    with Library.open(folder) as lib:
        post = lib.post_summaries()[0].id
    with read_only_view(folder, tmp_path / "mnt") as view:
        reads = [
            ["stats"],
            ["dump", "--json"],
            ["search", "probation"],
            ["annotations", "list"],
            ["bookmarks", "list"],
            ["revisions", "list"],
            ["check"],
            ["export", post, "--html", str(tmp_path / "out.html")],
        ]
        for command in reads:
            proc = rel.cli(view, *command)
            assert proc.returncode == 0, f"{command}: {proc.stderr}"
            rel.COUNTS["read-only commands"] += 1
        assert "probation" in rel.cli(view, "search", "probation").stdout.lower()
        writes = [
            ["import", str(dumps["other"])],
            ["annotations", "add", post, "--quote", "o"],
            ["bookmarks", "add", post],
            ["reindex"],
            ["revisions", "use", post, "1"],
        ]
        for command in writes:
            proc = rel.cli(view, *command)
            rel.one_clear_line(proc, command)
            assert proc.returncode == 1 and f"the library at {view} is read-only" in proc.stderr
            rel.COUNTS["read-only commands"] += 1
    assert fingerprint(folder) == before
    assert (tmp_path / "out.html").stat().st_size > 0


def test_a_read_only_library_without_its_index_is_searched_from_the_store(
    rel, library, tmp_path
) -> None:
    """The index is gone (or behind, or damaged): search still answers, from the store, with
    13's query language, and never builds an index into the folder."""
    folder = tmp_path / "lib"
    shutil.copytree(library, folder)
    shutil.rmtree(folder / "search-index")
    with Library.open(folder) as lib:
        words = lib.conn.execute("SELECT text FROM comments LIMIT 1").fetchone()[0].split()[:2]
    before = fingerprint(folder)
    with read_only_view(folder, tmp_path / "mnt") as view:
        for query in (" ".join(words), f'"{words[0]} {words[1]}"', f"{words[0][:3]}* in:comment"):
            proc = rel.cli(view, "search", query, "--json")
            assert proc.returncode == 0, proc.stderr
            assert "Searched the library directly" in proc.stderr
            assert '"comment_id": "c' in proc.stdout, (query, proc.stdout[:300])
            rel.COUNTS["read-only commands"] += 1
    assert fingerprint(folder) == before
    assert not (folder / "search-index").exists()


@contextlib.contextmanager
def small_disk(where: Path, size: int) -> Iterator[Path | None]:
    """A folder on a file system of ``size`` bytes (a tmpfs, as root), or None if none can be
    made here (the caller then limits file sizes with RLIMIT_FSIZE instead)."""
    where.mkdir()
    if os.geteuid() != 0 or not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                     str(where)):  # fmt: skip
        yield None
        return
    try:
        yield where
    finally:
        _run("umount", str(where))


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_full_disk_during_import_export_and_backup(rel, library, dumps, tmp_path) -> None:
    big = rel.make_dump(tmp_path / "big.txt", 400, seed=9)
    room = _size(library) + 256 * 1024
    with small_disk(tmp_path / "disk", room + 2 * 1024 * 1024) as disk:
        if disk is None:
            folder = tmp_path / "lib"
            shutil.copytree(library, folder)
            limit = max(p.stat().st_size for p in folder.rglob("*") if p.is_file()) + 64 * 1024
            extra = {"preexec_fn": _limit_file_size(limit)}
        else:
            folder = disk / "lib"
            shutil.copytree(library, folder)
            filler = disk / "filler"
            free = shutil.disk_usage(disk).free
            filler.write_bytes(b"\0" * max(0, free - 200 * 1024))
            extra = {}
        with Library.open(folder) as lib:
            before = list(lib.dump())
            post = lib.post_summaries()[0].id
        # the import (after its daily backup, which may be what fills the disk)
        proc = rel.cli(folder, "import", str(big), **extra)
        rel.one_clear_line(proc, ["import"])
        assert proc.returncode == 1
        assert any(word in proc.stderr for word in ("full", "No space", "I/O error", "too large"))
        assert not list(folder.glob("backups/*.partial"))
        # an export into the full disk
        target = folder.parent / "export.html"
        proc = rel.cli(folder, "export", post, "--html", str(target), **extra)
        rel.one_clear_line(proc, ["export"])
        if proc.returncode:
            assert not target.exists() and not list(folder.parent.glob(".*export.html*"))
        # nothing changed, nothing damaged
        for name in ("library.sqlite", "userdata.sqlite"):
            assert rel.integrity(folder / name) == "ok"
        with Library.open(folder) as lib:
            assert list(lib.dump()) == before
        rel.COUNTS["full-disk runs"] += 2
