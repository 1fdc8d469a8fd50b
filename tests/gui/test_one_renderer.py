"""One renderer: the reading pane and the exports mark exactly the same characters.

Comments are generated from a few repeated phrases, highlights are made on the n-th
occurrence of a phrase (as the reader would select it), then the same thread is shown in the
real ``ReadingPane`` and written as the HTML export (both flavours: the browser file and the
PDF's source).  The characters each shows highlighted, and in which colour, are read back from
what each produced — Qt's document for the pane, the HTML for the exports — and must agree with
each other and with the n-th occurrence itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.annotate import anchoring
from reader.annotate.store import place
from reader.export.html import HIGHLIGHT_RGB, render_html
from reader.export.options import ExportOptions
from reader.model import COLOURS, Annotation, Comment, Post
from reader.render import LIGHT, PaneHtml, build_document, paragraph_spans
from reader.ui.reading import ReadingPane
from reader.ui.textmap import align

PHRASES = ("the wheel turns", "probation", "it is not", "ok", "wheel")
FILLERS = ("and", "so", "then,", "again.", "\n", "\n\n", "officer", "the")
Marked = dict[tuple[str, int], str]  # (item id, offset) -> colour name


def texts() -> st.SearchStrategy[str]:
    pieces = st.lists(st.sampled_from(PHRASES + FILLERS), min_size=1, max_size=24)
    return pieces.map(lambda words: " ".join(words).strip() or "ok")


@st.composite
def threads(draw: st.DrawFn) -> tuple[Post, list[Annotation], dict[str, tuple[str, int]]]:
    """A post with comments and replies, and highlights on the n-th occurrence of phrases."""
    comments = []
    for top in range(draw(st.integers(1, 4))):
        replies = [
            Comment(f"c{top}.{r}", "p", f"c{top}", r + 1, f"{top + 1}.{r + 1}", draw(texts()))
            for r in range(draw(st.integers(0, 2)))
        ]
        comments.append(Comment(f"c{top}", "p", None, top + 1, str(top + 1), draw(texts()),
                                replies=replies))  # fmt: skip
    post = Post("p", dt.date(2021, 3, 7), "Wheels", draw(texts()), None, comments=comments)
    items = {post.id: post.body} | {c.id: c.text for c in post.walk_comments()}
    annotations, chosen = [], {}
    for number in range(draw(st.integers(1, 8))):
        # often the post's body: overlapping highlights (drawn newest on top) are likelier
        item_id = draw(st.sampled_from([post.id, post.id, *sorted(items)]))
        text = items[item_id]
        phrase = draw(st.sampled_from(PHRASES))
        starts = [i for i in range(len(text)) if text.startswith(phrase, i)]
        if not starts:
            continue
        n = draw(st.integers(0, len(starts) - 1))
        start = starts[n]
        quote = anchoring.capture(text, start, start + len(phrase))
        stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=number)
        annotation = Annotation(
            f"a{number}", item_id, post.id, quote.exact, quote.prefix, quote.suffix,
            start, start + len(phrase), draw(st.sampled_from(COLOURS)), created=stamp,
        )  # fmt: skip
        if draw(st.booleans()):  # stored offsets gone stale: the quote has to find it
            annotation = dataclasses.replace(annotation, start=0, end=0)
        annotations.append(annotation)
        chosen[annotation.id] = (item_id, start)
    return post, annotations, chosen


def pane_marks(pane: ReadingPane, document) -> Marked:
    """Highlighted characters as the pane's Qt document shows them, mapped to raw offsets."""
    colour_of = {value.lower(): name for name, value in LIGHT.highlights.items()}
    marked: Marked = {}
    block = pane.document().begin()
    by_item: dict[int, list] = {}
    while block.isValid():
        by_item.setdefault(block.userState(), []).append(block)
        block = block.next()
    for n, item_id in enumerate(document.items):
        raw = document.text_of(n)
        ranges = paragraph_spans(raw)
        body = by_item[n][len(by_item[n]) - len(ranges) :]
        for qt_block, (start, end) in zip(body, ranges, strict=True):
            offsets = align(qt_block.text(), raw, start, end)
            fragments = qt_block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                colour = colour_of.get(fragment.charFormat().background().color().name())
                first = fragment.position() - qt_block.position()
                for i in range(first, first + fragment.length()):
                    if colour and i < len(offsets) and offsets[i] is not None:
                        marked[(item_id, offsets[i])] = colour
                fragments += 1
    return marked


class _ExportReader(HTMLParser):
    """The export's body paragraphs per item, and which of their characters are highlighted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.item: str | None = None
        self.paragraphs: dict[str, list[list[tuple[str, str | None]]]] = {}
        self._in_body_p = False
        self._colours: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "div" and attr.get("id", "").startswith(("post", "c-")):
            self.item = attr["id"]
        elif tag == "p" and self.item and attr.get("class") in (None, "removed"):
            self._in_body_p = True
            self.paragraphs.setdefault(self.item, []).append([])
        elif tag == "sup":
            self._skip += 1
        elif tag == "span" and self._in_body_p:
            style = attr.get("style") or ""
            self._colours.append(style.removeprefix("background-color:") if style else None)
        elif tag == "br" and self._in_body_p:
            self.paragraphs[self.item][-1].append(("\n", self._colour()))  # type: ignore[index]

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_body_p = False
        elif tag == "sup":
            self._skip -= 1
        elif tag == "span" and self._in_body_p:
            self._colours.pop()

    def handle_data(self, data: str) -> None:
        if self._in_body_p and not self._skip and self.item:
            text = data[1:] if data.startswith("\n") else data  # the one after a <br>
            self.paragraphs[self.item][-1].append((text, self._colour()))

    def _colour(self) -> str | None:
        return next((c for c in reversed(self._colours) if c), None)


def export_marks(html: str, document) -> Marked:
    colour_of = {value: name for name, value in HIGHLIGHT_RGB.items()}
    reader = _ExportReader()
    reader.feed(html)
    marked: Marked = {}
    for n, item_id in enumerate(document.items):
        raw = document.text_of(n)
        key = "post" if n == 0 else "c-" + document.block(n).path.replace(".", "-")
        found = reader.paragraphs.get(key, [])
        ranges = paragraph_spans(raw)
        assert len(found) == len(ranges), (item_id, found, ranges)
        for runs, (start, end) in zip(found, ranges, strict=True):
            shown = "".join(text for text, _ in runs)
            assert shown == raw[start:end]  # the export prints the paragraph itself
            at = start
            for text, colour in runs:
                for i in range(len(text)):
                    if colour:
                        marked[(item_id, at + i)] = colour_of[colour]
                at += len(text)
    return marked


def model_marks(document) -> Marked:
    """What the document model says, span by span."""
    marked: Marked = {}
    for n, item_id in enumerate(document.items):
        for paragraph in document.block(n).paragraphs:
            for span in paragraph.spans:
                if span.colour:
                    marked.update({(item_id, i): span.colour for i in range(span.start, span.end)})
    return marked


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(threads(), st.booleans())
def test_pane_and_exports_mark_exactly_the_same_characters(qtbot, thread, on_read) -> None:
    post, annotations, chosen = thread
    items = {post.id: post.body} | {c.id: c.text for c in post.walk_comments()}
    # as the window and the export get them (placed against the current text on reading),
    # or as stored, for the document model to place
    placed = [place(a, items[a.item_id]) for a in annotations] if on_read else annotations
    document = build_document(post, annotations=placed)
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.show_thread(PaneHtml(document, LIGHT))
    pane.complete()
    in_model = model_marks(document)
    in_pane = pane_marks(pane, document)
    options = ExportOptions(exported_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    in_html = export_marks(render_html(document, options), document)
    in_pdf_source = export_marks(render_html(document, options, flavour="qt"), document)
    printable = {
        key: colour for key, colour in in_model.items() if not items[key[0]][key[1]].isspace()
    }
    assert in_pane == printable  # Qt folds white space; every other character is compared
    assert in_html == in_model == in_pdf_source
    # each highlight is where the reader made it: on the n-th occurrence (when its stored
    # offsets went stale, wherever its quote's context points, if that is one place only)
    spans = {note.annotation.id: note.span for note in document.notes}
    for a in annotations:
        item_id, start = chosen[a.id]
        if a.end > 0 or _unique_context(items[item_id], a, start):
            assert spans[a.id] == (start, start + len(a.exact))
    # and the colour on top is the newest highlight's
    newest_first = sorted(placed, key=lambda a: (a.created, a.id), reverse=True)  # type: ignore[arg-type]
    for (item_id, offset), colour in in_model.items():
        top = next(
            a for a in newest_first
            if a.item_id == item_id and spans[a.id] and spans[a.id][0] <= offset < spans[a.id][1]
        )  # fmt: skip
        assert colour == top.colour


def _unique_context(text: str, a: Annotation, start: int) -> bool:
    """Whether no other occurrence of the quote has the same context as the chosen one."""
    size = len(a.exact)
    return all(
        s == start
        or text[max(0, s - len(a.prefix)) : s] != a.prefix
        or text[s + size : s + size + len(a.suffix)] != a.suffix
        for s in range(len(text))
        if text.startswith(a.exact, s)
    )
