"""Re-anchoring by way of the revision an annotation was made on (``revision_anchor``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.annotate import anchoring, revision_anchor
from reader.annotate.store import locate
from reader.model import Annotation

P = "An opening paragraph about other things entirely, long enough.\n\n"
Q = (
    "Then the board, after a long and careful debate, said the plan is final and binding on"
    " everyone who works here, whatever their grade or their role.\n\n"
)


def annotation_on(text: str, start: int, end: int) -> Annotation:
    quote = anchoring.capture(text, start, end)
    return Annotation("a1", "p1", "p1", quote.exact, quote.prefix, quote.suffix, start, end)


def test_the_revision_decides_between_identical_passages() -> None:
    old = "Preface. " + P + Q
    start = old.index("the plan is final")
    a = annotation_on(old, start, start + len("the plan is final"))
    # the edit drops the preface and repeats both paragraphs above the old text: two identical
    # passages with identical context, and the old offset lands on the new, wrong one; only
    # the revision says which one was highlighted
    new = P + Q + "Quoted above; the original follows.\n\n" + P + Q
    right = len(new) - len(old) + start
    naive, _ = locate(a, new)
    assert naive.start != right  # the old offset alone lands on the wrong copy
    placed, _ = locate(a, new, made_on=old)
    assert (placed.start, placed.state) == (right, "exact")


def test_map_span_through_one_change_and_through_several() -> None:
    old = "alpha beta gamma delta epsilon"
    new = "ALPHA beta gamma delta epsilon zeta"
    at = old.index("gamma")
    assert revision_anchor.map_span(old, new, at, at + 5) == (new.index("gamma"),) * 1 + (
        new.index("gamma") + 5,
    )
    several = "alpha BETA gamma delta EPSILON"
    assert revision_anchor.map_span(old, several, at, at + 5) == (at, at + 5)
    rewritten = "alpha beta GAMMA delta epsilon"
    assert revision_anchor.map_span(old, rewritten, at, at + 5) is None


@given(st.text(alphabet="ab .", max_size=40), st.text(alphabet="ab .", max_size=40))
def test_an_untouched_passage_maps_to_itself(before: str, after: str) -> None:
    middle = "[the passage]"
    old = before + middle + after
    new = before.upper() + "inserted " + middle + after + " appended"
    start = len(before)
    mapped = revision_anchor.map_span(old, new, start, start + len(middle))
    assert mapped is not None and new[mapped[0] : mapped[1]] == middle
