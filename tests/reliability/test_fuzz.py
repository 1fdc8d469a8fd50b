"""Fuzzed dumps: every parser and the importer report every bad file (with its file and line)
and never raise; the library stays whole whatever they are fed."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader import formats
from reader.errors import DumpError
from reader.store import Library
from reader.store.importer import import_file

FULL = os.environ.get("ARCHIVE_READER_RELIABILITY", "").lower() == "full"
EXAMPLES = 2000 if FULL else 150
FILE_LEVEL = ("file is empty", "binary data", "no posts found", "cannot read file")
"""Errors about a whole file, where a line number would mean nothing."""

MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["flip", "insert", "delete", "duplicate", "truncate", "control", "long", "swap"]
        ),
        st.floats(0, 1),
        st.binary(min_size=1, max_size=12),
    ),
    min_size=1,
    max_size=6,
)


def mutate(data: bytes, steps: list[tuple[str, float, bytes]]) -> bytes:
    for op, where, noise in steps:
        at = int(where * len(data))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (noise[0] or 1)]) + data[at + 1 :]
        elif op == "insert":
            data = data[:at] + noise + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + len(noise) * 7 :]
        elif op == "duplicate":
            line_end = data.find(b"\n", at)
            start = data.rfind(b"\n", 0, at) + 1
            if line_end > start:
                data = data[:line_end] + b"\n" + data[start:line_end] + data[line_end:]
        elif op == "truncate":
            data = data[:at]
        elif op == "control":
            data = data[:at] + bytes([noise[0] % 32]) + data[at:]
        elif op == "long":
            data = data[:at] + noise * (20_000 // len(noise)) + data[at:]
        elif op == "swap":
            lines = data.split(b"\n")
            if len(lines) > 2:
                i = int(where * (len(lines) - 1))
                lines[i], lines[-1 - i] = lines[-1 - i], lines[i]
                data = b"\n".join(lines)
    return data


@pytest.fixture(scope="module")
def seed_bytes(dumps) -> bytes:
    return dumps["small"].read_bytes()


@pytest.fixture(scope="module")
def fuzz_library(tmp_path_factory):
    library = Library.open(tmp_path_factory.mktemp("fuzz") / "library")
    yield library
    library.close()


def _check_error(error: DumpError, path: Path) -> None:
    assert error.path == path
    if not any(text in error.message for text in FILE_LEVEL):
        assert error.line is not None and error.line >= 1, error


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=MUTATIONS)
def test_every_parser_reports_damaged_input_with_file_and_line(
    rel, seed_bytes, tmp_path_factory, steps
) -> None:
    path = tmp_path_factory.mktemp("parse") / "fuzzed.txt"
    path.write_bytes(mutate(seed_bytes, steps))
    for module in formats._modules():
        report = formats.ParseReport(format=module.NAME)
        try:
            for _ in module.parse(path, report):
                pass
        except DumpError as exc:
            _check_error(exc, path)
    rel.COUNTS["fuzzed files parsed"] += 1


@settings(
    max_examples=EXAMPLES // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=MUTATIONS)
def test_the_importer_never_raises_and_names_the_file(
    rel, seed_bytes, fuzz_library, tmp_path_factory, steps
) -> None:
    path = tmp_path_factory.mktemp("import") / "fuzzed.txt"
    path.write_bytes(mutate(seed_bytes, steps))
    result = import_file(fuzz_library.conn, path)
    if not result.ok:
        assert result.error and result.error.startswith(str(path)), result.error
    rel.COUNTS["fuzzed files imported"] += 1


def test_the_fuzzed_library_is_whole(rel, fuzz_library) -> None:
    """Runs after the fuzzing above (same module, same library)."""
    db = fuzz_library.paths.database
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
