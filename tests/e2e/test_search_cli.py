"""``archive-reader search`` and ``reindex`` as a user (and scripts) run them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


@pytest.fixture
def library(seeded_library_dir: Path) -> Path:
    """The seed library without a search index: the first search builds it."""
    shutil.rmtree(seeded_library_dir / "search-index", ignore_errors=True)
    return seeded_library_dir


def test_search_json(cli, library: Path) -> None:
    proc = cli(library, "search", '"London Bridge terror"', "--json")
    hits = json.loads(proc.stdout)
    assert len(hits) == 1
    hit = hits[0]
    assert set(hit) == {
        "kind",
        "post_id",
        "comment_id",
        "title",
        "date",
        "path",
        "snippet",
        "score",
        "excerpt",
    }
    assert hit["kind"] == "comment" and hit["comment_id"].startswith("c")
    assert hit["post_id"].startswith("p") and hit["path"] == "9"
    assert "[London Bridge terror]" in hit["snippet"] and isinstance(hit["score"], float)
    assert proc.stderr == ""


def test_filters_sorting_limit_and_posts(cli, library: Path) -> None:
    hits = cli.json(library, "search", "date:2020-06", "--json", "--limit", "50")
    assert len(hits) == 14 and all(h["date"].startswith("2020-06") for h in hits)
    posts = cli.json(library, "search", "probation", "in:post", "--json")
    assert posts and all(h["kind"] == "post" and h["comment_id"] is None for h in posts)
    dated = cli.json(library, "search", "probation", "--sort", "date", "--json")
    assert [h["date"] for h in dated] == sorted((h["date"] for h in dated), reverse=True)
    assert len(cli.json(library, "search", "the", "--limit", "3", "--json")) == 3


def test_a_malformed_query_still_answers_with_a_note_on_stderr(cli, library: Path) -> None:
    proc = cli(library, "search", '"the wheel', "--json")
    assert json.loads(proc.stdout)
    assert "unclosed quote" in proc.stderr and proc.stderr.startswith("archive-reader: note:")


def test_grouped_and_text_output(cli, library: Path) -> None:
    groups = cli.json(library, "search", "probation", "--group", "--json")
    assert groups and {"post_id", "title", "date", "hits", "best"} <= set(groups[0])
    text = cli(library, "search", "inspection", "report").stdout
    assert "[inspect" in text.lower() and text.rstrip().splitlines()[-1].startswith("-- 1–")


def test_reindex_and_help(cli, library: Path) -> None:
    assert "Indexed 86 posts and comments" in cli(library, "reindex").stdout
    assert (library / "search-index").is_dir()
    usage = cli(library, "search", "--help").stdout
    for construct in (
        '"exact phrase"',
        "OR",
        "inspect*",
        "date:2020-01..",
        "in:post",
        "title:",
        "~",
    ):
        assert construct in usage


def test_import_then_search_finds_the_new_items(cli, tmp_path: Path, seeds_dir: Path) -> None:
    library = tmp_path / "lib"
    cli(library, "import", str(sorted(seeds_dir.glob("*.txt"))[0]))
    assert (library / "search-index").is_dir()  # indexed right after the import
    assert cli.json(library, "search", "hamsters", "--json")
