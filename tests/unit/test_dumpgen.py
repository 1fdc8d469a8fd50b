"""The generated archive the suite runs on (``helpers.dumpgen``): deterministic, holding every
feature it promises, its planted words exactly where the tests expect them."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from helpers import dumpgen


def test_the_same_seed_gives_the_same_bytes_and_another_seed_the_same_shape(
    tmp_path: Path, dumps
) -> None:
    again = dumpgen.write(tmp_path / "again")
    assert [p.read_bytes() for p in again.paths] == [p.read_bytes() for p in dumps.paths]
    other = dumpgen.write(tmp_path / "other", seed=dumpgen.SEED + 1)
    assert [p.read_bytes() for p in other.paths] != [p.read_bytes() for p in dumps.paths]
    # the filler changes, the archive's structure and planted facts do not
    assert [(p.date, p.title, p.comment_count) for p in other.library] == [
        (p.date, p.title, p.comment_count) for p in dumps.library
    ]
    assert other.items_with(dumpgen.SEARCH_WORD) == dumps.items_with(dumpgen.SEARCH_WORD)


def test_every_promised_feature_is_in_the_files(dumps) -> None:
    raw = {f.name: f.path.read_bytes() for f in dumps.files}
    by_encoding = {f.encoding: f for f in dumps.files}
    assert raw[by_encoding["utf-8-sig"].name].startswith(b"\xef\xbb\xbf")
    windows = raw[by_encoding["cp1252"].name]
    assert b"\r\n" in windows and b"\x92" in windows  # CRLF, a cp1252 right quote
    assert not windows.decode("cp1252").isascii()
    texts = {f.name: f.path.read_bytes().decode(f.encoding) for f in dumps.files}
    assert sum(dumpgen.LOAD_MORE in t for t in texts.values()) == 2
    lines = [line for t in texts.values() for line in t.splitlines()]
    assert max(map(len, lines)) > 5000  # a very long comment line
    assert any(line.startswith("--oo00oo--\xa0") for line in lines)
    for variant in ("Thursday 29 October 2020", "Saturday, June 6, 2020", "Sunday, 7 March 2021"):
        assert variant in lines
    everything = "\n".join(texts.values())
    for needle in (*dumpgen.URLS, "灯台守", "🌊", "“", dumpgen.REMOVED_BY_ADMIN):
        assert needle in everything
    assert max(len(f.posts) for f in dumps.files) == 13  # a multi-post listing page
    # one post as a listing entry in one file and its own page in another
    listed = [
        p.comments is None for f in dumps.files for p in f.posts if p.title == dumpgen.LISTED_TITLE
    ]
    assert sorted(listed) == [False, True]


def test_the_library_truth_holds_what_each_feature_implies(dumps) -> None:
    big = dumps.post(dumpgen.BIG_TITLE)
    assert dumps.biggest is big and big.comment_count == 39
    assert big.comment("6").removed and big.comment("20.2").removed
    assert [c.text for c in big.comments[12:14]] == ["Agreed.", "Agreed."]  # identical siblings
    assert len(big.comment(dumpgen.LONG_PATH).text) > 5000
    assert all(len(c.replies) == 0 for c in big.walk() if "." in c.path)  # one reply level
    plan = dumps.post(dumpgen.LOAD_MORE_TITLE)
    assert plan.comment_count == plan.declared_comments == 22
    assert [c.path for c in plan.walk() if c.new] == [
        "12",
        "13",
        "14",
        "14.1",
        "14.2",
        "14.3",
        "15",
        "16",
    ]
    cut = dumps.post(dumpgen.CUT_TITLE)
    assert (cut.comment_count, cut.declared_comments) == (8, 11)
    listed = dumps.post(dumpgen.LISTED_TITLE)
    assert listed.comment_count == listed.declared_comments == 5
    assert dumps.post("Quiet Week").declared_comments == 0
    assert dumps.post(dumpgen.EXPORT_TITLE).comment_count == 25
    titles = [p.title for p in dumps.library]
    assert len(titles) == len(set(titles)) == 20
    dates = [p.date for p in dumps.library]
    assert dates == sorted(dates, reverse=True)


def test_planted_words_are_exactly_where_documented(dumps) -> None:
    big = dumpgen.BIG_TITLE
    assert dumps.items_with(dumpgen.SEARCH_WORD) == {
        (big, path) for path in ("", "2", "4.1", "5", "11", "17", "23", "26")
    } | {("Midwinter at the Lamp Room", "")}
    pair = dumpgen.SEARCH_PAIR.split()
    assert dumps.items_with(*pair) == {(big, p) for p in ("", "4.1", "5", "11", "23")}
    assert dumps.items_with(*dumpgen.UNIQUE_PHRASE.split()) == {(big, dumpgen.UNIQUE_PATH)}
    assert dumps.items_with(dumpgen.REPLY_WORD) == {(big, dumpgen.REPLY_PATH)}
    assert len(dumps.post(big).comment(dumpgen.REPLY_PATH).text) > 80
    assert dumps.items_with(dumpgen.REPLIES_WORD) == {(big, p) for p in dumpgen.REPLIES_WORD_PATHS}
    assert dumps.items_with(dumpgen.STEM_PLURAL) == {(big, "10")}
    assert dumps.items_with("inspection") == set()
    texts = [p.body for p in dumps.library] + [c.text for p in dumps.library for c in p.walk()]
    for phrase in (dumpgen.FOCUS_PHRASE, dumpgen.FOCUS_PHRASE_2):
        assert sum(t.count(phrase) for t in texts) == 1
        assert phrase in dumps.post(dumpgen.FOCUS_TITLE).body
    assert dumps.post(dumpgen.FOCUS_TITLE).date == dumpgen.FOCUS_DATE
    filtered = [p for p in dumps.library if dumpgen.FILTER_WORD in p.title.lower()]
    assert len(filtered) == dumpgen.FILTER_TITLES
    month = [p for p in dumps.library if (p.date.year, p.date.month) == dumpgen.BUSY_MONTH]
    assert len(month) == 6


def test_comment_openings_are_unique(dumps) -> None:
    """Tests find comments in a PDF by their first words: no two fillers start alike."""
    openings = [
        " ".join(c.text.split()[:5])
        for p in dumps.library
        for c in p.walk()
        if not c.removed and c.text != "Agreed."
    ]
    assert len(openings) == len(set(openings))


def test_the_truth_files_describe_the_archive(dumps) -> None:
    expected = json.loads((dumps.root / "EXPECTED.json").read_text(encoding="utf-8"))
    assert list(expected) == [f.name for f in dumps.files]
    for dump in dumps.files:
        assert [p["title"] for p in expected[dump.name]] == dump.titles()
        assert [p["total_comments"] for p in expected[dump.name]] == [
            sum(1 + len(c.replies) for c in p.comments or []) for p in dump.posts
        ]
    library = json.loads((dumps.root / "LIBRARY.json").read_text(encoding="utf-8"))
    assert library == [dumpgen.stored_post_json(p) for p in dumps.library]
    assert sorted(p.name for p in dumps.dumps.iterdir()) == [f.name for f in dumps.files]


def test_the_command_line_writes_an_archive(tmp_path: Path, capsys) -> None:
    assert dumpgen.main([str(tmp_path / "out"), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"wrote 7 files to .*: 20 posts, 122 comments \(37 replies\)", out)
    assert dt.date.fromisoformat(
        json.loads((tmp_path / "out" / "LIBRARY.json").read_text(encoding="utf-8"))[0]["date"]
    ) == dt.date(2021, 12, 29)
