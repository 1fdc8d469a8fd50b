"""Notes, bookmarks and colours are searchable from the moment they are written (issue 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli(library: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def hits(library: Path, query: str) -> list[dict]:
    return json.loads(cli(library, "search", query, "--json", "--limit", "50"))


def test_notes_flags_and_colours_are_searchable_at_once(
    seeded_library_dir: Path, seeded_library
) -> None:
    library = seeded_library_dir
    post = next(p for p in seeded_library.post_summaries() if p.comment_count)
    comment = next(seeded_library.thread(post.id).walk_comments())
    quote = comment.text.split()[0]
    seeded_library.close()
    assert hits(library, "note:zebrafish") == []  # builds the index, before any note exists

    cli(
        library,
        "annotations",
        "add",
        comment.id,
        "--quote",
        quote,
        "--note",
        "Zebrafish evidence for the tribunal",
        "--color",
        "pink",
    )
    found = hits(library, "note:zebrafish")
    assert [h["comment_id"] for h in found] == [comment.id]
    assert [h["comment_id"] for h in hits(library, "color:pink")] == [comment.id]
    assert comment.id in {h["comment_id"] for h in hits(library, "is:annotated")}
    assert hits(library, "is:bookmarked") == []

    cli(library, "bookmarks", "add", comment.id, "--label", "key witness")
    assert [h["comment_id"] for h in hits(library, "is:bookmarked")] == [comment.id]

    annotation_id = json.loads(cli(library, "annotations", "list", "--json"))[0]["id"]
    cli(library, "annotations", "edit", annotation_id, "--note", "Otters instead")
    assert hits(library, "note:zebrafish") == []
    assert [h["comment_id"] for h in hits(library, "note:otters")] == [comment.id]
