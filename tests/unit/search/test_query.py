"""The query language parser: what each construct means, and that typing mistakes never raise."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search.query import (
    And,
    DateRange,
    Flag,
    Fuzzy,
    Kind,
    Not,
    Or,
    Prefix,
    Words,
    describe,
    match_terms,
    parse_query,
)


def root(text: str):
    parsed = parse_query(text)
    assert not parsed.fallback, parsed.notices
    return parsed.root


def test_plain_words_are_all_required_and_stemmed() -> None:
    assert root("Inspections report") == And(
        (Words(None, ("inspect",), "Inspections"), Words(None, ("report",), "report"))
    )


def test_or_binds_tighter_than_the_implicit_and() -> None:
    node = root("x a OR b")
    assert isinstance(node, And)
    assert node.items[0] == Words(None, ("x",), "x")
    assert isinstance(node.items[1], Or) and len(node.items[1].items) == 2
    assert describe(root("(a OR b) c")) == "(a OR b) c"


def test_not_and_minus_exclude() -> None:
    assert root("-wheel") == Not(Words(None, ("wheel",), "wheel"))
    assert root("NOT wheel") == Not(Words(None, ("wheel",), "wheel"))
    assert describe(root("x -(a b)")) == "x -(a b)"


def test_phrases_keep_order_and_fold_endings() -> None:
    assert root('"Inspection Reports"') == Words(None, ("inspect", "report"), "Inspection Reports")
    assert root("“curly quotes”") == Words(None, ("cur", "quot"), "curly quotes")


def test_hyphenated_words_and_urls_are_phrases() -> None:
    node = root("ground-breaking")
    assert isinstance(node, Words) and node.terms == ("ground", "break")


def test_prefix_fuzzy_and_fields() -> None:
    assert root("inspect*") == Prefix(None, "inspect")
    assert root("Inspecton~") == Fuzzy(None, "inspecton", 2)
    assert root("cat~") == Fuzzy(None, "cat", 1)
    assert root("wheel~1") == Fuzzy(None, "wheel", 1)
    assert root("title:wheel") == Words("title", ("wheel",), "wheel")
    assert root('title:"the wheel"') == Words("title", ("the", "wheel"), "the wheel")
    assert root("TITLE:whe*") == Prefix("title", "whe")
    assert root("note:idea") == Words("note", ("idea",), "idea")


def test_filters() -> None:
    assert root("in:post") == Kind("post")
    assert root("in:comments") == Kind("comment")
    assert root("in:reply") == Kind("reply")
    assert root("is:removed") == Flag("removed")
    year = root("date:2020")
    assert year == DateRange(dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert root("date:2020-02") == DateRange(dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    assert root("date:2020-06-07") == DateRange(dt.date(2020, 6, 7), dt.date(2020, 6, 7))
    assert root("date:2020-01..2020-06") == DateRange(dt.date(2020, 1, 1), dt.date(2020, 6, 30))
    assert root("date:2019..") == DateRange(dt.date(2019, 1, 1), None)
    assert root("date:..2020-06") == DateRange(None, dt.date(2020, 6, 30))
    assert describe(root("date:2020-01..2020-06 in:post")) == "date:2020-01..2020-06 in:post"


def test_reversed_range_is_turned_round_with_a_notice() -> None:
    parsed = parse_query("date:2021..2019")
    assert parsed.root == DateRange(dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    assert not parsed.fallback and "reversed" in parsed.notices[0]


@pytest.mark.parametrize(
    "text", ["date:2020-13", "date:20", "date:2020..x", "in:forum", "is:happy", "color:mauve"]
)
def test_bad_filters_are_dropped_with_a_notice(text: str) -> None:
    parsed = parse_query(f"wheel {text}")
    assert parsed.root == Words(None, ("wheel",), "wheel")
    assert len(parsed.notices) == 1 and not parsed.fallback


@pytest.mark.parametrize(
    ("text", "searched", "reason"),
    [
        ('the "wheel turns', 'the "wheel turns"', "unclosed quote (closed at the end)"),
        ("wheel OR", "wheel", "OR with nothing after"),
        ("OR wheel", "wheel", "OR with nothing before"),
        ("wheel OR OR spins", "wheel OR spins", "OR twice"),
        ("(wheel spins", "wheel spins", "unclosed parenthesis (closed at the end)"),
        ("(probation OR parole", "probation OR parole", "unclosed parenthesis"),
        ("x (a OR (b c", "x (a OR (b c))", "unclosed parenthesis"),
        ("wheel)", "wheel", "closing parenthesis"),
        ("wheel NOT", "wheel", "NOT"),
        ("wheel -", "wheel", "NOT"),
        ("wheel AND", "wheel", "AND with nothing"),
        ("foo:bar", "foo bar", "foo:, which is not a filter"),
        ("writer:smith wheel", "writer smith wheel", "writer:, which is not a filter"),
    ],
)
def test_typing_mistakes_keep_their_meaning(text: str, searched: str, reason: str) -> None:
    parsed = parse_query(text)
    assert parsed.repaired and parsed.fallback
    assert describe(parsed.root) == searched
    assert reason in parsed.notices[0] and f"searched for: {searched}" in parsed.notices[0]


def test_repairs_keep_well_formed_filters() -> None:
    parsed = parse_query('date:2020 in:post "unclosed words')
    assert parsed.repaired
    assert describe(parsed.root) == 'date:2020 in:post "unclosed words"'


def test_links_and_times_are_not_fields() -> None:
    for text in ("https://example.org/wheel", "10:30", "Re: wheel"):
        parsed = parse_query(text)
        assert not parsed.notices, text


def test_a_field_registry_entry_is_all_a_new_filter_needs(monkeypatch) -> None:
    from reader.search import query

    monkeypatch.setitem(query.FILTERS, "status", lambda name, value, notices: Flag(value))
    assert root("status:removed wheel") == And((Flag("removed"), Words(None, ("wheel",), "wheel")))


def test_empty_and_punctuation_only_queries() -> None:
    assert parse_query("").is_empty
    assert parse_query("  ...  ").is_empty
    assert parse_query("*").is_empty and parse_query("*").notices
    for text in ("_", "--", '"', "-", "()"):
        assert parse_query(text).is_empty and parse_query(text).notices, text


def test_cjk_becomes_the_phrase_of_its_bigrams() -> None:
    assert root("保护") == Words(None, ("保护",), "保护")
    assert root("观察制度") == Words(None, ("观察", "察制", "制度"), "观察制度")
    assert root("保") == Words(None, ("保",), "保")
    node = root("用Python")
    assert node == Words(None, ("用", "python"), "用 Python")
    assert root("保护*") == root("保护")


def test_filters_only_query_has_no_text() -> None:
    assert not parse_query("date:2020 in:post").has_text()
    assert parse_query("wheel date:2020").has_text()
    assert not parse_query("-wheel").has_text()


def test_match_terms_leave_out_exclusions_and_mark_phrases_whole() -> None:
    match = match_terms(parse_query('wheel -spins "the hamster" insp*'))
    assert match.terms == frozenset({"wheel"})
    assert match.phrases == ((("the", "hamster"), (0, 1)),)
    assert match.prefixes == ("insp",)
    assert match.matches("inspect", "inspections") and not match.matches("in", "in")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "()-*~:OR NDT|.1209date:in:title:')), max_size=40))
def test_parsing_never_raises(text: str) -> None:
    parsed = parse_query(text)
    describe(parsed.root)
    match_terms(parsed)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parsing_arbitrary_unicode_never_raises(text: str) -> None:
    parse_query(text)
