"""The test suite's own archive: a small fictional blog (a lighthouse trust) written as
plain-text dumps, with the truth about what each file holds and what a library holds after
importing them all.

Why it exists: the tests must run on a clone of the project alone, and a test can only check
the importer exactly if it knows the answer beforehand.  So the answer comes first: the posts
and comment trees are built as data, every file is a *view* of them (a listing entry, a post
page, a page cut off at "Load more..."), the views are rendered in the dump layout by
``reader.formats.blogtext_write``, and the truth is computed from the views, never from
parsing.  The same ``seed`` always gives the same bytes; the planted words and phrases below
sit in the same places whatever the seed, and the random filler never contains them, so a
test may count them exactly.

What the archive exercises (tests rely on each):

* multi-post files: a listing page of 13 posts without comment sections, and a file of three
  post pages (one "No comments:", one "1 comment:");
* a listing entry and the post's own page in different files (they merge into one post);
* "Load more..." pages: a post page cut after its first top-level comments, then a later file
  with the full page (its extra comments are marked new), and a cut page never completed;
* removed comments (both Blogger placeholders), one level of replies, identical siblings;
* a UTF-8 file with a byte-order mark, a Windows-1252 file with CRLF line ends;
* a very long comment (one line of more than 5,000 characters), URLs, non-ASCII text
  (accents, CJK, an emoji, curly quotes), separators with a trailing no-break space, a title
  line padded with spaces, and the date line variants Blogger prints.

``python tests/helpers/dumpgen.py OUT [--seed N]`` writes the archive for a person to look at.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from helpers.prose import VOCABULARY, Prose
from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost

SEED = 12

# --- planted facts: what the tests look for ---------------------------------------------------

BIG_TITLE = "The Lantern Appeal"  # the thread with the most comments (39), in the first file
FOCUS_TITLE = "Keeping the Light Honest"  # the thread annotation tests work on (BOM file)
FOCUS_DATE = dt.date(2019, 12, 7)
FOCUS_PHRASE = "the keeper’s last round"  # in the focus post's body only; a curly apostrophe
FOCUS_PHRASE_2 = "answerable for the dark nights"  # further down the same body, only there
EXPORT_TITLE = "Storm Night at the Point"  # 25 comments, a comment with 3 replies (cp1252 file)
LOAD_MORE_TITLE = "A Plan for the Headland"  # cut at "Load more...", completed by a later file
CUT_TITLE = "Moorings and Money"  # cut at "Load more...", never completed
LISTED_TITLE = "Guest Log: The Night Watch"  # a listing entry and, in another file, its page
FILTER_WORD = "bulletin"  # in exactly four titles, all in December/November 2021
FILTER_TITLES = 4
BUSY_MONTH = (2021, 12)  # six listing posts
SEARCH_WORD = "foghorn"  # the big thread's body and 7 of its comments, one listing body
SEARCH_PAIR = "foghorn signal"  # the phrase, in the big thread's body and 4 of its comments
UNIQUE_PHRASE = "Gannet Rock landslip"  # only in comment 9 of the big thread
UNIQUE_PATH = "9"
REPLY_WORD = "ptarmigan"  # only in reply 12.2 of the big thread (a text over 80 characters)
REPLY_PATH = "12.2"
REPLIES_WORD = "kittiwake"  # only in replies 4.2 and 20.3 of the big thread
REPLIES_WORD_PATHS = ("4.2", "20.3")
STEM_PLURAL = "inspections"  # only in comment 10 of the big thread; "inspection" nowhere
LONG_PATH = "15"  # the big thread's very long comment
LOAD_MORE = "Load more..."
REMOVED_BY_AUTHOR = "This comment has been removed by the author."
REMOVED_BY_ADMIN = "This comment has been removed by a blog administrator."
NON_ASCII = (
    "Zoë from Ærøskøbing wrote that the naïve café crowd on São Miguel loved the “lantern "
    "tour” – and asked for the 灯台守 sign again 🌊."
)
CP1252_TEXT = "The ’storm book’ says “never again” – £40 for the glazier, €15 for the café… sorted."
CP1252_COMMENT = "Renée paid the €15 raffle – and “Zoë’s” £40 went on paint… no regrets."
URLS = (
    "https://www.example.org/appeal/2021?ref=blog&step=2",
    "http://archive.example.net/logs/1998-07.html",
)
PLANTED = (
    "foghorn",
    "signal",
    "gannet",
    "landslip",
    "ptarmigan",
    "answerable",
    "kittiwake",
    "inspection",
    "inspections",
)

# The filler's words: none of them may be planted (tests count planted words exactly), be a
# weekday (a line starting with one could read as a date line) or hold non-ASCII characters
# (the Windows-1252 file takes filler too).
assert not VOCABULARY & set(PLANTED)
assert not VOCABULARY & {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
assert all(word.isascii() for word in VOCABULARY)


# --- the archive as data ----------------------------------------------------------------------


@dataclass
class View:
    """How one file shows one post: its own page, a listing entry, or a page cut off at
    "Load more..." after ``shown`` top-level comments."""

    post: ParsedPost
    kind: str = "page"  # "page" | "listing" | "cut"
    shown: int = 0
    date_line: str | None = None  # a variant spelling of the date line
    title_line: str | None = None  # the title line as the file has it (padding)
    blank_lines_after: int = 1


@dataclass
class DumpFile:
    """One generated file and what parsing it must give."""

    name: str
    encoding: str  # how it is written: "utf-8", "utf-8-sig" (with a BOM) or "cp1252"
    views: list[View]
    newline: str = "\n"
    path: Path | None = None
    posts: list[ParsedPost] = field(default_factory=list)  # the parser's result, exactly
    warnings: list[str] = field(default_factory=list)  # the parser's warnings, exactly
    read_as: str = "utf-8"  # ``ParseReport.encoding``

    def titles(self) -> list[str]:
        return [p.title for p in self.posts]


@dataclass
class StoredComment:
    """A comment as the library must hold it after every file was imported in order."""

    text: str
    path: str
    removed: bool = False
    new: bool = False
    replies: list[StoredComment] = field(default_factory=list)

    def walk(self) -> Iterator[StoredComment]:
        yield self
        yield from self.replies


@dataclass
class StoredPost:
    date: dt.date
    title: str
    body: str
    declared_comments: int | None
    comments: list[StoredComment]

    def walk(self) -> Iterator[StoredComment]:
        for comment in self.comments:
            yield from comment.walk()

    @property
    def comment_count(self) -> int:
        return sum(1 for _ in self.walk())

    def comment(self, path: str) -> StoredComment:
        return next(c for c in self.walk() if c.path == path)


@dataclass
class Archive:
    """The generated files (in import order) and the library they make together."""

    root: Path
    dumps: Path  # the folder holding only the dump files
    seed: int
    files: list[DumpFile]
    library: list[StoredPost]  # newest first, as ``dump --json`` lists them

    @property
    def paths(self) -> list[Path]:
        return [f.path for f in self.files if f.path is not None]

    def post(self, title: str) -> StoredPost:
        return next(p for p in self.library if p.title == title)

    def file_of(self, title: str) -> DumpFile:
        """The last file holding the post's own page."""
        return next(f for f in reversed(self.files) if any(v.post.title == title for v in f.views))

    @property
    def biggest(self) -> StoredPost:
        return max(self.library, key=lambda p: p.comment_count)

    @property
    def comment_count(self) -> int:
        return sum(p.comment_count for p in self.library)

    @property
    def reply_count(self) -> int:
        return sum(1 for p in self.library for c in p.comments for _ in c.replies)

    @property
    def item_count(self) -> int:
        """Posts plus comments: what the search index holds."""
        return len(self.library) + self.comment_count

    @property
    def new_count(self) -> int:
        return sum(c.new for p in self.library for c in p.walk())

    def items_in_month(self, year: int, month: int) -> int:
        return sum(
            1 + p.comment_count
            for p in self.library
            if (p.date.year, p.date.month) == (year, month)
        )

    def items_between(self, first: dt.date, last: dt.date) -> int:
        """Posts plus comments of the posts dated ``first`` to ``last`` (both included)."""
        return sum(1 + p.comment_count for p in self.library if first <= p.date <= last)

    def items_with(self, *words: str) -> set[tuple[str, str]]:
        """(post title, comment path or "" for the post) of every item holding all ``words``
        as whole words, ignoring case: the brute-force answer to a search for them."""

        def has(text: str) -> bool:
            return all(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in words)

        found: set[tuple[str, str]] = set()
        for post in self.library:
            if has(f"{post.title}\n{post.body}"):
                found.add((post.title, ""))
            found.update((post.title, c.path) for c in post.walk() if has(c.text))
        return found


# --- building it ------------------------------------------------------------------------------


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.prose = Prose(self.rng)
        self.openings: set[str] = set()

    def unique(self, make: Callable[[], str]) -> str:
        """``make()`` until its first five words start no other comment of the archive (the
        export tests find comments in a PDF by their first words)."""
        while True:
            text = make()
            opening = " ".join(text.split()[:5])
            if opening not in self.openings:
                self.openings.add(opening)
                return text

    def filler(self) -> str:
        return self.unique(self.prose.comment)

    def comment(self, text: str | None = None, *replies: ParsedComment) -> ParsedComment:
        text = self.filler() if text is None else text
        removed = text in (REMOVED_BY_AUTHOR, REMOVED_BY_ADMIN)
        return ParsedComment(text, removed=removed, replies=list(replies))

    def thread(self, top: int, special: dict[str, str], replies: dict[int, int]) -> list:
        """``top`` comments; ``replies[n]`` replies under comment n; ``special[path]`` texts
        (a path "n" or "n.m") replace the filler."""
        comments = []
        for n in range(1, top + 1):
            kids = [self.comment(special.get(f"{n}.{m}")) for m in range(1, replies.get(n, 0) + 1)]
            comments.append(self.comment(special.get(str(n)), *kids))
        return comments

    def with_sentence(self, sentence: str) -> str:
        """Filler with ``sentence`` in the middle of its first paragraph."""

        def make() -> str:
            first, *rest = self.prose.comment().split("\n\n")
            opening = self.prose.sentence(question=False)
            return "\n\n".join([f"{opening} {sentence} {first}", *rest])

        return self.unique(make)

    def body(self, paragraphs: int, *inserts: tuple[int, str]) -> str:
        parts = self.prose.body(paragraphs)
        for at, text in inserts:
            parts[at] = f"{parts[at]} {text}"
        return "\n\n".join(parts)

    def post(self, date: dt.date, title: str, body: str, comments: list | None) -> ParsedPost:
        declared = None if comments is None else sum(1 + len(c.replies) for c in comments)
        return ParsedPost(date, title, body, declared, comments)


def _big(b: _Builder) -> ParsedPost:
    """The busiest thread: 28 comments and 11 replies, every comment-level feature."""
    long_line = " ".join(b.prose.sentence() for _ in range(70))
    while len(long_line) < 5200:
        long_line += " " + b.prose.sentence()
    special = {
        "1": "Well said.",
        "2": b.with_sentence("The foghorn woke the whole village again."),
        "3": b.with_sentence(f"Donations can go through {URLS[0]} until Friday week."),
        "4.1": b.with_sentence("Without a foghorn signal the ferry will not sail in fog."),
        "4.2": b.with_sentence(f"A {REPLIES_WORD} nests under the gallery every summer."),
        "10": b.with_sentence(f"Both {STEM_PLURAL} last year found rust on the rail."),
        "20.3": b.with_sentence(f"The {REPLIES_WORD} chicks fledged in July."),
        "5": b.with_sentence("A foghorn signal every thirty seconds is the old rule."),
        "6": REMOVED_BY_AUTHOR,
        "7": NON_ASCII,
        "8": b.prose.paragraph(1, 2)
        + "\n\nWhat the trustees promised:\n1. a new lens\n2. a painted gallery\n3. open days",
        "9": b.with_sentence(f"Nobody mentions the {UNIQUE_PHRASE} of last spring."),
        "11": b.with_sentence("The foghorn signal was tested at noon and it carried for miles."),
        "12.2": b.with_sentence(
            f"A {REPLY_WORD} was seen on the headland path, which nobody expected in March."
        ),
        "13": "Agreed.",
        "14": "Agreed.",
        "15": long_line + "\n\n" + b.prose.paragraph(4, 6),
        "17": b.with_sentence("I miss the foghorn more than I expected."),
        "18": f"The old logs are scanned at {URLS[1]} if anyone wants them.",
        "20.2": REMOVED_BY_ADMIN,
        "22": "“It is only a light,” she said – “until the night you need it.”",
        "23": b.with_sentence("Put the foghorn signal back on the open day programme."),
        "26": b.with_sentence("Is the foghorn still under warranty?"),
    }
    comments = b.thread(28, special, {2: 1, 4: 3, 12: 2, 20: 4, 25: 1})
    body = b.body(
        10,
        (1, "The foghorn signal went silent in November and the council will not pay for it."),
        (4, "Every donation goes to the lens, the gallery rail and the foghorn."),
    )
    body += "\n\n*******\n\n" + b.prose.paragraph(2, 3)
    body += "\n\n1. Clean the lens\n2. Paint the gallery\n3. Ring the bell at dusk"
    return b.post(dt.date(2021, 3, 7), BIG_TITLE, body, comments)


def _focus(b: _Builder) -> ParsedPost:
    body = b.body(
        6,
        (1, f"Ask anyone who walked {FOCUS_PHRASE} in a gale what the log is for."),
        (3, f"The trust is {FOCUS_PHRASE_2}, and it should say so in writing."),
        (4, "“A light that nobody checks is a rumour,” as the old rota put it — and still does."),
    )
    comments = b.thread(10, {}, {2: 1, 5: 3, 6: 4, 8: 2, 10: 2})
    return b.post(FOCUS_DATE, FOCUS_TITLE, body, comments)


def _export(b: _Builder) -> ParsedPost:
    body = b.body(5, (2, CP1252_TEXT))
    special = {"2": CP1252_COMMENT, "11": REMOVED_BY_AUTHOR}
    comments = b.thread(20, special, {3: 3, 8: 2})
    return b.post(dt.date(2020, 10, 29), EXPORT_TITLE, body, comments)


_LISTING = (
    (dt.date(2021, 12, 29), "Tide Bulletin 41"),
    (dt.date(2021, 12, 21), "Midwinter at the Lamp Room"),
    (dt.date(2021, 12, 17), "Volunteer Rota for January"),
    (dt.date(2021, 12, 13), "Winter Bulletin from the Trustees"),
    (dt.date(2021, 12, 9), "The Lens Comes Home"),
    (dt.date(2021, 12, 2), "Tide Bulletin 40"),
    (dt.date(2021, 11, 30), "Paint, Rust and Patience"),
    (dt.date(2021, 11, 25), LISTED_TITLE),
    (dt.date(2021, 11, 23), "Questions for the Council"),
    (dt.date(2021, 11, 19), "Tide Bulletin 39"),
    (dt.date(2021, 11, 16), "A Gull on the Gallery"),
    (dt.date(2021, 11, 10), "Open Day Numbers"),
    (dt.date(2021, 11, 6), "Why We Still Keep a Log"),
)


def _listing_views(b: _Builder) -> list[View]:
    views = []
    for index, (date, title) in enumerate(_LISTING):
        parts = b.prose.body(b.rng.randint(2, 4))
        if index % 4 == 1:
            parts.insert(1, "--oo00oo--\xa0")  # a separator with Blogger's trailing nbsp
        if index % 5 == 2:
            parts.append("\n".join(f"  • {b.prose.sentence()}" for _ in range(3)))
        if title == "Midwinter at the Lamp Room":
            parts[0] += " Someone asked whether the foghorn will sound at midnight."
        post = b.post(date, title, "\n\n".join(parts), None)
        view = View(post, "listing", blank_lines_after=1 + index % 3)
        if title == "Volunteer Rota for January":
            view.title_line = f"  {title} \xa0"
        views.append(view)
    return views


def _night_watch_page(b: _Builder, listing: list[View]) -> ParsedPost:
    entry = next(v.post for v in listing if v.post.title == LISTED_TITLE)
    comments = b.thread(4, {}, {2: 1})
    return b.post(entry.date, entry.title, entry.body, comments)


def build(seed: int = SEED) -> list[DumpFile]:
    """The files, in import order, with what each must parse to (no paths yet)."""
    b = _Builder(seed)
    big, focus, export = _big(b), _focus(b), _export(b)
    headland = b.post(
        dt.date(2020, 6, 6), LOAD_MORE_TITLE, b.body(4), b.thread(16, {}, {2: 2, 7: 1, 14: 3})
    )
    moorings = b.post(dt.date(2020, 6, 20), CUT_TITLE, b.body(3), b.thread(9, {}, {3: 2}))
    listing = _listing_views(b)
    night_watch = _night_watch_page(b, listing)
    quiet = b.post(dt.date(2019, 11, 30), "Quiet Week", b.body(2), [])
    small = b.post(
        dt.date(2019, 11, 23), "One Small Thing", b.body(1), [b.comment("Thank you for this.")]
    )
    files = [
        DumpFile("01-lantern-appeal.txt", "utf-8", [View(big)]),
        DumpFile("02-keepers-log.txt", "utf-8-sig", [View(focus)]),
        DumpFile("03-winter-listing.txt", "utf-8", listing),
        DumpFile(
            "04-storm-night.txt",
            "cp1252",
            [View(export, date_line="Thursday 29 October 2020")],
            newline="\r\n",
        ),
        DumpFile(
            "05-headland-plan.txt",
            "utf-8",
            [View(headland, "cut", shown=11, date_line="Saturday, June 6, 2020")],
        ),
        DumpFile(
            "06-headland-plan-later.txt",
            "utf-8",
            [View(moorings, "cut", shown=6), View(headland)],
        ),
        DumpFile("07-night-watch.txt", "utf-8", [View(night_watch), View(quiet), View(small)]),
    ]
    for dump in files:
        _expect(dump)
    return files


def _shown(view: View) -> ParsedPost:
    """The post as this view shows it, which is what the parser must return."""
    post = view.post
    comments: list[ParsedComment] | None = [_copy(c) for c in post.comments or []]
    if view.kind == "listing":
        comments = None
    elif view.kind == "cut":
        comments = comments[: view.shown] if comments is not None else None
    declared = None if view.kind == "listing" else post.declared_comments
    shown = ParsedPost(post.date, post.title, post.body, declared, comments)
    shown.more_comments = view.kind == "cut"
    return shown


def _copy(comment: ParsedComment) -> ParsedComment:
    return ParsedComment(comment.text, comment.removed, [_copy(r) for r in comment.replies])


def _render(view: View) -> str:
    shown = _shown(view)
    lines = render_post(shown).split("\n")
    if view.date_line:
        lines[0] = view.date_line
    if view.title_line:
        lines[2] = view.title_line
    text = "\n".join(lines)
    if view.kind == "cut":
        text += LOAD_MORE + "\n"
    return text


def _expect(dump: DumpFile) -> None:
    """Fill in what parsing ``dump`` must give: posts with their lines, and the warnings."""
    line = 1
    for view in dump.views:
        shown = _shown(view)
        shown.line = line
        dump.posts.append(shown)
        if shown.comments is not None and shown.declared_comments is not None:
            found = sum(1 + len(c.replies) for c in shown.comments)
            if found != shown.declared_comments:
                dump.warnings.append(
                    f"line {line}: post '{shown.title}' declares "
                    f"{shown.declared_comments} comments, {found} found"
                )
        line += _render(view).count("\n") + view.blank_lines_after
    if dump.encoding == "cp1252":
        dump.read_as = "cp1252"
        text = file_text(dump)
        first = next(i for i, ch in enumerate(text) if not ch.isascii())
        line = text.count("\n", 0, first) + 1
        dump.warnings.insert(0, f"line {line}: not valid UTF-8; the file is read as cp1252")


def file_text(dump: DumpFile) -> str:
    """The file's text before encoding (``\\n`` line ends)."""
    return "".join(_render(v) + "\n" * v.blank_lines_after for v in dump.views)


def library_of(files: list[DumpFile]) -> list[StoredPost]:
    """What importing ``files`` in order must leave in a library, from the views alone: a
    post's comments are the most any page showed (pages are prefixes of one tree); comments
    first shown by a later page of a post that already had comments are new."""
    stored: dict[tuple[dt.date, str], StoredPost] = {}
    shown_before: dict[tuple[dt.date, str], int | None] = {}
    for dump in files:
        for view, parsed in zip(dump.views, dump.posts, strict=True):
            key = (parsed.date, parsed.title)
            before = shown_before.get(key)
            now = None if parsed.comments is None else len(parsed.comments)
            post = stored.get(key)
            if post is None:
                post = stored[key] = StoredPost(parsed.date, parsed.title, parsed.body, None, [])
            if parsed.declared_comments is not None:
                post.declared_comments = max(post.declared_comments or 0, parsed.declared_comments)
            if now is not None and (before is None or now > before):
                full = view.post.comments or []
                kept = post.comments
                post.comments = [
                    _stored(c, str(n), new=before is not None and n > before)
                    for n, c in enumerate(full[:now], start=1)
                ]
                for old, fresh in zip(kept, post.comments, strict=False):
                    _keep_flags(old, fresh)
                shown_before[key] = now
            elif key not in shown_before:
                shown_before[key] = now
    by_title = sorted(stored.values(), key=lambda p: p.title)
    return sorted(by_title, key=lambda p: p.date, reverse=True)  # ORDER BY date DESC, title


def _stored(comment: ParsedComment, path: str, *, new: bool) -> StoredComment:
    return StoredComment(
        comment.text,
        path,
        comment.removed,
        new,
        [
            _stored(reply, f"{path}.{m}", new=new)
            for m, reply in enumerate(comment.replies, start=1)
        ],
    )


def _keep_flags(old: StoredComment, fresh: StoredComment) -> None:
    fresh.new = old.new
    for a, b in zip(old.replies, fresh.replies, strict=False):
        _keep_flags(a, b)


# --- writing ----------------------------------------------------------------------------------


def write(root: Path, seed: int = SEED) -> Archive:
    """Write the dumps to ``root/dumps`` and the truth to ``root/EXPECTED.json`` (per file, in
    the shape of the real seeds' file plus full texts) and ``root/LIBRARY.json``."""
    files = build(seed)
    dumps = root / "dumps"
    dumps.mkdir(parents=True, exist_ok=True)
    for dump in files:
        text = file_text(dump)
        dump.path = dumps / dump.name
        dump.path.write_bytes(text.replace("\n", dump.newline).encode(dump.encoding))
    archive = Archive(root, dumps, seed, files, library_of(files))
    expected = {f.name: [_parsed_json(p) for p in f.posts] for f in files}
    (root / "EXPECTED.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False))
    library = [_stored_post_json(p) for p in archive.library]
    (root / "LIBRARY.json").write_text(json.dumps(library, indent=1, ensure_ascii=False))
    return archive


def _tree_json(comment: ParsedComment) -> dict:
    return {
        "starts": comment.text[:40],
        "text": comment.text,
        "removed": comment.removed,
        "replies": [_tree_json(r) for r in comment.replies],
    }


def _parsed_json(post: ParsedPost) -> dict:
    comments = None if post.comments is None else [_tree_json(c) for c in post.comments]
    return {
        "date": post.date.isoformat(),
        "title": post.title,
        "line": post.line,
        "declared_comments": post.declared_comments,
        "comments": comments or [],
        "has_comment_section": comments is not None,
        "total_comments": sum(1 + len(c.replies) for c in post.comments or []),
    }


def stored_comment_json(comment: StoredComment) -> dict:
    """A comment in the ``dump --json`` shape, without its id."""
    data: dict = {"text": comment.text, "removed": comment.removed}
    data["replies"] = [stored_comment_json(r) for r in comment.replies]
    if comment.new:
        data["new"] = True
    # the plain-text dump names no author, time or status (the richer formats do)
    data.update(author=None, published=None, status="published")
    return data


def _stored_post_json(post: StoredPost) -> dict:
    return {
        "date": post.date.isoformat(),
        "title": post.title,
        "declared_comments": post.declared_comments,
        "comments": [stored_comment_json(c) for c in post.comments],
    }


def stored_post_json(post: StoredPost) -> dict:
    """A post in the ``dump --json`` shape, without ids (compare with ``without_ids``)."""
    return _stored_post_json(post)


def without_ids(posts: list[dict]) -> list[dict]:
    """``dump --json`` output with the ids taken out, to compare with the truth."""

    def comment(data: dict) -> dict:
        out = {k: v for k, v in data.items() if k != "id"}
        out["replies"] = [comment(r) for r in data["replies"]]
        return out

    return [
        {
            "date": p["date"],
            "title": p["title"],
            "declared_comments": p["declared_comments"],
            "comments": [comment(c) for c in p["comments"]],
        }
        for p in posts
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (dumps/ and the truth files)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    archive = write(args.out, args.seed)
    print(
        f"wrote {len(archive.files)} files to {archive.dumps}: {len(archive.library)} posts, "
        f"{archive.comment_count} comments ({archive.reply_count} replies)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
