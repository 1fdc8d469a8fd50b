"""The thread tree: the post as the single root, its comments and replies below.

A thin map over the core's own ``Post``/``Comment`` objects (nothing is copied): nodes are
numbered in display order (pre-order), which is exactly the order ``build_document`` gives the
reading pane's blocks, so node ``n`` here is block state ``n`` there and ``j``/``k`` are
``n ± 1``.  An index's ``internalId`` is its node number; three flat lists (parent, row,
children) answer ``parent()``/``index()`` in O(1).  Text is read from the nodes only when Qt
asks for a visible row.

Top-level comments are exposed in batches (``canFetchMore``/``fetchMore``, as qutebrowser's
history completion does): a 1,000-comment thread opens with the first screenful laid out,
and the view asks for more as the reader scrolls.  Anything that addresses a comment by id or
number (j/k, a search hit, a click in the reading pane) fetches up to it first.

Painting is what opening a thread costs most.  The window's view (``reader.ui.rowview``)
asks for a whole row at once (``row_look``); what a row shows is worked out when it is first
shown and kept until the thread or its bookmarks change, and so are the roles other views
get through ``data``/``multiData``.  A row's text is cut to ``DISPLAY_CHARS``: a comment's
first line can be a whole paragraph, and text is measured character by character.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from reader import times
from reader.model import Comment, Post
from reader.ui import icons
from reader.ui.rowview import BOLD, ITALIC, REGULAR, RowLook

ID_ROLE = Qt.ItemDataRole.UserRole
NODE_ROLE = Qt.ItemDataRole.UserRole + 1
BOOKMARK_ROLE = Qt.ItemDataRole.UserRole + 2
HIT_ROLE = Qt.ItemDataRole.UserRole + 3  # holds a hit of the search the thread was opened from
MARKS_ROLE = Qt.ItemDataRole.UserRole + 4  # the row's marks, in words ("search hit, note")
COLUMNS = ("Comment", "#", "Replies", "By")
BY_COLUMN = 3  # author (and date, where the format has them): hidden for threads without
NCOLUMNS = len(COLUMNS)
TOOLTIP_CHARS = 400
FIRST_TOP = 40  # top-level comments exposed when a thread opens (more than a screenful)
FETCH_TOP = 50  # and then per fetchMore: QTreeView fetches once more whenever it lays out the
# post's row (each open), and again when the reader scrolls to the end
DISPLAY_CHARS = 120  # of a comment's first line in its row: wider than the pane ever shows
SCAN_CHARS = 4 * DISPLAY_CHARS  # where the first line is looked for before the whole text
AnyIndex = QModelIndex | QPersistentModelIndex
_R = Qt.ItemDataRole
_DISPLAY = int(_R.DisplayRole)
_DECORATION = int(_R.DecorationRole)
_FONT = int(_R.FontRole)
_FOREGROUND = int(_R.ForegroundRole)
_ALIGNMENT = int(_R.TextAlignmentRole)
_TOOLTIP = int(_R.ToolTipRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_MUTED = object()  # stands for the palette's placeholder colour in a cached cell
_POST_FONTS = (BOLD, REGULAR, REGULAR, REGULAR)  # the post's row: its title in bold
_LEFT = (False, False, False, False)
_REPLIES_RIGHT = (False, False, True, False)
_DIMMED = frozenset({"unapproved", "spam", "deleted"})  # statuses shown muted
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
        HIT_ROLE,
        MARKS_ROLE,
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
        self._depth: list[int] = []
        self._looks: list[RowLook | None] = []  # per node, made when its row is first shown
        self._cells: dict[int, dict[int, object]] = {}  # number * NCOLUMNS + column -> roles
        self._shown_top = 0  # how many top-level comments the view has been given
        self.has_bylines = False  # whether any item has an author or a date (``BY_COLUMN``)
        self._bookmarked: frozenset[str] = frozenset()
        self._hits: frozenset[str] = frozenset()
        self._highlighted: frozenset[str] = frozenset()
        self._noted: frozenset[str] = frozenset()
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._muted: tuple[int, QBrush] | None = None  # (palette cache key, brush)

    # -- feeding -----------------------------------------------------------------------------

    def set_post(self, post: Post | None) -> None:
        """Show ``post`` (with its comments loaded); numbering follows display order."""
        self.beginResetModel()
        self._post = post
        self._cells = {}
        if post is not None:
            nodes: list[Post | Comment] = [post]
            parents, rows, depths = [-1], [0], [0]
            children: list[list[int]] = [[]]
            add_node, add_parent, add_row, add_children, add_depth = (
                nodes.append,
                parents.append,
                rows.append,
                children.append,
                depths.append,
            )
            stack: list[tuple[list[Comment], int, int]] = [(post.comments, 0, 0)]
            while stack:  # pre-order, without recursion (reply chains can be deep)
                siblings, parent, row = stack.pop()
                kids = children[parent]
                count = len(siblings)
                while row < count:
                    comment = siblings[row]
                    number = len(nodes)
                    add_node(comment)
                    add_parent(parent)
                    add_row(row)
                    add_children([])
                    add_depth(depths[parent] + 1)
                    kids.append(number)
                    row += 1
                    if comment.replies:  # its replies come next, then the rest of these
                        stack.append((siblings, parent, row))
                        siblings, parent, row = comment.replies, number, 0
                        kids, count = children[number], len(siblings)
            self._nodes, self._parent, self._row, self._children = nodes, parents, rows, children
            self._depth = depths
            self._number = {node.id: n for n, node in enumerate(nodes)}
            self._shown_top = min(FIRST_TOP, len(children[0]))
        else:
            self._nodes, self._parent, self._row, self._children = [], [], [], []
            self._depth = []
            self._number = {}
            self._shown_top = 0
        self._looks = [None] * len(self._nodes)
        # byline() only for items with an author or a time: most plain-text threads have none
        self.has_bylines = any(
            byline(node) for node in self._nodes if node.author or node.published
        )
        self.endResetModel()

    def set_bookmarked(self, item_ids: Iterable[str]) -> None:
        """Items to show with a bookmark (the annotations package decides what is one)."""
        old, self._bookmarked = self._bookmarked, frozenset(item_ids)
        self._marks_changed(old ^ self._bookmarked)

    def set_hits(self, item_ids: Iterable[str]) -> None:
        """Items holding a hit of the search the thread was opened from (none: no search)."""
        old, self._hits = self._hits, frozenset(item_ids)
        self._marks_changed(old ^ self._hits)

    def set_annotated(self, highlighted: Iterable[str], noted: Iterable[str]) -> None:
        """Items with a highlight, and items with a note (a highlight that has one)."""
        old = self._highlighted | self._noted
        before = (self._highlighted, self._noted)
        self._highlighted, self._noted = frozenset(highlighted), frozenset(noted)
        if before == (self._highlighted, self._noted):
            return
        changed = old | self._highlighted | self._noted
        self._marks_changed(
            {
                i
                for i in changed
                if (i in before[0], i in before[1]) != (i in self._highlighted, i in self._noted)
            }
        )

    def _marks_changed(self, item_ids: Iterable[str]) -> None:
        for item_id in item_ids:
            number = self._number.get(item_id, -1)
            if number >= 0:
                self._cells.pop(number * NCOLUMNS, None)  # column 0 holds the marks
                self._looks[number] = None
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
        if role == ID_ROLE:
            return self._nodes[number].id
        if role == NODE_ROLE:
            return number
        if role == BOOKMARK_ROLE:
            return self._nodes[number].id in self._bookmarked
        if role == HIT_ROLE:
            return self._nodes[number].id in self._hits
        if role == MARKS_ROLE:
            return ", ".join(self._mark_words(self._nodes[number]))
        if role == _TOOLTIP:
            node = self._nodes[number]
            if number == 0:
                return f"{node.title}\n{node.date:%A, %d %B %Y}"  # type: ignore[union-attr]
            return self._tooltip(node)  # type: ignore[arg-type]
        value = self._cell(number, index.column()).get(role)
        return self._muted_brush() if value is _MUTED else value

    def multiData(self, index: AnyIndex, roleDataSpan: object) -> None:
        """All the roles a delegate wants for one cell in one call from C++ (Qt asks for
        seven at a time), answered from the cell's cached roles: calls from C++ into Python
        and the objects made in them are what a big view's paint costs."""
        if not index.isValid():
            return
        number = index.internalId()
        get = self._cell(number, index.column()).get
        for role_data in roleDataSpan:  # type: ignore[attr-defined]
            value = get(role_data.role())
            if value is None:
                role_data.clearData()
            elif value is _MUTED:
                role_data.setData(self._muted_brush())
            else:
                role_data.setData(value)

    def _cell(self, number: int, column: int) -> dict[int, object]:
        """The display roles of one cell (not the tooltip: made only when hovered)."""
        key = number * NCOLUMNS + column
        cell = self._cells.get(key)
        if cell is None:
            cell = {}
            texts, fonts, muted, icon, right = self._look(number)
            if texts[column]:
                cell[_DISPLAY] = texts[column]
            if fonts[column]:
                cell[_FONT] = self._bold if fonts[column] == BOLD else self._italic
            if muted:
                cell[_FOREGROUND] = _MUTED
            if column == 0 and icon is not None:
                cell[_DECORATION] = icon[0] if isinstance(icon, tuple) else icon
            if right[column]:
                cell[_ALIGNMENT] = _RIGHT
            self._cells[key] = cell
        return cell

    # -- what reader.ui.rowview.RowView paints -----------------------------------------------

    def row_look(self, index: AnyIndex) -> RowLook:
        return self._look(index.internalId())

    def row_depth(self, index: AnyIndex) -> int:
        """0 for the post, 1 for a comment, 2 for a reply..."""
        return self._depth[index.internalId()]

    def row_has_children(self, index: AnyIndex) -> bool:
        return bool(self._children[index.internalId()])

    def _look(self, number: int) -> RowLook:
        """Row ``number``: its columns' texts and fonts, whether it is muted (removed or
        vanished), its icon and which columns are right-aligned.  Worked out when the row is
        first shown, kept until the thread or its bookmarks change (a bookmark is an icon)."""
        look = self._looks[number]
        if look is None:
            node = self._nodes[number]
            if number == 0:
                post: Post = node  # type: ignore[assignment]
                count = str(len(post.comments)) if post.comments else ""
                icon = self._icons(
                    post.id, icons.bookmark() if post.id in self._bookmarked else None
                )
                texts = (post.title or "(untitled)", "", count, byline(post))
                look = (texts, _POST_FONTS, False, icon, _LEFT)
            else:
                comment: Comment = node  # type: ignore[assignment]
                gone = comment.removed or comment.vanished
                muted = gone or comment.status in _DIMMED
                font = BOLD if comment.is_new else ITALIC if gone else REGULAR
                if comment.id in self._bookmarked:
                    icon = icons.bookmark(with_dot="#2f7de1" if comment.is_new else "")
                elif gone:
                    icon = icons.removed()
                elif comment.is_new:
                    icon = icons.new_dot()
                else:
                    icon = None
                icon = self._icons(comment.id, icon)
                replies = str(len(comment.replies)) if comment.replies else ""
                texts = (
                    row_text(comment.text) or "(empty)",
                    comment.path,
                    replies,
                    byline(comment),
                )
                look = (texts, (font, font, font, font), muted, icon, _REPLIES_RIGHT)
            self._looks[number] = look
        return look

    def _icons(self, item_id: str, first: QIcon | None) -> QIcon | tuple[QIcon, ...] | None:
        """The row's marks, side by side: bookmark / new / removed, then search hit,
        highlight, note."""
        marks = [first] if first is not None else []
        if item_id in self._hits:
            marks.append(icons.search_hit())
        if item_id in self._noted:
            marks.append(icons.noted())
        elif item_id in self._highlighted:
            marks.append(icons.highlighted())
        if len(marks) <= 1:
            return marks[0] if marks else None
        return tuple(marks)

    def _mark_words(self, node: Post | Comment) -> list[str]:
        words = []
        if node.id in self._bookmarked:
            words.append("bookmarked")
        if isinstance(node, Comment) and node.is_new:
            words.append("new")
        if node.id in self._hits:
            words.append("search hit")
        if node.id in self._highlighted:
            words.append("highlight")
        if node.id in self._noted:
            words.append("note")
        return words

    def _muted_brush(self) -> QBrush:
        """The placeholder colour of the current palette (it follows a theme change)."""
        palette = QApplication.palette()
        key = palette.cacheKey()
        if self._muted is None or self._muted[0] != key:
            self._muted = (key, QBrush(palette.color(QPalette.ColorRole.PlaceholderText)))
        return self._muted[1]

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
        if comment.id in self._hits:
            notes.append("holds a search hit")
        if comment.id in self._noted:
            notes.append("has a note")
        elif comment.id in self._highlighted:
            notes.append("has a highlight")
        if comment.status != "published" and not comment.removed:
            notes.append(comment.status)
        head = f"{comment.path}" + (f" — {', '.join(notes)}" if notes else "")
        if comment.author:
            head += f"\n{comment.author}"
        if when := times.local_text(comment.published):
            head += f" · {when}"
        return f"{head}\n\n{text}"


def byline(node: Post | Comment) -> str:
    """ "Ada · 2021-03-07 14:05": the item's author and time, where its format has them."""
    author = (getattr(node, "author", None) or "").strip()
    stamp = times.local_text(getattr(node, "published", None))
    return " · ".join(part for part in (author, stamp) if part)


def row_text(text: str) -> str:
    """A comment's first non-blank line as its tree row shows it: at most ``DISPLAY_CHARS``,
    cut with an ellipsis (``Comment.first_line`` of a short prefix, not of the whole text)."""
    line = _first_line(text[:SCAN_CHARS])
    if not line and len(text) > SCAN_CHARS:
        line = _first_line(text)
    if len(line) > DISPLAY_CHARS:
        line = line[: DISPLAY_CHARS - 1].rstrip() + "…"
    return line


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""
