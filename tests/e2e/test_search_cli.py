"""``archive-reader search`` and ``reindex`` as a user (and scripts) run them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import dumpgen


@pytest.fixture
def library(seeded_library_dir: Path) -> Path:
    """The generated library without a search index: the first search builds it."""
    shutil.rmtree(seeded_library_dir / "search-index", ignore_errors=True)
    return seeded_library_dir


def test_search_json(cli, library: Path) -> None:
    proc = cli(library, "search", f'"{dumpgen.UNIQUE_PHRASE}"', "--json")
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
    assert hit["post_id"].startswith("p") and hit["path"] == dumpgen.UNIQUE_PATH
    assert hit["title"] == dumpgen.BIG_TITLE
    assert f"[{dumpgen.UNIQUE_PHRASE}]" in hit["snippet"] and isinstance(hit["score"], float)
    assert proc.stderr == ""


def test_filters_sorting_limit_and_posts(cli, library: Path, dumps) -> None:
    hits = cli.json(library, "search", "date:2020-06", "--json", "--limit", "50")
    assert len(hits) == dumps.items_in_month(2020, 6)
    assert all(h["date"].startswith("2020-06") for h in hits)
    word = dumpgen.SEARCH_WORD
    posts = cli.json(library, "search", word, "in:post", "--json")
    assert all(h["kind"] == "post" and h["comment_id"] is None for h in posts)
    assert sorted(h["title"] for h in posts) == sorted(
        title for title, path in dumps.items_with(word) if not path
    )
    dated = cli.json(library, "search", word, "--sort", "date", "--json")
    assert len(dated) == len(dumps.items_with(word))
    assert [h["date"] for h in dated] == sorted((h["date"] for h in dated), reverse=True)
    assert len(cli.json(library, "search", "the", "--limit", "3", "--json")) == 3


def test_a_malformed_query_still_answers_with_a_note_on_stderr(cli, library: Path) -> None:
    proc = cli(library, "search", '"the lantern', "--json")
    assert json.loads(proc.stdout)
    assert "unclosed quote" in proc.stderr and proc.stderr.startswith("archive-reader: note:")


def test_grouped_and_text_output(cli, library: Path, dumps) -> None:
    word = dumpgen.SEARCH_WORD
    groups = cli.json(library, "search", word, "--group", "--json")
    assert {"post_id", "title", "date", "hits", "best"} <= set(groups[0])
    assert sorted(g["title"] for g in groups) == sorted({t for t, _ in dumps.items_with(word)})
    text = cli(library, "search", *dumpgen.SEARCH_PAIR.split()).stdout
    assert f"[{word}" in text.lower() and text.rstrip().splitlines()[-1].startswith("-- 1–")


def test_reindex_and_help(cli, library: Path, dumps) -> None:
    out = cli(library, "reindex").stdout
    assert f"Indexed {dumps.item_count} posts and comments" in out
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


def test_import_then_search_finds_the_new_items(cli, tmp_path: Path, dumps) -> None:
    library = tmp_path / "lib"
    cli(library, "import", str(dumps.file_of(dumpgen.BIG_TITLE).path))
    assert (library / "search-index").is_dir()  # indexed right after the import
    [hit] = cli.json(library, "search", dumpgen.REPLY_WORD, "--json")
    assert (hit["title"], hit["path"]) == (dumpgen.BIG_TITLE, dumpgen.REPLY_PATH)


def test_a_misspelt_word_gets_a_suggestion_in_every_output(cli, library: Path, dumps) -> None:
    typo = "foghron"  # foghorn, two letters swapped
    expected = len(dumps.items_with(dumpgen.SEARCH_WORD))
    plain = cli(library, "search", typo, "-signal", "--color", "never")
    lines = plain.stdout.splitlines()
    assert lines[-2].startswith("-- no matches")
    assert lines[-1] == "Did you mean: foghorn -signal?"
    # --json stays a bare list (scripts rely on it); the suggestion is a note on stderr.
    listed = cli(library, "search", typo, "--json")
    assert json.loads(listed.stdout) == []
    assert "archive-reader: note: Did you mean: foghorn?" in listed.stderr
    whole = cli.json(library, "search", typo, "--json-object")
    assert whole["hits"] == [] and whole["total"] == 0
    assert whole["suggestion"] == {
        "query": "foghorn",
        "corrections": [{"typed": typo, "suggested": "foghorn"}],
        "total": expected,
    }
    # No suggestion when the word is there: the object carries null.
    found = cli.json(library, "search", dumpgen.SEARCH_WORD, "--json-object", "--limit", "2")
    assert found["suggestion"] is None and found["total"] == expected
    assert found["offset"] == 0 and found["limit"] == 2 and len(found["hits"]) == 2
    assert found["hits"] == cli.json(
        library, "search", dumpgen.SEARCH_WORD, "--json", "--limit", "2"
    )


def test_json_object_pages_and_groups(cli, library: Path, dumps) -> None:
    word = dumpgen.SEARCH_WORD
    total = len(dumps.items_with(word))
    seen = []
    for offset in range(0, total, 3):
        page = cli.json(
            library, "search", word, "--json-object", "--limit", "3", "--offset", str(offset)
        )
        assert page["total"] == total and page["offset"] == offset
        seen += [(h["post_id"], h["comment_id"]) for h in page["hits"]]
    assert len(seen) == len(set(seen)) == total
    grouped = cli.json(library, "search", word, "--group", "--json-object")
    assert "hits" not in grouped and grouped["threads"] == len(grouped["groups"])
    assert sum(g["hits"] for g in grouped["groups"]) == grouped["total"] == total
