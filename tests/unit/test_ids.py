"""Stable ids must never change: bookmarks and annotations in users' libraries hang on them.

The golden values below were computed by the first released definition (NFKC, white space
collapsed by ``str.split``, casefold, blake2b-64).  Any faster way of computing them has to give
exactly these strings.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import ids

GOLDEN = [
    (("p0", None, "Agreed.", 0), "c299bb829583d56ba"),
    (("p0", None, "Agreed.", 1), "c9952ef03d9fe53ba"),
    (("p0", "c1", "  Hello\n\nWorld \t again\x1c end  ", 0), "c8b4741814cdc7fb1"),
    (("p0", None, "HELLO world", 0), "cc7cb9267dd009333"),
    (
        ("p0", None, "Caf\u00e9 \u00a0 na\u00efve \uff21 STRASSE stra\u00dfe", 0),
        "c2d798e821f0c2a24",
    ),
    (("p0", None, "", 0), "cd53a2034f9372341"),
    (("p0", None, "line one\r\nline two\x0bthree\x0cfour\x1ffive", 2), "c560a59a160c5a36e"),
]


@pytest.mark.parametrize(("args", "expected"), GOLDEN)
def test_comment_ids_never_change(args: tuple, expected: str) -> None:
    assert ids.comment_id(*args) == expected


def test_post_ids_never_change() -> None:
    assert ids.post_id(dt.date(2020, 10, 29), "  The  Title\u00a0") == "p5de41582da700b58"


def test_sibling_ids_rank_identical_texts() -> None:
    texts = ["Agreed.", "Something else", "agreed.", "Agreed.  "]
    got = ids.sibling_ids("p0", None, texts)
    assert got[0] == "c299bb829583d56ba"
    assert got[2] == "c9952ef03d9fe53ba"  # same normalised text: the second of its kind
    assert got[3] == ids.comment_id("p0", None, "Agreed.", 2)
    assert len(set(got)) == 4


# Every kind of character the fast path treats specially, plus some that it must leave alone.
_ALPHABET = st.sampled_from(
    list(
        "aZ .\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000"
        "\u00e9e\u0301\u00dfK\u212a\uff21\u0130\u03a3\u1100\u1161\ufb01\u2019\x00"
        "\u0b47\u0b3e\u2026\u212b\u0338="
    )
)


@given(st.lists(st.text(_ALPHABET, max_size=30), max_size=6), st.none() | st.just("c1"))
def test_sibling_ids_match_the_reference_definition(texts: list[str], parent: str | None) -> None:
    ranks: dict[str, int] = {}
    expected = []
    for text in texts:
        key = ids.normalise(text)
        expected.append(ids.comment_id_for_key("p9", parent, key, ranks.get(key, 0)))
        ranks[key] = ranks.get(key, 0) + 1
    assert ids.sibling_ids("p9", parent, texts) == expected


@given(st.text(_ALPHABET, max_size=40))
def test_normalised_key_is_normalise_in_utf8(text: str) -> None:
    assert ids.normalised_key(text) == ids.normalise(text).encode("utf-8")


@given(st.lists(st.text(_ALPHABET, max_size=30), max_size=6))
def test_normalised_keys_of_many_equal_one_at_a_time(texts: list[str]) -> None:
    assert ids.normalised_keys(texts) == [ids.normalised_key(text) for text in texts]
