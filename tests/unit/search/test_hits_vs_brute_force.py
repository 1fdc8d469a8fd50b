"""Every query's hit set equals a brute-force reading of every item's text (``searchlib``).

Queries are generated (hypothesis) from the generated library's own words: single words,
prefixes (including those whose stem differs from their prefix: probation/probationer,
happy/happiness, officer/office), phrases with frequent words, CJK runs, fields, filters,
OR/NOT/groups, and typing mistakes.  The index is built with several segments and deleted
documents, so merging and deletions are exercised too.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.search import open_index
from reader.search.query import parse_query
from unit.search.searchlib import CJK_TEXTS, COMMON, TRAPS, VOCAB, BruteForce, make_library


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """(index, brute force): 60 generated posts, indexed, then a few items re-indexed and one
    deleted, so the index has several segments and deletions."""
    folder = tmp_path_factory.mktemp("brute") / "library"
    library = make_library(folder, posts=60, seed=11)
    index = open_index(library)
    assert index.rebuild().fresh
    ids = [row[0] for row in library.conn.execute("SELECT id FROM comments LIMIT 30")]
    index.update_items(ids[:20])
    index.update_items(ids[20:])
    brute = BruteForce(library.conn)
    yield index, brute, library
    index.close()
    library.close()


def hits(index, text: str) -> set[str]:
    searcher = index._open_searcher()
    assert searcher is not None
    return {searcher.doc_id(doc) for doc in searcher.docs(text)}


def check(engine, text: str) -> None:
    index, brute, _ = engine
    parsed = parse_query(text)
    expected = brute.search(parsed)
    found = hits(index, text)
    assert found == expected, (text, parsed.root, sorted(found ^ expected)[:10])


WORDS = sorted(set(VOCAB))
words = st.sampled_from(WORDS)


@st.composite
def prefixes(draw) -> str:
    word = draw(st.sampled_from(TRAPS + WORDS))
    size = draw(st.integers(1, len(word)))
    return word[:size] + "*"


@st.composite
def phrases(draw) -> str:
    size = draw(st.integers(2, 4))
    chosen = [draw(st.sampled_from(COMMON if i % 2 else WORDS)) for i in range(size)]
    return '"' + " ".join(chosen) + '"'


@st.composite
def cjk(draw) -> str:
    text = draw(st.sampled_from(CJK_TEXTS))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text[start:end]


@st.composite
def atoms(draw) -> str:
    kind = draw(st.integers(0, 9))
    if kind <= 2:
        word = draw(words)
        return word.upper() if draw(st.booleans()) and kind == 2 else word
    if kind == 3:
        return draw(prefixes())
    if kind == 4:
        return draw(phrases())
    if kind == 5:
        return draw(cjk())
    if kind == 6:
        return "title:" + draw(st.one_of(words, prefixes()))
    if kind == 7:
        return draw(st.sampled_from(["in:post", "in:comment", "in:reply", "is:removed"]))
    if kind == 8:
        return f"date:{draw(st.integers(2017, 2023))}"
    word = draw(st.sampled_from([w for w in WORDS if w.isalpha() and len(w) > 3]))
    return f"{word[:-1]}~1"


@st.composite
def queries(draw, depth: int = 2) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        choice = draw(st.integers(0, 5))
        if choice == 0 and depth:
            parts.append(f"({draw(queries(depth - 1))})")
        elif choice == 1:
            parts.append(f"{draw(atoms())} OR {draw(atoms())}")
        elif choice == 2:
            parts.append("-" + draw(atoms()))
        else:
            parts.append(draw(atoms()))
    return " ".join(parts)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries())
def test_generated_queries_find_exactly_what_brute_force_finds(engine, text: str) -> None:
    check(engine, text)


MISTAKES = st.sampled_from(["(", '"', " OR", "OR ", " NOT", ")", " AND", "-", "foo:", "zz:"])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries(depth=1), MISTAKES, st.booleans())
def test_queries_with_typing_mistakes_find_what_their_repair_means(
    engine, text: str, mistake: str, before: bool
) -> None:
    check(engine, mistake + text if before else text + mistake)


@pytest.mark.parametrize(
    "text",
    [
        "probation*",
        "probationer*",
        "probate*",
        "happy*",
        "happi*",
        "happiness*",
        "officer*",
        "office*",
        "offic*",
        "title:pro*",
        "-probation*",
        "p*",
        "a*",
        "2*",
        "caf*",
        "naiv*",
        "eric*",
    ],
)
def test_prefixes_match_words_as_written(engine, text: str) -> None:
    check(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        '"the wheel"',
        '"of the"',
        '"the of"',
        '"in the wheel"',
        '"wheel is"',
        '"is it that"',
        '"a the"',
        '"the the"',
        '"probation officer"',
        '"officer and the"',
        'title:"the"',
    ],
)
def test_phrases_with_frequent_words(engine, text: str) -> None:
    check(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "保护",
        "观察制度",
        "保护观察制度",
        "保",
        "度",
        "用Python",
        "Python写",
        "代码",
        "かな",
        "漢字の",
        "문장",
        "한국어",
        '"保护 观察"',
    ],
)
def test_cjk_text_is_found_by_any_stretch_of_characters(engine, text: str) -> None:
    check(engine, text)
    assert hits(engine[0], text), f"{text} is in the generated library"


def test_random_words_from_every_item_find_it(engine) -> None:
    """Every item is found by a phrase of two words taken from its own text."""
    index, _, library = engine
    rnd = random.Random(3)
    rows = library.conn.execute("SELECT id, text FROM comments ORDER BY random() LIMIT 60")
    for item, text in rows:
        tokens = text.split()
        pairs = [
            (a, b)
            for a, b in itertools.pairwise(tokens)
            if a.isalpha() and b.isalpha() and a.isascii() and b.isascii()
        ]
        if not pairs:
            continue
        a, b = rnd.choice(pairs)
        phrase = f'"{a} {b}"'
        check(engine, phrase)
        assert item in hits(index, phrase), phrase


def test_the_library_is_big_enough_to_mean_something(engine) -> None:
    index, brute, _ = engine
    assert len(brute.items) > 300
    assert len(index._open_searcher()._evaluator.segments) >= 3  # type: ignore[union-attr]
    for word in ("probationer", "happiness", "officer", "office"):
        assert hits(index, word), word


def test_generated_library_folder_is_private(tmp_path: Path) -> None:
    library = make_library(tmp_path / "lib", posts=3, seed=1)
    try:
        assert library.stats()["posts"] == 3
    finally:
        library.close()
