"""Each real public export imported from the command line, as a user would: the counts its
SOURCES.md gives, authors and times present in ``dump --json``, found by ``author:`` and
``status:``, and a second import that changes nothing.  Skipped with a reason when
``../shared`` is absent (tests/e2e/test_import_formats.py covers every format without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.real_samples import CORPUS, SAMPLES, need_corpus, tally

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_real_sample_imports_with_its_counts_authors_and_times(
    cli, tmp_path: Path, name: str
) -> None:
    need_corpus()
    library = tmp_path / "lib"
    out = cli(library, "import", str(CORPUS / name)).stdout
    assert "1 file imported, 0 failed" in out, out
    posts = cli.json(library, "dump", "--json")
    found, authors, times = tally(posts)
    assert found == SAMPLES[name]
    assert authors >= found.comments - 3  # Disqus: three posts name nobody
    assert times == found.comments  # every comment has its time, as the source states it
    for post in posts:
        assert {"author", "published", "status"} <= set(post)

    again = cli(library, "import", str(CORPUS / name)).stdout
    assert "0 new posts" in again and "0 new comments" in again and "up to date" in again
    assert cli.json(library, "dump", "--json") == posts


def test_the_real_samples_are_searchable_by_author_and_status(cli, tmp_path: Path) -> None:
    need_corpus()
    library = tmp_path / "lib"
    cli(library, "import", str(CORPUS))
    spam = cli.json(library, "search", "status:spam", "--json")
    assert len(spam) == 1  # the one Disqus post flagged isSpam
    unapproved = cli.json(library, "search", "is:unapproved", "--json")
    assert len(unapproved) == 3  # WordPress comment_approved = 0
    anonymous = cli.json(library, "search", "author:anonymous", "--json")
    assert len(anonymous) >= 6  # the Blogger feed's six Anonymous comments, and more
    jdub = cli.json(library, "search", 'author:"J.Dub"', "--json")
    assert len(jdub) == 1
