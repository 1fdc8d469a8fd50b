"""The rows of issue 13's table, each against the truth (a brute-force reading of the text)."""

from __future__ import annotations

import pytest

from reader.search import open_index
from reader.search.query import parse_query
from unit.search.searchlib import BruteForce, make_library


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    library = make_library(tmp_path_factory.mktemp("rows") / "library", posts=50, seed=7)
    index = open_index(library)
    index.rebuild()
    yield index, BruteForce(library.conn), library
    index.close()
    library.close()


def everything(index, text: str):
    return index.search(text, limit=100_000)


def ids(results) -> set[str]:
    return {hit.item_id for hit in results.hits}


def truth(engine, text: str) -> set[str]:
    return engine[1].search(parse_query(text))


def holding_word_starting(engine, prefix: str) -> set[str]:

    found = set()
    for item in engine[1].items:
        if any(kind == "w" and value.casefold().startswith(prefix) for kind, value in item.body):
            found.add(item.id)
    return found


@pytest.mark.parametrize("prefix", ["probation", "happy", "officer"])
def test_a_prefix_finds_every_item_holding_a_word_that_starts_so(engine, prefix: str) -> None:
    results = everything(engine[0], f"{prefix}*")
    expected = holding_word_starting(engine, prefix)
    assert len(expected) >= 5, "the generated library holds such words"
    assert ids(results) == expected and results.total == len(expected)
    assert not results.notices


def test_officer_star_is_not_the_stem_offic(engine) -> None:
    officers = ids(everything(engine[0], "officer*"))
    offices = holding_word_starting(engine, "office") - holding_word_starting(engine, "officer")
    assert offices and not officers & offices


def test_happy_star_finds_happy_but_not_happiness(engine) -> None:
    happy = ids(everything(engine[0], "happy*"))
    happiness_only = holding_word_starting(engine, "happi") - holding_word_starting(engine, "happy")
    assert happy and happiness_only and not happy & happiness_only


@pytest.mark.parametrize("text", ["_", "--", '"', "-", "()", "* ~", "__init__"])
def test_a_query_without_a_word_finds_nothing_and_says_so(engine, text: str) -> None:
    results = everything(engine[0], text)
    if text == "__init__":  # a word after all
        assert results.total == len(truth(engine, "init"))
        return
    assert results.total == 0 and not results.hits
    assert results.notices


def test_the_title_and_body_boundary_is_not_a_token(engine) -> None:
    """Every post used to hold a "_" term between its title and body."""
    assert everything(engine[0], "_").total == 0
    assert everything(engine[0], "snake_case_word").total == len(truth(engine, '"snake case word"'))


def test_an_unclosed_parenthesis_is_closed_at_the_end(engine) -> None:
    results = everything(engine[0], "(probation OR parole")
    assert ids(results) == truth(engine, "probation OR parole")
    assert results.total > everything(engine[0], "probation parole").total
    assert "searched for: probation OR parole" in results.notices[0]


def test_cjk_words_are_found_inside_longer_runs(engine) -> None:
    conn = engine[2].conn
    holding = {
        row[0] for row in conn.execute("SELECT id FROM comments WHERE text LIKE '%保护观察制度%'")
    }
    assert holding
    for text in ("保护", "观察制度", "保护观察制度"):
        found = ids(everything(engine[0], text))
        assert holding <= found and found == truth(engine, text), text


def test_snippets_mark_the_matched_cjk_characters(engine) -> None:
    results = everything(engine[0], "观察制度")
    marked = {m for hit in results.hits for m in hit.snippet.marked()}
    assert marked == {"观察制度"}


def test_an_unknown_field_is_searched_as_its_words_with_a_notice(engine) -> None:
    results = everything(engine[0], "foo:probation")
    assert ids(results) == truth(engine, "foo probation") == set()
    results = everything(engine[0], "napo:probation")
    assert ids(results) == truth(engine, "napo probation") and results.total
    assert "napo:" in results.notices[0] and "not a filter" in results.notices[0]


def test_links_are_not_taken_for_fields(engine) -> None:
    results = everything(engine[0], "https://example.org/probation")
    assert not results.notices


def test_two_word_snippets_show_both_words(engine) -> None:
    """Every hit of a two-word query whose words lie within the snippet's reach shows both."""
    index = engine[0]
    for query in ("probation officer", "happy wheel", "napo union", "the tribunal"):
        results = everything(index, query)
        assert results.hits
        for hit in results.hits:
            keys = {m.lower() for m in hit.snippet.marked()}
            text = (
                engine[2]
                .conn.execute(
                    "SELECT coalesce((SELECT text FROM comments WHERE id = ?),"
                    " (SELECT body FROM posts WHERE id = ?))",
                    [hit.item_id, hit.item_id],
                )
                .fetchone()[0]
            )
            if _within_reach(text, query.split()):
                words = query.split()
                assert all(any(m.startswith(w[:4]) for m in keys) for w in words), (query, hit)


def _within_reach(text: str, words: list[str]) -> bool:
    """Whether some stretch of 30 words of ``text`` holds every query word (as a stem)."""
    from reader.search.analysis import term_for, word_spans

    wanted = {term_for(w) for w in words}
    spans = word_spans(text)
    for start in range(len(spans)):
        window = {span[3] for span in spans[start : start + 30]}
        if wanted <= window:
            return True
    return False
