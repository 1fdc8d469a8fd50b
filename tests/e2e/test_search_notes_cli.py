"""Notes, bookmarks and colours are searchable from the moment they are written (issue 5)."""

from __future__ import annotations

from pathlib import Path


def hits(cli, library: Path, query: str) -> list[dict]:
    return cli.json(library, "search", query, "--json", "--limit", "50")


def test_notes_flags_and_colours_are_searchable_at_once(
    cli, seeded_library_dir: Path, seeded_library
) -> None:
    library = seeded_library_dir
    post = next(p for p in seeded_library.post_summaries() if p.comment_count)
    comment = next(seeded_library.thread(post.id).walk_comments())
    quote = comment.text.split()[0]
    seeded_library.close()
    assert hits(cli, library, "note:zebrafish") == []  # builds the index, before any note exists

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
    found = hits(cli, library, "note:zebrafish")
    assert [h["comment_id"] for h in found] == [comment.id]
    assert [h["comment_id"] for h in hits(cli, library, "color:pink")] == [comment.id]
    assert comment.id in {h["comment_id"] for h in hits(cli, library, "is:annotated")}
    assert hits(cli, library, "is:bookmarked") == []

    cli(library, "bookmarks", "add", comment.id, "--label", "key witness")
    assert [h["comment_id"] for h in hits(cli, library, "is:bookmarked")] == [comment.id]

    annotation_id = cli.json(library, "annotations", "list", "--json")[0]["id"]
    cli(library, "annotations", "edit", annotation_id, "--note", "Otters instead")
    assert hits(cli, library, "note:zebrafish") == []
    assert [h["comment_id"] for h in hits(cli, library, "note:otters")] == [comment.id]
