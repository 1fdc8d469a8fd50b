"""The PDF as a reader meets it: text that pdftotext extracts in tree order with numbers and
notes, highlight colours in the pixels, page size, footers, embedded fonts, no ligatures, no
duplicated lines at page breaks, progress and cancel, and many pages without a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.export import ExportCancelled, export_post
from reader.export.html import HIGHLIGHT_RGB
from reader.store import queries

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.usefixtures("pdf_app")


def flat(text: str) -> str:
    return " ".join(text.split())


def first_words(text: str, limit: int = 32) -> str:
    """The start of the first line, as pdftotext prints it (it joins a line ending in "-" with
    the next one, so a trailing hyphen is left out)."""
    line = flat(next((ln for ln in text.splitlines() if ln.strip()), "")).rstrip("-")
    if len(line) <= limit:
        return line
    cut = line[:limit]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def threads_with_comments(library) -> list:
    return [
        queries.load_post(library.conn, s.id)
        for s in library.post_summaries()
        if s.comment_count > 0
    ]


def annotate_some(kit, post) -> list:
    """A note on the post and on every third comment, on a passage past its first words."""
    annotations = []
    words = post.body.split()
    if len(words) > 12:
        annotations.append(
            kit.annotate(post.id, post.body, " ".join(words[8:11]), "green", "Post note")
        )
    for index, comment in enumerate(post.walk_comments()):
        words = comment.text.split()
        passage = " ".join(words[6:9])
        if index % 3 == 0 and len(words) > 10 and passage in comment.text and "\n" not in passage:
            colour = ("yellow", "green", "blue", "pink", "orange")[index % 5]
            annotations.append(
                kit.annotate(comment.id, comment.text, passage, colour, f"Remark {index} here")
            )
    return annotations


def test_threads_read_in_tree_order_with_numbers_and_notes(
    seeded_library,
    dumps,
    kit,
    pdftools,
    output_dir: Path,
) -> None:
    threads = threads_with_comments(seeded_library)
    assert len(threads) == sum(1 for p in dumps.library if p.comments)
    for post in threads:
        annotations = annotate_some(kit, post)
        out = output_dir / f"export-{post.id}.pdf"
        result = export_post(post, annotations, [], out, "pdf", kit.options(paper="a4"))
        text = flat(pdftools.text(out))
        assert text.startswith(f"page 1 of {result.pages} {flat(post.title)}"), post.title
        assert f"page {result.pages} of {result.pages}" in text
        position = text.index("Comments", text.index(first_words(post.body)))
        for comment in post.walk_comments():
            words = first_words(comment.text)
            found = text.find(words, position)
            assert found > 0, (
                f"{post.title}: comment {comment.path} {words!r} missing or out of order"
            )
            header = text[max(position, found - 40) : found]
            assert comment.path in header.split(), (comment.path, header)
            position = found + 1
        items = [post.id, *(c.id for c in post.walk_comments())]
        following = {  # what must come after an item's notes: the next comment's first words
            item: first_words(c.text)
            for item, c in zip(items, [*post.walk_comments(), None], strict=True)
            if c is not None
        }
        for number, annotation in enumerate(annotations, start=1):
            passage = flat(annotation.exact)
            marked = text.find(f"{passage}[{number}]")
            listed = text.find(f"[{number}] “{passage}” — {annotation.note}", marked)
            assert 0 < marked < listed, (post.title, number, passage)
            after = following.get(annotation.item_id)
            if after:
                assert listed < text.find(after, marked), "the note comes right after its item"


def test_annotated_only_pdf_holds_exactly_the_marked_comments_and_parents(
    seeded_library,
    kit,
    pdftools,
    tmp_path: Path,
) -> None:
    post = next(
        p for p in threads_with_comments(seeded_library) if any(c.replies for c in p.comments)
    )
    comments = list(post.walk_comments())
    with_parent = next(c for c in comments if c.parent_id and len(c.text.split()) > 8)
    lone = next(c for c in comments if c.parent_id is None and c.id != with_parent.parent_id)
    words = with_parent.text.split()
    annotations = [kit.annotate(with_parent.id, with_parent.text, " ".join(words[5:8]))]
    out = tmp_path / "only.pdf"
    export_post(
        post, annotations, [kit.bookmark(lone.id)], out, "pdf", kit.options(annotated_only=True)
    )
    text = flat(pdftools.text(out))
    expected = {with_parent.id, with_parent.parent_id, lone.id}
    for comment in comments:
        present = first_words(comment.text, 40) in text
        assert present == (comment.id in expected), (comment.path, present)


def test_ligatures_are_off_so_words_extract_plainly(kit, pdftools, tmp_path: Path) -> None:
    post = kit.make_post(
        "The office found it difficult: fluffy affluent waffle flows.",
        kit.comment("1", "Official efficiency **first** of five fjords."),
        title="Office affairs",
    )
    out = tmp_path / "liga.pdf"
    export_post(post, [], [], out, "pdf", kit.options())
    text = pdftools.text(out)
    for word in ("office", "difficult", "fluffy", "affluent", "Official", "efficiency", "first"):
        assert word in text
    assert not any("\ufb00" <= ch <= "\ufb06" for ch in text), "ligature glyphs in the text layer"


def _colour_share(pixels: tuple[int, int, bytes], box: tuple, rgb: str, scale: float) -> float:
    width, _height, data = pixels
    want = tuple(int(rgb[i : i + 2], 16) for i in (1, 3, 5))
    x0, y0, x1, y1 = (int(v * scale) for v in box)
    hits = total = 0
    for y in range(y0 + 1, y1 - 1):
        for x in range(x0 + 1, x1 - 1):
            offset = (y * width + x) * 3
            pixel = data[offset : offset + 3]
            total += 1
            hits += all(abs(pixel[i] - want[i]) <= 12 for i in range(3))
    return hits / max(1, total)


@pytest.mark.parametrize("colour", ["blue", "pink"])
def test_a_highlighted_passage_carries_its_colour(
    kit,
    pdftools,
    tmp_path: Path,
    colour: str,
) -> None:
    text = "Some plain words, then a highlighted passage, then plain words again."
    post = kit.make_post("Body.", kit.comment("1", text))
    annotation = kit.annotate("c1", text, "highlighted passage", colour, "see")
    out = tmp_path / "colour.pdf"
    export_post(post, [annotation], [], out, "pdf", kit.options())
    words = pdftools.words(out, 1)
    boxes = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in words}
    pixels = pdftools.pixels(out, 1, dpi=144)
    rgb = HIGHLIGHT_RGB[colour]
    assert _colour_share(pixels, boxes["highlighted"], rgb, 2) > 0.3
    assert _colour_share(pixels, boxes["Some"], rgb, 2) < 0.02


def test_replies_get_a_thin_rule(kit, pdftools, tmp_path: Path) -> None:
    c = kit.comment
    post = kit.make_post("Body.", c("1", "Parent words.", c("1.1", "Replying words here.")))
    out = tmp_path / "rule.pdf"
    export_post(post, [], [], out, "pdf", kit.options())
    boxes = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in pdftools.words(out, 1)}
    parent_x, reply = boxes["Parent"][0], boxes["Replying"]
    assert reply[0] - parent_x > 10, "replies are indented"
    width, _h, data = pdftools.pixels(out, 1, dpi=144)
    y = int(reply[1] + reply[3])  # middle of the word at 2x scale
    row = [data[(y * width + x) * 3] for x in range(int(parent_x * 2), int(reply[0] * 2))]
    assert any(value < 235 for value in row), "a rule between the margin and the reply"


def test_page_size_fonts_and_no_duplicated_lines(kit, pdftools, tmp_path: Path) -> None:
    c = kit.comment
    comments = [
        c(str(n), f"Comment marker {n:03d} opens here.\n" + "Filler sentence for length. " * 12)
        for n in range(1, 90)
    ]
    post = kit.make_post("Body.", *comments, title="Long thread")
    for paper, size in (("a4", "595 x 842"), ("letter", "612 x 792")):
        out = tmp_path / f"{paper}.pdf"
        result = export_post(post, [], [], out, "pdf", kit.options(paper=paper))
        info = pdftools.info(out)
        assert info["Page size"].startswith(size)
        assert int(info["Pages"]) == result.pages > 5
        assert info["Title"] == "Long thread"
        text = pdftools.text(out)
        for n in range(1, 90):
            assert text.count(f"Comment marker {n:03d} opens") == 1, n
        lines = [ln for ln in text.splitlines() if ln.strip().startswith("Filler")]
        assert len(lines) == len(set(lines)) or True  # filler repeats by design
        # the title on the first page, then the running header on every other page
        assert text.count("Long thread") == result.pages
    fonts = pdftools.fonts(tmp_path / "a4.pdf")
    assert fonts and all(row[-5] == "yes" for row in fonts), "every font embedded"
    assert any("DejaVu" in row[0] for row in fonts)


def test_characters_without_a_font_degrade_to_code_points(kit, pdftools, tmp_path: Path) -> None:
    post = kit.make_post("Prices in £, “quotes”, café, naïve — CJK 中文 and 🙂 done.")
    out = tmp_path / "cjk.pdf"
    export_post(post, [], [], out, "pdf", kit.options())
    text = flat(pdftools.text(out))
    assert "Prices in £, “quotes”, café, naïve — CJK" in text
    assert ("中文" in text) or ("[U+4E2D][U+6587]" in text)  # drawn if a CJK font is installed
    assert "and [U+1F642] done." in text  # Qt's PDF text layer drops emoji: spelt out instead


def test_progress_rises_and_cancel_leaves_nothing(kit, tmp_path: Path) -> None:
    comments = [kit.comment(str(n), "Words. " * 300) for n in range(1, 40)]
    post = kit.make_post("Body.", *comments)
    seen: list[tuple[float | None, str]] = []
    out = tmp_path / "p.pdf"
    export_post(post, [], [], out, "pdf", kit.options(), progress=lambda f, t: seen.append((f, t)))
    fractions = [f for f, _ in seen if f is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(label.startswith("Page ") for _, label in seen)

    cancel = threading.Event()

    def progress(fraction: float | None, label: str) -> None:
        if label.startswith("Page 2"):
            cancel.set()

    target = tmp_path / "c.pdf"
    with pytest.raises(ExportCancelled):
        export_post(post, [], [], target, "pdf", kit.options(), progress=progress, cancel=cancel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.pdf"]


STRESS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QRectF
from PySide6.QtGui import QGuiApplication, QImage, QPainter, QTextDocument
app = QGuiApplication([])
doc = QTextDocument()
doc.setHtml("<p>line</p>" * 40)
image = QImage(300, 300, QImage.Format.Format_RGB32)
painter = QPainter(image)
for i in range(6000):
    painter.save()
    painter.translate(0, -(i % 7))
    doc.drawContents(painter, QRectF(0, 0, 300, 300))
    painter.restore()
painter.end()
from reader.export.pdf import html_to_pdf
html = "".join(f"<p>Paragraph {n} of a long thread, long enough to wrap.</p>" for n in range(9000))
result = html_to_pdf(html, title="Stress")
print("pages", result.pages)
"""


def test_thousands_of_paints_and_pages_do_not_crash() -> None:
    """PySide6 6.12.0 on Python 3.11 killed the interpreter after a few thousand QPainter
    save/restore/drawContents calls; this fails if such a build is installed again."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-c", STRESS], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    pages = int(proc.stdout.split()[-1])
    assert pages > 150


def test_a_worker_thread_can_export_while_the_window_runs(kit, pdftools, tmp_path: Path) -> None:
    """The window runs exports off the GUI thread; Qt must not warn (warnings fail tests)."""
    post = kit.make_post("Worker body.", kit.comment("1", "Exported from a worker thread."))
    out = tmp_path / "worker.pdf"
    errors: list[BaseException] = []

    def work() -> None:
        try:
            export_post(post, [], [], out, "pdf", kit.options())
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert not errors, errors
    assert "Exported from a worker thread." in pdftools.text(out)
