"""``archive-reader search`` as the README shows it, with output that cannot be abused or
mistaken, and an index that heals before it answers."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reader.search.query import parse_query
from unit.search.searchlib import BruteForce, make_library

HOSTILE = (
    "Hostile \x1b[31mred\x1b[0m text, a bell\x07, a C1 \x9b31m and \u202egnirts\u202c [napo] here"
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "library"
    lib = make_library(folder, posts=30, seed=3)
    post = lib.conn.execute("SELECT id FROM posts LIMIT 1").fetchone()[0]
    stamp = lib.change_stamp() + 1
    lib.conn.execute("BEGIN")
    lib.conn.execute(
        "INSERT INTO comments(id, post_id, position, path, text, added_at, stamp)"
        " VALUES ('chostile', ?, 999, '999', ?, 'now', ?)",
        [post, HOSTILE, stamp],
    )
    lib.conn.execute(
        "UPDATE posts SET title = ?, stamp = ? WHERE id = ?",
        ["Title \x1b]0;owned\x07 here", stamp, post],
    )
    lib.conn.execute("UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)])
    lib.conn.execute("COMMIT")
    lib.close()
    return folder


@pytest.fixture(scope="module")
def brute(library: Path) -> BruteForce:
    from reader.store import Library

    with Library.open(library) as lib:
        return BruteForce(lib.conn)


def found(cli, library: Path, *args: str) -> set[str]:
    hits = cli.json(library, "search", *args, "--json", "--limit", "100000")
    return {h["comment_id"] or h["post_id"] for h in hits}


def test_minus_words_before_or_after_the_others_exclude(cli, library: Path, brute) -> None:
    expected = brute.search(parse_query("probation -napo"))
    assert expected and expected != brute.search(parse_query("probation"))
    assert found(cli, library, "probation", "-napo") == expected
    assert found(cli, library, "-napo", "probation") == expected
    assert found(cli, library, "--json", "-napo", "probation") == expected  # options anywhere
    hits = cli.json(library, "search", "--json", "--limit", "100000", "--", "-napo", "probation")
    assert {h["comment_id"] or h["post_id"] for h in hits} == expected


def test_unknown_options_are_still_errors_and_help_lists_the_options(cli, library: Path) -> None:
    proc = cli(library, "search", "probation", "--jsno", code=2)
    assert "--jsno" in proc.stderr
    assert cli(library, "search", code=2).stderr.strip().endswith("required: QUERY")
    usage = cli(library, "search", "--help").stdout
    assert "--color" in usage and "probation -napo" in usage and "all of them" in usage


def test_control_characters_never_reach_the_terminal(cli, library: Path) -> None:
    for colour in ("never", "always"):
        out = cli(library, "search", "hostile", "--color", colour).stdout
        assert ("Hostile" in out and "owned" not in out) or "Title" in out
        ours = out.replace("\x1b[1;7m", "").replace("\x1b[0m", "")
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", ours), repr(out)
    raw = cli(library, "search", "hostile", "--json").stdout
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", raw)
    hit = json.loads(raw)[0]
    assert "\x1b" not in hit["excerpt"]["text"]
    assert hit["title"].startswith("Title \x1b]0;owned")  # JSON keeps the data, escaped


def test_marks_are_brackets_off_a_terminal_and_literal_brackets_are_escaped(
    cli, library: Path
) -> None:
    out = cli(library, "search", "hostile", "napo").stdout
    assert "[Hostile]" in out and r"\[[napo]\]" in out
    coloured = cli(library, "search", "hostile", "napo", "--color", "always").stdout
    assert "\x1b[1;7mHostile\x1b[0m" in coloured and "[\x1b[1;7mnapo\x1b[0m]" in coloured
    plain = cli(library, "search", "hostile", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain


def test_json_excerpt_marks_each_matched_word(cli, library: Path) -> None:
    hits = cli.json(library, "search", "hostile", "napo", "--json")
    hit = next(h for h in hits if h["comment_id"] == "chostile")
    assert set(hit) >= {"kind", "post_id", "comment_id", "title", "date", "path", "snippet"}
    text, marks = hit["excerpt"]["text"], hit["excerpt"]["marks"]
    assert [text[a:b] for a, b in marks] == ["Hostile", "napo"]
    assert "[napo]" in text  # the literal brackets, told apart from the marks by offsets
    phrase = cli.json(library, "search", '"the wheel"', "--json")
    for hit in phrase:
        words = [hit["excerpt"]["text"][a:b].lower() for a, b in hit["excerpt"]["marks"]]
        assert words and set(words) <= {"the", "wheel", "wheels"}


def test_cjk_is_found_from_the_command_line(cli, library: Path, brute) -> None:
    assert found(cli, library, "保护") == brute.search(parse_query("保护"))


@pytest.mark.parametrize("damage", ["half", "delete", "corrupt"])
def test_a_damaged_biggest_file_is_rebuilt_before_the_answer(
    cli, library: Path, brute, tmp_path: Path, damage: str
) -> None:
    import shutil

    copy = tmp_path / "library"
    shutil.copytree(library, copy)
    expected = brute.search(parse_query("probation"))
    assert found(cli, copy, "probation") == expected  # builds the index
    folder = copy / "search-index"
    biggest = max(
        (p for p in folder.iterdir() if p.suffix == ".pst"), key=lambda p: p.stat().st_size
    )
    data = biggest.read_bytes()
    if damage == "half":
        biggest.write_bytes(data[: len(data) // 2])
    elif damage == "delete":
        biggest.unlink()
    else:
        middle = len(data) // 2
        biggest.write_bytes(data[:middle] + os.urandom(64) + data[middle + 64 :])
    assert found(cli, copy, "probation") == expected
    generations = sorted(p.name for p in folder.glob("_MAIN_*.toc"))
    assert found(cli, copy, "probation") == expected  # the run after: healthy, not rebuilt
    assert sorted(p.name for p in folder.glob("_MAIN_*.toc")) == generations


def test_a_suggestion_never_carries_control_characters(cli, library: Path) -> None:
    """The suggested query is the user's own text with a word replaced: whatever they typed
    or pasted (escape sequences included) is cleaned before it reaches the terminal."""
    typed = ("servce", "OR", "\x1b[2J\x1b]0;owned\x07\u202e")
    plain = cli(library, "search", *typed, "--color", "never").stdout
    assert "Did you mean: service OR" in plain
    listed = cli(library, "search", *typed, "--json")
    assert "Did you mean: service OR" in listed.stderr
    for output in (plain, listed.stderr):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", output)
    whole = json.loads(cli(library, "search", *typed, "--json-object").stdout)
    assert whole["suggestion"]["query"].startswith("service OR \x1b[2J")  # data unchanged
