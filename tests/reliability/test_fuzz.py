"""Fuzzed dumps and exports: every parser and the importer report every bad file (with its file
and line) and never raise; the library stays whole whatever they are fed.

The inputs are damaged copies of a plain-text dump and of a small export of every other format
(``tests/unit/formats/samples``, the project's own); each damaged input goes to every parser,
so each parser also meets what the others read."""

from __future__ import annotations

import io
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
from tests.unit.formats.samples import (
    WpComment,
    WpItem,
    blogger_entry,
    blogger_feed,
    message,
)
from tests.unit.formats.samples import disqus as disqus_export
from tests.unit.formats.samples import wxr as wxr_export

FULL = os.environ.get("ARCHIVE_READER_RELIABILITY", "").lower() == "full"
EXAMPLES = 2000 if FULL else 150
FILE_LEVEL = (
    "file is empty",
    "binary data",
    "no posts found",
    "cannot read file",
    "without any entry",  # a Blogger feed that holds none
    "no <disqus> root",
    "no <channel>",
    "zip",  # a zip file that is damaged or refused as a whole
)
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


def export_bases() -> dict[str, bytes]:
    """A small export of each XML and mail format, with replies, to damage."""
    comments = [WpComment(n, f"Comment {n} about the service.", parent=n // 2) for n in range(1, 8)]
    return {
        "wxr": wxr_export(
            [WpItem(1, "A post", content="<p>The body.</p>\n\nMore.", comments=comments)]
        ),
        "blogger": blogger_feed(
            [
                blogger_entry("1", "post", title="P", content="<p>x</p>", total=3),
                blogger_entry("2", "comment", content="c", post="1"),
                blogger_entry("3", "comment", content="r", post="1", parent="2"),
                blogger_entry("4", "comment", content="d", post="1"),
            ]
        ),
        "disqus": disqus_export(
            [("1", "https://e.org/p/x", "T", "2020-01-01T00:00:00Z")],
            [
                {"id": "5", "thread": "1", "message": "<p>a</p>"},
                {"id": "6", "thread": "1", "message": "b", "parent": "5"},
                {"id": "7", "thread": "1", "message": "c", "parent": "6"},
            ],
        ),
        "mbox": message("a@x", "=?utf-8?q?S=C3=BC?=", "body\n>From x")
        + message("b@x", "Re: Sü", "reply", in_reply_to="a@x")
        + message("c@x", "Re: Sü", "another", in_reply_to="b@x"),
    }


@pytest.fixture(scope="module")
def bases(dumps) -> dict[str, bytes]:
    return {"blogtext": dumps["small"].read_bytes(), **export_bases()}


BASE_NAMES = st.sampled_from(["blogtext", "blogtext", "wxr", "blogger", "disqus", "mbox"])


@pytest.fixture(scope="module")
def fuzz_library(tmp_path_factory):
    library = Library.open(tmp_path_factory.mktemp("fuzz") / "library")
    yield library
    library.close()


def _check_error(error: DumpError, path: Path) -> None:
    assert str(error.path).startswith(str(path)), error  # a zip's entry: "file.zip!entry"
    if not any(text in error.message for text in FILE_LEVEL):
        assert error.line is not None and error.line >= 1, error


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(base=BASE_NAMES, steps=MUTATIONS)
def test_every_parser_reports_damaged_input_with_file_and_line(
    rel, bases, tmp_path_factory, base, steps
) -> None:
    path = tmp_path_factory.mktemp("parse") / "fuzzed"
    data = mutate(bases[base], steps)
    path.write_bytes(data)
    try:  # the parser the importer would choose must name the line of what it could not read
        chosen = formats.detect_head(data[: 64 * 1024], path).NAME
    except DumpError:
        chosen = None
    for module in formats.formats():
        report = formats.ParseReport(format=module.NAME, path=path)
        try:
            for _ in module.parse(io.BytesIO(data), report):
                pass
        except DumpError as exc:
            if chosen == module.NAME:
                _check_error(exc, path)
            else:  # not its format at all: a whole-file error is enough, but it names the file
                assert exc.path == path, exc
    rel.COUNTS["fuzzed files parsed"] += 1


@settings(
    max_examples=EXAMPLES // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(base=BASE_NAMES, steps=MUTATIONS)
def test_the_importer_never_raises_and_names_the_file(
    rel, bases, fuzz_library, tmp_path_factory, base, steps
) -> None:
    path = tmp_path_factory.mktemp("import") / "fuzzed"
    path.write_bytes(mutate(bases[base], steps))
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
