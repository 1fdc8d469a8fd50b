"""The fast writer and evaluator against whoosh's own: same postings, same matches, same scores.

``FastSegmentWriter`` and ``evaluate`` replace whoosh's writer and searcher on the hot
paths; whoosh's own code stays the reference.  The index here is small but has several
segments, deleted documents, very common and rare words, and every field kind.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.writing import SegmentWriter

from reader.search import evaluate
from reader.search import query as q
from reader.search.evaluate import Evaluator
from reader.search.expansion import date_terms, expand
from reader.search.query import parse_query
from reader.search.schema import (
    decode_positions,
    encode_positions,
    make_schema,
    position_mask,
)
from reader.search.segment_writer import (
    FastSegmentWriter,
    documents_by_id,
    replace_documents,
)

COMMON = ["the", "of", "and", "to", "a", "in", "is", "it", "that", "was"]
RARE = [
    "wheel",
    "hamster",
    "inspection",
    "report",
    "probation",
    "officer",
    "union",
    "budget",
    "tribunal",
    "napo",
]
VOCAB = COMMON * 6 + RARE + [f"word{i}" for i in range(40)]


def make_docs(count: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    docs = []
    for number in range(count):
        day = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(3 * 365))
        is_post = number % 10 == 0
        words = rnd.choices(VOCAB, k=rnd.randrange(1, 400 if is_post else 60))
        item = f"{'p' if is_post else 'c'}{number:05d}"
        doc = {
            "_id": item,
            "ref": f"{item} p{number - number % 10:05d} {day.isoformat()}".encode(),
            "kind": "post" if is_post else rnd.choice(["comment", "comment reply"]),
            "body": " ".join(words).capitalize() + ".",
            "date": f"{day.year} {day.isoformat()[:7]} {day.isoformat()}",
        }
        if is_post:
            doc["title"] = " ".join(rnd.choices(RARE + COMMON, k=4))
            if number % 30 == 0:
                doc["title"] += " the wheel"
        if number % 13 == 0:
            doc["flags"] = "removed"
        docs.append(doc)
    return docs


DOCS = make_docs(700)


def build(folder: Path, writer_class, docs: list[dict], chunks: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), make_schema())
    size = -(-len(docs) // chunks)
    for start in range(0, len(docs), size):
        writer = writer_class(ix)
        for doc in docs[start : start + size]:
            writer.add_document(**doc)
        writer.commit(merge=False)


@pytest.fixture(scope="module")
def fast_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three segments, then some documents replaced and deleted (deletions in old segments)."""
    folder = tmp_path_factory.mktemp("fast")
    build(folder, FastSegmentWriter, DOCS, chunks=3)
    ix = whoosh_index.open_dir(str(folder))
    writer = FastSegmentWriter(ix)
    changes = [(d["_id"], {**d, "body": d["body"] + " wheel of the napo"}) for d in DOCS[5:40:3]]
    changes += [(d["_id"], None) for d in DOCS[100:130:4]]
    assert list(replace_documents(writer, changes))
    writer.commit(merge=False)
    return folder


def compile_query(parsed, years: tuple[int, int]) -> wq.Query:
    """The reference: the same query as whoosh's own query objects (words, phrases, Boolean
    operators and filters; prefixes and fuzzy words are checked against brute force in
    ``test_hits_vs_brute_force``)."""

    def build(node) -> wq.Query:
        if isinstance(node, q.Words):
            fieldname = node.field or "body"
            if len(node.terms) == 1:
                return wq.Term(fieldname, node.terms[0])
            return wq.Phrase(fieldname, list(node.terms))
        if isinstance(node, q.And):
            return wq.And([build(item) for item in node.items])
        if isinstance(node, q.Or):
            return wq.Or([build(item) for item in node.items])
        if isinstance(node, q.Not):
            return wq.Not(build(node.item))
        if isinstance(node, q.Kind):
            if node.kind == "comment":
                return wq.Not(wq.Term("kind", "post"))
            return wq.Term("kind", node.kind)
        if isinstance(node, q.Flag):
            return wq.Term("flags", node.name)
        if isinstance(node, q.DateRange):
            start = max(node.start or dt.date(years[0], 1, 1), dt.date(years[0], 1, 1))
            end = min(node.end or dt.date(years[1], 12, 31), dt.date(years[1], 12, 31))
            return wq.Or([wq.Term("date", t) for t in date_terms(start, end)])
        raise TypeError(node)

    root = build(parsed.root).normalize()
    if not parsed.has_text():
        root = wq.And([wq.Every(), root])
    return root


COUNTED = {"words", "grams", "title_words", "note_words", "kind", "date", "flags", "colors"}


def postings(folder: Path, skip: set[str]) -> dict:
    reader = whoosh_index.open_dir(str(folder)).reader()
    found = {}
    for fieldname, btext in reader.all_terms():
        if fieldname in skip:
            continue
        matcher = reader.postings(fieldname, btext)
        items = []
        while matcher.is_active():
            # An inlined list (ours) gives "" where a posting block gives None: both "no value";
            # counted fields keep no value bytes (their weight is the count).
            value = b"" if fieldname in COUNTED else matcher.value() or b""
            items.append((matcher.id(), matcher.weight(), value))
            matcher.next()
        if not items:  # only in deleted documents
            continue
        info = reader.term_info(fieldname, btext)
        found[(fieldname, btext)] = (
            items,
            info.weight(),
            info.doc_frequency(),
            info.min_length(),
            info.max_length(),
            info.max_weight(),
        )
    return found


def test_fast_writer_writes_what_whoosh_writes(tmp_path: Path) -> None:
    build(tmp_path / "fast", FastSegmentWriter, DOCS)
    build(tmp_path / "whoosh", SegmentWriter, DOCS)
    derived = {"words", "grams", "title_words", "note_words"}  # filled only by our writer
    ours = postings(tmp_path / "fast", skip=derived)
    theirs = postings(tmp_path / "whoosh", skip=derived)
    assert ours.keys() == theirs.keys()
    for key, value in theirs.items():
        assert ours[key] == value, key
    a = whoosh_index.open_dir(str(tmp_path / "fast")).reader()
    b = whoosh_index.open_dir(str(tmp_path / "whoosh")).reader()
    for docnum in range(len(DOCS)):
        assert a.doc_field_length(docnum, "body") == b.doc_field_length(docnum, "body")
    assert a.field_length("body") == b.field_length("body")


def test_common_grams_and_words_are_indexed(tmp_path: Path) -> None:
    docs = [{"ref": b"c1 p1 2020-01-01", "body": "Out of the wheels, of THE wheel; the of"}]
    build(tmp_path, FastSegmentWriter, docs)
    reader = whoosh_index.open_dir(str(tmp_path)).reader()
    grams = {t.decode(): reader.frequency("grams", t) for t in reader.lexicon("grams")}
    assert grams == {
        "out of": 1.0,
        "of the": 2.0,
        "the wheel": 2.0,
        "wheel of": 1.0,
        "wheel the": 1.0,
        "the of": 1.0,
    }
    words = {t.decode(): reader.frequency("words", t) for t in reader.lexicon("words")}
    assert words == {"out": 1.0, "of": 3.0, "the": 3.0, "wheels": 1.0, "wheel": 1.0}


def test_merging_segments_keeps_every_posting(tmp_path: Path, fast_index: Path) -> None:
    import shutil

    shutil.copytree(fast_index, tmp_path / "ix")
    before = postings(tmp_path / "ix", skip=set())
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    writer = FastSegmentWriter(ix)
    writer.commit(optimize=True)
    ix = whoosh_index.open_dir(str(tmp_path / "ix"))
    assert len(ix._segments()) == 1
    after = postings(tmp_path / "ix", skip=set())
    # Document numbers change on merge (deleted documents are dropped): compare by id.
    old_ids = _ids(fast_index)
    new_ids = _ids(tmp_path / "ix")
    assert sorted(old_ids.values()) == sorted(new_ids.values())
    assert before.keys() == after.keys()
    for key, value in before.items():
        old = sorted((old_ids[d], w, v) for d, w, v in value[0])
        new = sorted((new_ids[d], w, v) for d, w, v in after[key][0])
        assert old == new, key
        assert after[key][5] == max(w for _, w, _ in value[0])


def _ids(folder: Path) -> dict[int, str]:
    reader = whoosh_index.open_dir(str(folder)).reader()
    return {docnums[0]: item for item, docnums in documents_by_id(reader).items()}


def test_replacing_documents_finds_them_by_id(fast_index: Path) -> None:
    found = documents_by_id(whoosh_index.open_dir(str(fast_index)).reader())
    assert len(found) == len(DOCS) - len(DOCS[100:130:4])
    assert all(len(docnums) == 1 for docnums in found.values())
    assert DOCS[104]["_id"] not in found and DOCS[5]["_id"] in found


QUERIES = [
    "wheel",
    "the",
    "wheel hamster",
    "the of",
    "wheel OR napo",
    "wheel -hamster",
    "-the",
    '"of the"',
    '"the wheel"',
    '"wheel of the napo"',
    '"a the of"',
    "title:wheel",
    'title:"the wheel"',
    "date:2020",
    "wheel date:2020-06",
    "date:2019-03-15..2020-02-10 in:comment",
    "date:..2019-06 the",
    "in:post",
    "in:reply hamster",
    "is:removed",
    "(wheel OR hamster) (report OR union) -napo",
    "napo OR -the",
]


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("text", QUERIES)
def test_evaluator_matches_what_whoosh_matches(
    fast_index: Path, text: str, cached: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cached:  # every term through the term cache, read twice
        monkeypatch.setattr(evaluate, "CACHE_MIN_DOCS", 1)
        monkeypatch.setattr(evaluate, "CACHE_MIN_DOCS_MASKS", 1)
    searcher = whoosh_index.open_dir(str(fast_index)).searcher()
    parsed = parse_query(text)
    years = (2019, 2021)
    reference = compile_query(parsed, years)
    expected = set(searcher.docs_for_query(reference))
    expanded, _ = expand(parsed, searcher.reader())
    evaluator = Evaluator(searcher)
    found = evaluator.run(parsed.root, expanded, years).as_dict()
    assert set(found) == expected
    if cached:
        again = evaluator.run(parsed.root, expanded, years).as_dict()
        assert again == found
    assert expected or text in ('"a the of"',), "a query that finds nothing tests little"


def test_frequent_terms_are_cached_and_shared(fast_index: Path, monkeypatch) -> None:
    monkeypatch.setattr(evaluate, "CACHE_MIN_DOCS", 100)
    monkeypatch.setattr(evaluate, "CACHE_MIN_DOCS_MASKS", 100)
    searcher = whoosh_index.open_dir(str(fast_index)).searcher()
    evaluator = Evaluator(searcher)
    first = evaluator.run(parse_query("the").root, {}, None).as_dict()
    assert evaluator.cache.items and evaluator.cache.size >= len(first) > 100
    assert evaluator.run(parse_query("the").root, {}, None).as_dict() == first
    rare = evaluator.run(parse_query('"wheel the"').root, {}, None).as_dict()
    assert rare and set(rare) < set(first)


@pytest.mark.parametrize("term", ["wheel", "the", "word3", "napo"])
def test_scores_are_whooshs_bm25f(fast_index: Path, term: str) -> None:
    searcher = whoosh_index.open_dir(str(fast_index)).searcher()
    results = searcher.search(wq.Term("body", term), limit=None)
    expected = {hit.docnum: hit.score for hit in results}
    found = Evaluator(searcher).run(parse_query(f"body:{term}").root, {}, None).as_dict()
    assert found.keys() == expected.keys()
    for docnum, score in expected.items():
        assert found[docnum] == pytest.approx(score, rel=1e-5)


def test_date_terms_cover_a_range_with_the_fewest_terms() -> None:
    assert date_terms(dt.date(2020, 1, 1), dt.date(2021, 12, 31)) == ["2020", "2021"]
    assert date_terms(dt.date(2020, 1, 30), dt.date(2020, 3, 31)) == [
        "2020-01-30",
        "2020-01-31",
        "2020-02",
        "2020-03",
    ]
    assert date_terms(dt.date(2020, 6, 7), dt.date(2020, 6, 7)) == ["2020-06-07"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 100_000), min_size=1, max_size=50, unique=True))
def test_positions_round_trip(positions: list[int]) -> None:
    positions.sort()
    assert decode_positions(encode_positions(positions)) == positions
    assert position_mask(encode_positions(positions)) == sum(1 << p for p in positions)


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "wheel hamster",
        "the of",
        "the wheel napo",
        "body:the title:wheel",
        "the of date:2020",
        "hamster the -napo",
        "(wheel the) OR napo",
    ],
)
def test_words_intersected_first_score_exactly_as_one_at_a_time(
    fast_index: Path, text: str, cached: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``conjunction_of_words`` (documents intersected, then only they scored) gives the same
    documents and the same scores, to the last bit, as scoring one word after the other."""
    if cached:
        monkeypatch.setattr(evaluate, "CACHE_MIN_DOCS", 1)
    searcher = whoosh_index.open_dir(str(fast_index)).searcher()
    root = parse_query(text).root
    evaluator = Evaluator(searcher)
    calls = []
    original = Evaluator.conjunction_of_words

    def spy(self, items, within):
        calls.append(len(items))
        return original(self, items, within)

    monkeypatch.setattr(Evaluator, "conjunction_of_words", spy)
    fast = evaluator.run(root, {}, (2019, 2021), ["wheel"]).as_dict()
    if cached:  # the second run reads cached weights (or scores)
        assert evaluator.run(root, {}, (2019, 2021), ["wheel"]).as_dict() == fast
    assert calls, "the query did not take the intersecting path"
    monkeypatch.setattr(evaluate, "_single_word", lambda node: False)
    calls.clear()
    slow = Evaluator(searcher).run(root, {}, (2019, 2021), ["wheel"]).as_dict()
    assert not calls
    assert fast and fast == slow
