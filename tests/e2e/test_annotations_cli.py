"""``annotations`` and ``bookmarks`` as scripts meet them, and the crash test: a note added by a
process that is then killed with SIGKILL is there when the library is reopened."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def library(cli, tmp_path: Path, dumps_dir: Path) -> Path:
    folder = tmp_path / "lib"
    cli(folder, "import", str(dumps_dir))
    return folder


def a_comment(cli, library: Path) -> tuple[str, str, str]:
    """A post with comments, one of its comments, and that comment's text."""
    posts = cli.json(library, "dump", "--json")
    post = next(p for p in posts if len(p["comments"]) > 2)
    comment = post["comments"][1]
    return post["id"], comment["id"], comment["text"]


def test_add_list_edit_delete_and_errors(cli, library: Path) -> None:
    post_id, comment_id, text = a_comment(cli, library)
    quote = " ".join(text.split()[:6])
    out = cli(
        library,
        "annotations",
        "add",
        comment_id,
        "--quote",
        quote,
        "--note",
        "Why:\n\nit proves the point",
        "--color",
        "green",
    ).stdout
    annotation_id = out.strip()
    assert annotation_id.startswith("a") and len(annotation_id) == 17
    (listed,) = cli.json(library, "annotations", "list", "--json")
    assert listed["id"] == annotation_id and listed["post_id"] == post_id
    assert listed["exact"].split() == quote.split()
    assert (listed["colour"], listed["state"]) == ("green", "exact")
    assert listed["note"] == "Why:\n\nit proves the point"
    assert annotation_id in cli(library, "annotations", "list", "--post", post_id).stdout
    assert cli.json(library, "annotations", "list", "--json", "--orphans") == []

    missing = cli(library, "annotations", "add", "cdoesnotexist", "--quote", "x", code=1)
    assert missing.stderr == "archive-reader: no post or comment with id 'cdoesnotexist'\n"
    absent = cli(library, "annotations", "add", comment_id, "--quote", "zebra crossing", code=1)
    assert absent.stderr.count("\n") == 1 and "quote was not found" in absent.stderr
    colour = cli(
        library, "annotations", "add", comment_id, "--quote", quote, "--color", "mauve", code=1
    )
    assert "unknown colour 'mauve'" in colour.stderr

    cli(library, "annotations", "edit", annotation_id, "--note", "shorter")
    (listed,) = cli.json(library, "annotations", "list", "--json")
    assert listed["note"] == "shorter"
    cli(library, "annotations", "delete", annotation_id)
    assert cli.json(library, "annotations", "list", "--json") == []
    cli(library, "annotations", "delete", annotation_id, code=1)


def test_bookmarks_add_list_remove(cli, library: Path) -> None:
    post_id, comment_id, _ = a_comment(cli, library)
    cli(library, "bookmarks", "add", post_id)
    cli(library, "bookmarks", "add", comment_id, "--label", "key witness")
    cli(library, "bookmarks", "add", comment_id, "--label", "key witness")  # one per item
    marks = cli.json(library, "bookmarks", "list", "--json")
    assert sorted((m["item_id"], m["label"]) for m in marks) == sorted(
        [(post_id, ""), (comment_id, "key witness")]
    )
    assert all(m["post_id"] == post_id and m["created"].endswith("Z") for m in marks)
    assert "key witness" in cli(library, "bookmarks", "list").stdout
    cli(library, "bookmarks", "remove", comment_id)
    assert len(cli.json(library, "bookmarks", "list", "--json")) == 1
    assert "has no bookmark" in cli(library, "bookmarks", "remove", comment_id, code=1).stderr
    cli(library, "bookmarks", "add", "pnothere", code=1)


def test_export_import_between_machines(
    cli, library: Path, tmp_path: Path, dumps_dir: Path
) -> None:
    post_id, comment_id, text = a_comment(cli, library)
    cli(library, "annotations", "add", comment_id, "--quote", text.split()[0], "--note", "n1")
    cli(library, "annotations", "add", post_id, "--quote", "a", "--color", "pink")
    cli(library, "bookmarks", "add", comment_id, "--label", "L")
    export = tmp_path / "notes.jsonld"
    export.write_text(cli(library, "annotations", "export").stdout, encoding="utf-8")
    data = json.loads(export.read_text(encoding="utf-8"))
    assert data["type"] == "AnnotationCollection" and data["total"] == 3

    elsewhere = tmp_path / "laptop"
    first = cli(elsewhere, "annotations", "import", str(export)).stdout
    assert "2 annotation(s) added" in first and "2 orphaned" in first
    assert len(cli.json(elsewhere, "annotations", "list", "--orphans", "--json")) == 2
    cli(elsewhere, "import", str(dumps_dir))
    cli(elsewhere, "annotations", "reanchor")
    assert cli.json(elsewhere, "annotations", "list", "--orphans", "--json") == []
    second = cli(elsewhere, "annotations", "import", "-", stdin=export.read_text()).stdout
    assert "0 annotation(s) added, 0 updated, 2 already present" in second
    mine = cli.json(library, "annotations", "list", "--json")
    theirs = cli.json(elsewhere, "annotations", "list", "--json")
    assert mine == theirs

    digest = cli(library, "annotations", "export", "--format", "markdown", "--post", post_id)
    assert digest.stdout.startswith("# Annotations") and "> " in digest.stdout
    assert "n1" in digest.stdout
    cli(library, "annotations", "export", "--post", comment_id, code=1)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "not JSON" in cli(library, "annotations", "import", str(bad), code=1).stderr


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from reader.store import Library
    from reader.annotate import store
    from reader import cli
    library = Library.open(sys.argv[1])
    a = store.add_annotation_by_quote(library.conn, sys.argv[2], sys.argv[3],
                                      note="crash-proof").value
    store.add_bookmark(library.conn, sys.argv[2], "kept")
    cli.main(["--library", sys.argv[1], "annotations", "add", sys.argv[2], "--quote",
              sys.argv[3], "--note", "via the CLI"])
    print("ADDED", a.id, flush=True)
    time.sleep(120)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_annotation_survives_sigkill_right_after_the_call(cli, library: Path) -> None:
    _, comment_id, text = a_comment(cli, library)
    quote = " ".join(text.split()[:3])
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(library), comment_id, quote],
        stdout=subprocess.PIPE,
        text=True,
        env=cli.environment(),
        cwd=cli.repo,
    )
    try:
        lines = []
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("ADDED"):
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    added_id = lines[-1].split()[1]
    cli_id = lines[0].strip()
    listed = cli.json(library, "annotations", "list", "--json")
    by_id = {a["id"]: a for a in listed}
    assert by_id[added_id]["note"] == "crash-proof"
    assert by_id[cli_id]["note"] == "via the CLI"
    marks = cli.json(library, "bookmarks", "list", "--json")
    assert [(m["item_id"], m["label"]) for m in marks] == [(comment_id, "kept")]


def test_add_snaps_a_quote_cut_mid_word_to_whole_words(cli, library: Path) -> None:
    _, comment_id, text = a_comment(cli, library)
    words = [w for w in text.split() if w.isalpha() and len(w) > 4][:3]
    assert len(words) >= 2, "the generated comment has long words"
    first, second = words[0], words[1]
    start = text.index(first)
    end = text.index(second, start + len(first)) + len(second)
    quote = text[start + 2 : end - 2]  # cut inside the first and the last word
    added = cli(library, "annotations", "add", comment_id, "--quote", quote)
    (listed,) = cli.json(library, "annotations", "list", "--json")
    assert listed["exact"] == text[start:end]
    assert "(whole words)" in added.stderr and first in added.stderr
