"""PDF export speed: a 300-comment thread with 50 annotations, against Qt printing the same HTML.

    QT_QPA_PLATFORM=offscreen python bench/export.py [--comments 300] [--annotations 50]
                                                      [--runs 5] [--keep DIR]

The export is the whole of ``reader.export.export_post`` to a file (document, HTML, font check,
page-by-page painting with footers and reply rules, atomic write).  The baseline is the same
Qt-flavour HTML straight through ``QTextDocument.setHtml`` and ``print_`` into a ``QPdfWriter``.
Both run in this process after one warm-up each; the medians are compared.  Targets (issue 6):
export <= 1.5 x baseline and <= 3 s.  Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from reader.model import COLOURS, Annotation, Comment, Post  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
FALLBACK = (
    "The Minister’s “ground-breaking” initiative cost £2.4m; staff found it difficult to "
    "see how the office would cope.\n\nA café in Zürich, naïve coöperation, façade — all fine."
)


def sample_texts() -> list[str]:
    """Real comment texts from the seed dumps (curly quotes, £, long paragraphs), if present."""
    texts: list[str] = []
    try:
        from reader import formats

        for path in sorted(SEEDS.glob("*.txt")):
            for post in formats.parse(path):
                stack = list(post.comments or [])
                while stack:
                    comment = stack.pop()
                    if len(comment.text) > 40:
                        texts.append(comment.text)
                    stack.extend(comment.replies)
    except Exception as exc:  # the bench still runs on made-up text
        print(f"(seed texts unavailable: {exc}; using generated text)")
    return texts or [FALLBACK]


def make_thread(comments: int, annotations: int, seed: int = 6) -> tuple[Post, list[Annotation]]:
    """A post with ``comments`` comments (about a third are replies) and annotated passages."""
    rng = random.Random(seed)
    texts = sample_texts()
    post = Post("pbench", dt.date(2021, 3, 7), "Benchmark thread", texts[0], comments)
    made: list[Comment] = []
    top = 0
    while len(made) < comments:
        top += 1
        parent = Comment(f"c{len(made)}", post.id, None, len(made), str(top), rng.choice(texts))
        post.comments.append(parent)
        made.append(parent)
        for n in range(1, rng.choice([0, 0, 1, 2, 3]) + 1):
            if len(made) >= comments:
                break
            reply = Comment(
                f"c{len(made)}", post.id, parent.id, len(made), f"{top}.{n}", rng.choice(texts)
            )
            parent.replies.append(reply)
            made.append(reply)
    notes: list[Annotation] = []
    for index, comment in enumerate(rng.sample(made, annotations)):
        text = comment.text
        start = rng.randrange(0, max(1, len(text) - 30))
        end = min(len(text), start + rng.randrange(8, 30))
        notes.append(
            Annotation(
                f"a{index}",
                comment.id,
                post.id,
                text[start:end],
                text[max(0, start - 32) : start],
                text[end : end + 32],
                start,
                end,
                COLOURS[index % len(COLOURS)],
                f"Note {index}: worth raising at the meeting." if index % 2 else "",
            )
        )
    return post, notes


def time_export(post: Post, notes: list[Annotation], out: Path) -> tuple[float, int | None]:
    from reader.export import ExportOptions, export_post

    started = time.perf_counter()
    result = export_post(post, notes, [], out, "pdf", ExportOptions(paper="a4"))
    return time.perf_counter() - started, result.pages


def time_baseline(html: str, out: Path) -> tuple[float, int]:
    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

    started = time.perf_counter()
    doc = QTextDocument()
    doc.setHtml(html)
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    doc.print_(writer)
    del writer  # finishes the file
    seconds = time.perf_counter() - started
    return seconds, len(re.findall(rb"/Type\s*/Page\b(?!s)", out.read_bytes()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=300)
    parser.add_argument("--annotations", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="leave the two PDFs in DIR")
    args = parser.parse_args()

    from reader.export.html import render_html
    from reader.export.options import ExportOptions
    from reader.export.pdf import ensure_gui_application
    from reader.render import build_document

    ensure_gui_application()
    post, notes = make_thread(args.comments, args.annotations)
    document = build_document(post, annotations=notes)
    html = render_html(document, ExportOptions(paper="a4"), flavour="qt")
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    ours_pdf, base_pdf = folder / "export.pdf", folder / "baseline.pdf"

    time_export(post, notes, ours_pdf)  # warm-up: fonts, first layout
    time_baseline(html, base_pdf)
    ours, base = [], []
    pages = base_pages = 0
    for _ in range(args.runs):
        seconds, pages = time_export(post, notes, ours_pdf)
        ours.append(seconds)
        seconds, base_pages = time_baseline(html, base_pdf)
        base.append(seconds)

    ours_s, base_s = statistics.median(ours), statistics.median(base)
    ratio = ours_s / base_s
    print(f"thread: {args.comments} comments, {args.annotations} annotations, {len(html):,} chars")
    print(
        f"export   (reader.export, PDF): {ours_s:6.3f} s median of {args.runs}, {pages} pages, "
        f"{ours_pdf.stat().st_size:,} bytes"
    )
    print(
        f"baseline (setHtml + print_):   {base_s:6.3f} s median of {args.runs}, {base_pages} pages,"
        f" {base_pdf.stat().st_size:,} bytes"
    )
    ok_ratio, ok_time = ratio <= 1.5, ours_s <= 3.0
    print(f"ratio export/baseline: {ratio:.2f} (target <= 1.5: {'ok' if ok_ratio else 'MISSED'})")
    print(f"export time: {ours_s:.3f} s (target <= 3 s: {'ok' if ok_time else 'MISSED'})")
    if args.keep:
        print(f"PDFs left in {folder}")
    return 0 if ok_ratio and ok_time else 1


if __name__ == "__main__":
    sys.exit(main())
