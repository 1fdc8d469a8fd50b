"""The PDF writer: the Qt flavour of the export HTML laid out by QTextDocument and painted page
by page into a QPdfWriter, with a running header (thread title, "page N of M"), thin rules
beside replies and between top-level comments, then an outline for the viewer's sidebar and
links from the annotation summary to the pages (``navigation``, with pypdf).

The only part of ``reader.export`` that imports PySide6 (the core stays importable without a
display; ``reader.export`` imports this lazily, when a PDF is asked for).

Why paint the pages here instead of ``QTextDocument.print_``: ``print_`` cannot draw a custom
header, paginates without keeping a comment's number with its text, and QTextDocument ignores
``border-left``, so the reply rules are drawn here from each block's indentation.  Layout is
at 96 dpi (CSS pixels) with design metrics, so ``px`` indents and point sizes mean what they
mean in a browser, whatever the screen.

Threads: call from the GUI thread or a worker thread while a QGuiApplication exists; the CLI
gets one from ``ensure_gui_application`` (offscreen on Linux without a display).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLineF, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
)

from reader import __version__
from reader.errors import ReaderError
from reader.export.html import (
    ITEM_ANCHOR,
    MARK_ANCHOR,
    PAGEREF_ANCHOR,
    RULE_COLOUR,
    SUMMARY_ANCHOR,
    place_text,
    render_html,
)
from reader.export.options import CancelFlag, ExportOptions, Paper, ProgressFn, check_cancel
from reader.export.pdf.fonts import (
    BODY_FAMILIES,
    UI_FAMILIES,
    document_texts,
    ensure_gui_application,
    missing_characters,
    plain_font,
)
from reader.export.pdf.layout_marks import PageRef, Place, find_places, page_of, page_refs
from reader.export.pdf.navigation import Link, OutlineEntry, add_navigation
from reader.export.pdf.paginate import EPSILON, lay_out_pages, rules
from reader.render.document import ThreadDocument

__all__ = ["PdfResult", "ensure_gui_application", "html_to_pdf", "render_pdf"]

DPI = 96
MARGINS_MM = QMarginsF(20, 14, 20, 16)  # left, top, right, bottom
HEADER_GAP_PX = 14
TOP_RULE_ABOVE_PX = 9  # the rule between top-level comments: this far above the heading line
OUTLINE_TITLE_CHARS = 72
PAGEREF_COLOUR = "#444444"
POINTS_PER_PX = 72 / DPI
_PAPER = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}


@dataclass(slots=True, frozen=True)
class PdfResult:
    data: bytes
    pages: int


def build_document(
    html: str, width: float, font_size_pt: float, device: QPdfWriter | None = None
) -> QTextDocument:
    """The HTML laid out ``width`` CSS pixels wide as one long page.

    ``device`` (resolution ``DPI``) is set before the HTML goes in so the layout happens once.
    """
    doc = QTextDocument()
    if device is not None:
        doc.documentLayout().setPaintDevice(device)
    doc.setUseDesignMetrics(True)
    doc.setDefaultFont(plain_font(BODY_FAMILIES, font_size_pt))
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    doc.setDocumentMargin(0)
    doc.setTextWidth(width)
    doc.setHtml(html)
    return doc


def _writer(buffer: QBuffer, title: str, paper: Paper) -> QPdfWriter:
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator(f"Archive Reader {__version__}")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(_PAPER[paper]),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    return writer


@dataclass(slots=True)
class _Frame:
    """Where the content sits on every page: the size of the content box in CSS pixels and its
    offset from the paper's top-left corner in points (for outline and link positions)."""

    width: float
    height: float
    header: float  # px from the top of the paint rect to the content
    left_pt: float
    top_pt: float
    paper_height_pt: float

    def pdf_y(self, y: float, page_top: float) -> float:
        """Document y (px) on a page starting at ``page_top`` -> PDF y (points from the bottom)."""
        return self.paper_height_pt - self.top_pt - (self.header + y - page_top) * POINTS_PER_PX

    def pdf_x(self, x: float) -> float:
        return self.left_pt + x * POINTS_PER_PX


def html_to_pdf(
    html: str,
    *,
    title: str,
    paper: Paper = "a4",
    font_size_pt: float = 10.5,
    document: ThreadDocument | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> PdfResult:
    """Render export HTML (the ``"qt"`` flavour) to PDF bytes with a running header, reply rules
    and rules between top-level comments.  Given the ``document`` the HTML was written from,
    the PDF also gets an outline (post, top-level comments, annotations) and the summary's page
    numbers and links.

    Progress goes from 0.3 (laid out) to 0.95 (last page painted); ``cancel`` is polled
    before each page and raises ``ExportCancelled``.
    """
    ensure_gui_application()
    report = progress or (lambda fraction, label: None)
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _writer(buffer, title, paper)
    layout = writer.pageLayout()
    paint = layout.paintRectPixels(DPI)
    header_font = plain_font(UI_FAMILIES, 7.5)
    header_metrics = QFontMetricsF(header_font, writer)
    header = header_metrics.height() + HEADER_GAP_PX
    paint_pt = layout.paintRectPoints()
    frame = _Frame(
        width=float(paint.width()),
        height=float(paint.height()) - header,
        header=header,
        left_pt=float(paint_pt.left()),
        top_pt=float(paint_pt.top()),
        paper_height_pt=float(layout.fullRectPoints().height()),
    )
    width, height = frame.width, frame.height

    report(None, "Laying out pages")
    doc = build_document(html, width, font_size_pt, writer)
    pages = lay_out_pages(doc, height)
    lines = rules(doc)
    places = find_places(doc, _wanted(document))
    tops = [top for top, _bottom in pages]
    refs = page_refs(doc, places, pages)
    ref_font = plain_font(UI_FAMILIES, 8.5)
    ref_metrics = QFontMetricsF(ref_font, writer)
    top_rules = _top_level_rules(document, places) if document is not None else []
    check_cancel(cancel)

    painter = QPainter()
    if not painter.begin(writer):
        raise ReaderError("cannot start the PDF writer")
    try:
        pen = QPen(QColor(RULE_COLOUR), 0.75)
        context = QAbstractTextDocumentLayout.PaintContext()
        for index, (top, bottom) in enumerate(pages):
            check_cancel(cancel)
            if index:
                writer.newPage()
            _header(painter, header_font, header_metrics, title, (index + 1, len(pages)), width)
            painter.save()
            painter.translate(0, header - top)
            painter.setClipRect(QRectF(0, top, width, height))
            # Qt paints every line touching the clip: half a pixel inside the page's content
            # keeps the next page's first line (which starts exactly at ``bottom``) out.
            context.clip = QRectF(0, top + EPSILON, width, bottom - top - 2 * EPSILON)
            doc.documentLayout().draw(painter, context)
            painter.setPen(pen)
            for x, y0, y1 in lines:
                if y1 > top and y0 < bottom:
                    painter.drawLine(QLineF(x, max(y0, top), x, min(y1, bottom)))
            for y in top_rules:
                if top + EPSILON < y < bottom:
                    painter.drawLine(QLineF(0, y, width, y))
            _page_numbers(painter, ref_font, ref_metrics, [r for r in refs if r.page == index],
                          width)  # fmt: skip
            painter.restore()
            report(0.3 + 0.65 * (index + 1) / len(pages), f"Page {index + 1} of {len(pages)}")
    finally:
        painter.end()
    buffer.close()
    data = bytes(buffer.data().data())
    if document is not None:
        outline = _outline(document, places, tops, frame)
        links = _summary_links(refs, tops, frame)
        data = add_navigation(data, outline, links)
    return PdfResult(data, len(pages))


def _header(
    painter: QPainter,
    font: QFont,
    metrics: QFontMetricsF,
    title: str,
    page: tuple[int, int],
    width: float,
) -> None:
    """The running header: thread title on the left (elided; not on the first page, where the
    title is printed large), "page N of M" on the right, over a hairline."""
    painter.save()
    painter.setFont(font)
    painter.setPen(QPen(Qt.GlobalColor.darkGray, 0.5))
    right = f"page {page[0]} of {page[1]}"
    right_width = metrics.horizontalAdvance(right)
    baseline = metrics.ascent()
    if page[0] > 1:
        left = metrics.elidedText(title, Qt.TextElideMode.ElideRight, width - right_width - 24)
        painter.drawText(QPointF(0, baseline), left)
    painter.drawText(QPointF(width - right_width, baseline), right)
    y = metrics.height() + HEADER_GAP_PX / 2
    painter.drawLine(QLineF(0, y, width, y))
    painter.restore()


def _wanted(document: ThreadDocument | None) -> Callable[[str], bool]:
    """Which named places the PDF needs: the post's and top-level comments' headings, note
    markers, the summary and its page cells (not every reply's heading)."""
    items = {f"{ITEM_ANCHOR}0"}
    if document is not None:
        items.update(f"{ITEM_ANCHOR}{item.index}" for item in document.comments if not item.depth)
    prefixes = (MARK_ANCHOR, PAGEREF_ANCHOR, SUMMARY_ANCHOR)

    def wanted(name: str) -> bool:
        return name in items or name.startswith(prefixes)

    return wanted


def _top_level_rules(document: ThreadDocument, places: dict[str, Place]) -> list[float]:
    """Where a thin rule separates one top-level comment from the one before (document y)."""
    found = []
    first = True
    for item in document.comments:
        if item.depth:
            continue
        place = places.get(f"{ITEM_ANCHOR}{item.index}")
        if place is None:
            continue
        if not first:
            found.append(place.y - TOP_RULE_ABOVE_PX)
        first = False
    return found


def _short(text: str, limit: int = OUTLINE_TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _entry(title: str, place: Place, tops: list[float], frame: _Frame) -> OutlineEntry:
    page = page_of(tops, place.y)
    return OutlineEntry(_short(title), page, frame.pdf_y(place.y, tops[page]) + 4)


def _outline(
    document: ThreadDocument, places: dict[str, Place], tops: list[float], frame: _Frame
) -> list[OutlineEntry]:
    """The sidebar: the post, each top-level comment (under "Comments"), each annotation
    (under "Annotations", which opens the summary when there is one)."""
    outline: list[OutlineEntry] = []
    notes = []
    for note in document.notes:
        place = places.get(f"{MARK_ANCHOR}{note.number}")
        if place is None:
            continue
        bits = [f"[{note.number}] {place_text(note)}"]
        if note.quote:
            bits.append(f"“{_short(note.quote, 40)}”")
        if note.text.strip():
            bits.append(note.text)
        title = ": ".join(bits[:2]) + "".join(f" — {bit}" for bit in bits[2:])
        notes.append(_entry(title, place, tops, frame))
    if notes:
        summary = places.get(SUMMARY_ANCHOR)
        head = (
            _entry("Annotations", summary, tops, frame)
            if summary is not None
            else OutlineEntry("Annotations", notes[0].page, notes[0].top)
        )
        head.children = notes
        outline.append(head)
    post = places.get(f"{ITEM_ANCHOR}0")
    if post is not None:
        outline.append(_entry(document.title, post, tops, frame))
    comments = []
    for item in document.comments:
        place = places.get(f"{ITEM_ANCHOR}{item.index}")
        if item.depth or place is None:
            continue
        who = f" {item.author}" if item.author else ""
        first_line = next((line for line in item.text.splitlines() if line.strip()), "")
        comments.append(_entry(f"{item.path}{who} — {first_line}", place, tops, frame))
    if comments:
        first = comments[0]
        outline.append(
            OutlineEntry(f"Comments ({len(comments):,})", first.page, first.top, comments)
        )
    return outline


def _page_numbers(
    painter: QPainter, font: QFont, metrics: QFontMetricsF, refs: list[PageRef], width: float
) -> None:
    """The page of each summary paragraph's passage, a word space after its last word (in the
    right margin those paragraphs keep when the line is full): text extraction then reads it
    as the paragraph's last words, where a right-aligned column comes out as a block apart."""
    if not refs:
        return
    painter.save()
    painter.setFont(font)
    painter.setPen(QColor(PAGEREF_COLOUR))
    gap = metrics.horizontalAdvance(" ") * 1.5
    for ref in refs:
        x = min(ref.end + gap, width - metrics.horizontalAdvance(ref.label))
        painter.drawText(QPointF(x, ref.baseline), ref.label)
    painter.restore()


def _summary_links(refs: list[PageRef], tops: list[float], frame: _Frame) -> list[Link]:
    """A link over each summary paragraph to its passage."""
    return [
        Link(
            ref.page,
            (
                frame.pdf_x(0),
                frame.pdf_y(ref.bottom, tops[ref.page]),
                frame.pdf_x(frame.width),
                frame.pdf_y(ref.top, tops[ref.page]),
            ),
            ref.target_page,
            frame.pdf_y(ref.target_y, tops[ref.target_page]) + 4,
        )
        for ref in refs
    ]


def render_pdf(
    document: ThreadDocument,
    options: ExportOptions,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> PdfResult:
    """A thread's document as PDF bytes: its export HTML (Qt flavour), paginated, with an
    outline and the summary's page references."""
    ensure_gui_application()
    missing = missing_characters(document_texts(document))
    html = render_html(document, options, flavour="qt", missing=missing)
    check_cancel(cancel)
    return html_to_pdf(
        html,
        title=document.title,
        paper=options.resolved_paper(),
        font_size_pt=options.font_size_pt,
        document=document,
        progress=progress,
        cancel=cancel,
    )
