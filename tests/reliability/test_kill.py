"""kill -9 at random moments of an import and of a reindex: nothing half-done, nothing lost."""

from __future__ import annotations

import json
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from reader.annotate import store
from reader.store import Library


@pytest.fixture(scope="module")
def base(rel, dumps, tmp_path_factory) -> Path:
    """A library holding the small dump, with annotations and a bookmark."""
    folder = tmp_path_factory.mktemp("kill") / "base"
    assert rel.cli(folder, "import", str(dumps["small"])).returncode == 0
    with Library.open(folder) as lib:
        for summary in lib.post_summaries()[:3]:
            thread = lib.thread(summary.id)
            store.add_annotation(lib.conn, thread.id, 0, 5, note=f"on {thread.id}")
            if thread.comments:
                store.add_bookmark(lib.conn, thread.comments[0].id, "b")
    return folder


@pytest.fixture(scope="module")
def reference(rel, base, dumps, tmp_path_factory) -> dict:
    """The base library after a clean import of the long dump: what every run must end as."""
    folder = tmp_path_factory.mktemp("kill") / "reference"
    shutil.copytree(base, folder)
    started = time.perf_counter()
    assert rel.cli(folder, "import", str(dumps["long"])).returncode == 0
    seconds = time.perf_counter() - started
    with Library.open(folder) as lib:
        posts = list(lib.dump())
        notes = sorted((a.id, a.start, a.end, a.state) for a in store.list_annotations(lib.conn))
    search = json.loads(rel.cli(folder, "search", "probation", "--json", "--limit", "50").stdout)
    return {"posts": posts, "notes": notes, "seconds": seconds, "search": search,
            "folder": folder}  # fmt: skip


def state(folder: Path) -> tuple[list, list]:
    with Library.open(folder) as lib:
        posts = list(lib.dump())
        notes = sorted((a.id, a.start, a.end, a.state) for a in store.list_annotations(lib.conn))
    return posts, notes


def test_kill_9_at_random_points_of_an_import(rel, base, dumps, reference, tmp_path) -> None:
    rng = random.Random(1409)
    base_posts, base_notes = state(base)
    long_dump = str(dumps["long"])
    for run in range(rel.size(4, 15)):
        folder = tmp_path / f"run-{run}"
        shutil.copytree(base, folder)
        proc = rel.start_cli(folder, "import", long_dump)
        time.sleep(rng.uniform(0.05, max(0.2, reference["seconds"])))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        for name in ("library.sqlite", "userdata.sqlite"):
            assert rel.integrity(folder / name) == "ok", (run, name)
        posts, notes = state(folder)
        # all or nothing: the long dump is either not there at all, or all of it
        assert posts in (base_posts, reference["posts"]), f"run {run}: a half-imported file"
        assert notes in (base_notes, reference["notes"])
        again = rel.cli(folder, "import", long_dump)
        assert again.returncode == 0, again.stderr
        assert state(folder) == (reference["posts"], reference["notes"])
        rel.COUNTS["kill -9 during import"] += 1


def test_kill_9_at_random_points_of_a_reindex(rel, reference, tmp_path) -> None:
    rng = random.Random(1410)
    folder = tmp_path / "lib"
    shutil.copytree(reference["folder"], folder)
    started = time.perf_counter()
    assert rel.cli(folder, "reindex").returncode == 0
    seconds = time.perf_counter() - started
    for _ in range(rel.size(2, 5)):
        proc = rel.start_cli(folder, "reindex")
        time.sleep(rng.uniform(0.05, max(0.2, seconds)))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert rel.integrity(folder / "library.sqlite") == "ok"
        found = rel.cli(folder, "search", "probation", "--json", "--limit", "50")
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout) == reference["search"]
        rel.COUNTS["kill -9 during reindex"] += 1
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith("search-index.new")]
    rel.cli(folder, "reindex")
    assert not [p for p in folder.iterdir() if p.name.startswith("search-index.new")], leftovers
