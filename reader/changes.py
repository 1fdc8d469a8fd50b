"""What a write to the library changed: the value every write returns.

Why one value: derived data (stored annotation placements, the search index) and every view of
the window must follow every write, and a program with five writers (imports, annotations,
bookmarks, read state, W3C imports — later source removal) would otherwise grow a hand-made
refresh per writer and per reader.  As in Anki's ``OpChanges``, a write says what it touched;
``reader.derived.bring_up_to_date`` brings derived data up to date from that, and each view of
the window decides from the same value whether it has to redraw.

Granularity is what the readers need: threads (post ids) for text, because the store stamps a
post whenever any of its comments changes and search and re-anchoring work per thread; items
(post or comment ids) and annotation ids for the reader's own marks.  Comment ids of an import
are not listed: a 600,000-comment import would hold them all for nothing.

``Saved`` is what a single annotation or bookmark write returns: the object written (or
removed) and its ``Changes``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from reader.model import Annotation, Bookmark

T = TypeVar("T", covariant=True)
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Changes:
    """What one write (or several, combined with ``|``) changed.  Empty is falsy."""

    posts_added: frozenset[str] = _NONE
    """New threads."""
    posts_changed: frozenset[str] = _NONE
    """Threads whose text changed: the body, fields, or any comment (added, vanished, ...)."""
    posts_removed: frozenset[str] = _NONE
    """Threads no longer in the library."""
    annotations: frozenset[str] = _NONE
    """Annotation ids added, edited, deleted or placed anew by re-anchoring."""
    bookmarks: frozenset[str] = _NONE
    """Item ids whose bookmark was added, relabelled or removed."""
    marked_items: frozenset[str] = _NONE
    """Items (posts or comments) whose highlights, notes or bookmark changed."""
    marked_posts: frozenset[str] = _NONE
    """The threads of ``marked_items``."""
    read: frozenset[str] = _NONE
    """Threads whose read state changed (their *new* marks were cleared)."""
    sources: frozenset[str] = _NONE
    """Dump files whose import changed something (paths as given)."""
    marks_unknown: bool = False
    """Highlights or bookmarks changed, but which is not known (another program wrote them:
    see the window's library watcher).  Readers of marks re-read what they show."""

    def __or__(self, other: Changes) -> Changes:
        if not isinstance(other, Changes):
            return NotImplemented
        merged = {}
        for spec in fields(self):
            mine, theirs = getattr(self, spec.name), getattr(other, spec.name)
            merged[spec.name] = mine | theirs
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(getattr(self, spec.name) for spec in fields(self))

    @property
    def posts(self) -> frozenset[str]:
        """Threads added, changed or removed."""
        return self.posts_added | self.posts_changed | self.posts_removed

    @property
    def text(self) -> bool:
        """Whether any thread's text changed (the search index and placements follow)."""
        return bool(self.posts_added or self.posts_changed or self.posts_removed)

    @property
    def marks(self) -> bool:
        """Whether any highlight, note or bookmark changed."""
        return bool(self.marked_items or self.annotations or self.bookmarks or self.marks_unknown)

    def marks_in(self, post_id: str) -> bool:
        """Whether the marks of thread ``post_id`` may have changed."""
        return self.marks_unknown or post_id in self.marked_posts

    def thread_changed(self, post_id: str) -> bool:
        """Whether the text of thread ``post_id`` changed (or it is gone)."""
        return post_id in self.posts_changed or post_id in self.posts_removed

    # -- constructors for the reader's own marks ---------------------------------------------

    @classmethod
    def of_annotations(cls, annotations: Iterable[Annotation]) -> Changes:
        """The change of adding, editing, deleting or placing these annotations."""
        found = list(annotations)
        return cls(
            annotations=frozenset(a.id for a in found),
            marked_items=frozenset(a.item_id for a in found),
            marked_posts=frozenset(a.post_id for a in found if a.post_id),
        )

    @classmethod
    def of_bookmarks(cls, bookmarks: Iterable[Bookmark]) -> Changes:
        """The change of adding, relabelling or removing these bookmarks."""
        found = list(bookmarks)
        return cls(
            bookmarks=frozenset(b.item_id for b in found),
            marked_items=frozenset(b.item_id for b in found),
            marked_posts=frozenset(b.post_id for b in found if b.post_id),
        )


NOTHING = Changes()
"""The empty change (a write that found nothing to do)."""


@dataclass(frozen=True, slots=True)
class Saved(Generic[T]):
    """What a single write returns: the object it wrote (or removed, for undo) and what
    changed in the library."""

    value: T
    changes: Changes
