"""Issue 14's findings, reproduced through the command line as the issue's tester did them.

Findings 4-6 (read-only folder, two imports at once, a search during an import) and the fault
runs live in ``tests/reliability``; finding 7 (memory) is measured by
``bench/import.py --rss-tree`` and its mechanism tested in ``tests/unit/search``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost

BODY = "First paragraph of the post.\n\nA second paragraph, which the reader highlighted."


def write_dump(path: Path, body: str = BODY, comment: str = "A plain comment.") -> Path:
    post = ParsedPost(
        dt.date(2020, 2, 2),
        "A Post",
        body,
        2,
        [ParsedComment(comment), ParsedComment("Another comment, quite ordinary.")],
    )
    path.write_text(render_post(post), encoding="utf-8")
    return path


@pytest.fixture
def library(cli, tmp_path: Path) -> dict:
    folder = tmp_path / "library"
    cli(folder, "import", str(write_dump(tmp_path / "clean.txt")))
    post = cli.json(folder, "dump", "--json")[0]["id"]
    cli(folder, "annotations", "add", post, "--quote", "the reader highlighted", "--note", "n")
    return {"folder": folder, "post": post, "clean": tmp_path / "clean.txt"}


def test_finding_1_a_damaged_later_dump_does_not_replace_the_text(cli, library, tmp_path):
    folder, post = library["folder"], library["post"]
    text = library["clean"].read_text(encoding="utf-8")
    damaged = tmp_path / "damaged.txt"
    damaged.write_text(text.replace("second paragraph", "second paragraph " + "zanzibar " * 3000))
    proc = cli(folder, "import", str(damaged))
    assert "kept aside" in proc.stdout and f"post {post}" in proc.stdout
    shown = cli.json(folder, "revisions", "show", post, "--json")
    assert [r["shown"] for r in shown] == [True, False] and shown[0]["text"] == BODY
    assert "a line of 27,0" in shown[1]["suspect"]
    (note,) = cli.json(folder, "annotations", "list", "--json")
    assert note["state"] == "exact" and note["exact"] == "the reader highlighted"
    listed = cli.json(folder, "revisions", "list", "--json")
    assert listed == [
        {"item_id": post, "post_id": post, "kind": "post", "revisions": 2, "shown": 1,
         "kept_aside": 1}
    ]  # fmt: skip
    diff = cli(folder, "revisions", "diff", post).stdout
    assert "{+ zanzibar zanzibar" in diff
    assert cli.json(folder, "search", "zanzibar", "--json") == []  # the index has the shown text
    cli(folder, "revisions", "use", post, "2")
    assert cli.json(folder, "revisions", "show", post, "--json")[1]["shown"] is True
    assert [h["post_id"] for h in cli.json(folder, "search", "zanzibar", "--json")] == [post]


def test_finding_2_a_damaged_database_is_one_line_naming_file_and_repair(cli, library):
    folder = library["folder"]
    db = folder / "library.sqlite"
    data = bytearray(db.read_bytes())
    data[len(data) // 3 :] = os.urandom(len(data) - len(data) // 3)
    db.write_bytes(bytes(data))
    for command in (
        ["stats"],
        ["dump", "--json"],
        ["search", "paragraph"],
        ["annotations", "list"],
    ):
        proc = cli(folder, *command, code=None)
        assert proc.returncode == 1, proc.stderr
        (line,) = proc.stderr.strip().splitlines()
        assert "internal error" not in line and str(db) in line
        assert f"archive-reader --library {folder} repair" in line
    report = cli(folder, "repair").stdout
    assert "Recovered:" in report and "moved aside" in report
    assert cli.json(folder, "annotations", "list", "--json")[0]["note"] == "n"
    assert len(cli.json(folder, "dump", "--json")) == 1


def test_finding_3_an_empty_database_is_not_a_new_library(cli, library):
    folder = library["folder"]
    (folder / "library.sqlite").write_bytes(b"")
    proc = cli(folder, "stats", code=1)
    assert "empty (0 bytes), but the folder holds a library" in proc.stderr
    assert "repair" in proc.stderr
    assert (folder / "library.sqlite").stat().st_size == 0  # nothing written over it
    cli(folder, "repair")
    assert cli.json(folder, "stats", "--json")["posts"] == 1


def test_finding_8_overrides_stay_in_their_comment_in_the_export(cli, tmp_path):
    folder = tmp_path / "library"
    dump = write_dump(tmp_path / "rlo.txt", comment="Nice \u202eevil text that never closes")
    cli(folder, "import", str(dump))
    post = cli.json(folder, "dump", "--json")[0]["id"]
    out = tmp_path / "thread.html"
    cli(folder, "export", post, "--html", str(out))
    document = out.read_text(encoding="utf-8")
    assert "[RLO]</span>\u202eevil text that never closes\u202c\u2069</bdi>" in document
    following = document[document.index("</bdi>") :]
    assert "\u202e" not in following and "Another comment, quite ordinary." in following


def test_check_reports_a_whole_library_and_its_backups(cli, library, tmp_path):
    folder = library["folder"]
    cli(folder, "import", str(write_dump(tmp_path / "edit.txt", body=BODY + " More.")))
    result = cli.json(folder, "check", "--json")
    assert result["ok"] and len(result["backups"]) == 1
    assert json.loads(cli(folder, "check", "--json").stdout)["problems"] == []
