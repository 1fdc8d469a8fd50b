"""A thread with its annotations and bookmarks, arranged for printing: what every writer reads.

Why a separate step: HTML, Markdown and (through HTML) PDF must agree on which comments appear,
how notes are numbered, where each highlight starts and ends and what counts the header shows.
This module decides all of that once, from plain model objects, with no markup and no Qt.

Annotations are placed by their position selector when it still matches the text, else by their
quote (the occurrence whose prefix/suffix fit best); a passage that is no longer in the text is
still listed as a note, marked as not found, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from reader.export.options import ExportOptions
from reader.model import Annotation, Bookmark, Comment, Post

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(slots=True)
class Segment:
    """A run of text with one highlight colour (or none); ``marks`` are note numbers to print
    right after it.  ``text`` may hold single newlines (line breaks inside a paragraph)."""

    text: str
    colour: str | None = None
    marks: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Note:
    """One annotation as a numbered note: the quoted passage, its colour, the user's note."""

    number: int
    annotation: Annotation
    where: str  # "post" or the comment path, e.g. "4.2"
    anchored: bool

    @property
    def quote(self) -> str:
        return self.annotation.exact

    @property
    def text(self) -> str:
        return self.annotation.note

    @property
    def colour(self) -> str:
        return self.annotation.colour


@dataclass(slots=True)
class Item:
    """The post body or one comment, ready to print.

    ``depth`` is 0 for the post and top-level comments, 1 for their replies and so on.
    ``context`` marks a parent shown only so an annotated reply can be understood (annotated-only
    exports).  ``notes`` are this item's notes in passage order, whatever ``endnotes`` says.
    """

    kind: str  # "post" or "comment"
    id: str
    path: str
    depth: int
    paragraphs: list[list[Segment]]
    notes: list[Note] = field(default_factory=list)
    author: str | None = None
    removed: bool = False
    vanished: bool = False
    bookmarks: list[Bookmark] = field(default_factory=list)
    context: bool = False
    omitted_replies: int = 0

    @property
    def bookmarked(self) -> bool:
        return bool(self.bookmarks)


@dataclass(slots=True)
class ThreadLayout:
    """Everything a writer prints, in order: header facts, the post, the comments, the notes."""

    post: Post
    options: ExportOptions
    exported_at: dt.datetime
    body: Item
    comments: list[Item]
    notes: list[Note]
    comments_total: int
    bookmarks_total: int

    @property
    def title(self) -> str:
        return self.post.title or "(untitled)"

    @property
    def comments_shown(self) -> int:
        return len(self.comments)

    @property
    def annotations_total(self) -> int:
        return len(self.notes)


def locate(text: str, annotation: Annotation) -> tuple[int, int] | None:
    """Where ``annotation`` sits in ``text`` now, or ``None`` if its passage is gone.

    ``reader.annotate`` hands annotations over already re-anchored: an ``"orphan"`` is not
    placed, a ``"moved"`` one (found fuzzily: its quote is the reader's original wording) is
    trusted at its offsets.  Otherwise the offsets win when they still select the quote; failing
    that every occurrence of the quote is scored by how much of its prefix and suffix still
    match, ties going to the one nearest the old offset.
    """
    if annotation.state == "orphan":
        return None
    exact = annotation.exact
    start, end = annotation.start, annotation.end
    if 0 <= start <= end <= len(text) and (
        annotation.state == "moved" or not exact or text[start:end] == exact
    ):
        return start, end
    if not exact:
        return None
    best: tuple[int, int, int] | None = None  # (score, -distance, position)
    position = text.find(exact)
    while position >= 0:
        before = text[:position]
        after = text[position + len(exact) :]
        score = _common_suffix(before, annotation.prefix) + _common_prefix(after, annotation.suffix)
        candidate = (score, -abs(position - start), position)
        if best is None or candidate > best:
            best = candidate
        position = text.find(exact, position + 1)
    if best is None:
        return None
    return best[2], best[2] + len(exact)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph: text between blank lines, surrounding space trimmed."""
    ranges: list[tuple[int, int]] = []
    position = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        stop = match.start() if match else len(text)
        chunk = text[position:stop]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if chunk.strip():
            ranges.append((position + lead, stop - trail))
        if match:
            position = match.end()
    return ranges


def segment(text: str, placed: list[tuple[int, int, str, int]]) -> list[list[Segment]]:
    """Split ``text`` into paragraphs of segments for highlights ``(start, end, colour, number)``.

    Overlaps show the colour of the innermost (latest-starting) highlight.  A note number goes
    right after its passage; a passage ending in the blank lines between paragraphs gets its
    number at the end of the paragraph before.
    """
    paragraphs = paragraph_ranges(text)
    if not paragraphs:
        paragraphs = [(0, 0)]
    # Where each note number is printed: after its passage, pulled back out of the blank
    # lines between paragraphs into the paragraph the passage ends in.
    marks: dict[int, list[int]] = {}
    for _start, end, _colour, number in placed:
        at = paragraphs[0][0]
        for p_start, p_end in reversed(paragraphs):
            if p_start < end:
                at = min(end, p_end)
                break
        marks.setdefault(at, []).append(number)
    out: list[list[Segment]] = []
    for p_start, p_end in paragraphs:
        cuts = {p_start, p_end}
        for start, end, _colour, _number in placed:
            cuts.update(x for x in (start, end) if p_start < x < p_end)
        cuts.update(x for x in marks if p_start < x < p_end)
        points = sorted(cuts)
        segments: list[Segment] = []
        if p_start in marks:  # a passage that ends where the paragraph starts
            segments.append(Segment("", None, sorted(marks[p_start])))
        for a, b in itertools.pairwise(points):
            covering = [h for h in placed if h[0] <= a and b <= h[1] and h[0] < h[1]]
            colour = max(covering, key=lambda h: (h[0], h[3]))[2] if covering else None
            segments.append(Segment(text[a:b], colour, sorted(marks.get(b, []))))
        out.append(segments)
    return out


class _Numbering:
    def __init__(self) -> None:
        self.next = 1
        self.notes: list[Note] = []


def _place(
    kind: str,
    item_id: str,
    path: str,
    depth: int,
    text: str,
    annotations: list[Annotation],
    numbering: _Numbering,
) -> Item:
    located: list[tuple[int, int, Annotation]] = []
    lost: list[Annotation] = []
    for annotation in annotations:
        span = locate(text, annotation)
        if span is None:
            lost.append(annotation)
        else:
            located.append((span[0], span[1], annotation))
    located.sort(key=lambda entry: (entry[1], entry[0]))  # numbered in reading order of marks
    where = "post" if kind == "post" else path
    placed: list[tuple[int, int, str, int]] = []
    notes: list[Note] = []
    for start, end, annotation in located:
        note = Note(numbering.next, annotation, where, anchored=True)
        numbering.next += 1
        placed.append((start, end, annotation.colour, note.number))
        notes.append(note)
    for annotation in lost:
        note = Note(numbering.next, annotation, where, anchored=False)
        numbering.next += 1
        notes.append(note)
    numbering.notes.extend(notes)
    return Item(kind, item_id, path, depth, segment(text, placed), notes)


def _keep_ids(post: Post, marked: set[str]) -> set[str]:
    """Marked comments plus every ancestor, for annotated-only exports."""
    keep: set[str] = set()

    def visit(comment: Comment, chain: list[str]) -> None:
        if comment.id in marked:
            keep.update(chain)
            keep.add(comment.id)
        for reply in comment.replies:
            visit(reply, [*chain, comment.id])

    for comment in post.comments:
        visit(comment, [])
    return keep


def build_layout(
    post: Post,
    annotations: list[Annotation],
    bookmarks: list[Bookmark],
    options: ExportOptions | None = None,
) -> ThreadLayout:
    """Arrange ``post`` (with its comment tree loaded) for printing.

    Annotations and bookmarks on items that are not in the thread are ignored, except that an
    annotation whose item is the post or a comment always yields a numbered note, anchored or
    not.  In annotated-only mode a shown parent that is not itself annotated or bookmarked is
    flagged ``context``; ``omitted_replies`` counts the replies left out under each shown item.
    """
    options = options or ExportOptions()
    by_item: dict[str, list[Annotation]] = {}
    for annotation in annotations:
        by_item.setdefault(annotation.item_id, []).append(annotation)
    marks_by_item: dict[str, list[Bookmark]] = {}
    for bookmark in bookmarks:
        marks_by_item.setdefault(bookmark.item_id, []).append(bookmark)

    numbering = _Numbering()
    body = _place("post", post.id, "", 0, post.body, by_item.get(post.id, []), numbering)
    body.bookmarks = marks_by_item.get(post.id, [])

    all_comments = list(post.walk_comments())
    known = {post.id, *(c.id for c in all_comments)}
    marked = {c.id for c in all_comments if c.id in by_item or c.id in marks_by_item}
    keep = _keep_ids(post, marked) if options.annotated_only else None

    items: list[Item] = []

    def visit(comment: Comment, depth: int) -> None:
        item = _place(
            "comment",
            comment.id,
            comment.path,
            depth,
            comment.text,
            by_item.get(comment.id, []),
            numbering,
        )
        item.author = comment.author
        item.removed = comment.removed
        item.vanished = comment.vanished
        item.bookmarks = marks_by_item.get(comment.id, [])
        item.context = keep is not None and comment.id not in marked
        items.append(item)
        for reply in comment.replies:
            if keep is None or reply.id in keep:
                visit(reply, depth + 1)
            else:
                item.omitted_replies += 1

    for comment in post.comments:
        if keep is None or comment.id in keep:
            visit(comment, 0)

    return ThreadLayout(
        post=post,
        options=options,
        exported_at=options.export_time(),
        body=body,
        comments=items,
        notes=numbering.notes,
        comments_total=len(all_comments),
        bookmarks_total=sum(1 for b in bookmarks if b.item_id in known),
    )
