"""The posting-block layout of ``whoosh_storage`` (format 5): weights and positions round-trip,
and a block read without positions never decompresses them."""

from __future__ import annotations

import zlib
from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.search import whoosh_storage
from reader.search.whoosh_storage import block_values, block_weights, pack_values, pack_weights


@given(st.lists(st.integers(min_value=1, max_value=70_000), min_size=1, max_size=600))
def test_whole_weights_round_trip(counts: list[int]) -> None:
    weights = array("f", counts)
    assert list(block_weights(pack_weights(weights), len(weights))) == counts


@pytest.mark.parametrize(
    ("weights", "stored"),
    [([1.0, 1.0, 1.0], None), ([3.0, 3.0], 3.0), ([1.0, 2.0, 7.0], bytes([1, 1, 2, 7]))],
)
def test_weights_take_the_smallest_form(weights: list[float], stored: object) -> None:
    assert pack_weights(array("f", weights)) == stored


def test_fractional_weights_stay_floats() -> None:
    weights = array("f", [1.5, 2.0, 0.25])
    packed = pack_weights(weights)
    assert isinstance(packed, tuple)
    assert list(block_weights(packed, 3)) == [1.5, 2.0, 0.25]


@given(st.lists(st.binary(min_size=1, max_size=40), min_size=1, max_size=300))
def test_positions_round_trip_compressed_or_not(values: list[bytes]) -> None:
    packed = pack_values(values)
    assert packed[2] == (len(b"".join(values)) > whoosh_storage.COMPRESS_OVER)
    assert block_values(packed, len(values)) == values
    wanted = list(range(0, len(values), 3))
    assert block_values(packed, len(values), wanted) == [values[i] for i in wanted]


def test_reading_ids_and_weights_does_not_decompress_positions(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """What makes a query without a phrase cheap: only the positions are compressed, and only
    a reader that asks for them decompresses them."""
    from whoosh import index as whoosh_index

    from reader.search.postings import Segment
    from reader.search.schema import make_schema
    from reader.search.segment_writer import FastSegmentWriter

    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = FastSegmentWriter(ix)
    for number in range(3_000):
        writer.add_document(
            _id=f"c{number}", ref=f"c{number} p1 2020-01-01".encode(), kind="comment",
            body=f"the wheel turns {number} times and the hamster runs", date="2020",
        )  # fmt: skip
    writer.commit()
    segment = Segment(whoosh_index.open_dir(str(tmp_path)).reader(), 0)
    fmt = make_schema()["body"].format
    calls = []
    real = zlib.decompress
    monkeypatch.setattr(zlib, "decompress", lambda data, *a: calls.append(1) or real(data, *a))
    blocks = list(segment.blocks("body", fmt, b"wheel", None, False))
    assert sum(len(ids) for ids, _, _ in blocks) == 3_000 and len(blocks) > 1
    assert not calls
    blocks = list(segment.blocks("body", fmt, b"wheel", None, True))
    assert block_values(blocks[0][2], len(blocks[0][0]))[0]
    assert calls
