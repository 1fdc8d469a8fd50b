"""Plain data that every format parser yields and every later stage (store, search, export) reads.

Parsers produce ``ParsedPost`` trees; the store assigns stable ids (see ``reader.ids``) and
hands back ``Post``/``Comment`` trees read from SQLite.  Nothing here knows about SQLite or Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(slots=True)
class ParsedComment:
    """A comment as a dump shows it: exact text (indentation markers removed), its replies.

    ``line`` is the 1-based line of the comment's marker in the file, used in error messages.
    """

    text: str
    removed: bool = False
    replies: list[ParsedComment] = field(default_factory=list)
    line: int = 0
    author: str | None = None
    published: dt.datetime | None = None


@dataclass(slots=True)
class ParsedPost:
    """A post as a dump shows it.

    ``comments is None`` means the page had no comment section at all (a listing page): the
    count is unknown, which is different from a post that declares "No comments".
    ``more_comments`` means the page showed only the first comments (Blogger's "Load more..."):
    the dump says nothing about the comments after them.
    """

    date: dt.date
    title: str
    body: str
    declared_comments: int | None
    comments: list[ParsedComment] | None
    line: int = 0
    author: str | None = None
    more_comments: bool = False


@dataclass(slots=True)
class Comment:
    """A stored comment with its stable id and its place in the tree.

    ``path`` is the citation number ("4" or "4.2"), 1-based positions among siblings in the
    stored order.  ``removed`` means the dump showed a deletion placeholder; ``vanished`` means a
    later dump of the post no longer had it (kept, never deleted); ``is_new`` means a later
    import added it and the user has not opened the thread since.
    """

    id: str
    post_id: str
    parent_id: str | None
    position: int
    path: str
    text: str
    removed: bool = False
    vanished: bool = False
    is_new: bool = False
    author: str | None = None
    replies: list[Comment] = field(default_factory=list)

    def first_line(self) -> str:
        """The first non-blank line, for tree rows and result lists."""
        for line in self.text.splitlines():
            if line.strip():
                return line.strip()
        return ""

    def walk(self) -> Iterator[Comment]:
        """This comment then all its replies, depth first in display order."""
        yield self
        for reply in self.replies:
            yield from reply.walk()


@dataclass(slots=True)
class Post:
    """A stored post; ``comments`` is filled only when a thread is loaded."""

    id: str
    date: dt.date
    title: str
    body: str
    declared_comments: int | None
    comment_count: int = 0
    new_count: int = 0
    source: str | None = None
    comments: list[Comment] = field(default_factory=list)

    def walk_comments(self) -> Iterator[Comment]:
        """Every comment and reply, depth first in display order."""
        for comment in self.comments:
            yield from comment.walk()


COLOURS = ("yellow", "green", "blue", "pink", "orange")
"""The named highlight colours; export and the window map them to actual RGB values."""


@dataclass(slots=True)
class Bookmark:
    """A bookmark on a post or a single comment (``item_id`` is the stable id)."""

    id: str
    item_id: str
    post_id: str
    label: str = ""
    created: dt.datetime | None = None


@dataclass(slots=True)
class Annotation:
    """A highlight, optionally with a note, anchored like a W3C Web Annotation.

    ``exact``/``prefix``/``suffix`` form the quote selector, ``start``/``end`` the position
    selector (character offsets into the item's text: a post's body or a comment's text).
    ``state`` is where re-anchoring last placed it: "exact" (the quote itself, at its offsets,
    elsewhere in the item or with only white space changed), "moved" (only a similar passage
    was found: the text was edited) or "orphan" (not found, or the item is not in the library;
    kept and listed, never deleted).  See ``reader.annotate.anchoring``.
    """

    id: str
    item_id: str
    post_id: str
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    colour: str = "yellow"
    note: str = ""
    state: str = "exact"
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
