"""``archive-reader export`` as a user meets it: real processes, the real annotation commands,
pdftotext on the result, and one clear line (exit 1, no file left) for every way it can fail."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import dumpgen

TITLE = dumpgen.EXPORT_TITLE  # from the Windows-1252 file


@pytest.fixture(scope="module")
def cli(cli):
    """Without DISPLAY and without a Qt platform, as on a server, so the PDF path must choose the
    offscreen platform itself."""
    return cli.without_display()


def flat(text: str) -> str:
    return " ".join(text.split())


def pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install poppler-utils)")
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def seeded(cli, tmp_path_factory: pytest.TempPathFactory, dumps_dir: Path) -> tuple[Path, dict]:
    """A library holding the generated archive, one annotated reply and one bookmarked
    comment."""
    library = tmp_path_factory.mktemp("export-cli") / "lib"
    cli(library, "import", str(dumps_dir))
    posts = cli.json(library, "dump", "--json")
    post = next(p for p in posts if p["title"] == TITLE)
    parent = next(c for c in post["comments"] if len(c["replies"]) >= 3)
    reply = parent["replies"][2]
    words = reply["text"].split()
    quote = " ".join(words[3:7])
    other = next(c for c in post["comments"] if c is not parent and not c["replies"])
    added = cli(
        library, "annotations", "add", reply["id"], "--quote", quote, "--note",
        "Raise this at the hearing", "--colour", "blue",
    )  # fmt: skip
    assert added.returncode == 0
    cli(library, "bookmarks", "add", other["id"], "--label", "for the union rep")
    return library, {"post": post, "parent": parent, "reply": reply, "other": other, "quote": quote}


def first_words(text: str) -> str:
    line = next(ln for ln in text.splitlines() if ln.strip())
    return flat(line)[:28].rstrip("-").rsplit(" ", 1)[0]


def test_pdf_html_markdown_of_an_annotated_thread(cli, seeded, tmp_path: Path, dumps) -> None:
    library, facts = seeded
    post = facts["post"]
    count = dumps.post(TITLE).comment_count
    pdf, html, md = tmp_path / "t.pdf", tmp_path / "t.html", tmp_path / "t.md"
    proc = cli(
        library, "export", post["id"], "--pdf", str(pdf), "--html", str(html),
        "--markdown", str(md), "--paper", "letter",
    )  # fmt: skip
    pattern = rf"Wrote .*t\.pdf \(\d+ pages, {count} of {count} comments, 1 annotation,"
    assert re.search(pattern, proc.stdout)
    text = flat(pdftotext(pdf))
    assert re.match(rf"page 1 of \d+ {re.escape(flat(TITLE))}", text)  # header, then title
    position = 0
    numbered = [(c, str(i)) for i, c in enumerate(post["comments"], start=1)]
    for comment, path in numbered:
        found = text.find(first_words(comment["text"]), position)
        assert found > 0, path
        assert path in text[max(position, found - 80) : found].split(), path  # its heading
        position = found
    quote = flat(facts["quote"])
    assert f"{quote}[1]" in text and f"[1] “{quote}” — Raise this at the hearing" in text
    assert "★ bookmarked: for the union rep" in text

    document = html.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|\bhref=\"(?!#)|url\(", document)
    assert "background-color:#b3e5fc" in document
    assert "Raise this at the hearing" in md.read_text(encoding="utf-8")


def test_annotated_only_holds_the_marked_comments_and_their_parents(
    cli,
    seeded,
    tmp_path: Path,
) -> None:
    library, facts = seeded
    pdf = tmp_path / "only.pdf"
    cli(library, "export", facts["post"]["id"], "--pdf", str(pdf), "--annotated-only", "--endnotes")
    text = flat(pdftotext(pdf))
    keep = {facts["parent"]["id"], facts["reply"]["id"], facts["other"]["id"]}

    def walk(comments: list[dict]):
        for comment in comments:
            yield comment
            yield from walk(comment["replies"])

    for comment in walk(facts["post"]["comments"]):
        assert (first_words(comment["text"]) in text) == (comment["id"] in keep), comment["text"][
            :40
        ]
    assert "(context)" in text  # the reply's parent is there only for context
    notes = text[text.rindex("Notes") :]
    assert "Raise this at the hearing" in notes


def test_a_missing_post_is_one_line_and_no_file(cli, seeded, tmp_path: Path) -> None:
    library, _facts = seeded
    out = tmp_path / "x.pdf"
    proc = cli(library, "export", "pnosuchpost", "--pdf", str(out), code=1)
    assert proc.stderr.strip().splitlines() == ["archive-reader: no post with id 'pnosuchpost'"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing-folder/out.pdf", "does not exist"),
        (".", "it is a folder"),
    ],
)
def test_an_unwritable_path_is_one_line(
    cli,
    seeded,
    tmp_path: Path,
    target: str,
    message: str,
) -> None:
    library, facts = seeded
    proc = cli(library, "export", facts["post"]["id"], "--pdf", str(tmp_path / target), code=1)
    lines = proc.stderr.strip().splitlines()
    assert (
        len(lines) == 1
        and lines[0].startswith("archive-reader: cannot write")
        and message in lines[0]
    )
    assert list(tmp_path.iterdir()) == []


def test_no_format_is_a_usage_error(cli, seeded) -> None:
    library, facts = seeded
    proc = cli(library, "export", facts["post"]["id"], code=1)
    assert "--pdf, --html or --markdown" in proc.stderr


def test_a_full_disk_leaves_the_old_file_and_no_temporary(
    seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In-process, with writes failing as on a full disk (ENOSPC)."""
    from reader import cli as reader_cli
    from reader.export import atomic

    library, facts = seeded
    out = tmp_path / "thread.html"
    out.write_text("the previous export")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def __getattr__(self, name: str):
            return getattr(self.handle, name)

    monkeypatch.setattr(atomic.os, "fdopen", lambda *a, **k: Full(real_fdopen(*a, **k)))
    status = reader_cli.main(
        ["--library", str(library), "export", facts["post"]["id"], "--html", str(out)]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert err == [f"archive-reader: cannot write {out}: the disk is full"]
    assert out.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thread.html"]


def test_handed_over_files_name_the_dump_but_no_folder_or_id(
    cli, seeded, tmp_path: Path, dumps_dir: Path
) -> None:
    """By default the cover names the dump by its file name; ``--with-source-details`` adds
    the full path and the post id.  The summary comes first unless ``--no-summary``."""
    library, facts = seeded
    post_id = facts["post"]["id"]
    quote = flat(facts["quote"])
    for details in (False, True):
        pdf, html, md = tmp_path / f"{details}.pdf", tmp_path / f"{details}.html", tmp_path / "m.md"
        flags = ["--with-source-details"] if details else []
        out = ["--pdf", str(pdf), "--html", str(html), "--markdown", str(md)]
        assert cli(library, "export", post_id, *out, *flags).returncode == 0
        texts = [flat(pdftotext(pdf)), html.read_text(encoding="utf-8"), md.read_text("utf-8")]
        for text in texts:
            assert (str(dumps_dir) in text) == details
            assert (post_id in text) == details
            assert any(dump.name in text for dump in dumps_dir.iterdir())
        pdf_text = texts[0]
        summary = pdf_text.index("Annotations [1]")
        assert summary < pdf_text.index(f"{quote}[1]")
        assert re.search(rf"\[1\] comment [\d.]+ “{re.escape(quote)}” — Raise this at the "
                         r"hearing page \d+", pdf_text)  # fmt: skip
    pdf = tmp_path / "no-summary.pdf"
    assert cli(library, "export", post_id, "--pdf", str(pdf), "--no-summary").returncode == 0
    assert "Annotations [1]" not in flat(pdftotext(pdf))


def test_the_reading_font_of_preferences_is_the_export_font(cli, seeded, tmp_path: Path) -> None:
    library, found = seeded
    post_id = found["post"]["id"]
    config = Path(os.environ["ARCHIVE_READER_CONFIG"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "window.ini").write_text('[typography]\nfont_family="DejaVu Sans"\nfont_size=14\n')
    out = tmp_path / "chosen.html"
    cli(library, "export", post_id, "--html", str(out))
    assert "font-family: 'DejaVu Sans', 'DejaVu Serif'" in out.read_text(encoding="utf-8")
    assert "font-size: 10.5pt" in out.read_text(encoding="utf-8")  # paper, not the screen's
    cli(library, "export", post_id, "--html", str(out), "--font", "Liberation Serif",
        "--font-size", "12")  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "font-family: 'Liberation Serif', 'DejaVu Serif'" in text and "font-size: 12pt" in text
    bad = cli(library, "export", post_id, "--html", str(out), "--font-size", "99", code=1)
    assert "--font-size must be between 5 and 36" in bad.stderr
