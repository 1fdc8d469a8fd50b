"""Reply trees from flat parent pointers, checked against the pointers themselves."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.formats import ParseReport, threads
from reader.formats.threads import Flat
from reader.model import ParsedComment


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 40)), max_size=40), st.randoms())
def test_every_comment_placed_once_under_its_parent_when_it_can_be(parents, rng) -> None:
    items = [
        Flat(str(i), None if p is None else str(p), ParsedComment(text=str(i)))
        for i, p in enumerate(parents)
    ]
    rng.shuffle(items)
    wanted = {item.key: item.parent for item in items}
    roots = threads.build(items, ParseReport())
    seen: dict[str, str | None] = {}

    def walk(comment: ParsedComment, parent: str | None, depth: int) -> None:
        assert comment.text not in seen
        seen[comment.text] = parent
        assert depth < threads.MAX_DEPTH
        for reply in comment.replies:
            walk(reply, comment.text, depth + 1)

    for root in roots:
        walk(root, None, 0)
    assert set(seen) == set(wanted)
    for key, parent in seen.items():
        if parent is not None:
            assert wanted[key] == parent  # nobody is put under a comment it did not name


def test_siblings_by_time_then_file_order() -> None:
    def at(hour: int) -> dt.datetime:
        return dt.datetime(2020, 1, 1, hour, tzinfo=dt.UTC)

    items = [
        Flat("a", None, ParsedComment(text="late", published=at(9))),
        Flat("b", None, ParsedComment(text="undated")),
        Flat("c", None, ParsedComment(text="early", published=at(8))),
        Flat("d", None, ParsedComment(text="early too", published=at(8))),
    ]
    assert [c.text for c in threads.build(items, ParseReport())] == [
        "early",
        "early too",
        "late",
        "undated",
    ]


def test_very_deep_chains_are_cut_at_max_depth() -> None:
    count = threads.MAX_DEPTH + 50
    items = [
        Flat(str(i), str(i - 1) if i else None, ParsedComment(text=str(i))) for i in range(count)
    ]
    report = ParseReport()
    roots = threads.build(items, report)
    depth, node = 0, roots[0]
    while node.replies:
        assert depth < threads.MAX_DEPTH
        if len(node.replies) > 1:
            break
        node, depth = node.replies[0], depth + 1
    assert sum(1 for r in roots for _ in r.walk()) == count
    assert any("deep" in w for w in report.warnings)
