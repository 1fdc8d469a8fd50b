"""Search the window can steer: every hit reachable by paging, threads with their counts, both
sorts, and for one thread the items holding hits with the spans of their matched words, all
checked against a brute-force reading of the library (``searchlib``)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import open_index
from reader.search.analysis import fold, term_for
from reader.search.postings import Matches
from reader.search.query import parse_query
from unit.search.searchlib import BruteForce, is_cjk_char, make_library

QUERIES = [
    "the",  # in most items: many equal scores, the case for stable pages
    "service",
    "garden OR lantern",
    "probation -napo",
    '"the report"',
    "offic*",
    "in:comment",  # filters alone: listed by date
    "date:2019",
    "title:wheel",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """60 generated posts, indexed, then some comments re-indexed: several segments and
    deleted documents, as a library has after imports."""
    folder = tmp_path_factory.mktemp("steer") / "library"
    library = make_library(folder, posts=60, seed=11)
    index = open_index(library)
    assert index.rebuild().fresh
    ids = [row[0] for row in library.conn.execute("SELECT id FROM comments LIMIT 40")]
    index.update_items(ids[:25])
    index.update_items(ids[25:])
    yield index, BruteForce(library.conn), library
    index.close()
    library.close()


def thread_of(library) -> dict[str, str]:
    """Item id → its thread's post id."""
    found = {pid: pid for (pid,) in library.conn.execute("SELECT id FROM posts")}
    found.update(library.conn.execute("SELECT id, post_id FROM comments").fetchall())
    return found


def all_pages(index, text: str, size: int, **options) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        results = index.search(text, limit=size, offset=offset, **options)
        assert results.offset == offset and results.limit == size
        if not results.hits:
            return ids
        ids.extend(hit.item_id for hit in results.hits)
        offset += size


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", QUERIES)
def test_paging_reaches_every_hit_exactly_once_in_a_stable_order(engine, text, sort) -> None:
    index, brute, _ = engine
    expected = brute.search(parse_query(text))
    total = index.search(text, limit=1, sort=sort).total
    assert total == len(expected)
    paged = all_pages(index, text, 7, sort=sort)
    assert len(paged) == len(set(paged)) == total
    assert set(paged) == expected
    whole = [hit.item_id for hit in index.search(text, limit=total + 1, sort=sort).hits]
    assert paged == whole  # pages are slices of one order
    again = [hit.item_id for hit in index.search(text, limit=total + 1, sort=sort).hits]
    assert again == whole


def test_relevance_and_date_orders(engine) -> None:
    index, _, _ = engine
    by_score = index.search("service", limit=500).hits
    assert [h.score for h in by_score] == sorted((h.score for h in by_score), reverse=True)
    by_date = index.search("service", limit=500, sort="date").hits
    assert [h.date for h in by_date] == sorted((h.date for h in by_date), reverse=True)
    assert {h.item_id for h in by_score} == {h.item_id for h in by_date}


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", QUERIES)
def test_groups_count_every_hit_of_each_thread(engine, text, sort) -> None:
    index, brute, library = engine
    expected = brute.search(parse_query(text))
    threads = thread_of(library)
    counts: dict[str, int] = {}
    for item in expected:
        counts[threads[item]] = counts.get(threads[item], 0) + 1
    seen: list[str] = []
    offset = 0
    while True:
        results = index.search(text, limit=4, offset=offset, sort=sort, group=True)
        assert results.total == len(expected) and results.threads == len(counts)
        if not results.groups:
            break
        for group in results.groups:
            assert group.count == counts[group.post_id], group.post_id
            assert threads[group.best.item_id] == group.post_id
            seen.append(group.post_id)
        offset += 4
    assert len(seen) == len(set(seen)) and set(seen) == set(counts)
    assert sum(counts[p] for p in seen) == len(expected)


# -- the hits of one thread ---------------------------------------------------------------------


def brute_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word of ``text`` by its own reading: runs of ``isalnum``
    characters that are not CJK; each CJK character is a unit of its own (kept, so a phrase
    cannot leap over it)."""
    found: list[tuple[int, int, str]] = []
    start = None
    for index, ch in enumerate(text + " "):
        if ch.isalnum() and not is_cjk_char(ch):
            if start is None:
                start = index
            continue
        if start is not None:
            found.append((start, index, text[start:index]))
            start = None
        if is_cjk_char(ch):
            found.append((index, index + 1, ch))
    return found


def brute_spans(
    text: str, words: set[str], prefixes: tuple[str, ...], phrase: tuple[str, ...] = ()
) -> tuple[tuple[int, int], ...]:
    """Where ``text`` holds one of ``words`` (by stem), a word starting with one of
    ``prefixes`` (folded), or the ``phrase`` (one span per occurrence)."""
    units = brute_words(unicodedata.normalize("NFC", text))
    stems = {term_for(w) for w in words}
    spans = [
        (start, end)
        for start, end, word in units
        if term_for(word) in stems or fold(word).startswith(prefixes or ("\0",))
    ]
    if phrase:
        wanted = [term_for(w) for w in phrase]
        size = len(wanted)
        for i in range(len(units) - size + 1):
            if [term_for(u[2]) for u in units[i : i + size]] == wanted:
                spans.append((units[i][0], units[i + size - 1][1]))
    return tuple(sorted(spans))


def reading_order(library, post_id: str) -> list[str]:
    post = library.thread(post_id)
    return [post.id] + [c.id for c in post.walk_comments()]


CASES = [
    # query, words (text), prefixes (text), words in titles, phrase
    ("service", {"service"}, (), {"service"}, ()),
    ("garden OR lantern", {"garden", "lantern"}, (), {"garden", "lantern"}, ()),
    ("probation -napo", {"probation"}, (), {"probation"}, ()),
    ("offic* report", {"report"}, ("offic",), {"report"}, ()),
    ("title:garden OR service", {"service"}, (), {"garden", "service"}, ()),
    ('"the report"', set(), (), set(), ("the", "report")),
    ("in:comment river", {"river"}, (), {"river"}, ()),
    ("text:lantern", {"lantern"}, (), {"lantern"}, ()),
]


@pytest.mark.parametrize(("text", "words", "prefixes", "title_words", "phrase"), CASES)
def test_thread_hits_equal_a_brute_force_find(
    engine, text, words, prefixes, title_words, phrase
) -> None:
    index, brute, library = engine
    expected = brute.search(parse_query(text))
    threads = thread_of(library)
    by_thread: dict[str, set[str]] = {}
    for item in expected:
        by_thread.setdefault(threads[item], set()).add(item)
    assert by_thread, text
    texts = dict(library.conn.execute("SELECT id, text FROM comments").fetchall())
    posts = {
        pid: (title, body)
        for pid, title, body in library.conn.execute("SELECT id, title, body FROM posts")
    }
    for post_id in sorted(by_thread)[:12]:
        hits = index.thread_hits(text, post_id)
        assert hits.post_id == post_id and not hits.stale
        assert set(hits.ids) == by_thread[post_id]
        order = reading_order(library, post_id)
        assert hits.ids == [i for i in order if i in by_thread[post_id]]  # reading order
        for item in hits.items:
            if item.kind == "post":
                title, body = posts[post_id]
                assert item.spans == brute_spans(body, words, prefixes, phrase)
                title_prefixes = prefixes if "title:" not in text else ()
                assert item.title_spans == brute_spans(title, title_words, title_prefixes, phrase)
            else:
                assert item.path and not item.title_spans
                assert item.spans == brute_spans(texts[item.item_id], words, prefixes, phrase)
        assert hits.position(hits.ids[-1]) == len(hits.items) - 1
        assert hits.span_count == sum(len(i.spans) + len(i.title_spans) for i in hits.items)


def test_a_title_match_is_marked_in_the_title_only(engine) -> None:
    """``title:garden OR river``: a post titled with "garden" is a hit, "garden" is marked in
    its title and nowhere in the body; "river" in both."""
    index, _, library = engine
    rows = library.conn.execute("SELECT id, title, body FROM posts").fetchall()
    post_id, title, body = next(
        r for r in rows if "garden" in r[1].lower().split() and "garden" in r[2].lower()
    )
    hits = index.thread_hits("title:garden OR river", post_id)
    post = hits.get(post_id)
    assert post is not None and post.kind == "post" and hits.ids[0] == post_id
    assert "garden" in [title[a:b].lower() for a, b in post.title_spans]
    assert {body[a:b].lower() for a, b in post.spans} <= {"river"}
    assert all(item.kind == "comment" for item in hits.items[1:])


def test_thread_hits_of_a_thread_without_any(engine) -> None:
    index, brute, library = engine
    threads = thread_of(library)
    holding = {threads[i] for i in brute.search(parse_query("hamster"))}
    empty = next(p for (p,) in library.conn.execute("SELECT id FROM posts") if p not in holding)
    assert index.thread_hits("hamster", empty).items == ()
    assert index.thread_hits("hamster", "no-such-post").items == ()
    assert index.thread_hits("   ", empty).items == ()


def test_thread_hits_say_when_there_is_no_index(tmp_path) -> None:
    library = make_library(tmp_path / "library", posts=3, seed=2)
    index = open_index(library)
    try:
        post_id = library.conn.execute("SELECT id FROM posts").fetchone()[0]
        hits = index.thread_hits("the", post_id)
        assert hits.stale and hits.items == () and "not built yet" in hits.notices[0]
        index.rebuild()
        assert index.thread_hits("the", post_id).items
    finally:
        index.close()
        library.close()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.booleans(), st.integers(0, 2)), min_size=1, max_size=40
    ),
    st.randoms(use_true_random=False),
    st.integers(1, 6),
)
def test_pages_of_equal_scores_never_repeat_or_skip(docs, rnd, size) -> None:
    """``Matches.top`` against the order it promises (score, then document number), with
    many equal scores stored in an order unlike the documents' (as OR and set operations
    leave them) and title boosts, split over two segments."""
    matches = Matches()
    numbered = list(enumerate(docs))
    rnd.shuffle(numbered)
    half = len(numbered) // 2
    truth: list[tuple[int, float]] = []
    for offset, part in ((0, numbered[:half]), (100, numbered[half:])):
        found = {doc: float(score) for doc, (score, _, _) in part}
        boosts = {doc: float(boost) for doc, (_, boosted, boost) in part if boosted and boost}
        matches.add(offset, found, boosts)
        truth += [(offset + d, s + boosts.get(d, 0.0)) for d, s in found.items()]
    truth.sort(key=lambda item: (-item[1], item[0]))
    pages = [
        matches.top(start + size)[start : start + size] for start in range(0, len(truth), size)
    ]
    assert [item for page in pages for item in page] == truth
