"""Every custom Qt model passes pytest-qt's model tester, on the generated archive and on edge
cases."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from helpers import dumpgen
from reader.store.queries import PostSummary
from reader.ui.models.posts import PostListModel
from reader.ui.models.threadtree import ThreadModel


def _summary(n: int, date: dt.date, comments: int = 3, new: int = 0) -> PostSummary:
    return PostSummary(f"p{n:04d}", date, f"Post {n}", comments, comments, new, True)


def test_posts_model_on_the_generated_archive(qtmodeltester, seeded_library, dumps):
    """The tester stays connected after ``check`` and re-checks on every reset and change."""
    model = PostListModel()
    model.set_summaries(seeded_library.post_summaries())
    assert model.total == len(dumps.library)
    qtmodeltester.check(model, force_py=True)
    model.set_filter(dumpgen.FILTER_WORD)
    assert model.shown == dumpgen.FILTER_TITLES
    model.set_filter("", month=dumpgen.BUSY_MONTH)
    assert model.shown == sum(
        (p.date.year, p.date.month) == dumpgen.BUSY_MONTH for p in dumps.library
    )
    model.set_bookmarked([model.summaries[0].id])
    model.set_new_count(model.summaries[0].id, 4)


def test_posts_model_groups_by_year_and_month_newest_first(qtmodeltester):
    model = PostListModel()
    model.set_summaries(
        [
            _summary(1, dt.date(2022, 3, 2)),
            _summary(2, dt.date(2022, 3, 1), new=2),
            _summary(3, dt.date(2022, 1, 9)),
            _summary(4, dt.date(2020, 12, 31)),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["2022", "2020"]
    year = model.index(0, 0)
    assert [model.index(r, 0, year).data() for r in range(model.rowCount(year))] == [
        "March",
        "January",
    ]
    march = model.index(0, 0, year)
    assert model.index(1, 2, march).data() == "3 +2"
    assert model.post_id(model.index_for_post("p0004")) == "p0004"
    assert model.neighbour_post("p0002", 1) == "p0003"
    assert model.neighbour_post("p0004", 1) is None
    model.set_new_count("p0002", 0)
    assert model.index_for_post("p0002", 2).data() == "3"


def test_posts_model_empty_and_filtered_to_nothing(qtmodeltester):
    model = PostListModel()
    qtmodeltester.check(model, force_py=True)
    model.set_summaries([_summary(1, dt.date(2022, 3, 2))])
    model.set_filter("no such title")
    assert model.rowCount() == 0


def test_thread_model_on_the_biggest_thread(qtmodeltester, seeded_library):
    model = ThreadModel()
    summaries = seeded_library.post_summaries()
    biggest = max(summaries, key=lambda s: s.comment_count)
    post = seeded_library.thread(biggest.id)
    model.set_post(post)
    qtmodeltester.check(model, force_py=True)
    assert model.node_count() == 1 + sum(1 for _ in post.walk_comments())
    # node numbers follow display order, as the reading pane's blocks do
    order = [c.id for c in post.walk_comments()]
    assert [model.item_id(n) for n in range(1, model.node_count())] == order
    reply = next(c for c in post.walk_comments() if c.parent_id)
    index = model.index_for_item(reply.id, 1)
    assert index.data() == reply.path
    assert model.item_id(model.parent(index).internalId()) == reply.parent_id
    model.set_post(None)
    assert model.rowCount() == 0


@pytest.mark.parametrize("depth", [1, 30])
def test_thread_model_deep_chain(qtmodeltester, depth):
    from reader.model import Comment, Post

    root = Comment("c0", "p", None, 1, "1", "top")
    node = root
    for level in range(1, depth):
        child = Comment(f"c{level}", "p", node.id, 1, node.path + ".1", f"reply {level}")
        node.replies.append(child)
        node = child
    post = Post("p", dt.date(2020, 1, 1), "Deep", "body", depth, depth, comments=[root])
    model = ThreadModel()
    model.set_post(post)
    qtmodeltester.check(model, force_py=True)
    assert model.index_for_item(f"c{depth - 1}").isValid()


def _wide_post(top: int) -> object:
    from reader.model import Comment, Post

    comments = []
    for n in range(1, top + 1):
        c = Comment(f"c{n}", "p", None, n, str(n), f"comment {n}")
        c.replies = [Comment(f"c{n}r", "p", c.id, 1, f"{n}.1", f"reply to {n}")]
        comments.append(c)
    return Post("p", dt.date(2020, 1, 1), "Wide", "body", top * 2, top * 2, comments=comments)


def test_thread_model_fetches_top_level_comments_in_batches(qapp, qtmodeltester):
    from reader.ui.models.threadtree import BOOKMARK_ROLE, FETCH_TOP, FIRST_TOP

    model = ThreadModel()
    model.set_post(_wide_post(FIRST_TOP + FETCH_TOP + 40))
    root = model.index(0, 0)
    assert model.rowCount(root) == FIRST_TOP
    assert model.canFetchMore(root)
    model.fetchMore(root)
    assert model.rowCount(root) == FIRST_TOP + FETCH_TOP
    # addressing a comment beyond what was fetched exposes it (j/k, search hits, clicks)
    last_reply = f"c{FIRST_TOP + FETCH_TOP + 40}r"
    index = model.index_for_item(last_reply)
    assert index.isValid() and index.parent().row() == FIRST_TOP + FETCH_TOP + 39
    assert not model.canFetchMore(root)
    # bookmarks show on the rows the annotations package names
    model.set_bookmarked(["c3", "p"])
    assert model.index_for_item("c3").data(BOOKMARK_ROLE) is True
    assert model.index_for_item("c4").data(BOOKMARK_ROLE) is False
    assert model.index_for_item("c3").data(Qt.ItemDataRole.DecorationRole) is not None
    model.set_post(_wide_post(FIRST_TOP * 3))
    qtmodeltester.check(model, force_py=True)  # it fetches more itself, and checks that too


def test_posts_cells_a_delegate_paints_follow_changes(qapp):
    """The posts list answers a delegate from cached cells: they must follow new counts and
    bookmarks, and say what ``data`` says."""
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    model = PostListModel()
    model.set_summaries([_summary(1, dt.date(2022, 3, 2)), _summary(2, dt.date(2022, 3, 1))])
    delegate = QStyledItemDelegate()

    def painted(index):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, index)  # what a view paints, through multiData
        return option

    post = model.index_for_post("p0001")
    count = post.siblingAtColumn(2)
    assert painted(post).text == "Post 1" and painted(post).icon.isNull()
    assert painted(count).text == "3" and not painted(count).font.bold()
    assert painted(count).displayAlignment & Qt.AlignmentFlag.AlignRight
    model.set_new_count("p0001", 2)
    assert painted(count).text == "3 +2" and painted(count).font.bold()
    model.set_bookmarked(["p0001"])
    assert not painted(post).icon.isNull()
    year = model.index(0, 0)
    assert painted(year).text == "2022" and painted(year).font.bold()
    assert painted(year.siblingAtColumn(2)).text == "2 posts"
    for index in (post, count, year, model.index(0, 0, year)):
        assert painted(index).text == (index.data() or "")
