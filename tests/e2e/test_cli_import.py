"""The CLI contract as a user (and other tools) meet it: import, dump --json, stats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import dumpgen


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


def test_import_gives_exactly_the_generated_archive(cli, tmp_path: Path, dumps) -> None:
    """The contract on the project's own archive: every post, tree, text, flag and count."""
    library = tmp_path / "lib"
    out = cli(library, "import", str(dumps.dumps)).stdout
    assert f"Total: {len(dumps.files)} files imported, 0 failed" in out
    posts = cli.json(library, "dump", "--json")
    assert dumpgen.without_ids(posts) == [dumpgen.stored_post_json(p) for p in dumps.library]
    assert all(set(p) >= {"id", "date", "title", "declared_comments", "comments"} for p in posts)
    stats = cli.json(library, "stats", "--json")
    assert (stats["sources"], stats["posts"]) == (len(dumps.files), len(dumps.library))
    assert stats["comments"] + stats["replies"] == dumps.comment_count
    assert (stats["replies"], stats["new"]) == (dumps.reply_count, dumps.new_count)
    assert stats["removed"] == sum(c.removed for p in dumps.library for c in p.walk())
    assert stats["vanished"] == 0

    again = cli(library, "import", str(dumps.dumps)).stdout
    assert "0 new posts" in again and "0 new comments" in again
    assert cli.json(library, "dump", "--json") == posts


def test_import_seeds_reproduces_expected(cli, tmp_path: Path, seeds_dir: Path) -> None:
    library = tmp_path / "lib"
    out = cli(library, "import", str(seeds_dir)).stdout
    assert "Total: 5 files imported, 0 failed" in out
    posts = cli.json(library, "dump", "--json")
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

    stats = cli.json(library, "stats", "--json")
    total = sum(len(e["comments"]) for e in want)
    replies = sum(len(c["replies"]) for e in want for c in e["comments"])
    assert stats["sources"] == 5 and stats["comments"] == total and stats["replies"] == replies

    again = cli(library, "import", str(seeds_dir)).stdout
    assert "0 new posts" in again and "0 new comments" in again
    assert cli.json(library, "dump", "--json") == posts


def test_bad_file_fails_alone_with_one_line(cli, tmp_path: Path, dumps) -> None:
    library = tmp_path / "lib"
    bad = tmp_path / "broken.xml"
    bad.write_text("<?xml version='1.0'?><feed><entry><title>cut off", encoding="utf-8")
    seed = dumps.files[0].path
    proc = cli(library, "import", str(bad), str(seed), code=1)
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1 and str(bad) in errors[0]
    assert "Traceback" not in proc.stderr
    assert cli.json(library, "stats", "--json")["posts"] == 1


def test_missing_file_is_one_line(cli, tmp_path: Path) -> None:
    proc = cli(tmp_path / "lib", "import", str(tmp_path / "nope.txt"), code=1)
    assert "nope.txt" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [["--help"], ["import", "--help"], ["dump", "--help"]])
def test_help(cli, tmp_path: Path, args: list[str]) -> None:
    assert "usage:" in cli(tmp_path / "lib", *args).stdout


def test_library_env_variable_is_honoured(cli, tmp_path: Path, dumps) -> None:
    seed = dumps.files[0].path
    cli(None, "import", str(seed), env={"ARCHIVE_READER_LIBRARY": str(tmp_path / "e")})
    assert (tmp_path / "e" / "library.sqlite").exists()
    assert cli.json(tmp_path / "e", "stats", "--json")["posts"] == len(dumps.files[0].posts)


def test_counts_of_one_are_singular(cli, tmp_path: Path) -> None:
    """ "1 post", "1 new comment", "1 file": never "1 posts"."""
    import datetime as dt

    from reader.formats.blogtext_write import write_dump
    from reader.model import ParsedComment, ParsedPost

    dump = tmp_path / "one.txt"
    post = ParsedPost(
        date=dt.date(2024, 5, 1),
        title="A single post",
        body="Only one post here.",
        declared_comments=1,
        comments=[ParsedComment(text="Only one comment.")],
    )
    with open(dump, "w", encoding="utf-8") as handle:
        write_dump([post], handle)
    out = cli(tmp_path / "lib", "import", str(dump)).stdout
    assert "1 post (1 new, 0 merged), 1 new comment" in out
    assert "Total: 1 file imported, 0 failed; 1 new post, 0 merged, 1 new comment" in out
    for wrong in ("1 posts", "1 files", "1 new comments", "file(s)"):
        assert wrong not in out
