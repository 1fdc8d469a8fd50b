"""Searching the generated library (``helpers.dumpgen``: planted words in known places), and
the index's life: built, caught up, rebuilt, never stale without saying so."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence

import pytest

from helpers import dumpgen
from reader import search
from reader.search import ItemInfo, open_index, update_after_import
from reader.search.index import IndexCancelled


def current_meta(folder):
    """The description of the generation the index reads now."""
    from reader.search.index_generations import latest_generation, meta_name

    return folder / meta_name(latest_generation(folder))


@pytest.fixture
def index(seeded_library):
    idx = open_index(seeded_library)
    idx.ensure_fresh()
    yield idx
    idx.close()


def ids(results) -> set[str]:
    return {hit.item_id for hit in results.hits}


def items_containing(library, pattern: str) -> set[str]:
    conn = library.conn
    found = {r[0] for r in conn.execute("SELECT id FROM comments WHERE text LIKE ?", [pattern])}
    found |= {
        r[0]
        for r in conn.execute(
            "SELECT id FROM posts WHERE body LIKE ? OR title LIKE ?", [pattern, pattern]
        )
    }
    return found


PHRASE = dumpgen.UNIQUE_PHRASE
WORD = dumpgen.SEARCH_WORD


def test_a_phrase_that_occurs_once_finds_exactly_that_comment(index, seeded_library) -> None:
    expected = items_containing(seeded_library, f"%{PHRASE}%")
    assert len(expected) == 1
    results = index.search(f'"{PHRASE}"')
    assert ids(results) == expected and results.total == 1
    hit = results.hits[0]
    assert hit.kind == "comment" and hit.comment_id == hit.item_id
    assert hit.path == dumpgen.UNIQUE_PATH
    assert f"[{PHRASE}]" in hit.snippet.brackets()
    title, date = seeded_library.conn.execute(
        "SELECT p.title, p.date FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ?",
        [hit.item_id],
    ).fetchone()
    assert (hit.title, hit.date) == (title, dt.date.fromisoformat(date))
    assert title == dumpgen.BIG_TITLE


def test_a_word_only_in_replies_finds_only_replies(index, seeded_library) -> None:
    results = index.search(dumpgen.REPLIES_WORD, limit=50)
    assert ids(results) == items_containing(seeded_library, f"%{dumpgen.REPLIES_WORD}%")
    assert results.total == 2
    assert sorted(hit.path for hit in results.hits) == sorted(dumpgen.REPLIES_WORD_PATHS)
    for hit in results.hits:
        parent = seeded_library.conn.execute(
            "SELECT parent_id FROM comments WHERE id = ?", [hit.item_id]
        ).fetchone()[0]
        assert parent is not None and "." in hit.path


def test_in_post_excludes_comments(index, dumps) -> None:
    everything = index.search(WORD, limit=200)
    posts = index.search(f"{WORD} in:post", limit=200)
    assert everything.total == len(dumps.items_with(WORD))
    assert posts.total == sum(1 for _, path in dumps.items_with(WORD) if not path)
    assert posts.hits and all(hit.kind == "post" and hit.comment_id is None for hit in posts.hits)
    assert {h.item_id for h in everything.hits if h.kind == "post"} == ids(posts)
    comments = index.search(f"{WORD} in:comment", limit=200)
    assert comments.total + posts.total == everything.total


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("date:2020", dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        ("date:2020-06", dt.date(2020, 6, 1), dt.date(2020, 6, 30)),
        ("date:2019-12..2020-06", dt.date(2019, 12, 1), dt.date(2020, 6, 30)),
        ("date:2021-11-14..2021-11-28", dt.date(2021, 11, 14), dt.date(2021, 11, 28)),
        ("date:..2019", dt.date(1, 1, 1), dt.date(2019, 12, 31)),
    ],
)
def test_date_filters_cut_correctly(index, dumps, query, first, last) -> None:
    count = dumps.items_between(first, last)
    assert count > 0
    results = index.search(query, limit=500)
    assert results.total == count == len(results.hits)
    assert all(first <= hit.date <= last for hit in results.hits)
    assert results.sort == "date"  # filters only: newest first
    dates = [hit.date for hit in results.hits]
    assert dates == sorted(dates, reverse=True)
    narrowed = index.search(f"{WORD} {query}", limit=500)
    assert narrowed.total <= count and all(first <= h.date <= last for h in narrowed.hits)


def test_stemming_finds_inspections_for_inspection(index, seeded_library) -> None:
    plural = items_containing(seeded_library, f"%{dumpgen.STEM_PLURAL}%")
    assert len(plural) == 1
    results = index.search(dumpgen.STEM_PLURAL[:-1], limit=100)
    assert plural <= ids(results)
    hit = next(h for h in results.hits if h.item_id in plural)
    assert dumpgen.STEM_PLURAL in [w.lower() for w in hit.words]


def test_a_malformed_query_returns_results_and_a_notice(index) -> None:
    results = index.search('"the lantern')
    assert results.fallback and results.hits
    assert "unclosed quote" in results.notices[0]
    dangling = index.search(f"{WORD} OR")
    assert dangling.fallback and dangling.total == index.search(WORD).total


def test_sorting_by_date_and_grouping_by_thread(index) -> None:
    by_date = index.search(WORD, sort="date", limit=100)
    dates = [hit.date for hit in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    grouped = index.search(WORD, group=True, limit=100)
    assert grouped.groups is not None and grouped.threads == len(grouped.groups)
    assert sum(group.count for group in grouped.groups) == grouped.total
    scores = [group.best.score for group in grouped.groups]
    assert scores == sorted(scores, reverse=True)
    assert all(group.best.post_id == group.post_id for group in grouped.groups)
    assert json.dumps(grouped.to_json())


def test_paging(index) -> None:
    every = index.search("keeper", limit=100)
    assert len(every.hits) > 10
    page = index.search("keeper", limit=5, offset=5)
    assert [h.item_id for h in page.hits] == [h.item_id for h in every.hits[5:10]]


def test_an_empty_library_searches_nothing_quietly(library) -> None:
    idx = open_index(library)
    assert idx.ensure_fresh().fresh
    for query in ("probation", "date:2020 in:post", '"the wheel"', "insp*"):
        for kwargs in ({}, {"sort": "date"}, {"group": True}):
            results = idx.search(query, **kwargs)
            assert results.total == 0 and not results.hits and not results.notices
    idx.close()


def test_json_hit_shape(index) -> None:
    hit = index.search(f'"{PHRASE}"').to_json()[0]
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
    post = index.search(f"title:{dumpgen.FILTER_WORD} in:post").to_json()[0]
    assert post["kind"] == "post" and post["comment_id"] is None and post["path"] == ""


QUERIES = [WORD, '"the lantern"', "insp*", "date:2020 keeper", f"{WORD} -signal"]


def counts(idx) -> dict[str, int]:
    return {query: idx.search(query).total for query in QUERIES}


def test_reimport_leaves_hit_counts_unchanged(index, seeded_library, dump_files) -> None:
    before = counts(index)
    assert all(before.values())
    stamp = seeded_library.change_stamp()
    results = list(seeded_library.import_paths(dump_files))
    assert all(r.ok and not r.changed for r in results)
    assert update_after_import(seeded_library).fresh
    assert seeded_library.change_stamp() == stamp
    assert counts(index) == before


def test_a_deleted_index_is_rebuilt(index, seeded_library) -> None:
    before = counts(index)
    shutil.rmtree(seeded_library.paths.search_index)
    assert index.check().state == "missing"
    waiting = index.search(WORD)
    assert waiting.stale and waiting.notices and not waiting.hits
    assert index.ensure_fresh().fresh
    assert counts(index) == before


@pytest.mark.parametrize("damage", ["meta", "toc", "segments"])
def test_a_corrupt_index_is_noticed_and_rebuilt(index, seeded_library, damage) -> None:
    before = counts(index)
    index.close()  # damage found at the next start (files rewritten under an open reader: below)
    folder = seeded_library.paths.search_index
    if damage == "meta":
        current_meta(folder).write_text("{not json", encoding="utf-8")
    elif damage == "toc":
        for toc in folder.glob("*.toc"):
            toc.write_bytes(b"garbage")
    else:
        for segment in [*folder.glob("*.pst"), *folder.glob("*.trm")]:
            segment.write_bytes(segment.read_bytes()[:100])
    results = index.search(WORD)  # never raises
    status = index.check()
    assert status.state in ("corrupt", "stale") or results.stale
    index.ensure_fresh() if status.state != "fresh" else index.rebuild()
    assert index.check().fresh
    assert counts(index) == before


def test_files_damaged_under_an_open_searcher_give_a_notice(index, seeded_library) -> None:
    before = counts(index)
    for segment in [
        *seeded_library.paths.search_index.glob("*.pst"),
        *seeded_library.paths.search_index.glob("*.trm"),
    ]:
        segment.write_bytes(segment.read_bytes()[:100])
    damaged = [index.search(query) for query in QUERIES]  # never raises, never crashes
    assert any(r.stale and "damaged" in " ".join(r.notices) for r in damaged)
    assert index.check().state == "corrupt"
    assert index.ensure_fresh().fresh and counts(index) == before


def test_an_index_from_another_version_is_rebuilt(index, seeded_library) -> None:
    meta_path = current_meta(seeded_library.paths.search_index)
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "format": "whoosh-0"}))
    assert index.check().state == "stale"
    assert index.ensure_fresh().fresh


def add_rows(library, text: str) -> str:
    """What an import does, in miniature: new rows with a new stamp, the stamp bumped."""
    conn = library.conn
    stamp = library.change_stamp() + 1
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO posts(id, date, title, body, added_at, stamp)"
        " VALUES ('pnew', '2022-02-02', 'A Later Post', 'Body text', 'now', ?)",
        [stamp],
    )
    conn.execute(
        "INSERT INTO comments(id, post_id, position, path, text, added_at, stamp)"
        " VALUES ('cnew', 'pnew', 1, '1', ?, 'now', ?)",
        [text, stamp],
    )
    conn.execute("UPDATE meta SET value = ? WHERE key = 'change_stamp'", [str(stamp)])
    conn.execute("COMMIT")
    return "cnew"


def test_imports_are_indexed_incrementally_and_staleness_is_said(index, seeded_library) -> None:
    add_rows(seeded_library, "A quokka appeared at the tribunal.")
    status = index.check()
    assert status.state == "behind" and status.store_docs == status.index_docs + 2
    stale = index.search(WORD)
    assert stale.stale and any("catching up" in n for n in stale.notices)
    assert index.search("quokka").total == 0
    assert index.update().fresh
    found = index.search("quokka date:2022")
    assert ids(found) == {"cnew"} and not found.stale
    assert found.hits[0].path == "1" and found.hits[0].title == "A Later Post"


def test_update_after_import_never_raises(seeded_library, monkeypatch) -> None:
    from reader.search import index

    def broken(self, progress=None, cancel=None):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(index.LibraryIndex, "ensure_fresh", broken)
    status = update_after_import(seeded_library)
    assert status.state == "corrupt" and "disk on fire" in status.reason


def test_progress_and_cancel(seeded_library) -> None:
    idx = open_index(seeded_library)
    seen: list[tuple[float | None, str]] = []
    idx.rebuild(progress=lambda fraction, label: seen.append((fraction, label)))
    assert seen[0][0] == 0.0 and seen[-1][0] == 1.0 and all(label for _, label in seen)
    before = counts(idx)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(IndexCancelled):
        idx.rebuild(cancel=cancel)
    assert idx.check().fresh and counts(idx) == before  # the old index is kept
    assert not list(seeded_library.paths.root.glob("search-index.*-*"))
    idx.close()


def test_a_parallel_build_equals_a_single_process_one(seeded_library, monkeypatch) -> None:
    from reader.search import build

    single = open_index(seeded_library, procs=1)
    single.rebuild()
    expected = {query: ids(single.search(query, limit=500)) for query in QUERIES}
    single.close()
    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 0)
    parallel = open_index(seeded_library, procs=2)
    parallel.rebuild()
    assert len(parallel._open_searcher()._reader.readers) >= 2  # type: ignore[attr-defined]
    assert {query: ids(parallel.search(query, limit=500)) for query in QUERIES} == expected
    parallel.close()


def test_a_failing_parallel_build_falls_back_to_one_process(seeded_library, monkeypatch) -> None:
    from reader.search import build

    monkeypatch.setattr(build, "PARALLEL_MIN_DOCS", 0)
    monkeypatch.setattr(build.sys, "executable", "/nonexistent/python")
    idx = open_index(seeded_library, procs=2)
    assert idx.rebuild().fresh
    assert idx.search(f'"{PHRASE}"').total == 1
    idx.close()


class Notes:
    """A stand-in for the annotations package's provider."""

    def __init__(self) -> None:
        self.info: dict[str, ItemInfo] = {}
        self.version = 0

    def item_info(self, conn, item_ids: Sequence[str]) -> Mapping[str, ItemInfo]:
        return {i: self.info[i] for i in item_ids if i in self.info}

    def annotated_items(self, conn) -> Iterable[str]:
        return list(self.info)

    def stamp(self, conn) -> str:
        return str(self.version)


def test_notes_flags_and_colours_from_a_provider(seeded_library, monkeypatch) -> None:
    notes = Notes()
    monkeypatch.setattr(search, "_provider", notes)
    idx = open_index(seeded_library)
    idx.ensure_fresh()
    [target] = items_containing(seeded_library, f"%{PHRASE}%")
    assert idx.search("note:quokka").total == 0
    notes.info[target] = ItemInfo("a quokka note", frozenset({"bookmarked"}), frozenset({"pink"}))
    notes.version += 1
    assert idx.update_items([target]) == 1
    for query in ("note:quokka", "is:bookmarked", "color:pink", "is:bookmarked landslip"):
        assert ids(idx.search(query)) == {target}, query
    assert idx.search("quokka").total == 0  # plain words search the text, note: the notes
    assert idx.search(f'"{PHRASE}" is:removed').total == 0
    del notes.info[target]
    notes.version += 1
    assert idx.check().state == "behind"  # a missed update_items is noticed ...
    assert idx.ensure_fresh().fresh  # ... and caught up
    assert idx.search("is:bookmarked").total == 0
    notes.info[target] = ItemInfo(flags=frozenset({"annotated"}))
    notes.version += 1
    assert idx.rebuild().fresh  # a rebuild asks the provider too
    assert ids(idx.search("is:annotated")) == {target}
    idx.close()


def test_a_comment_a_later_dump_adds_to_an_old_post_is_found(
    index, seeded_library, tmp_path, monkeypatch
) -> None:
    """The merged post's new comment is reached through the post's change stamp."""
    from reader.formats.blogtext_write import render_post
    from reader.model import ParsedComment, ParsedPost

    post_id, date, title = seeded_library.conn.execute(
        "SELECT id, date, title FROM posts WHERE has_comments = 1 ORDER BY date LIMIT 1"
    ).fetchone()
    later = ParsedPost(
        date=dt.date.fromisoformat(date),
        title=title,
        body="",
        declared_comments=1,
        comments=[ParsedComment(text="A wombat joined the hearing.")],
    )
    dump = tmp_path / "later.txt"
    dump.write_text(render_post(later), encoding="utf-8")
    result = seeded_library.import_file(dump)
    assert result.ok and result.posts_new == 0 and result.comments_new == 1
    status = index.check()
    assert status.state == "behind"

    def no_rebuild(**_kwargs):
        raise AssertionError("the incremental update missed the change and fell back")

    monkeypatch.setattr(index, "rebuild", no_rebuild)
    assert index.update().fresh
    found = index.search("wombat")
    assert found.total == 1 and found.hits[0].post_id == post_id
    assert found.hits[0].kind == "comment"
