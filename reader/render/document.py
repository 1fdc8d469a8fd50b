"""A thread as one document model — blocks of paragraphs of spans, with marks — for every writer.

Why one model: the reading pane, the HTML and PDF exports and the Markdown export used to
split paragraphs, format dates and find a highlight's passage each in their own way, and a PDF
could mark another occurrence of a phrase than the pane showed.  Here all of that is decided
once, without Qt and without markup; ``reader.render.pane_html`` (the pane),
``reader.export.html`` (HTML and, through it, PDF) and ``reader.export.markdown`` only write
the result.

* A ``ThreadDocument`` holds the post and its comments in display order (pre-order), each a
  ``Block`` with its heading facts (number, depth, author, flags, bookmarks) and its text cut
  into ``Paragraph``s at blank lines (``paragraph_spans``), each a run of ``Span``s.
* A ``Span`` is a stretch of one paragraph with the same marks: the highlight drawn on top
  (the newest covering one), whether a search hit covers it, the web address it is part of,
  and the note numbers printed right after it.
* Highlights are placed with ``locate_highlight``: the annotation's stored placement when it
  still fits the text, else ``reader.annotate.anchoring.anchor`` — the one way the program
  finds a passage.  Notes are numbered in reading order.

Two more facts are decided here for every writer: an item whose text changed between dumps
carries ``Block.revisions_label`` ("edited", or "another text kept aside" when a newer text
looked damaged and is not shown; the pane links it to the revisions view, exports print it),
and archive text holding bidirectional controls is written through ``reader.bidi`` (each
paragraph and heading isolated, each control marked) by every writer alike.

Offsets are code points into the item's own text (a post's body, a comment's text), as
annotations store them.  Blocks are made when first asked for and their paragraphs when first
needed, so a window can show the top of a 1,000-comment thread before the rest is cut up.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reader import times
from reader.annotate import anchoring
from reader.model import Annotation, Bookmark, Comment, Post
from reader.render import formatting
from reader.render.formatting import Mark

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}\u201d\u2019'\""
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg)(?:[?#].*)?$", re.IGNORECASE)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

Range = tuple[int, int]


# -- text facts every writer shows the same way ------------------------------------------------


def format_date(date: dt.date) -> str:
    """``Sunday, 7 March 2021``: the dumps' own style, in English whatever the locale."""
    return f"{WEEKDAYS[date.weekday()]}, {date.day} {MONTHS[date.month - 1]} {date.year}"


def count_line(post: Post) -> str:
    """How many comments the post declares and how many this library holds."""
    present = post.comment_count
    declared = post.declared_comments
    if declared is None:
        if not post.comments:
            return "Comments not included in this dump"
        return f"{present} comment{'s' if present != 1 else ''}"
    if declared == present:
        return f"{present} comment{'s' if present != 1 else ''}"
    return f"{present} of {declared} comments in this library"


def paragraph_spans(text: str) -> list[Range]:
    """Offsets of the paragraphs of ``text`` (split at blank lines), trimmed of surrounding
    white space; blank ones are dropped."""
    spans = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append(_trimmed(text, position, match.start()))
        position = match.end()
    spans.append(_trimmed(text, position, len(text)))
    return [(start, end) for start, end in spans if end > start]


def _trimmed(text: str, start: int, end: int) -> Range:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def links(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, address)`` of each http(s) address in ``text[start:end]``, without the
    punctuation that usually follows one ("see https://x.org/a).")."""
    end = len(text) if end is None else end
    found = []
    for match in _URL.finditer(text, start, end):
        url = _trim_url(match.group())
        found.append((match.start(), match.start() + len(url), url))
    return found


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def is_image_address(url: str) -> bool:
    """Whether a web address names a picture (the pane shows a placeholder, never the image)."""
    return _IMAGE_SUFFIX.search(url) is not None


def term_marks(text: str, terms: Iterable[str]) -> list[Range]:
    """Every word of ``text`` starting with one of ``terms`` (case-insensitive): prefix
    matching covers what a stemming index reports ("probat" marks "probation")."""
    words = sorted({t.strip().casefold() for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


_APOSTROPHES = "'\u2019"


def word_end(text: str, offset: int) -> int:
    """``offset``, or the end of the word it falls inside: where a note number goes, so a
    highlight that ends mid-word ("motivates and d") is numbered after the whole word
    ("drives[2]", never "d[2]rives").  Letters and digits make words, with apostrophes
    between them ("don't"); a hyphen ends one.  (Highlights made from now on snap to whole
    words when made; this keeps older ones readable.)"""
    if offset <= 0 or offset >= len(text) or not text[offset - 1].isalnum():
        return offset
    end = offset
    while end < len(text):
        ch = text[end]
        if ch.isalnum() or (ch in _APOSTROPHES and end + 1 < len(text) and text[end + 1].isalnum()):
            end += 1
        else:
            break
    return end


def marker_offset(text: str, start: int, end: int) -> int:
    """Where the note number of a highlight over ``text[start:end]`` goes: after its last
    word, whole ("drives[2]"), and before any white space the selection took in at its end."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return word_end(text, end)


def locate_highlight(text: str, annotation: Annotation) -> Range | None:
    """Where ``annotation`` is drawn in ``text`` now, or ``None`` if its passage is gone.

    The stored placement (``reader.annotate`` re-anchors on every read and after imports)
    is used while it still selects the quote — or, for a "moved" one, whose quote is the
    reader's original wording, while it fits the text at all.  Otherwise the passage is found
    by ``anchoring.anchor``, the same search that re-anchoring uses: never another one.
    """
    a = annotation
    if a.state == anchoring.ORPHAN:
        return None
    if 0 <= a.start <= a.end <= len(text) and (
        a.state == anchoring.MOVED or not a.exact or text[a.start : a.end] == a.exact
    ):
        return a.start, a.end
    where = anchoring.anchor(text, a.exact, a.prefix, a.suffix, a.start, a.end)
    return (where.start, where.end) if where.found else None


# -- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Highlight:
    """A placed highlight: its range in the item's text, colour and annotation id."""

    start: int
    end: int
    colour: str
    ref: str = ""
    number: int = 0  # its note number


@dataclass(slots=True)  # not frozen: built per paragraph, frozen ones cost ~2x
class Span:
    """A stretch of one paragraph with the same marks.  ``text`` may hold single newlines
    (line breaks inside the paragraph)."""

    start: int
    end: int
    text: str
    colour: str | None = None  # the highlight drawn on top, if any
    highlight: str = ""  # its annotation id
    hit: bool = False  # a search hit covers it (drawn above any highlight)
    link: str | None = None  # the web address this stretch is part of
    link_start: bool = False  # it begins that address
    notes: tuple[int, ...] = ()  # note numbers printed right after it
    styles: tuple[str, ...] = ()  # the source's formatting (``reader.render.formatting``)


@dataclass(slots=True)  # not frozen: built per paragraph, frozen ones cost ~2x
class Paragraph:
    start: int
    end: int
    spans: tuple[Span, ...]


@dataclass(slots=True)
class Note:
    """One annotation as a numbered note: where it is (``"post"`` or the comment's number),
    and where its passage is drawn (``span``; ``None`` when it is no longer in the text)."""

    number: int
    annotation: Annotation
    where: str
    span: Range | None

    @property
    def anchored(self) -> bool:
        return self.span is not None

    @property
    def quote(self) -> str:
        return self.annotation.exact

    @property
    def text(self) -> str:
        return self.annotation.note

    @property
    def colour(self) -> str:
        return self.annotation.colour


DIMMED_STATUSES = frozenset({"unapproved", "spam", "deleted"})


@dataclass(frozen=True, slots=True)
class Byline:
    """A heading's author and time: ``time`` in the reader's zone and locale, ``original``
    as the source wrote it (the pane's hover text).  Empty strings for what is unknown."""

    author: str
    time: str
    original: str


@dataclass(slots=True)
class Block:
    """The post's body or one comment: heading facts, text and marks.

    ``index`` is its place in the document (0 the post, then the comments in display order,
    as ``ThreadDocument.items``); ``depth`` is 0 for the post and top-level comments, 1 for
    their replies and so on.  ``context`` marks a parent shown only so an annotated reply can
    be understood, ``omitted_replies`` the replies an annotated-only document leaves out.
    """

    index: int
    kind: Literal["post", "comment"]
    id: str
    path: str
    depth: int
    text: str
    author: str | None = None
    removed: bool = False
    vanished: bool = False
    is_new: bool = False
    replies: int = 0
    bookmarks: Sequence[Bookmark] = ()
    notes: Sequence[Note] = ()
    highlights: Sequence[Highlight] = ()  # oldest first, drawn in order
    hits: Sequence[Range] = ()
    context: bool = False
    omitted_replies: int = 0
    revisions: int = 0  # how many texts dumps gave the item (0: only ever one)
    revision: int = 1  # which of them ``text`` is
    published: str | None = None  # ISO 8601 as the source stated it (``reader.times``)
    status: str = "published"  # ``reader.model.STATUSES``
    html: str | None = None  # the sanitised HTML ``text`` came from, if any
    _paragraphs: list[Paragraph] | None = None
    _formatting: list[Mark] | None = None

    @property
    def dimmed(self) -> bool:
        """Unapproved, spam and deleted items are shown dimmed (and can be hidden)."""
        return self.status in DIMMED_STATUSES or self.removed

    @property
    def status_label(self) -> str:
        """The status a heading names ("spam", "unapproved", "pingback"...); "" when
        published, and for deleted items, whose heading already says "removed"."""
        if self.status in ("published", "deleted"):
            return ""
        return self.status

    @property
    def formatting(self) -> list[Mark]:
        """The source HTML's emphasis, code, quotes, links and images as marks on ``text``."""
        if self._formatting is None:
            self._formatting = formatting.marks(self.html, self.text) if self.html else []
        return self._formatting

    def heading_fields(self) -> list[str]:
        """Author, time and status, those known, as an export's heading prints them: the
        time as the source stated it, with its offset (the file's reader may be elsewhere)."""
        fields = [self.author or "", times.stated_text(self.published), self.status_label]
        return [field for field in fields if field]

    def byline(self, time_format: times.TimeFormat = times.default_format) -> Byline:
        """Who wrote the item and when, as every writer's heading shows it."""
        return Byline(
            self.author or "",
            times.local_text(self.published, time_format),
            times.original_text(self.published),
        )

    @property
    def revisions_label(self) -> str:
        """What the item's heading says about its other texts (``reader.store.revisions``):
        "edited" when the text shown is not the first one seen, "another text kept aside"
        when a later dump brought a text that looked damaged; "" for most items."""
        if self.revisions <= 1:
            return ""
        return "edited" if self.revision > 1 else "another text kept aside"

    @property
    def bookmarked(self) -> bool:
        return bool(self.bookmarks)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """The text cut into paragraphs of spans (made on first use)."""
        if self._paragraphs is None:
            self._paragraphs = split(self.text, self.highlights, self.hits, self.formatting)
        return self._paragraphs

    def plain_paragraphs(self) -> list[str] | None:
        """The paragraphs' texts when nothing in the block is marked (no highlight, search
        hit or link): then each paragraph is one plain span, and a writer may take these
        strings instead of ``paragraphs``, sparing two objects per paragraph for most items
        of a thread.  ``None`` when something is marked: use ``paragraphs``."""
        if self._paragraphs is not None or self.highlights or self.hits or self.formatting:
            return None
        text = self.text
        if "://" in text:
            return None
        return [text[start:end] for start, end in paragraph_spans(text)]


def split(
    text: str,
    highlights: Sequence[Highlight] = (),
    hits: Sequence[Range] = (),
    styles: Sequence[Mark] = (),
) -> list[Paragraph]:
    """``text`` as paragraphs of spans carrying ``highlights`` (later ones on top), search
    ``hits`` and links.  A highlight's note number goes right after its passage
    (after the whole word when it ends inside one, ``word_end``); a passage
    that ends in the blank lines between paragraphs gets it at the end of the paragraph before.
    """
    ranges = paragraph_spans(text)
    if not highlights and not hits:  # most items: plain paragraphs, perhaps with links
        return [
            Paragraph(start, end, spans_of(text, start, end, styles=styles))
            for start, end in ranges
        ]
    numbered = [h for h in highlights if h.number]
    if not ranges:
        if not numbered:
            return []
        ranges = [(0, 0)]  # nothing to print but note numbers: keep them
    notes: dict[int, list[int]] = {}
    for h in numbered:
        at = ranges[0][0]
        for p_start, p_end in reversed(ranges):
            if p_start < h.end:
                at = min(marker_offset(text, h.start, h.end), p_end)
                break
        notes.setdefault(at, []).append(h.number)
    drawn = [h for h in highlights if h.end > h.start]
    return [
        Paragraph(start, end, spans_of(text, start, end, drawn, hits, notes, styles))
        for start, end in ranges
    ]


def spans_of(
    text: str,
    start: int,
    end: int,
    highlights: Sequence[Highlight] = (),
    hits: Sequence[Range] = (),
    notes: Mapping[int, list[int]] | None = None,
    styles: Sequence[Mark] = (),
) -> tuple[Span, ...]:
    """``text[start:end]`` cut into spans wherever a highlight, hit, link, note number or
    the source's formatting (``styles``) starts or ends; ``notes`` maps offsets to the note
    numbers printed there."""
    piece = text[start:end]
    found = links(text, start, end) if "://" in piece else []
    shown: list[Mark] = []
    for mark in styles:
        if mark.end <= start or mark.start >= end:
            continue
        clipped = Mark(max(mark.start, start), min(mark.end, end), mark.style, mark.href)
        if mark.style == "link" and mark.href:
            if not any(s <= clipped.start and e >= clipped.end for s, e, _ in found):
                found.append((clipped.start, clipped.end, mark.href))
        else:
            shown.append(clipped)
    if not (highlights or hits or found or notes or shown):  # most paragraphs: one plain span
        return (Span(start, end, piece),) if end > start else ()
    notes = notes or {}
    cuts = {start, end}
    for h in highlights:
        cuts.update(x for x in (h.start, h.end) if start < x < end)
    for h_start, h_end in hits:
        cuts.update(x for x in (h_start, h_end) if start < x < end)
    for l_start, l_end, _ in found:
        cuts.update((l_start, l_end))
    for mark in shown:
        cuts.update((mark.start, mark.end))
    cuts.update(x for x in notes if start < x < end)
    spans: list[Span] = []
    if start in notes:  # a passage that ends where the paragraph starts
        spans.append(Span(start, start, "", notes=tuple(sorted(notes[start]))))
    for left, right in itertools.pairwise(sorted(cuts)):
        top = next((h for h in reversed(highlights) if h.start <= left and h.end >= right), None)
        link = next(((s, u) for s, e, u in found if s <= left and e >= right), None)
        spans.append(
            Span(
                left,
                right,
                text[left:right],
                colour=top.colour if top else None,
                highlight=top.ref if top else "",
                hit=any(h_start <= left and h_end >= right for h_start, h_end in hits),
                link=link[1] if link else None,
                link_start=link is not None and link[0] == left,
                notes=tuple(sorted(notes.get(right, ()))),
                styles=tuple(
                    dict.fromkeys(m.style for m in shown if m.start <= left and m.end >= right)
                ),
            )
        )
    return tuple(spans)


class ThreadDocument:
    """A thread arranged for reading or printing; made by ``build_document``.

    ``items[n]`` is the id of block ``n`` (0 the post, then every comment in display order);
    ``block(n)`` makes it on first use.  ``shown`` lists the blocks a writer prints: all of
    them, or in an annotated-only document the annotated and bookmarked comments with their
    parent chains.
    """

    def __init__(self, post: Post, nodes: list[Post | Comment], depths: list[int]) -> None:
        self.post = post
        self._nodes = nodes
        self.depths = depths
        self.items: list[str] = [node.id for node in nodes]
        self._blocks: list[Block | None] = [None] * len(nodes)
        self.notes: list[Note] = []
        self.shown: list[int] = list(range(len(nodes)))
        self.annotated_only = False
        self.bookmarks_total = 0
        self._annotations: dict[str, list[Highlight]] = {}
        self._notes: dict[str, list[Note]] = {}
        self._bookmarks: dict[str, list[Bookmark]] = {}
        self._hits: Mapping[str, Sequence[Range]] = {}
        self._context: set[str] = set()  # shown only as the parent of a marked comment
        self._kept: set[str] = set()  # the ids of ``shown``, in an annotated-only document

    def __len__(self) -> int:
        return len(self.items)

    @property
    def title(self) -> str:
        return self.post.title or "(untitled)"

    @property
    def date_text(self) -> str:
        return format_date(self.post.date)

    @property
    def count_text(self) -> str:
        return count_line(self.post)

    @property
    def comments_total(self) -> int:
        return len(self.items) - 1

    @property
    def comments_shown(self) -> int:
        return len(self.shown) - 1

    @property
    def annotations_total(self) -> int:
        return len(self.notes)

    @property
    def body(self) -> Block:
        return self.block(0)

    @property
    def comments(self) -> list[Block]:
        """The comments a writer prints, in display order."""
        return [self.block(n) for n in self.shown[1:]]

    def index_of(self, item_id: str) -> int:
        try:
            return self.items.index(item_id)
        except ValueError:
            return -1

    def text_of(self, n: int) -> str:
        node = self._nodes[n]
        return node.body if isinstance(node, Post) else node.text

    def block(self, n: int) -> Block:
        made = self._blocks[n]
        if made is None:
            made = self._blocks[n] = self._make_block(n)
        return made

    def _make_block(self, n: int) -> Block:
        node = self._nodes[n]
        item_id = node.id
        marks = (
            self._bookmarks.get(item_id, ()),
            self._notes.get(item_id, ()),
            self._annotations.get(item_id, ()),
            self._hits.get(item_id, ()),
        )
        if isinstance(node, Post):
            return Block(n, "post", item_id, "", 0, node.body, node.author, False, False, False,
                         0, *marks, revisions=node.revisions, revision=node.revision,
                         published=node.published, status=node.status,
                         html=node.html)  # fmt: skip
        block = Block(
            n, "comment", item_id, node.path, self.depths[n], node.text, node.author,
            node.removed, node.vanished, node.is_new, len(node.replies), *marks,
            revisions=node.revisions, revision=node.revision, published=node.published,
            status=node.status, html=node.html,
        )  # fmt: skip
        if self.annotated_only:
            block.context = item_id in self._context
            block.omitted_replies = sum(1 for r in node.replies if r.id not in self._kept)
        return block


def _walk(post: Post) -> tuple[list[Post | Comment], list[int]]:
    """The post and every comment in display order, with reply depths (no recursion: reply
    chains can be deep; sibling lists are walked in place)."""
    nodes: list[Post | Comment] = [post]
    depths = [0]
    stack: list[tuple[list[Comment], int, int]] = [(post.comments, 0, 0)]
    while stack:
        siblings, row, depth = stack.pop()
        count = len(siblings)
        while row < count:
            comment = siblings[row]
            row += 1
            nodes.append(comment)
            depths.append(depth)
            if comment.replies:  # its replies next, then the rest of these
                stack.append((siblings, row, depth))
                siblings, row, depth = comment.replies, 0, depth + 1
                count = len(siblings)
    return nodes, depths


def build_document(
    post: Post,
    *,
    annotations: Iterable[Annotation] = (),
    bookmarks: Iterable[Bookmark] = (),
    hits: Mapping[str, Sequence[Range]] | None = None,
    annotated_only: bool = False,
) -> ThreadDocument:
    """Arrange ``post`` (with its comment tree loaded) with the reader's marks.

    ``annotations`` are drawn oldest first (a newer highlight on top) and numbered in reading
    order; one whose item is the post or a comment always yields a note, found or not, and
    one on an item not in the thread is left out, as are such bookmarks.  ``hits`` maps item
    ids to search-hit ranges (drawn above highlights).  ``annotated_only`` keeps the
    annotated and bookmarked comments and their parent chains (the post always stays).
    """
    nodes, depths = _walk(post)
    document = ThreadDocument(post, nodes, depths)
    document._hits = hits or {}
    annotations, bookmarks = list(annotations), list(bookmarks)
    by_item: dict[str, list[Annotation]] = {}
    if annotations or bookmarks:  # most threads have none: no need to look items up
        known = set(document.items)
        for annotation in annotations:
            if annotation.item_id in known:
                by_item.setdefault(annotation.item_id, []).append(annotation)
        for bookmark in bookmarks:
            if bookmark.item_id in known:
                document._bookmarks.setdefault(bookmark.item_id, []).append(bookmark)
    document.bookmarks_total = sum(len(found) for found in document._bookmarks.values())
    if annotated_only:
        _keep_marked(document, set(by_item) | set(document._bookmarks))
    if by_item:
        for n in document.shown:
            item_id = document.items[n]
            if item_id in by_item:
                _number(document, n, by_item[item_id])
    return document


def _keep_marked(document: ThreadDocument, marked: set[str]) -> None:
    """Shown: the post, marked comments and every ancestor of one (as context)."""
    keep = {0}
    parents: dict[str, str | None] = {}
    for node in document._nodes[1:]:
        assert isinstance(node, Comment)
        parents[node.id] = node.parent_id
    index = {item: n for n, item in enumerate(document.items)}
    for item_id in marked:
        if item_id not in parents:
            continue
        keep.add(index[item_id])
        parent = parents[item_id]
        while parent is not None and parent in index:
            if parent not in marked:
                document._context.add(parent)
            keep.add(index[parent])
            parent = parents.get(parent)
    document.shown = sorted(keep)
    document._kept = {document.items[n] for n in keep}
    document.annotated_only = True


def _number(document: ThreadDocument, n: int, annotations: list[Annotation]) -> None:
    """Place an item's annotations and number them: passages in reading order (by where they
    end), then those no longer found."""
    text = document.text_of(n)
    where = "post" if n == 0 else _path(document, n)
    located: list[tuple[int, int, Annotation]] = []
    lost: list[Annotation] = []
    for annotation in annotations:
        span = locate_highlight(text, annotation)
        if span is None:
            lost.append(annotation)
        else:
            located.append((span[0], span[1], annotation))
    located.sort(key=lambda entry: (entry[1], entry[0]))
    notes: list[Note] = []
    highlights: list[tuple[tuple[str, str], Highlight]] = []
    for start, end, annotation in located:
        number = len(document.notes) + len(notes) + 1
        notes.append(Note(number, annotation, where, (start, end)))
        highlight = Highlight(start, end, annotation.colour, annotation.id, number)
        highlights.append(((str(annotation.created), annotation.id), highlight))
    for annotation in lost:
        notes.append(Note(len(document.notes) + len(notes) + 1, annotation, where, None))
    document.notes.extend(notes)
    item_id = document.items[n]
    document._notes[item_id] = notes
    # drawn oldest first, so the newest highlight is on top wherever two overlap
    document._annotations[item_id] = [h for _, h in sorted(highlights, key=lambda e: e[0])]


def _path(document: ThreadDocument, n: int) -> str:
    node = document._nodes[n]
    return node.path if isinstance(node, Comment) else ""
