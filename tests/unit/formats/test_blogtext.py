"""Tests for the plain-text blog dump parser, its writer and the synthetic dump generators.

The generated archive (``helpers.dumpgen``) must parse to exactly what it was generated from,
file by file, warnings and encodings included.  The seeds in ``../shared/seeds`` are real dumps
(tests marked ``seeds``, skipped without them): every field of their ``EXPECTED.json`` must come
out exactly.  The rest pins down each layout rule on small hand-written dumps, and a property
test checks that any comment tree written by ``blogtext_write`` parses back to itself.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import dumpgen, seeds
from reader.errors import DumpError
from reader.formats import ParseReport, blogtext, blogtext_lines, blogtext_read
from reader.formats.blogtext_write import count_line, date_line, render_post, write_dump
from reader.model import ParsedComment, ParsedPost

REPO = Path(__file__).resolve().parents[3]
SEEDS = seeds.SEEDS_DIR
EXPECTED_FILE = SEEDS / "EXPECTED.json"
# Without the seeds one placeholder stands for them, so each seed test reports one skip.
SEED_NAMES = (
    sorted(json.loads(EXPECTED_FILE.read_text(encoding="utf-8")))
    if EXPECTED_FILE.exists()
    else ["(no ../shared/seeds)"]
)


def parse_text(
    tmp_path: Path, text: str | bytes, name: str = "dump.txt"
) -> tuple[list[ParsedPost], ParseReport]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    report = ParseReport()
    return list(blogtext.parse(path, report)), report


def parse_one(tmp_path: Path, text: str | bytes) -> ParsedPost:
    posts, _ = parse_text(tmp_path, text)
    assert len(posts) == 1
    return posts[0]


def first_line(text: str) -> str:
    return text.splitlines()[0][:40] if text else ""


def tree(post: ParsedPost) -> list[tuple[str, bool, list[tuple[str, bool]]]] | None:
    if post.comments is None:
        return None
    return [(c.text, c.removed, [(r.text, r.removed) for r in c.replies]) for c in post.comments]


# --- the generated archive: parsed exactly as it was generated -------------------------------

GENERATED = [dump.name for dump in dumpgen.build()]


def full_tree(comments: list[ParsedComment] | None) -> list | None:
    if comments is None:
        return None
    return [(c.text, c.removed, full_tree(c.replies)) for c in comments]


def shape(post: ParsedPost) -> tuple:
    return (
        post.date,
        post.title,
        post.body,
        post.declared_comments,
        post.line,
        post.more_comments,
        full_tree(post.comments),
    )


@pytest.mark.parametrize("name", GENERATED)
def test_generated_file_parses_to_exactly_what_it_was_made_from(name: str, dumps) -> None:
    dump = next(f for f in dumps.files if f.name == name)
    report = ParseReport()
    posts = list(blogtext.parse(dump.path, report))
    assert [shape(p) for p in posts] == [shape(p) for p in dump.posts]
    assert report.encoding == dump.read_as
    assert report.warnings == dump.warnings
    assert report.bytes_read == dump.path.stat().st_size


@pytest.mark.parametrize("name", GENERATED)
def test_generated_line_numbers_point_at_markers(name: str, dumps) -> None:
    dump = next(f for f in dumps.files if f.name == name)
    lines = dump.path.read_bytes().decode(dump.encoding).replace("\r\n", "\n").split("\n")
    for post in blogtext.parse(dump.path, ParseReport()):
        assert blogtext_lines.date_of(lines[post.line - 1].lstrip("\ufeff")) == post.date
        for number, comment in enumerate(post.comments or [], start=1):
            assert lines[comment.line - 1].startswith(f"  {number}. ")
            for reply_number, reply in enumerate(comment.replies, start=1):
                assert lines[reply.line - 1].startswith(f"    {reply_number}. ")


def test_sniff_accepts_every_generated_file(dumps) -> None:
    for path in dumps.paths:
        assert blogtext.sniff(path.read_bytes()[:65536]), path.name


# --- hand-written edge cases in tests/data/blogtext ------------------------------------------

EDGE_CASES = sorted((REPO / "tests" / "data" / "blogtext").glob("*.txt"))


def as_json(comment: ParsedComment) -> dict:
    return {
        "text": comment.text,
        "removed": comment.removed,
        "replies": [as_json(r) for r in comment.replies],
    }


@pytest.mark.parametrize("path", EDGE_CASES, ids=lambda p: p.stem)
def test_edge_case_files_parse_as_written_down(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    report = ParseReport()
    posts = [
        {
            "line": p.line,
            "date": p.date.isoformat(),
            "title": p.title,
            "body": p.body,
            "declared_comments": p.declared_comments,
            "more_comments": p.more_comments,
            "comments": None if p.comments is None else [as_json(c) for c in p.comments],
        }
        for p in blogtext.parse(path, report)
    ]
    assert posts == expected["posts"]
    assert (report.encoding, report.warnings) == (expected["encoding"], expected["warnings"])


def test_every_edge_case_has_its_expected_result() -> None:
    assert len(EDGE_CASES) >= 6
    assert all(p.with_suffix(".json").is_file() for p in EDGE_CASES)


# --- the real seeds ---------------------------------------------------------------------------


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_matches_expected_exactly(name: str) -> None:
    expected = json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))[name]
    report = ParseReport()
    posts = list(blogtext.parse(SEEDS / name, report))
    assert report.encoding == "utf-8"
    assert report.warnings == []
    assert len(posts) == len(expected)
    for post, want in zip(posts, expected, strict=True):
        assert post.date.isoformat() == want["date"]
        assert post.title == want["title"]
        assert post.declared_comments == want["declared_comments"]
        if want["declared_comments"] is None:
            assert post.comments is None
        comments = post.comments or []
        got = [
            {
                "starts": first_line(c.text),
                "replies": [{"starts": first_line(r.text)} for r in c.replies],
            }
            for c in comments
        ]
        assert got == want["comments"]
        assert sum(1 + len(c.replies) for c in comments) == want["total_comments"]
        assert post.body  # every seed post has text


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_line_numbers_point_at_markers(name: str) -> None:
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    for post in blogtext.parse(SEEDS / name, ParseReport()):
        assert blogtext_lines.date_of(lines[post.line - 1]) == post.date
        for number, comment in enumerate(post.comments or [], start=1):
            assert lines[comment.line - 1].startswith(f"  {number}. ")
            for reply_number, reply in enumerate(comment.replies, start=1):
                assert lines[reply.line - 1].startswith(f"    {reply_number}. ")


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_round_trips_through_the_writer(name: str, tmp_path: Path) -> None:
    posts = list(blogtext.parse(SEEDS / name, ParseReport()))
    with open(tmp_path / "again.txt", "w", encoding="utf-8") as handle:
        write_dump(posts, handle)
    again = list(blogtext.parse(tmp_path / "again.txt", ParseReport()))
    assert [(p.date, p.title, p.body, p.declared_comments, tree(p)) for p in again] == [
        (p.date, p.title, p.body, p.declared_comments, tree(p)) for p in posts
    ]


def _raw_comment_text(lines: list[str], start: int, marker: str, indent: str, close: tuple) -> str:
    """A comment's text straight from the file: the lines from its marker to its close marker,
    dedented (an oracle independent of the parser's state machine)."""
    out = [lines[start][len(marker) :]]
    for line in lines[start + 1 :]:
        if line in close or (
            line.startswith("  ") and not line.startswith(indent) and line.strip()
        ):
            break
        out.append(line[len(indent) :] if line.startswith(indent) else line.strip())
    return blogtext_lines.normalise_text("\n".join(out))


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_texts_are_exact(name: str) -> None:
    """Every comment's text is the file's lines, indentation removed, single line breaks and
    paragraph breaks kept (checked against the raw lines, never against quoted text)."""
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    checked = 0
    for post in blogtext.parse(SEEDS / name, ParseReport()):
        for number, comment in enumerate(post.comments or [], start=1):
            raw = _raw_comment_text(
                lines, comment.line - 1, f"  {number}. ", "    ", ("    ReplyDelete", "    Reply")
            )
            assert comment.text == raw
            for reply_number, reply in enumerate(comment.replies, start=1):
                marker = f"    {reply_number}. "
                raw = _raw_comment_text(lines, reply.line - 1, marker, "      ", ("      Delete",))
                assert reply.text == raw
                checked += 1
            checked += 1
    assert checked == sum(1 + len(c.replies) for p in _seed_posts(name) for c in p.comments or [])


def _seed_posts(name: str) -> list[ParsedPost]:
    return list(blogtext.parse(SEEDS / name, ParseReport()))


@pytest.mark.seeds
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_separators_stay_in_the_body(name: str) -> None:
    """Separator lines keep their trailing no-break spaces inside a body; only the body's very
    last line loses them."""
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    posts = _seed_posts(name)
    starts = [p.line for p in posts] + [len(lines) + 1]
    for post, end in zip(posts, starts[1:], strict=True):
        for raw in lines[post.line : end - 1]:
            if raw.startswith(("--oo00oo--", "*******")):
                assert f"\n{raw}\n" in post.body or post.body.endswith(raw.rstrip()), raw


@pytest.mark.seeds
def test_sniff_accepts_seeds() -> None:
    for name in SEED_NAMES:
        assert blogtext.sniff((SEEDS / name).read_bytes()[:65536])


# --- sniff ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"Sunday, 7 March 2021\n\nTitle\n",
        b"\xef\xbb\xbfSunday, 7 March 2021\r\n\r\nTitle\r\n",
        b"\n\n  \nThursday 29 October 2020\xc2\xa0\xc2\xa0\n\nTitle",
        b"Thursday 29 October 2020\xa0\n",  # cp1252 no-break space
        b"Sunday, March 7, 2021\n",
        b"Sunday, 7 March 2021",  # the whole head is one line
    ],
)
def test_sniff_true(head: bytes) -> None:
    assert blogtext.sniff(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\n\n",
        b"<?xml version='1.0'?><feed/>",
        b"My blog\nSunday, 7 March 2021\n",
        b"  Sunday, 7 March 2021\n",  # not at column 0
        b"Sunday, 31 February 2021\n",  # no such day
        b"Someday, 7 March 2021\n",
        b"Sunday 7 March\n",
    ],
)
def test_sniff_false(head: bytes) -> None:
    assert not blogtext.sniff(head)


def test_registry_detects_blogtext(tmp_path: Path) -> None:
    from reader import formats

    path = tmp_path / "d.txt"
    path.write_text("Sunday, 7 March 2021\n\nT\n\nBody\n", encoding="utf-8")
    assert formats.detect(path) is blogtext
    report = ParseReport()
    assert [p.title for p in formats.parse(path, report)] == ["T"]
    assert report.format == "blogtext"


# --- layout rules -----------------------------------------------------------------------------

SIMPLE = """Sunday, 7 March 2021

A Title

First paragraph
second line.

Second paragraph.

3 comments:

  1. First comment
    continued here.

    New paragraph.

    ReplyDelete
    Replies
    1. A reply
      on two lines.

      Delete
  2. Second comment.

    ReplyDelete
"""


def test_simple_post(tmp_path: Path) -> None:
    post = parse_one(tmp_path, SIMPLE)
    assert post.date == dt.date(2021, 3, 7)
    assert post.title == "A Title"
    assert post.body == "First paragraph\nsecond line.\n\nSecond paragraph."
    assert post.declared_comments == 3
    assert tree(post) == [
        (
            "First comment\ncontinued here.\n\nNew paragraph.",
            False,
            [("A reply\non two lines.", False)],
        ),
        ("Second comment.", False, []),
    ]
    assert post.line == 1
    assert post.comments is not None
    assert [c.line for c in post.comments] == [12, 23]
    assert post.comments[0].replies[0].line == 19


def test_crlf_and_bom_give_the_same_posts(tmp_path: Path) -> None:
    plain = parse_one(tmp_path, SIMPLE)
    crlf = parse_one(tmp_path, "\ufeff" + SIMPLE.replace("\n", "\r\n"))
    assert (crlf.title, crlf.body, tree(crlf)) == (plain.title, plain.body, tree(plain))
    assert [c.line for c in crlf.comments or []] == [c.line for c in plain.comments or []]


def test_no_trailing_newline(tmp_path: Path) -> None:
    post = parse_one(tmp_path, SIMPLE.rstrip("\n").replace("\n", "\r\n"))
    assert tree(post) == tree(parse_one(tmp_path, SIMPLE))


@pytest.mark.parametrize(
    "line",
    [
        "Thursday 29 October 2020",
        "Thursday, 29 October 2020",
        "Thursday, 29 October 2020\xa0\xa0 ",
        "Thursday,  29 October 2020",
        "Thursday, October 29, 2020",
    ],
)
def test_date_line_variants(tmp_path: Path, line: str) -> None:
    post = parse_one(tmp_path, f"{line}\n\nTitle\n\nBody\n")
    assert post.date == dt.date(2020, 10, 29)
    assert (post.title, post.body) == ("Title", "Body")


def test_many_posts_and_listing_pages(tmp_path: Path) -> None:
    text = (
        "\n\nSaturday, 18 December 2021\n\n\n  Listing Page \xa0\n\nText one.\n"
        "Thursday, 16 December 2021\nSecond\nText two.\n\n\n"
        "Wednesday, 15 December 2021\n\nThird\n\nNo comments:\n"
        "Sunday, 5 December 2021\n\nFourth\n\n1 comment:\n\n  1. Only one.\n\n    ReplyDelete\n"
    )
    posts, report = parse_text(tmp_path, text)
    assert [(p.title, p.body, p.declared_comments, tree(p)) for p in posts] == [
        ("Listing Page", "Text one.", None, None),
        ("Second", "Text two.", None, None),
        ("Third", "", 0, []),
        ("Fourth", "", 1, [("Only one.", False, [])]),
    ]
    assert [p.line for p in posts] == [3, 9, 14, 19]
    assert report.warnings == []


def test_numbered_body_paragraphs_are_body(tmp_path: Path) -> None:
    body = "Points:\n\n1. one\n2. two\n  3. indented three\n    4. deeper\n\n10 things:\n\n- end"
    post = parse_one(tmp_path, f"Sunday, 7 March 2021\n\nT\n\n{body}\n\n2 comments:\n\n  1. c\n")
    assert post.body == body
    assert tree(post) == [("c", False, [])]


def test_cut_off_final_comment_at_end_of_file(tmp_path: Path) -> None:
    text = SIMPLE.split("  2. Second")[0] + "  2. Cut off\n    in the middle"
    post = parse_one(tmp_path, text)
    assert tree(post) == [
        (
            "First comment\ncontinued here.\n\nNew paragraph.",
            False,
            [("A reply\non two lines.", False)],
        ),
        ("Cut off\nin the middle", False, []),
    ]


def test_cut_off_reply_before_next_post(tmp_path: Path) -> None:
    text = SIMPLE.split("\n\n      Delete")[0] + "\nSaturday, 6 March 2021\n\nNext\n\nBody\n"
    posts, report = parse_text(tmp_path, text)
    assert len(posts) == 2
    assert tree(posts[0]) == [
        (
            "First comment\ncontinued here.\n\nNew paragraph.",
            False,
            [("A reply\non two lines.", False)],
        )
    ]
    assert posts[1].title == "Next"
    assert report.warnings == ["line 1: post 'A Title' declares 3 comments, 2 found"]


def test_cut_off_comment_before_next_comment(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n2 comments:\n\n"
        "  1. no marker\n  2. second\n\n    ReplyDelete\n"
    )
    post = parse_one(tmp_path, text)
    assert tree(post) == [("no marker", False, []), ("second", False, [])]


def test_indented_date_line_in_comment_is_text(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n1 comment:\n\n  1. Quote:\n\n"
        "    Saturday, 6 March 2021\n    said someone\n\n    ReplyDelete\n"
    )
    post = parse_one(tmp_path, text)
    assert tree(post) == [("Quote:\n\nSaturday, 6 March 2021\nsaid someone", False, [])]


def test_numbers_inside_comment_text(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n3 comments:\n\n"
        "  1. My list:\n    1. first\n    2. second\n      3. nested\n\n    ReplyDelete\n"
        "    Replies\n    1. Reply list:\n      1. a\n        2. b\n\n      Delete\n"
        "  2. 42. is the answer\n\n    ReplyDelete\n"
    )
    post = parse_one(tmp_path, text)
    assert tree(post) == [
        (
            "My list:\n1. first\n2. second\n  3. nested",
            False,
            [("Reply list:\n1. a\n  2. b", False)],
        ),
        ("42. is the answer", False, []),
    ]


def test_removed_comments(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n4 comments:\n\n"
        "  1. This comment has been removed by the author.\n\n    ReplyDelete\n    Replies\n"
        "    1. This comment has been removed by a blog administrator.\n\n      Delete\n"
        "    2. This comment has been removed by the author. Not really.\n\n      Delete\n"
        "  2. Kept.\n\n    ReplyDelete\n"
    )
    post = parse_one(tmp_path, text)
    assert tree(post) == [
        (
            "This comment has been removed by the author.",
            True,
            [
                ("This comment has been removed by a blog administrator.", True),
                ("This comment has been removed by the author. Not really.", False),
            ],
        ),
        ("Kept.", False, []),
    ]


def test_separator_in_body_kept(tmp_path: Path) -> None:
    body = "Part one.\n\n--oo00oo--\xa0 \xa0\n\nPart two.\n\n--oo00oo--"
    post = parse_one(tmp_path, f"Sunday, 7 March 2021\n\nT\n\n{body}\xa0 \n")
    assert post.body == body


def test_text_whitespace_rules(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n\n\n  Indented start\xa0\nline with trailing  \n\n\n"
        "1 comment:\n\n  1.   spaced\xa0\n    \xa0\n      indented two\n\n\n    last\xa0 \n\n"
        "    ReplyDelete\n"
    )
    post = parse_one(tmp_path, text)
    assert post.body == "  Indented start\xa0\nline with trailing"
    assert tree(post) == [("  spaced\xa0\n\xa0\n  indented two\n\n\nlast", False, [])]


def test_empty_comment_and_marker_without_text(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n2 comments:\n\n  1.\n    \n    text after blank\n\n"
        "    ReplyDelete\n  2. \n\n    ReplyDelete\n"
    )
    post = parse_one(tmp_path, text)
    assert tree(post) == [("text after blank", False, []), ("", False, [])]


def test_close_marker_words_ending_a_text(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n3 comments:\n\n"
        "  1. a\n    Reply\n\n    ReplyDelete\n    Replies\n"
        "    1. r\n      Delete\n\n      Delete\n"
        "  2. b\n    ReplyDelete\n\n    ReplyDelete\n"
    )
    posts, report = parse_text(tmp_path, text)
    assert tree(posts[0]) == [
        ("a\nReply", False, [("r\nDelete", False)]),
        ("b\nReplyDelete", False, []),
    ]
    assert report.warnings == []


def test_whitespace_after_a_close_marker_does_not_reopen(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n3 comments:\n\n"
        "  1. a\n\n    ReplyDelete\n     \n    Replies\n    1. r\n\n      Delete\n        \n"
        "  2. b\n\n    ReplyDelete\n"
    )
    posts, report = parse_text(tmp_path, text)
    assert tree(posts[0]) == [("a", False, [("r", False)]), ("b", False, [])]
    assert report.warnings == []


def test_the_one_ambiguous_layout(tmp_path: Path) -> None:
    """A text line "ReplyDelete" and later a text line "Replies" read as markers."""
    post = ParsedPost(
        dt.date(2021, 3, 7), "T", "", None, [ParsedComment("a\nReplyDelete\n\nReplies\n1. x")]
    )
    (tmp_path / "amb.txt").write_text(render_post(post), encoding="utf-8")
    report = ParseReport()
    (got,) = blogtext.parse(tmp_path / "amb.txt", report)
    assert tree(got) == [("a", False, [("x\n\nReplyDelete", False)])]
    assert report.warnings == [
        "line 13: line does not fit the comment layout; added to the comment above",
        "line 1: post 'T' declares 1 comments, 2 found",
    ]


def test_close_marker_words_inside_text_reopen_the_comment(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n2 comments:\n\n"
        "  1. before\n    ReplyDelete\n\n    after\n\n    ReplyDelete\n    Replies\n"
        "    1. r1\n      Delete\n      more\n\n      Delete\n"
    )
    post = parse_one(tmp_path, text)
    assert tree(post) == [("before\nReplyDelete\n\nafter", False, [("r1\nDelete\nmore", False)])]


def test_count_line_in_body_without_comments_is_body(tmp_path: Path) -> None:
    text = "Sunday, 7 March 2021\n\nT\n\nIntro\n\n12 comments:\n\nwere left on the old post.\n"
    posts, report = parse_text(tmp_path, text)
    assert posts[0].body == "Intro\n\n12 comments:\n\nwere left on the old post."
    assert posts[0].comments is None and posts[0].declared_comments is None
    assert report.warnings == ["line 7: count line not followed by comments; kept as body text"]


def test_count_line_variants(tmp_path: Path) -> None:
    for line, count in [
        ("1 comment:", 1),
        ("1 comments:", 1),
        ("No comments:", 0),
        ("1,234 comments:", 1234),
        ("7 comments:\xa0", 7),
    ]:
        assert blogtext_lines.count_of(line) == count, line
    for line in ["two comments:", "3 comments: yes", "3 comments", "  3 comments:", "-3 comments:"]:
        assert blogtext_lines.count_of(line) is None, line


@pytest.mark.parametrize("marker", ["Load more...", "  Load more...", "Load more…\xa0"])
def test_load_more_ends_a_page_without_becoming_text(tmp_path: Path, marker: str) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\nBody\n\n5 comments:\n\n"
        "  1. one\n\n    ReplyDelete\n    Replies\n    1. a reply\n\n      Delete\n"
        f"  2. two\n\n    ReplyDelete\n\n{marker}\n\n"
        "Saturday, 6 March 2021\n\nNext\n\nBody two\n"
    )
    posts, report = parse_text(tmp_path, text)
    assert [(tree(p), p.more_comments) for p in posts] == [
        ([("one", False, [("a reply", False)]), ("two", False, [])], True),
        (None, False),
    ]
    assert report.warnings == ["line 1: post 'T' declares 5 comments, 3 found"]


def test_load_more_inside_a_comment_is_text(tmp_path: Path) -> None:
    text = "Sunday, 7 March 2021\n\nT\n\n1 comment:\n\n  1. Press\n    Load more...\n"
    post = parse_one(tmp_path, text)
    assert tree(post) == [("Press\nLoad more...", False, [])]
    assert not post.more_comments


def test_stray_lines_are_kept_with_a_warning(tmp_path: Path) -> None:
    text = (
        "Sunday, 7 March 2021\n\nT\n\n1 comment:\n\n  1. text\n  odd two-space line\n"
        "Footer at column 0\n\n    ReplyDelete\n"
    )
    posts, report = parse_text(tmp_path, text)
    assert tree(posts[0]) == [("text\nodd two-space line\nFooter at column 0", False, [])]
    assert len(report.warnings) == 2
    assert report.warnings[0].startswith("line 8: line does not fit")


def test_post_without_title(tmp_path: Path) -> None:
    posts, report = parse_text(
        tmp_path, "Sunday, 7 March 2021\n\nSaturday, 6 March 2021\n\nT\n\nB\n"
    )
    assert [(p.date.day, p.title, p.body) for p in posts] == [(7, "", ""), (6, "T", "B")]
    assert report.warnings == ["line 1: post without title or text"]


# --- encodings --------------------------------------------------------------------------------


def test_cp1252_fallback(tmp_path: Path) -> None:
    text = "Sunday, 7 March 2021\n\nCaf\xe9 \u2019quoted\u2019\n\nCosts \xa310\x81.\n"
    data = text.encode("cp1252", errors="ignore").replace(b"10.", b"10\x81.")
    posts, report = parse_text(tmp_path, data)
    assert report.encoding == "cp1252"
    assert report.warnings == ["line 3: not valid UTF-8; the file is read as cp1252"]
    assert posts[0].title == "Caf\xe9 \u2019quoted\u2019"
    assert posts[0].body == "Costs \xa310\x81."  # the undefined byte maps to U+0081


def test_cp1252_after_a_long_ascii_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blogtext_read, "_CHUNK", 64)
    ascii_post = "Sunday, 7 March 2021\n\nPlain\n\n" + "ascii line\n" * 50
    data = ascii_post.encode() + "Saturday, 6 March 2021\n\nNa\xefve\n".encode("cp1252")
    posts, report = parse_text(tmp_path, data)
    assert report.encoding == "cp1252"
    assert [p.title for p in posts] == ["Plain", "Na\xefve"]
    assert posts[0].body == "\n".join(["ascii line"] * 50)


def test_utf8_file_with_a_bad_line(tmp_path: Path) -> None:
    data = "Sunday, 7 March 2021\n\nCaf\xe9\n\n".encode() + b"bad \xe9 byte\nok \xc3\xa9\n"
    posts, report = parse_text(tmp_path, data)
    assert report.encoding == "utf-8"
    assert posts[0].body == "bad \xe9 byte\nok \xe9"
    assert report.warnings == [
        "line 5: not valid UTF-8 in a UTF-8 file; this line is read as cp1252"
    ]


def test_bom_utf8(tmp_path: Path) -> None:
    posts, report = parse_text(
        tmp_path, b"\xef\xbb\xbf\r\nSunday, 7 March 2021\r\n\r\nT\xc3\xa9\r\n"
    )
    assert posts[0].title == "T\xe9"
    assert posts[0].line == 2
    assert report.encoding == "utf-8"


def test_concatenated_dumps_with_a_bom_each(tmp_path: Path) -> None:
    one = "\ufeffSunday, 7 March 2021\n\nA\n\nNo comments:\n"
    two = "\ufeffSaturday, 6 March 2021\n\nB\n\nText\n"
    posts, _ = parse_text(tmp_path, one + two)
    assert [(p.title, p.body) for p in posts] == [("A", ""), ("B", "Text")]


# --- malformed input and streaming ------------------------------------------------------------


def test_text_before_first_date_line(tmp_path: Path) -> None:
    with pytest.raises(DumpError) as info:
        parse_text(tmp_path, "\n\nMy Blog\nSunday, 7 March 2021\n\nT\n")
    assert info.value.line == 3
    assert "date line" in info.value.message


@pytest.mark.parametrize("data", [b"", b"\n \n\xc2\xa0\n", b"\xef\xbb\xbf"])
def test_no_posts(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(DumpError, match="no posts found"):
        parse_text(tmp_path, data)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="cannot read file"):
        list(blogtext.parse(tmp_path / "nope.txt", ParseReport()))


def test_binary_data_after_posts_streams_then_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blogtext_read, "_CHUNK", 32)
    text = "Sunday, 7 March 2021\n\nA\n\nBody\n" + "filler line\n" * 20
    text += "Saturday, 6 March 2021\n\nB\n\nBody\n"
    path = tmp_path / "d.txt"
    path.write_bytes(text.encode() + b"Friday, 5 March 2021\n\nC\x00\n")
    posts = blogtext.parse(path, ParseReport())
    assert next(posts).title == "A"  # yielded before the bad bytes are read
    with pytest.raises(DumpError) as info:
        list(posts)
    assert info.value.line == 33
    assert "binary" in info.value.message


def test_overlong_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blogtext_read, "_CHUNK", 16)
    monkeypatch.setattr(blogtext_read, "_MAX_LINE", 100)
    with pytest.raises(DumpError, match="longer than"):
        parse_text(tmp_path, "Sunday, 7 March 2021\n\n" + "x" * 200)


def test_small_chunks_give_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (SIMPLE + "\n" + SIMPLE.replace("Sunday, 7", "Saturday, 6")).replace("\n", "\r\n")
    whole = parse_text(tmp_path, text)[0]
    for size in (1, 2, 3, 7, 50):
        monkeypatch.setattr(blogtext_read, "_CHUNK", size)
        again = parse_text(tmp_path, text)[0]
        assert [(p.title, p.body, tree(p), p.line) for p in again] == [
            (p.title, p.body, tree(p), p.line) for p in whole
        ]


def test_warnings_are_capped(tmp_path: Path) -> None:
    posts = "".join(f"Sunday, 7 March 2021\n\nT{i}\n\n5 comments:\n\n  1. x\n" for i in range(250))
    _, report = parse_text(tmp_path, posts)
    assert len(report.warnings) == blogtext_read._MAX_WARNINGS + 1
    assert report.warnings[-1] == "... and 50 more warnings"


# --- writer and round trip --------------------------------------------------------------------


def test_writer_layout() -> None:
    post = ParsedPost(
        date=dt.date(2021, 3, 7),
        title="T",
        body="B",
        declared_comments=None,
        comments=[ParsedComment("a\n\nb", replies=[ParsedComment("r")]), ParsedComment("c")],
    )
    assert render_post(post) == (
        "Sunday, 7 March 2021\n\nT\n\nB\n\n3 comments:\n\n"
        "  1. a\n\n    b\n\n    ReplyDelete\n    Replies\n    1. r\n\n      Delete\n"
        "  2. c\n\n    ReplyDelete\n"
    )
    assert date_line(dt.date(2020, 10, 29)) == "Thursday, 29 October 2020"
    assert [count_line(n) for n in (0, 1, 2)] == ["No comments:", "1 comment:", "2 comments:"]
    listing = ParsedPost(dt.date(2021, 3, 6), "L", "", None, None)
    assert render_post(listing) == "Saturday, 6 March 2021\n\nL\n\n"


_SPECIAL_LINES = [
    "ReplyDelete",
    "Reply",
    "Delete",
    "",
    "",
    "3. foo",
    "  12. indented number",
    "1.",
    "Sunday, 7 March 2021",
    "9 comments:",
    "No comments:",
    "--oo00oo--",
    "\xa0",
    "  ",
    "ReplyDelete and more",
    "This comment has been removed by the author.",
    "\u2019curly\u2019 \u00a3 \u00e9 \U0001f600",
]
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\ufeff\x00")
_line = st.one_of(st.sampled_from(_SPECIAL_LINES), st.text(_chars, max_size=30))


def _join_comment_lines(lines: list[str]) -> str:
    """Comment text from lines, leaving out lines that are exactly "Replies" (the one layout
    the format cannot tell apart: a text line "ReplyDelete" then a text line "Replies")."""
    return blogtext_lines.normalise_text("\n".join(x for x in lines if x != "Replies"))


def _join_body_lines(lines: list[str]) -> str:
    """Body text from lines, leaving out column-0 date lines and count lines."""
    kept = (
        x for x in lines if blogtext_lines.date_of(x) is None and blogtext_lines.count_of(x) is None
    )
    return blogtext_lines.normalise_text("\n".join(kept))


_comment_text = st.one_of(
    st.sampled_from(
        [
            "Same text",
            "This comment has been removed by the author.",
            "This comment has been removed by a blog administrator.",
        ]
    ),
    st.lists(_line, min_size=1, max_size=8).map(_join_comment_lines),
)


def _comment(text: str, replies: list[ParsedComment] | None = None) -> ParsedComment:
    return ParsedComment(text, removed=blogtext_lines.is_removed_text(text), replies=replies or [])


_reply = _comment_text.map(_comment)
_top = st.builds(_comment, _comment_text, st.lists(_reply, max_size=4))


_body = st.lists(_line, max_size=8).map(_join_body_lines)
_title = (
    st.text(_chars, min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda t: bool(t) and blogtext_lines.date_of(t) is None)
)


@st.composite
def _posts(draw: st.DrawFn) -> list[ParsedPost]:
    posts = []
    for _ in range(draw(st.integers(1, 3))):
        comments = draw(st.none() | st.lists(_top, max_size=6))
        declared = None if comments is None else sum(1 + len(c.replies) for c in comments)
        posts.append(
            ParsedPost(
                date=draw(st.dates(dt.date(1999, 1, 1), dt.date(2030, 12, 31))),
                title=draw(_title),
                body=draw(_body),
                declared_comments=declared,
                comments=comments,
            )
        )
    return posts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts=_posts(), newline=st.sampled_from(["\n", "\r\n"]))
def test_rendered_trees_parse_back(
    tmp_path_factory: pytest.TempPathFactory, posts: list[ParsedPost], newline: str
) -> None:
    path = tmp_path_factory.getbasetemp() / "blogtext-property.txt"
    with open(path, "w", encoding="utf-8", newline=newline) as handle:
        write_dump(posts, handle)
    report = ParseReport()
    got = list(blogtext.parse(path, report))
    assert report.warnings == []
    assert [(p.date, p.title, p.body, p.declared_comments, tree(p)) for p in got] == [
        (p.date, p.title, p.body, p.declared_comments, tree(p)) for p in posts
    ]


@given(_comment_text)
def test_normalise_text_is_idempotent(text: str) -> None:
    assert blogtext_lines.normalise_text(text) == text


# --- the synthetic dump generator -------------------------------------------------------------


def _make_archive() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_archive", REPO / "bench" / "make_archive.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_archive_is_deterministic_and_parses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_archive = _make_archive()
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    assert make_archive.main([str(one), "--posts", "40", "--seed", "7", "--verify"]) == 0
    assert make_archive.main([str(two), "--posts", "40", "--seed", "7"]) == 0
    assert one.read_bytes() == two.read_bytes()
    out = capsys.readouterr().out
    assert "40 posts" in out and "MB/s" in out
    posts = list(blogtext.parse(one, ParseReport()))
    assert len(posts) == 40
    assert posts == sorted(posts, key=lambda p: p.date, reverse=True)
    words = set(one.read_text(encoding="utf-8").lower().split())
    assert {"inspection", "probation", "union"} <= words
