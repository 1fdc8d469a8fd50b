"""Plain data that every format parser yields and every later stage (store, search, export) reads.

Parsers produce ``ParsedPost`` trees; the store assigns stable ids (see ``reader.ids``) and
hands back ``Post``/``Comment`` trees read from SQLite.  Nothing here knows about SQLite or Qt.

What the richer formats (Blogger, WordPress, Disqus, mbox) carry beyond the plain-text dump is
held in fields with defaults, so the plain-text parser's output is unchanged:

* ``text``/``body`` is always plain text.  Where the source is HTML it is derived from the
  sanitised HTML (``reader.formats.html``) and ``html`` holds that sanitised HTML; search,
  snippets and annotation anchoring use the plain text.
* ``published`` is an aware ``datetime`` in the offset the source stated (``isoformat()`` gives
  it back as written), or naive when the source named a zone nobody can place ("17:10 G").
* ``status`` is one of ``STATUSES``; ``removed`` stays true for deleted comments.
* ``source_key`` is the format's native id (Blogger post/comment id, ``wp:`` ids, Disqus
  ``dsq:id``, Message-ID); ``None`` for the plain-text dump, whose ids come from its text.
* ``where`` names the element a record came from ("<wp:comment> 904") for messages that need
  more than a line number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

STATUSES = (
    "published",
    "draft",
    "page",
    "unapproved",
    "spam",
    "deleted",
    "pingback",
    "trackback",
)
"""Every status a parsed post or comment can carry; "published" for anything shown publicly."""


@dataclass(slots=True)
class ParsedComment:
    """A comment as a dump shows it: exact text (indentation markers removed), its replies.

    ``line`` is the 1-based line of the comment's marker in the file, used in error messages.
    Replies nest to any depth (WordPress and Disqus threads go deeper than Blogger's one level).
    """

    text: str
    removed: bool = False
    replies: list[ParsedComment] = field(default_factory=list)
    line: int = 0
    author: str | None = None
    published: dt.datetime | None = None
    author_uri: str | None = None
    status: str = "published"
    html: str | None = None
    source_key: str | None = None
    where: str = ""

    def walk(self) -> Iterator[ParsedComment]:
        """This comment then all its replies, depth first in order."""
        yield self
        for reply in self.replies:
            yield from reply.walk()


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
    published: dt.datetime | None = None
    author_uri: str | None = None
    status: str = "published"
    html: str | None = None
    source_key: str | None = None
    where: str = ""
    url: str | None = None
    """The post's address as the source gives it (permalink, Disqus thread link)."""
    url_key: str | None = None
    """``reader.formats.urls.url_key`` of ``url``: how a Disqus thread finds its post."""
    comments_only: bool = False
    """A Blogger comment feed without its post: title and date are borrowed, body empty."""

    def walk_comments(self) -> Iterator[ParsedComment]:
        """Every comment and reply, depth first in order."""
        for comment in self.comments or ():
            yield from comment.walk()


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
    revisions: int = 0
    """How many texts dumps gave this comment (0: only ever one; see reader.store.revisions)."""
    revision: int = 1
    """Which of them ``text`` is."""
    published: str | None = None
    """When it was written, ISO 8601 with the offset the source stated (see ``reader.times``)."""
    status: str = "published"
    """One of ``STATUSES``: unapproved, spam and deleted comments are shown dimmed."""
    html: str | None = None
    """The sanitised HTML the text was derived from, where the source is HTML."""
    author_uri: str | None = None
    source_key: str | None = None

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
    revisions: int = 0
    """How many texts dumps gave the body (0: only ever one; see reader.store.revisions)."""
    revision: int = 1
    author: str | None = None
    published: str | None = None
    """When it was written, ISO 8601 with the offset the source stated (see ``reader.times``)."""
    status: str = "published"
    html: str | None = None
    author_uri: str | None = None
    source_key: str | None = None
    url: str | None = None
    comments_only: bool = False
    """Known only through a comment feed: title and date borrowed, no body (yet)."""

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
    revision: int = 1
    """The revision of the item's text it was made on (see reader.store.revisions): re-anchoring
    looks there first when the text shown has changed since."""
