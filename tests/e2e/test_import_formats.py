"""Every export format imported from the command line, as a user would: one folder holding a
WordPress export, a Blogger backup, a Disqus export, an mbox and a Takeout zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.unit.formats.samples import (
    WpComment,
    WpItem,
    blogger_entry,
    blogger_feed,
    disqus,
    message,
    takeout,
    takeout_entry,
    wxr,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"


def texts(comments: list[dict]) -> list[str]:
    out = []
    for comment in comments:
        out.append(comment["text"])
        out.extend(texts(comment.get("replies", [])))
    return out


def write_exports(folder: Path) -> None:
    folder.mkdir()
    (folder / "wordpress.xml").write_bytes(
        wxr(
            [
                WpItem(
                    1,
                    "From WordPress",
                    comments=[WpComment(2, "wp top"), WpComment(3, "wp reply", parent=2)],
                )
            ]
        )
    )
    (folder / "blog-backup.xml").write_bytes(
        blogger_feed(
            [
                blogger_entry("1", "post", title="From Blogger", content="b"),
                blogger_entry("2", "comment", content="blogger comment", post="1"),
            ]
        )
    )
    (folder / "comments.disqus").write_bytes(
        disqus(
            [("9", "https://e.org/p/d", "From Disqus", "2020-01-01T00:00:00Z")],
            [{"id": "1", "thread": "9", "message": "<p>disqus comment</p>"}],
        )
    )
    (folder / "list.mbox").write_bytes(
        message("a@x", "From the list", "root mail")
        + message("b@x", "Re: From the list", "mail reply", in_reply_to="a@x")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "Takeout/Blogger/Blogs/x/feed.atom",
            takeout(
                [
                    takeout_entry("post-5", "POST", title="From Takeout", content="t"),
                    takeout_entry(
                        "comment-6", "COMMENT", content="takeout comment", parent="post-5"
                    ),
                ]
            ),
        )
        archive.writestr("Takeout/Blogger/Blogs/x/theme.html", "<html></html>")
    (folder / "takeout.zip").write_bytes(buffer.getvalue())
    (folder / "README.txt").write_text("not an archive\n")


def test_every_format_from_one_folder(cli, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    exports = tmp_path / "exports"
    write_exports(exports)
    out = cli(library, "import", str(exports)).stdout
    assert "5 files imported, 0 failed" in out
    posts = {p["title"]: p for p in cli.json(library, "dump", "--json")}
    assert set(posts) == {
        "From WordPress",
        "From Blogger",
        "From Disqus",
        "From the list",
        "From Takeout",
    }
    assert texts(posts["From WordPress"]["comments"]) == ["wp top", "wp reply"]
    assert posts["From WordPress"]["comments"][0]["replies"][0]["text"] == "wp reply"
    assert texts(posts["From Blogger"]["comments"]) == ["blogger comment"]
    assert texts(posts["From Disqus"]["comments"]) == ["disqus comment"]
    assert texts(posts["From the list"]["comments"]) == ["mail reply"]
    assert texts(posts["From Takeout"]["comments"]) == ["takeout comment"]
    again = cli(library, "import", str(exports)).stdout
    assert "0 new posts" in again and "0 new comments" in again


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real export samples not found at {CORPUS}")
def test_real_samples_from_the_command_line(cli, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    out = cli(library, "import", str(CORPUS)).stdout
    assert "6 files imported, 0 failed" in out
    stats = cli.json(library, "stats", "--json")
    # every comment of every sample: Blogger 1 + 22, WordPress 33, Disqus 209, mbox 18 + 6
    assert stats["comments"] + stats["replies"] == 1 + 22 + 33 + 209 + 18 + 6
    assert stats["replies"] == 2 + 10 + 118 + 2 + 1
