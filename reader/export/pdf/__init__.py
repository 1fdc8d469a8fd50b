"""The PDF writer: the Qt flavour of the export HTML laid out by QTextDocument and painted page
by page into a QPdfWriter, with a footer (title, "page N of M") and thin rules beside replies.

The only part of ``reader.export`` that imports PySide6 (the core stays importable without a
display; ``reader.export`` imports this lazily, when a PDF is asked for).

Why paint the pages here instead of ``QTextDocument.print_``: ``print_`` cannot draw a custom
footer, paginates without keeping a comment's number with its text, and QTextDocument ignores
``border-left``, so the reply rules are drawn here from each block's indentation.  Layout is
at 96 dpi (CSS pixels) with design metrics, so ``px`` indents and point sizes mean what they
mean in a browser, whatever the screen.

Threads: call from the GUI thread or a worker thread while a QGuiApplication exists; the CLI
gets one from ``ensure_gui_application`` (offscreen on Linux without a display).
"""

from __future__ import annotations

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
from reader.export.html import RULE_COLOUR, render_html
from reader.export.options import CancelFlag, ExportOptions, Paper, ProgressFn, check_cancel
from reader.export.pdf.fonts import (
    BODY_FAMILIES,
    UI_FAMILIES,
    document_texts,
    ensure_gui_application,
    missing_characters,
    plain_font,
)
from reader.export.pdf.paginate import EPSILON, lay_out_pages, rules
from reader.render.document import ThreadDocument

__all__ = ["PdfResult", "ensure_gui_application", "html_to_pdf", "render_pdf"]

DPI = 96
MARGINS_MM = QMarginsF(20, 18, 20, 14)  # left, top, right, bottom
FOOTER_GAP_PX = 14
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


def html_to_pdf(
    html: str,
    *,
    title: str,
    paper: Paper = "a4",
    font_size_pt: float = 10.5,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> PdfResult:
    """Render export HTML (the ``"qt"`` flavour) to PDF bytes with footers and reply rules.

    Progress goes from 0.3 (laid out) to 0.95 (last page painted); ``cancel`` is polled
    before each page and raises ``ExportCancelled``.
    """
    ensure_gui_application()
    report = progress or (lambda fraction, label: None)
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _writer(buffer, title, paper)
    paint = writer.pageLayout().paintRectPixels(DPI)
    footer_font = plain_font(UI_FAMILIES, 7.5)
    footer_metrics = QFontMetricsF(footer_font, writer)
    width = float(paint.width())
    height = float(paint.height()) - footer_metrics.height() - FOOTER_GAP_PX

    report(None, "Laying out pages")
    doc = build_document(html, width, font_size_pt, writer)
    pages = lay_out_pages(doc, height)
    lines = rules(doc)
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
            painter.save()
            painter.translate(0, -top)
            painter.setClipRect(QRectF(0, top, width, height))
            # Qt paints every line touching the clip: half a pixel inside the page's content
            # keeps the next page's first line (which starts exactly at ``bottom``) out.
            context.clip = QRectF(0, top + EPSILON, width, bottom - top - 2 * EPSILON)
            doc.documentLayout().draw(painter, context)
            painter.setPen(pen)
            for x, y0, y1 in lines:
                if y1 > top and y0 < bottom:
                    painter.drawLine(QLineF(x, max(y0, top), x, min(y1, bottom)))
            painter.restore()
            _footer(
                painter, footer_font, footer_metrics, title, (index + 1, len(pages)), width, height
            )
            report(0.3 + 0.65 * (index + 1) / len(pages), f"Page {index + 1} of {len(pages)}")
    finally:
        painter.end()
    buffer.close()
    return PdfResult(bytes(buffer.data().data()), len(pages))


def _footer(
    painter: QPainter,
    font: QFont,
    metrics: QFontMetricsF,
    title: str,
    page: tuple[int, int],
    width: float,
    height: float,
) -> None:
    """Thread title on the left (elided), "page N of M" on the right, under a hairline."""
    painter.save()
    painter.setFont(font)
    painter.setPen(QPen(Qt.GlobalColor.darkGray, 0.5))
    y = height + FOOTER_GAP_PX / 2
    painter.drawLine(QLineF(0, y, width, y))
    right = f"page {page[0]} of {page[1]}"
    right_width = metrics.horizontalAdvance(right)
    left = metrics.elidedText(title, Qt.TextElideMode.ElideRight, width - right_width - 24)
    baseline = y + FOOTER_GAP_PX / 2 + metrics.ascent()
    painter.drawText(QPointF(0, baseline), left)
    painter.drawText(QPointF(width - right_width, baseline), right)
    painter.restore()


def render_pdf(
    document: ThreadDocument,
    options: ExportOptions,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFlag | None = None,
) -> PdfResult:
    """A thread's document as PDF bytes: its export HTML (Qt flavour), paginated."""
    ensure_gui_application()
    missing = missing_characters(document_texts(document))
    html = render_html(document, options, flavour="qt", missing=missing)
    check_cancel(cancel)
    return html_to_pdf(
        html,
        title=document.title,
        paper=options.resolved_paper(),
        font_size_pt=options.font_size_pt,
        progress=progress,
        cancel=cancel,
    )
