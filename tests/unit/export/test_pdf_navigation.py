"""The outline and links added to a finished PDF as an incremental update, read back strictly:
titles with characters PDF strings must escape or cannot hold in one byte come back whole."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import IndirectObject

from reader.export.pdf.navigation import Link, OutlineEntry, add_navigation

TITLES = [
    "Plain ASCII title",
    "Brackets (and a lone one) \\ with a backslash",
    "Café — “quoted”, naïve, £2.4m",
    "Beyond one byte: 日本 and þÿ",
]


def _three_pages() -> bytes:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_outline_titles_and_links_read_back_strictly() -> None:
    data = _three_pages()
    outline = [
        OutlineEntry(
            "Annotations",
            0,
            800.0,
            [
                OutlineEntry(TITLES[1], 1, 700.5),
                OutlineEntry(TITLES[2], 2, 12.25),
                OutlineEntry(TITLES[3], 0, 500),
            ],
        ),
        OutlineEntry(TITLES[0], 1, -0.001),
    ]
    links = [Link(0, (56.0, 700.0, 539.0, 712.5), 2, 400.0), Link(0, (56, 680, 539, 692), 1, 300)]
    updated = add_navigation(data, outline, links)
    assert updated.startswith(data)  # appended, nothing Qt wrote is rewritten
    assert b"(Caf\xe9 \x84 \x8dquoted\x8e, na\xefve, \xa32.4m)" in updated  # PDFDocEncoding

    reader = PdfReader(io.BytesIO(updated), strict=True)
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    top = reader.outline
    assert [item.title for item in top if not isinstance(item, list)] == ["Annotations", TITLES[0]]
    children = top[1]
    assert [item.title for item in children] == TITLES[1:]
    assert [reader.get_destination_page_number(item) for item in children] == [1, 2, 0]
    assert float(children[1].top) == 12.25
    assert float(top[2].top) == 0  # a rounded -0.001 is written as 0
    annots = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert [a["/Subtype"] for a in annots] == ["/Link", "/Link"]
    targets = []
    for annot in annots:
        page = annot["/Dest"][0]
        assert isinstance(page, IndirectObject)
        targets.append(reader.get_page_number(reader.get_object(page)))
    assert targets == [2, 1]
    assert [float(v) for v in annots[0]["/Rect"]] == [56.0, 700.0, 539.0, 712.5]


def test_nothing_to_add_returns_the_file_itself() -> None:
    data = _three_pages()
    assert add_navigation(data, [], []) is data
