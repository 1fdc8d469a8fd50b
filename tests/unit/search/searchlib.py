"""A generated library for the search tests, and a brute-force evaluator to compare hits with.

``make_library(folder)`` imports a dump written here (the project's own words: no test needs
``../shared``).  Its vocabulary is built to trip search up: words whose prefix and stem differ
(probation/probationer/probate, happy/happiness, officer/office), very common words in every
phrase, accents, digits, snake_case, literal ``[brackets]``, control characters, and Chinese,
Japanese and Korean text with Latin words inside.

``BruteForce`` answers a parsed query by reading every item's text from the store and
checking it directly, with its own idea of a word (``str.isalnum``; CJK characters told by
their Unicode names, one unit each), sharing only the stemmer and case folding with the
engine.  Its hit set is the truth the index must reproduce.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reader.formats.blogtext_write import render_post
from reader.model import ParsedComment, ParsedPost
from reader.search import query as q
from reader.search.analysis import fold, term_for

COMMON = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "it",
    "that",
    "was",
    "for",
    "on",
    "are",
    "with",
    "as",
]
TRAPS = [
    "probation",
    "probations",
    "probationer",
    "probationers",
    "probationary",
    "probate",
    "probated",
    "happy",
    "happiness",
    "happily",
    "happier",
    "unhappy",
    "officer",
    "officers",
    "office",
    "offices",
    "official",
    "parole",
    "paroled",
    "paroles",
    "napo",
    "union",
    "unions",
    "inspection",
    "inspections",
    "inspector",
    "wheel",
    "wheels",
    "hamster",
    "hamsters",
    "café",
    "naïve",
    "Éric",
    "2020",
    "42",
    "x7",
]
PLAIN = [
    "garden",
    "lantern",
    "river",
    "quiet",
    "morning",
    "report",
    "budget",
    "tribunal",
    "court",
    "letter",
    "hearing",
    "meeting",
    "question",
    "answer",
    "morale",
    "staff",
    "service",
    "probe",
    "happen",
    "hap",
    "offer",
    "off",
]
CJK_TEXTS = (
    "保护观察制度",
    "我用Python写代码",
    "社区服务令",
    "かな漢字の文章",
    "한국어 문장입니다",
    "保护",
    "观察员",
)
ODD = (
    "snake_case_word",
    "a [bracketed] word",
    "colour\x1b[31mred\x1b[0m and a bell\x07",
    "--",
    "under_score",
)
VOCAB = COMMON * 4 + TRAPS + PLAIN


def _sentence(rnd: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        roll = rnd.random()
        if roll < 0.04:
            parts.append(rnd.choice(CJK_TEXTS))
        elif roll < 0.06:
            parts.append(rnd.choice(ODD))
        else:
            word = rnd.choice(VOCAB)
            parts.append(word.capitalize() if rnd.random() < 0.1 else word)
    return " ".join(parts) + rnd.choice([".", "!", "?", ",", ""])


def make_posts(posts: int = 40, seed: int = 5) -> list[ParsedPost]:
    rnd = random.Random(seed)
    made = []
    for number in range(posts):
        date = dt.date(2018, 1, 1) + dt.timedelta(days=rnd.randrange(5 * 365))
        comments = []
        for _ in range(rnd.randrange(0, 12)):
            replies = [
                ParsedComment(text=_sentence(rnd, rnd.randrange(1, 25)))
                for _ in range(rnd.randrange(0, 3))
            ]
            comments.append(
                ParsedComment(text=_sentence(rnd, rnd.randrange(1, 40)), replies=replies)
            )
        title = f"Post {number} " + " ".join(rnd.choice(VOCAB) for _ in range(rnd.randrange(1, 5)))
        body = "\n\n".join(_sentence(rnd, rnd.randrange(3, 60)) for _ in range(rnd.randrange(1, 4)))
        made.append(
            ParsedPost(
                date=date,
                title=title,
                body=body,
                declared_comments=sum(1 + len(c.replies) for c in comments),
                comments=comments,
            )
        )
    return made


def write_dump(path: Path, posts: list[ParsedPost]) -> Path:
    path.write_text("".join(render_post(post) for post in posts), encoding="utf-8")
    return path


def make_library(folder: Path, posts: int = 40, seed: int = 5):
    """A ``Library`` in ``folder`` holding a generated dump (caller closes it)."""
    from reader.store import Library

    dump = write_dump(folder.parent / f"{folder.name}-dump.txt", make_posts(posts, seed))
    library = Library.open(folder)
    result = library.import_file(dump)
    assert result.ok, result.error
    return library


# -- the brute-force evaluator -----------------------------------------------------------------

_CJK_NAMES = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC")


def is_cjk_char(ch: str) -> bool:
    return ch.isalnum() and unicodedata.name(ch, "").startswith(_CJK_NAMES)


def units(text: str) -> list[tuple[str, str]]:
    """The text as (kind, value) units: ("w", stem) per word and ("c", char) per CJK
    character; a word is a run of ``str.isalnum`` characters that are not CJK."""
    text = unicodedata.normalize("NFC", text)
    found: list[tuple[str, str]] = []
    word: list[str] = []

    def flush() -> None:
        if word:
            found.append(("w", "".join(word)))
            word.clear()

    for ch in text:
        if is_cjk_char(ch):
            flush()
            found.append(("c", unicodedata.normalize("NFKC", ch).casefold()))
        elif ch.isalnum():
            word.append(ch)
        else:
            flush()
    flush()
    return found


@dataclass
class Item:
    id: str
    kind: str  # post | comment | reply
    date: dt.date
    removed: bool
    vanished: bool
    body: list[tuple[str, str]]  # units, words as surface forms
    title: list[tuple[str, str]]


def _stemmed(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(kind, term_for(value) if kind == "w" else value) for kind, value in items]


class BruteForce:
    """The truth: which items a parsed query matches, from the store's text."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.items: list[Item] = []
        for pid, date, title, body in conn.execute("SELECT id, date, title, body FROM posts"):
            body_units = [*units(title), ("gap", ""), *units(body)]
            self.items.append(
                Item(
                    pid, "post", dt.date.fromisoformat(date), False, False, body_units, units(title)
                )
            )
        for cid, parent, date, text, removed, vanished in conn.execute(
            "SELECT c.id, c.parent_id, p.date, c.text, c.removed, c.vanished"
            " FROM comments c JOIN posts p ON p.id = c.post_id"
        ):
            kind = "reply" if parent else "comment"
            self.items.append(
                Item(
                    cid,
                    kind,
                    dt.date.fromisoformat(date),
                    bool(removed),
                    bool(vanished),
                    units(text),
                    [],
                )
            )
        self._stems = {item.id: (_stemmed(item.body), _stemmed(item.title)) for item in self.items}

    def search(self, parsed: q.ParsedQuery) -> set[str]:
        if parsed.root is None:
            return set()
        return {item.id for item in self.items if self.matches(parsed.root, item)}

    def matches(self, node: q.Node, item: Item) -> bool:
        if isinstance(node, q.And):
            return all(self.matches(n, item) for n in node.items)
        if isinstance(node, q.Or):
            return any(self.matches(n, item) for n in node.items)
        if isinstance(node, q.Not):
            return not self.matches(node.item, item)
        if isinstance(node, q.Kind):
            return item.kind == node.kind or (node.kind == "comment" and item.kind == "reply")
        if isinstance(node, q.Flag):
            return getattr(item, node.name, False) is True
        if isinstance(node, q.Colour):
            return False
        if isinstance(node, q.DateRange):
            return (node.start is None or node.start <= item.date) and (
                node.end is None or item.date <= node.end
            )
        body, title = self._stems[item.id]
        stems = title if node.field == "title" else [] if node.field == "note" else body
        surface = item.title if node.field == "title" else [] if node.field == "note" else item.body
        if isinstance(node, q.Words):
            wanted = _stemmed(units(node.text))
            size = len(wanted)
            return any(stems[i : i + size] == wanted for i in range(len(stems) - size + 1))
        if isinstance(node, q.Prefix):
            return any(kind == "w" and fold(v).startswith(node.prefix) for kind, v in surface)
        if isinstance(node, q.Fuzzy):
            return any(
                kind == "w" and _within(fold(v), node.word, node.maxdist) for kind, v in surface
            )
        raise TypeError(node)


def _within(a: str, b: str, distance: int) -> bool:
    """Damerau-free Levenshtein distance at most ``distance``, first letters equal (whoosh's
    ``prefix=1``)."""
    if not a or not b or a[0] != b[0] or abs(len(a) - len(b)) > distance:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] <= distance
