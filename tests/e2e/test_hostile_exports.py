"""Hostile XML and HTML through the whole program: import from the command line, the reading
pane's HTML, and every export (HTML, Markdown, PDF).  Nothing runs, nothing loads, no local
file is read, and the library is untouched by a refused file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.formats.samples import WpComment, WpItem, wxr
from tests.unit.formats.test_hostile import BOMB, SECRET, XXE

HOSTILE = (
    '<p>Hello <script>alert("pwned")</script>'
    '<img src="https://tracker.example/pixel.gif" onerror="alert(2)" alt="pixel">'
    '<a href="javascript:alert(3)">click me</a> '
    '<a href="https://safe.example/page" onclick="steal()">a real link</a>'
    '<iframe src="https://evil.example/frame"></iframe>'
    '<form action="https://evil.example/post"><input name="q"></form>'
    '<span style="background:url(https://evil.example/bg.png)">styled</span>'
    "<b>still bold</b></p>"
)
FORBIDDEN = (
    "<script",
    "alert(",
    "onerror",
    "onclick",
    "javascript:",
    "<iframe",
    "<form",
    "<input",
    "evil.example",
    "url(",
    "steal()",
)


def hostile_export(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.xml"
    path.write_bytes(
        wxr(
            [
                WpItem(
                    1,
                    "A hostile thread",
                    content=HOSTILE,
                    comments=[WpComment(2, HOSTILE, author="<b>Mallory</b>")],
                )
            ]
        )
    )
    return path


def assert_defused(text: str, where: str) -> None:
    lowered = text.lower()
    for bad in FORBIDDEN:
        assert bad not in lowered, f"{bad!r} in {where}"


def test_hostile_html_is_inert_in_the_store_the_pane_and_every_export(cli, tmp_path: Path) -> None:
    library = tmp_path / "lib"
    cli(library, "import", str(hostile_export(tmp_path)))
    (post,) = cli.json(library, "dump", "--json")
    comment = post["comments"][0]
    assert "still bold" in comment["text"] and "[image: pixel]" in comment["text"]
    assert comment["author"] == "<b>Mallory</b>"  # a name, shown as text everywhere
    assert_defused(comment["text"], "the stored text")

    from reader.render import PaneHtml, build_document
    from reader.store import Library

    with Library.open(library) as lib:
        thread = lib.thread(post["id"])
        for item in (thread, thread.comments[0]):
            assert item.html is not None
            assert_defused(item.html, "the stored HTML")
            assert "https://tracker.example/pixel.gif" in item.html  # the address, as data
        pane = PaneHtml(build_document(thread)).html
    assert_defused(pane, "the pane")
    assert "<img" not in pane.lower()  # nothing is ever fetched
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in pane  # the author's name escaped
    assert "<b>still bold</b>" in pane  # formatting kept, as the pane's own markup
    assert 'href="https://safe.example/page"' in pane  # a link, opened only on click

    outputs = {}
    for flag, name in (("--html", "t.html"), ("--markdown", "t.md")):
        cli(library, "export", post["id"], flag, str(tmp_path / name))
        outputs[name] = (tmp_path / name).read_text(encoding="utf-8")
        assert_defused(outputs[name], name)
        assert "Mallory" in outputs[name] and "still bold" in outputs[name]
    assert "<img" not in outputs["t.html"].lower()
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in outputs["t.html"]
    pdf = tmp_path / "t.pdf"
    cli(library, "export", post["id"], "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Mallory" in text and "still bold" in text
        assert_defused(text, "the PDF's text")


@pytest.mark.parametrize("kind", ["external entity", "entity bomb"])
def test_hostile_xml_is_refused_and_the_library_is_untouched(cli, tmp_path: Path, kind) -> None:
    library = tmp_path / "lib"
    good = hostile_export(tmp_path)
    cli(library, "import", str(good))
    before = cli(library, "dump", "--json").stdout
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    evil = tmp_path / "evil.xml"
    evil.write_text(XXE.format(path=secret) if kind == "external entity" else BOMB)
    proc = cli(library, "import", str(evil), code=1)
    message = proc.stdout + proc.stderr
    assert "evil.xml" in message and "refused" in message
    assert "Traceback" not in message and SECRET not in message
    assert cli(library, "dump", "--json").stdout == before
    assert SECRET not in before
