""" "Did you mean …": suggestions from the index's own words, checked to find hits, with the
rest of the query kept exactly as typed."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search import open_index
from reader.search import query as q
from reader.search.analysis import fold, query_words, term_for
from reader.search.query import parse_query, text_words
from reader.search.suggest import Unknown, candidates, rewrite
from unit.search.searchlib import BruteForce, make_library


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("suggest") / "library"
    library = make_library(folder, posts=60, seed=11)
    index = open_index(library)
    assert index.rebuild().fresh
    yield index, BruteForce(library.conn)
    index.close()
    library.close()


def brute_total(brute: BruteForce, text: str) -> int:
    return len(brute.search(parse_query(text)))


def test_a_misspelt_word_suggests_the_word_that_finds_hits(engine) -> None:
    index, brute = engine
    results = index.search("servce")
    assert results.total == 0
    suggestion = results.suggestion
    assert suggestion is not None
    assert suggestion.query == "service"
    assert suggestion.corrections == (("servce", "service"),)
    assert suggestion.total == brute_total(brute, "service") > 0
    assert index.search(suggestion.query).total == suggestion.total


def test_swapped_letters_and_case_are_kept(engine) -> None:
    index, _ = engine
    assert index.search("sevrice").suggestion.query == "service"  # a transposition
    assert index.search("Servce").suggestion.query == "Service"
    assert index.search("SERVCE").suggestion.query == "SERVICE"


def test_operators_phrases_filters_and_other_words_stay_as_typed(engine) -> None:
    index, brute = engine
    cases = {
        "(servce OR lantern) -napo in:comment date:2018..2022": (
            "(service OR lantern) -napo in:comment date:2018..2022"
        ),
        '"the  servce"  date:2019..  in:comment': '"the  service"  date:2019..  in:comment',
        '"the servce" OR title:gardn -napo': '"the service" OR title:garden -napo',
        "servce AND (lanternn OR gardn) NOT napo": "service AND (lantern OR garden) NOT napo",
    }
    for typed, expected in cases.items():
        results = index.search(typed)
        assert results.suggestion is not None, typed
        assert results.suggestion.query == expected
        assert results.suggestion.total == brute_total(brute, expected) > 0
    # A word also typed where it is not searched as a word (a prefix) is left alone there;
    # "servce*" matches nothing, so with AND the corrected query finds nothing either.
    assert index.search("servce servce*").suggestion is None
    found = index.search("servce OR servce*").suggestion
    assert found is not None and found.query == "service OR servce*"


def test_a_suggestion_is_offered_even_when_other_words_find_hits(engine) -> None:
    index, _ = engine
    results = index.search("servce OR garden")
    assert results.total > 0
    assert results.suggestion is not None
    assert results.suggestion.query == "service OR garden"
    assert results.suggestion.total > results.total


def test_the_field_is_respected(engine) -> None:
    index, brute = engine
    titles = {term_for(w) for item in brute.items for kind, w in item.title if kind == "w"}
    bodies = {term_for(w) for item in brute.items for kind, w in item.body if kind == "w"}
    assert term_for("garden") in titles and term_for("tribunal") not in titles
    assert term_for("tribunal") in bodies and term_for("hearing") not in titles
    assert index.search("title:gardn").suggestion.query == "title:garden"
    assert index.search("tribunl").suggestion.query == "tribunal"
    # Titles hold no word near "tribunl" or "heaing": nothing to suggest for title:
    assert index.search("title:tribunl").suggestion is None
    assert index.search("title:heaing").suggestion is None
    assert index.search("heaing").suggestion.query == "hearing"


def test_title_suggestions_come_from_titles(engine) -> None:
    index, brute = engine
    title_words = {fold(w) for item in brute.items for kind, w in item.title if kind == "w"}
    rnd = random.Random(3)
    offered = 0
    for word in sorted(title_words):
        if not word.isalpha() or len(word) < 4:
            continue
        cut = rnd.randrange(1, len(word))
        typo = word[:cut] + word[cut + 1 :] + "q"  # one letter dropped, one added
        results = index.search(f"title:{typo}")
        if results.suggestion is None:
            continue
        offered += 1
        suggested = results.suggestion.corrections[0][1]
        assert fold(suggested) in title_words, (typo, suggested)
        assert results.suggestion.total == brute_total(brute, results.suggestion.query) > 0
    assert offered >= 5


def test_no_suggestion_when_every_word_is_in_the_index(engine) -> None:
    index, brute = engine
    assert index.search("service").suggestion is None
    phrase = '"service garden lantern river"'
    assert brute_total(brute, phrase) == 0  # words all known, no hit together
    results = index.search(phrase)
    assert results.total == 0 and results.suggestion is None


def test_no_suggestion_when_no_correction_finds_anything(engine) -> None:
    index, brute = engine
    assert index.search("zzzqqq").suggestion is None  # nothing near
    # "service" is near, but not with these filters: counting says no.
    query = "service in:post date:2018-01-01"
    assert brute_total(brute, query) == 0
    assert index.search("servce in:post date:2018-01-01").suggestion is None


def test_words_not_worth_correcting(engine) -> None:
    index, _ = engine
    assert index.search("garden -servce").suggestion is None  # excluded: harmless
    assert index.search("servce*").suggestion is None  # a prefix is a spelling tool already
    assert index.search("servce~").suggestion is None
    assert index.search("x8").suggestion is None  # digits
    assert index.search("gq").suggestion is None  # too short to guess


def test_suggestions_in_grouped_and_later_pages(engine) -> None:
    index, _ = engine
    assert index.search("servce", group=True).suggestion.query == "service"
    assert index.search("servce", offset=40, sort="date").suggestion.query == "service"


class FakeVocabulary:
    """A words field's words with their document frequencies, as ``Searcher`` offers them."""

    def __init__(self, fieldname: str, words: dict[str, int]) -> None:
        self.fieldname, self.words = fieldname, words

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.words.get(term, 0) if fieldname == self.fieldname else 0

    def words_starting(self, fieldname: str, letter: str) -> list[str]:
        assert fieldname == self.fieldname
        return sorted(w for w in self.words if w.startswith(letter))


def test_candidates_rank_by_distance_then_items_then_alphabet() -> None:
    vocabulary = FakeVocabulary(
        "words",
        {
            "serve": 3,  # one edit from "servce"
            "service": 5,  # one edit, in more items: first
            "servile": 9,  # two edits
            "sarvace": 9,  # two edits, as many items: alphabetical
            "serviced": 90,  # two edits, the stem of "service": one per stem
            "nervce": 99,  # one edit, but the first letter differs
            "sauce": 99,  # three edits
        },
    )
    found = candidates(vocabulary, Unknown(None, "servce"), limit=5)
    assert found == ["service", "serve", "sarvace", "servile"]
    assert candidates(vocabulary, Unknown(None, "servce"), limit=2) == ["service", "serve"]
    assert candidates(vocabulary, Unknown(None, "sevrice"), limit=1) == ["service"]  # a swap
    assert candidates(vocabulary, Unknown(None, "qqqqqq")) == []
    titles = FakeVocabulary("title_words", {"service": 1})
    assert candidates(titles, Unknown("title", "servce")) == ["service"]


def test_rewrite_replaces_only_the_words_of_that_field() -> None:
    text = '(servce OR garden) -napo "the  Servce" title:servce date:2020 servce* x:servce'
    replaced, made = rewrite(text, {Unknown(None, "servce"): "service"})
    assert replaced == (
        '(service OR garden) -napo "the  Service" title:servce date:2020 servce* x:service'
    )
    assert made == (("servce", "service"), ("Servce", "Service"))
    replaced, _ = rewrite(text, {Unknown("title", "servce"): "service"})
    assert replaced == text.replace("title:servce", "title:service")


# -- text_words against the parser --------------------------------------------------------------

PIECES = [
    "servce",
    "garden",
    "-napo",
    "NOT",
    "OR",
    "AND",
    "(",
    ")",
    '"the wheel"',
    '"unclosed',
    "title:wheel",
    'title:"a phrase"',
    "text:river",
    "note:quiet",
    "date:2020",
    "in:post",
    "is:removed",
    "color:yellow",
    "pre*",
    "ground-break*",
    "fuzy~",
    "two-wor~2",
    "foo:bar",
    "name:",
    "title:",
    "http://x.y/z",
    "-",
    "--",
    "café",
    "保护观察",
    '-"minus phrase"',
    "snake_case",
]


def words_of_tree(node: q.Node | None) -> list[tuple[str | None, str]]:
    if node is None:
        return []
    if isinstance(node, q.Words):
        return [(node.field, word) for word in query_words(node.text)]
    if isinstance(node, q.And | q.Or):
        return [w for item in node.items for w in words_of_tree(item)]
    if isinstance(node, q.Not):
        return words_of_tree(node.item)
    return []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=7), st.sampled_from([" ", "  "]))
def test_text_words_finds_exactly_the_words_the_parser_searches(pieces, space) -> None:
    text = space.join(pieces)
    parsed = parse_query(text)
    expected = Counter(words_of_tree(parsed.root))
    found = Counter((at.field, text[at.start : at.end]) for at in text_words(text))
    assert found == expected, (text, parsed.root)


def test_text_words_in_order_with_their_fields() -> None:
    text = '(probation OR parole) officer -napo "the wheel" title:insp* date:2020 is:removed'
    found = [(at.field, text[at.start : at.end]) for at in text_words(text)]
    assert found == [
        (None, "probation"),
        (None, "parole"),
        (None, "officer"),
        (None, "napo"),
        (None, "the"),
        (None, "wheel"),
    ]
