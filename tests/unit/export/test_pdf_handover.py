"""A PDF someone else can be handed: cover block, no local path or internal id unless asked,
an outline for the viewer's sidebar, an annotation summary with page numbers and links, note
markers after whole words, a rule between top-level comments and a running header.

Checked the way a reader meets the file: pdftotext (text and word boxes), pdftoppm (pixels),
pdfinfo, and the outline and links read back with pypdf."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from reader.export import export_post

pytestmark = pytest.mark.usefixtures("pdf_app")

FILLER = "Filler sentence to fill the page. " * 14


def flat(text: str) -> str:
    return " ".join(text.split())


def _thread(kit):
    """Twelve top-level comments (every third with two replies), long enough for many pages,
    and three annotations: on the post, on a top-level comment, on a reply."""
    c = kit.comment
    comments = []
    for n in range(1, 13):
        replies = []
        if n % 3 == 0:
            replies = [c(f"{n}.{k}", f"Reply words {n}.{k} here. {FILLER}") for k in (1, 2)]
        comments.append(c(str(n), f"Opening words {n:02d} of this comment. {FILLER}", *replies))
    post = kit.make_post(
        "The council motivates and drives the harbour plan forward this year. " + FILLER,
        *comments,
        title="Harbour plan review",
    )
    texts = {x.id: x.text for x in post.walk_comments()}
    annotations = [
        # ends inside "drives": the marker still goes after the whole word
        kit.annotate("p1", post.body, "motivates and d", "green", "Who decides?"),
        kit.annotate("c7", texts["c7"], "Opening words 07", "pink", "Seventh opening"),
        kit.annotate("c9.2", texts["c9.2"], "Reply words 9.2", "blue", "On the reply"),
    ]
    return post, annotations


@pytest.fixture
def handover(kit, tmp_path: Path):
    post, annotations = _thread(kit)
    out = tmp_path / "handover.pdf"
    result = export_post(post, annotations, [], out, "pdf", kit.options(paper="a4"))
    return post, annotations, out, result


def _page_texts(pdftools, pdf: Path, pages: int) -> list[str]:
    return [flat(pdftools.text(pdf, first=n, last=n)) for n in range(1, pages + 1)]


def _page_with(texts: list[str], needle: str) -> int:
    """0-based page whose text holds ``needle`` (the first one)."""
    return next(n for n, text in enumerate(texts) if needle in text)


def test_cover_names_the_dump_by_file_name_and_keeps_ids_out(handover, pdftools) -> None:
    _post, _annotations, out, result = handover
    text = flat(pdftools.text(out))
    first = flat(pdftools.text(out, first=1, last=1))
    for label in ("Posted", "Comments", "Annotations", "Bookmarks", "Source", "Exported"):
        assert label in first
    assert "Sunday, 7 March 2021" in first and "dump-2021.txt" in first
    assert "2024-05-01 09:30 +0000" in first  # the export date
    assert "20" in first.split() and "3" in first.split()  # comments held, annotations
    assert "/archive" not in text, "no folder of the person who exported it"
    assert not re.search(r"(?<![\w/])p1(?!\w)", text), "no internal post id"
    assert "Post id" not in text
    assert result.pages >= 4


def test_source_details_when_asked(kit, pdftools, tmp_path: Path) -> None:
    post, annotations = _thread(kit)
    out = tmp_path / "details.pdf"
    options = kit.options(with_source_details=True)
    export_post(post, annotations, [], out, "pdf", options)
    text = flat(pdftools.text(out, first=1, last=1))
    assert "/archive/dump-2021.txt" in text and "Post id" in text and "p1" in text.split()


def test_note_markers_follow_whole_words(handover, pdftools) -> None:
    _post, _annotations, out, _result = handover
    text = flat(pdftools.text(out))
    assert "drives[1]" in text
    assert "d[1]rives" not in text
    assert "07[2]" in text and "9.2[3]" in text


def test_summary_at_the_front_gives_each_note_its_page(handover, pdftools) -> None:
    _post, _annotations, out, result = handover
    texts = _page_texts(pdftools, out, result.pages)
    first = texts[0]
    summary = first[first.index("Annotations [1]") :]
    assert first.index("Annotations [1]") < first.index("drives[1]")
    expected = {
        1: ("post", "“motivates and d”", "Who decides?", "drives[1]"),
        2: ("comment 7", "“Opening words 07”", "Seventh opening", "07[2]"),
        3: ("comment 9.2", "“Reply words 9.2”", "On the reply", "9.2[3]"),
    }
    for number, (where, quote, note, marker) in expected.items():
        page = _page_with(texts, marker) + 1
        assert f"[{number}] {where} {quote} — {note} page {page}" in summary, (number, summary)
    assert len({_page_with(texts, e[3]) for e in expected.values()}) == 3, "spread over pages"


def test_summary_rows_link_to_their_pages(handover, pdftools) -> None:
    _post, _annotations, out, result = handover
    texts = _page_texts(pdftools, out, result.pages)
    reader = PdfReader(out, strict=True)
    links = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    links = [a for a in links if a["/Subtype"] == "/Link"]
    assert len(links) == 3
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    pages = sorted(numbers[a["/Dest"][0].idnum] for a in links)
    markers = sorted(_page_with(texts, m) for m in ("drives[1]", "07[2]", "9.2[3]"))
    assert pages == markers


def test_outline_has_the_post_each_top_level_comment_and_each_annotation(
    handover, pdftools
) -> None:
    _post, _annotations, out, result = handover
    texts = _page_texts(pdftools, out, result.pages)
    reader = PdfReader(out, strict=True)
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    outline = reader.outline
    titles = [e.title for e in outline if not isinstance(e, list)]
    assert titles == ["Annotations", "Harbour plan review", "Comments (12)"]
    notes, comments = outline[1], outline[4]
    assert isinstance(notes, list) and isinstance(comments, list)
    assert [e.title.split(" ", 1)[0] for e in notes] == ["[1]", "[2]", "[3]"]
    assert "Who decides?" in notes[0].title and "comment 9.2" in notes[2].title
    for entry, marker in zip(notes, ("drives[1]", "07[2]", "9.2[3]"), strict=True):
        assert reader.get_destination_page_number(entry) == _page_with(texts, marker)
    assert [e.title.split(" ", 1)[0] for e in comments] == [str(n) for n in range(1, 13)]
    for n, entry in enumerate(comments, start=1):
        page = reader.get_destination_page_number(entry)
        assert f"Opening words {n:02d}" in texts[page], (n, page)
    assert reader.get_destination_page_number(outline[2]) == 0  # the post
    assert reader.get_destination_page_number(outline[0]) == 0  # the summary


def test_viewers_read_the_updated_file_cleanly(handover) -> None:
    _post, _annotations, out, result = handover
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert info.stderr == "", info.stderr
    assert f"Pages:           {result.pages}" in info.stdout
    assert out.read_bytes().count(b"%%EOF") == 2, "Qt's file plus one incremental update"


def test_running_header_shows_title_and_page_number(handover, pdftools) -> None:
    _post, _annotations, out, result = handover
    for page in (2, result.pages):
        words = pdftools.words(out, page)
        top = min(y0 for _w, _x0, y0, _x1, _y1 in words)
        header = " ".join(w for w, _x0, y0, _x1, _y1 in words if y0 < top + 3)
        assert header == f"Harbour plan review page {page} of {result.pages}", header
    first = pdftools.words(out, 1)
    top = min(y0 for _w, _x0, y0, _x1, _y1 in first)
    assert " ".join(w for w, _x0, y0, _x1, _y1 in first if y0 < top + 3) == (
        f"page 1 of {result.pages}"
    )


def _dark_rows(pdftools, pdf: Path, page: int, y0: float, y1: float, x0: float, x1: float):
    """Rows (in points) between y0 and y1 where most pixels from x0 to x1 are not white."""
    width, _height, data = pdftools.pixels(pdf, page, dpi=144)
    rows = []
    for y in range(int(y0 * 2), int(y1 * 2)):
        row = [data[(y * width + x) * 3] for x in range(int(x0 * 2), int(x1 * 2))]
        if sum(value < 235 for value in row) > 0.9 * len(row):
            rows.append(y / 2)
    return rows


def test_a_rule_separates_top_level_comments_but_not_replies(
    kit, pdftools, tmp_path: Path, output_dir: Path
) -> None:
    c = kit.comment
    post = kit.make_post(
        "Body text.",
        c("1", "Alpha words end here.", c("1.1", "Bravo reply words.")),
        c("2", "Charlie words begin."),
    )
    out = tmp_path / "rules.pdf"
    export_post(post, [], [], out, "pdf", kit.options(paper="a4"))
    words = pdftools.words(out, 1)
    box = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in words}
    left = min(x0 for _w, x0, _y0, _x1, _y1 in words)
    right = max(x1 for _w, _x0, _y0, x1, _y1 in words)
    between_top = _dark_rows(pdftools, out, 1, box["Bravo"][3], box["Charlie"][1], left, right)
    assert between_top, "a rule between comment 1's thread and comment 2"
    between_reply = _dark_rows(pdftools, out, 1, box["Alpha"][3], box["Bravo"][1], left, right)
    assert not between_reply, "no full-width rule before a reply"
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", str(out),
         str(output_dir / "pdf-rules")],
        check=True,
    )  # fmt: skip


def test_a_page_renders_with_ink(handover, pdftools, output_dir: Path) -> None:
    """Page 1 (cover and summary) and page 2 are drawn, not blank; PNGs left to look at."""
    _post, _annotations, out, _result = handover
    for page in (1, 2):
        width, height, data = pdftools.pixels(out, page, dpi=50)
        dark = sum(1 for i in range(0, len(data), 3) if data[i] < 128)
        assert dark > 0.01 * width * height, page
    subprocess.run(
        ["pdftoppm", "-r", "80", "-f", "1", "-l", "2", "-png", str(out),
         str(output_dir / "pdf-handover")],
        check=True,
    )  # fmt: skip
