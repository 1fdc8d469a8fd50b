"""The real public exports in ``../shared/corpus/real`` and what the library must hold after
importing each, from the counts its ``SOURCES.md`` gives.

Shared by the command-line test (``tests/e2e/test_real_samples.py``) and the window's drop
test (``tests/gui/test_formats_window.py``), so both check the same numbers.  The samples
are other people's words: they stay in ``../shared``; tests that read them are marked
``corpus`` and skip with a reason when the folder is absent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "real"
REASON = f"the real export samples are not beside this checkout ({CORPUS})"


@dataclass(frozen=True)
class Expected:
    """What a library holds after importing one sample (``tally`` of its ``dump --json``)."""

    posts: int
    comments: int  # every comment and reply
    replies: int
    removed: int
    depth: int  # replies below a top-level comment: 0 for none
    statuses: dict[str, int] = field(default_factory=dict)  # comments' statuses but published
    post_statuses: dict[str, int] = field(default_factory=dict)


SAMPLES: dict[str, Expected] = {
    # 10 posts (2 drafts) and a page; one comment left by the stub's author (J.Dub)
    "blogger-backup-legacy_kriscargile_blog-08-19-2012.xml": Expected(
        11, 1, 0, 0, 0, post_statuses={"draft": 2, "page": 1}
    ),
    # a post's comment feed: 22 comments, 2 replies, 1 removed by its author
    "blogger-comments-feed_program-think_2009-01-4.atom.xml": Expected(
        1, 22, 2, 1, 1, statuses={"deleted": 1}
    ),
    # 58 posts (one future, one draft) and 21 pages; 33 comments, 10 replies, 9 deep
    "wordpress-wxr-1.2_theme-unit-test-data.xml": Expected(
        79,
        33,
        10,
        0,
        9,
        statuses={"unapproved": 3, "trackback": 2, "pingback": 2},
        post_statuses={"draft": 2, "page": 21},
    ),
    # 209 posts on 61 threads (59 articles once addresses are normalised), 118 replies, 7 deep
    "disqus-export_laisky-blog.xml": Expected(
        59, 209, 118, 4, 7, statuses={"deleted": 4, "spam": 1}
    ),
    # 46 messages: 28 threads, 18 replies (most threaded by subject alone)
    "mbox-mboxo_alphant-list_1995-September.mbox": Expected(28, 18, 2, 0, 1),
    # one thread of 7 messages: the cover letter and 6 answers, one of them to patch 4/4
    "mbox-mboxrd_b4-test_trailers-thread-with-cover-followup.mbox": Expected(1, 6, 1, 0, 1),
}


def need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(REASON)


def tally(posts: list[dict[str, Any]]) -> tuple[Expected, int, int]:
    """(counts of a ``dump --json``, comments with an author, comments with a time)."""
    statuses: Counter[str] = Counter()
    totals = {"comments": 0, "replies": 0, "removed": 0, "depth": 0, "authors": 0, "times": 0}

    def walk(comments: list[dict[str, Any]], depth: int) -> None:
        for c in comments:
            totals["comments"] += 1
            totals["replies"] += depth > 0
            totals["removed"] += bool(c["removed"])
            totals["depth"] = max(totals["depth"], depth)
            totals["authors"] += bool(c["author"])
            totals["times"] += bool(c["published"])
            if c["status"] != "published":
                statuses[c["status"]] += 1
            walk(c["replies"], depth + 1)

    for post in posts:
        walk(post["comments"], 0)
    post_statuses = Counter(p["status"] for p in posts if p["status"] != "published")
    found = Expected(
        len(posts),
        totals["comments"],
        totals["replies"],
        totals["removed"],
        totals["depth"],
        dict(statuses),
        dict(post_statuses),
    )
    return found, totals["authors"], totals["times"]
