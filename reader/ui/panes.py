"""Building the window's widgets: the three panes, the toolbar and the first-run banner.

Construction only, no behaviour: ``MainWindow`` wires signals to these widgets.  Column widths
are set from font metrics rather than ``ResizeToContents``, which would measure every row of a
10,000-post list or a 1,000-comment thread each time the model resets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.activity import ActivityStrip
from reader.ui.models.posts import PostListModel
from reader.ui.models.threadtree import ThreadModel
from reader.ui.reading import ReadingPane
from reader.ui.rowview import RowView

if TYPE_CHECKING:
    from reader.ui.findbar import FindBar


def make_tree(
    model: object, widths: dict[int, str], name: str, view_class: type[QTreeView] = QTreeView
) -> QTreeView:
    """A fast, read-only tree: uniform rows, column 0 stretches, the others sized by sample text."""
    view = view_class()
    view.setObjectName(name)
    view.setModel(model)  # type: ignore[arg-type]
    view.setUniformRowHeights(True)
    view.setAllColumnsShowFocus(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAcceptDrops(False)
    view.setExpandsOnDoubleClick(True)
    view.setIndentation(14)
    header = view.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    metrics = QFontMetrics(view.font())
    for column, sample in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, metrics.horizontalAdvance(sample) + 18)
    return view


class Banner(QFrame):
    """A one-line notice above the panes (first run), with a Dismiss button."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        # a role, not a copied colour, so the banner follows theme changes
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        close = QToolButton(self)
        close.setText("Dismiss")
        close.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()


class Panes:
    """The widgets of the central area, created in one place and reached by attribute."""

    def __init__(self, posts_model: PostListModel, thread_model: ThreadModel) -> None:
        self.central = QWidget()
        outer = QVBoxLayout(self.central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = Banner(self.central)
        outer.addWidget(self.banner)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self.central)
        self.splitter.setObjectName("main-splitter")
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        # left: activity strip, month chip, filter, posts (or search results)
        self.left = QWidget()
        self.left.setObjectName("posts-pane")
        left = QVBoxLayout(self.left)
        left.setContentsMargins(4, 4, 2, 4)
        left.setSpacing(4)
        self.activity = ActivityStrip(self.left)
        left.addWidget(self.activity)
        self.month_row = QWidget(self.left)
        month = QHBoxLayout(self.month_row)
        month.setContentsMargins(2, 0, 0, 0)
        self.month_label = QLabel(self.month_row)
        self.month_clear = QToolButton(self.month_row)
        self.month_clear.setText("Show all months")
        month.addWidget(self.month_label, 1)
        month.addWidget(self.month_clear)
        self.month_row.hide()
        left.addWidget(self.month_row)
        self.filter_edit = QLineEdit(self.left)
        self.filter_edit.setPlaceholderText("Filter posts by title")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAcceptDrops(False)
        left.addWidget(self.filter_edit)
        self.left_stack = QStackedWidget(self.left)
        self.posts_view = make_tree(posts_model, {1: "2021-12-30", 2: "999/999 +99"}, "posts")
        self.left_stack.addWidget(self.posts_view)
        left.addWidget(self.left_stack, 1)

        # middle: the thread tree with expand/collapse
        self.middle = QWidget()
        self.middle.setObjectName("thread-pane")
        middle = QVBoxLayout(self.middle)
        middle.setContentsMargins(2, 4, 2, 4)
        middle.setSpacing(4)
        header = QHBoxLayout()
        self.thread_label = QLabel("Thread", self.middle)
        # its text changes with every thread: it must not resize the panes (and relayout the
        # reading pane's document) when it does
        self.thread_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.expand_button = QToolButton(self.middle)
        self.expand_button.setText("Expand all")
        self.collapse_button = QToolButton(self.middle)
        self.collapse_button.setText("Collapse all")
        header.addWidget(self.thread_label, 1)
        header.addWidget(self.expand_button)
        header.addWidget(self.collapse_button)
        middle.addLayout(header)
        self.thread_view = make_tree(
            thread_model, {1: "99.99", 2: "Replies", 3: "An Author Name"}, "thread", RowView
        )
        middle.addWidget(self.thread_view, 1)

        # right: the reading pane with its find bar
        self.reading = ReadingPane()
        self.reading.setObjectName("reading")
        self.right = QWidget()
        self.right.setObjectName("reading-pane")
        self._right_layout = QVBoxLayout(self.right)
        self._right_layout.setContentsMargins(0, 0, 0, 0)
        self._right_layout.setSpacing(0)
        self._right_layout.addWidget(self.reading, 1)
        self._find_bar: FindBar | None = None

        for widget in (self.left, self.middle, self.right):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([380, 320, 580])

    @property
    def has_find_bar(self) -> bool:
        return self._find_bar is not None

    def find_bar(self) -> FindBar:
        """The find bar above the reading pane, made on first use."""
        if self._find_bar is None:
            from reader.ui.findbar import FindBar

            self._find_bar = FindBar(self.reading)
            self._right_layout.insertWidget(0, self._find_bar)
            self._find_bar.hide()
        return self._find_bar
