"""Each library file truncated, zeroed and garbled in turn, then every command run: one clear line
or a correct answer, never a traceback; then ``repair`` brings the library back with every
annotation (finding 2, and the issue's "done when")."""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
from pathlib import Path

import pytest

from reader import cli
from reader.annotate import store
from reader.store import Library

FULL = os.environ.get("ARCHIVE_READER_RELIABILITY", "").lower() == "full"


def truncate(path: Path, _rng: random.Random) -> None:
    os.truncate(path, path.stat().st_size // 2)


def zero(path: Path, _rng: random.Random) -> None:
    path.write_bytes(b"\0" * path.stat().st_size)


def garble(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    start, end = len(data) // 4, max(len(data) // 4 + 1, 3 * len(data) // 4)
    data[start:end] = rng.randbytes(end - start)
    path.write_bytes(bytes(data))


def _newest(root: Path, pattern: str) -> Path:
    """The newest generation's file (``reader-index-3.json``, ``_MAIN_3.toc``)."""
    found = (root / "search-index").glob(pattern)
    return max(found, key=lambda p: int(p.stem.rsplit("-" if "-" in p.stem else "_", 1)[1]))


DAMAGES = {"truncated": truncate, "zeroed": zero, "garbled": garble}
FILES = {
    "library.sqlite": lambda root: root / "library.sqlite",
    "userdata.sqlite": lambda root: root / "userdata.sqlite",
    "journal.jsonl": lambda root: root / "journal.jsonl",
    "search index description": lambda root: _newest(root, "reader-index-*.json"),
    "search index table of contents": lambda root: _newest(root, "_MAIN_*.toc"),
    "search index segment": lambda root: max(  # the biggest of whoosh's files
        (root / "search-index").glob("MAIN_*"), key=lambda p: p.stat().st_size
    ),
    "backup": lambda root: sorted((root / "backups").glob("library-*.sqlite"))[-1],
}
QUICK_FILES = ("library.sqlite", "userdata.sqlite", "search index segment")
QUICK_DAMAGES = ("truncated", "garbled")


@pytest.fixture(scope="module")
def pristine(rel, dumps, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("damage") / "pristine"
    assert rel.cli(folder, "import", str(dumps["small"])).returncode == 0
    assert rel.cli(folder, "import", str(dumps["other"])).returncode == 0  # after a backup
    with Library.open(folder) as lib:
        post = lib.thread(lib.post_summaries()[0].id)
        for n, summary in enumerate(lib.post_summaries()[:4]):
            store.add_annotation(lib.conn, summary.id, 0, 4, note=f"note {n}")
        store.add_bookmark(lib.conn, post.id, "mark")
        notes = sorted((a.id, a.note) for a in store.list_annotations(lib.conn))
        posts = len(lib.post_summaries())
        lib.conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        lib.conn.execute("PRAGMA user.wal_checkpoint(TRUNCATE)")
    assert rel.cli(folder, "search", "probation").returncode == 0  # builds the index
    assert list((folder / "backups").glob("library-*.sqlite"))
    return {"folder": folder, "post": post.id, "notes": notes, "posts": posts}


def run(argv: list[str]) -> tuple[int, str, str]:
    """The CLI in this process (each command as a user runs it, minus the interpreter's start)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def commands(post: str, other: Path, out: Path) -> list[list[str]]:
    return [
        ["stats"],
        ["dump", "--json"],
        ["search", "probation"],
        ["annotations", "list"],
        ["bookmarks", "list"],
        ["revisions", "list"],
        ["export", post, "--html", str(out)],
        ["annotations", "export", "--format", "markdown"],
        ["check"],
        ["annotations", "add", post, "--quote", "o"],
        ["import", str(other)],
        ["reindex"],
    ]


CASES = [
    (file, damage)
    for file in FILES
    for damage in DAMAGES
    if FULL or (file in QUICK_FILES and damage in QUICK_DAMAGES)
]


@pytest.mark.parametrize(("file", "damage"), CASES, ids=[f"{f}-{d}" for f, d in CASES])
def test_every_command_on_a_damaged_file_then_repair(
    rel, pristine, dumps, tmp_path, file: str, damage: str
) -> None:
    folder = tmp_path / "library"
    shutil.copytree(pristine["folder"], folder)
    DAMAGES[damage](FILES[file](folder), random.Random(f"{file}{damage}"))
    library = ["--library", str(folder)]
    for command in commands(pristine["post"], dumps["other"], tmp_path / "out.html"):
        code, _out, err = run([*library, *command])
        where = f"{file} {damage}: {' '.join(command)} -> {code}\n{err}"
        assert code in (0, 1), where
        assert "Traceback" not in err and "internal error" not in err, where
        if code == 1:
            lines = [line for line in err.splitlines() if line.strip()]
            assert lines and all(line.startswith("archive-reader:") for line in lines), where
            damaged = "damaged" in err or "cut short" in err or "repair" in err
            assert damaged or "read-only" in err, where
        rel.COUNTS["commands run on damaged files"] += 1
    code, out, err = run([*library, "repair"])
    assert code == 0, f"{file} {damage}: repair -> {code}\n{out}\n{err}"
    code, out, err = run([*library, "check"])
    assert code == 0, f"{file} {damage}: check after repair\n{out}\n{err}"
    with Library.open(folder) as lib:
        notes = sorted((a.id, a.note) for a in store.list_annotations(lib.conn))
        assert len(lib.post_summaries()) == pristine["posts"]
    # every annotation is back (the command run above may have added one more)
    assert set(pristine["notes"]) <= set(notes), f"{file} {damage}: annotations lost"
    rel.COUNTS["damaged library files repaired"] += 1
