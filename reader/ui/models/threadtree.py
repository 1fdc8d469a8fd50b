"""The thread tree: the post as the single root, its comments and replies below.

A thin map over the core's own ``Post``/``Comment`` objects (nothing is copied): nodes are
numbered in display order (pre-order), which is exactly the order ``render_thread`` gives the
reading pane's blocks, so node ``n`` here is block state ``n`` there and ``j``/``k`` are
``n ± 1``.  An index's ``internalId`` is its node number; three flat lists (parent, row,
children) answer ``parent()``/``index()`` in O(1).  Text is read from the nodes only when Qt
asks for a visible row.

Top-level comments are exposed in batches (``canFetchMore``/``fetchMore``, as qutebrowser's
history completion does): a 1,000-comment thread opens with the first screenful laid out,
and the view asks for more as the reader scrolls.  Anything that addresses a comment by id or
number (j/k, a search hit, a click in the reading pane) fetches up to it first.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from reader.model import Comment, Post
from reader.ui import icons

ID_ROLE = Qt.ItemDataRole.UserRole
NODE_ROLE = Qt.ItemDataRole.UserRole + 1
BOOKMARK_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Comment", "#", "Replies")
NCOLUMNS = len(COLUMNS)
TOOLTIP_CHARS = 400
FIRST_TOP = 60  # top-level comments exposed when a thread opens
FETCH_TOP = 200  # and then per fetchMore
AnyIndex = QModelIndex | QPersistentModelIndex
_R = Qt.ItemDataRole
_ROLES = frozenset(
    int(r)
    for r in (
        _R.DisplayRole,
        _R.DecorationRole,
        _R.FontRole,
        _R.ForegroundRole,
        _R.ToolTipRole,
        _R.TextAlignmentRole,
        ID_ROLE,
        NODE_ROLE,
        BOOKMARK_ROLE,
    )
)


class ThreadModel(QAbstractItemModel):
    """One thread at a time; ``set_post(None)`` empties it."""

    def __init__(self, parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._post: Post | None = None
        self._nodes: list[Post | Comment] = []
        self._parent: list[int] = []
        self._row: list[int] = []
        self._children: list[list[int]] = []
        self._number: dict[str, int] = {}
        self._shown_top = 0  # how many top-level comments the view has been given
        self._bookmarked: frozenset[str] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- feeding -----------------------------------------------------------------------------

    def set_post(self, post: Post | None) -> None:
        """Show ``post`` (with its comments loaded); numbering follows display order."""
        self.beginResetModel()
        self._post = post
        self._nodes, self._parent, self._row, self._children = [], [], [], []
        self._number = {}
        if post is not None:
            self._add(post, -1, 0)
            stack: list[tuple[Comment, int, int]] = [
                (c, 0, row) for row, c in reversed(list(enumerate(post.comments)))
            ]
            while stack:
                comment, parent, row = stack.pop()
                number = self._add(comment, parent, row)
                stack.extend(
                    (reply, number, r) for r, reply in reversed(list(enumerate(comment.replies)))
                )
            self._shown_top = min(FIRST_TOP, len(self._children[0]))
        else:
            self._shown_top = 0
        self.endResetModel()

    def _add(self, node: Post | Comment, parent: int, row: int) -> int:
        number = len(self._nodes)
        self._nodes.append(node)
        self._parent.append(parent)
        self._row.append(row)
        self._children.append([])
        self._number[node.id] = number
        if parent >= 0:
            self._children[parent].append(number)
        return number

    def set_bookmarked(self, item_ids: Iterable[str]) -> None:
        """Items to show with a bookmark (the annotations package decides what is one)."""
        old, self._bookmarked = self._bookmarked, frozenset(item_ids)
        for item_id in old ^ self._bookmarked:
            number = self._number.get(item_id, -1)
            if number >= 0:
                index = self.index_for_number(number)
                self.dataChanged.emit(index, index.siblingAtColumn(NCOLUMNS - 1))

    # -- queries the window uses -------------------------------------------------------------

    @property
    def post(self) -> Post | None:
        return self._post

    def __len__(self) -> int:
        return len(self._nodes)

    def node_count(self) -> int:
        return len(self._nodes)

    def number_of(self, item_id: str) -> int:
        return self._number.get(item_id, -1)

    def item_id(self, number: int) -> str | None:
        return self._nodes[number].id if 0 <= number < len(self._nodes) else None

    def node(self, index: AnyIndex) -> Post | Comment | None:
        return self._nodes[index.internalId()] if index.isValid() else None

    def index_for_number(self, number: int, column: int = 0) -> QModelIndex:
        if not 0 <= number < len(self._nodes):
            return QModelIndex()
        self._expose(number)
        return self.createIndex(self._row[number], column, number)

    def _expose(self, number: int) -> None:
        """Make sure the top-level comment holding node ``number`` has been given to views."""
        top = number
        while top > 0 and self._parent[top] != 0:
            top = self._parent[top]
        if top > 0 and self._row[top] >= self._shown_top:
            self._grow(self._row[top] + 1 + FETCH_TOP)

    def _grow(self, count: int) -> None:
        count = min(count, len(self._children[0]))
        if count <= self._shown_top:
            return
        root = self.createIndex(0, 0, 0)
        self.beginInsertRows(root, self._shown_top, count - 1)
        self._shown_top = count
        self.endInsertRows()

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return (
            parent.isValid()
            and parent.internalId() == 0
            and not parent.column()
            and self._shown_top < len(self._children[0])
        )

    def fetchMore(self, parent: AnyIndex) -> None:
        if self.canFetchMore(parent):
            self._grow(self._shown_top + FETCH_TOP)

    def fetch_all(self) -> None:
        """Expose every top-level comment (before expanding the whole tree)."""
        if self._nodes:
            self._grow(len(self._children[0]))

    def index_for_item(self, item_id: str, column: int = 0) -> QModelIndex:
        return self.index_for_number(self.number_of(item_id), column)

    # -- QAbstractItemModel ------------------------------------------------------------------

    # Qt calls these thousands of times while laying out a big thread: keep them to a few
    # attribute lookups each.

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not parent.isValid():
            if row == 0 and 0 <= column < NCOLUMNS and self._nodes:
                return self.createIndex(0, column, 0)
            return QModelIndex()
        number = parent.internalId()
        children = self._children[number]
        count = self._shown_top if number == 0 else len(children)
        if 0 <= row < count and 0 <= column < NCOLUMNS:
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self._parent[index.internalId()]
        if parent < 0:
            return QModelIndex()
        return self.createIndex(self._row[parent], 0, parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return 1 if self._nodes else 0
        if parent.column():
            return 0
        number = parent.internalId()
        return self._shown_top if number == 0 else len(self._children[number])

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return NCOLUMNS

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._nodes)
        return not parent.column() and bool(self._children[parent.internalId()])

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in _ROLES or not index.isValid():
            return None
        number = index.internalId()
        node = self._nodes[number]
        if role == ID_ROLE:
            return node.id
        if role == NODE_ROLE:
            return number
        if role == BOOKMARK_ROLE:
            return node.id in self._bookmarked
        if number == 0:
            return self._post_data(node, index.column(), role)  # type: ignore[arg-type]
        return self._comment_data(node, number, index.column(), role)  # type: ignore[arg-type]

    def multiData(self, index: AnyIndex, roleDataSpan: object) -> None:
        """All the roles a delegate wants for one cell in one call from C++ (Qt asks for
        seven at a time): calls from C++ into Python are what a big view's paint costs."""
        if not index.isValid():
            return
        data = self.data
        for role_data in roleDataSpan:  # type: ignore[attr-defined]
            value = data(index, role_data.role())
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _post_data(self, post: Post, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and post.id in self._bookmarked:
            return icons.bookmark()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return post.title or "(untitled)"
            if column == 2:
                return str(len(post.comments)) if post.comments else ""
        elif role == Qt.ItemDataRole.FontRole and column == 0:
            return self._bold
        elif role == Qt.ItemDataRole.ToolTipRole:
            return f"{post.title}\n{post.date:%A, %d %B %Y}"
        return None

    def _comment_data(self, comment: Comment, number: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return comment.first_line() or "(empty)"
            if column == 1:
                return comment.path
            if column == 2:
                return str(len(comment.replies)) if comment.replies else ""
        elif role == Qt.ItemDataRole.DecorationRole and column == 0:
            if comment.id in self._bookmarked:
                return icons.bookmark(with_dot="#2f7de1" if comment.is_new else "")
            if comment.removed or comment.vanished:
                return icons.removed()
            if comment.is_new:
                return icons.new_dot()
        elif role == Qt.ItemDataRole.FontRole:
            if comment.is_new:
                return self._bold
            if comment.removed or comment.vanished:
                return self._italic
        elif role == Qt.ItemDataRole.ForegroundRole and (comment.removed or comment.vanished):
            return QBrush(QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
        elif role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(comment)
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _tooltip(self, comment: Comment) -> str:
        text = comment.text.strip()
        if len(text) > TOOLTIP_CHARS:
            text = text[:TOOLTIP_CHARS].rstrip() + "…"
        notes = []
        if comment.is_new:
            notes.append("new since your last visit")
        if comment.removed:
            notes.append("removed upstream")
        if comment.vanished:
            notes.append("no longer in the latest dump (kept)")
        head = f"{comment.path}" + (f" — {', '.join(notes)}" if notes else "")
        return f"{head}\n\n{text}"
