"""The CLI contract as a user (and other tools) meet it: import, dump --json, stats, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cli(library: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def shape(comments: list[dict], depth: int = 0) -> list[dict]:
    out = []
    for comment in comments:
        first = comment["text"].splitlines()[0] if comment["text"] else ""
        item = {"starts": first[:40]}
        if depth == 0:
            item["replies"] = shape(comment["replies"], 1)
        else:
            assert comment["replies"] == []
        out.append(item)
    return out


def test_import_seeds_reproduces_expected(tmp_path: Path, seeds_dir: Path) -> None:
    library = tmp_path / "lib"
    out = cli(library, "import", str(seeds_dir)).stdout
    assert "Total: 5 file(s) imported, 0 failed" in out
    posts = json.loads(cli(library, "dump", "--json").stdout)
    expected = json.loads((seeds_dir / "EXPECTED.json").read_text(encoding="utf-8"))
    want = [p for file_posts in expected.values() for p in file_posts]
    assert len(posts) == len({(p["date"], p["title"]) for p in want})
    by_key = {(p["date"], p["title"]): p for p in posts}
    for exp in want:
        got = by_key[(exp["date"], exp["title"])]
        assert got["declared_comments"] == exp["declared_comments"], exp["title"]
        assert shape(got["comments"]) == exp["comments"], exp["title"]
        assert set(got) >= {"id", "date", "title", "declared_comments", "comments"}
    dates = [p["date"] for p in posts]
    assert dates == sorted(dates, reverse=True), "posts newest first"

    stats = json.loads(cli(library, "stats", "--json").stdout)
    total = sum(len(e["comments"]) for e in want)
    replies = sum(len(c["replies"]) for e in want for c in e["comments"])
    assert stats["sources"] == 5 and stats["comments"] == total and stats["replies"] == replies

    again = cli(library, "import", str(seeds_dir)).stdout
    assert "0 new posts" in again and "0 new comments" in again
    assert json.loads(cli(library, "dump", "--json").stdout) == posts


def test_bad_file_fails_alone_with_one_line(tmp_path: Path, seeds_dir: Path) -> None:
    library = tmp_path / "lib"
    bad = tmp_path / "broken.xml"
    bad.write_text("<?xml version='1.0'?><feed><entry><title>cut off", encoding="utf-8")
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    proc = cli(library, "import", str(bad), str(seed), check=False)
    assert proc.returncode == 1
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and str(bad) in errors[0]
    assert "Traceback" not in proc.stderr
    assert json.loads(cli(library, "stats", "--json").stdout)["posts"] == 1


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    proc = cli(tmp_path / "lib", "import", str(tmp_path / "nope.txt"), check=False)
    assert proc.returncode == 1
    assert "nope.txt" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["import", "--help"], ["dump", "--help"]])
def test_help(tmp_path: Path, args: list[str]) -> None:
    assert "usage:" in cli(tmp_path / "lib", *args).stdout


def test_library_env_variable_is_honoured(tmp_path: Path, seeds_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ARCHIVE_READER_LIBRARY": str(tmp_path / "e")}
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    subprocess.run(
        [sys.executable, "-m", "reader", "import", str(seed)],
        env=env,
        check=True,
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert (tmp_path / "e" / "library.sqlite").exists()
