"""The Annotations panel: every highlight and note of the open thread or the whole library.

Filters by text (quote, note, where) and colour; "Orphaned" lists highlights whose passage can
no longer be found (kept, with quote and note, never deleted silently).  Choosing a row opens
it in place: the thread, the comment selected, the passage selected and scrolled to.  Rows can
be edited and deleted from their context menu or with Delete, undoably like everywhere else.

A thread's list is placed against the current text (``annotations_for_post``); the library's
is as last stored (placing every annotation of a big library on each refresh would be slow;
imports re-anchor and store what changed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QMenu

from reader.annotate import anchoring
from reader.model import COLOURS, Annotation
from reader.ui.models.marks import AnnotationsModel, one_line
from reader.ui.panels.dock import ListDock
from reader.ui.reading_menu import swatch

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from reader.ui.context import AppContext
    from reader.ui.controllers.annotating import AnnotatingController
    from reader.ui.controllers.thread import ThreadController

ALL, ORPHANS = "all", "orphans"


def matches(a: Annotation, needle: str, colour: str | None, where: str = "") -> bool:
    """Whether ``a`` passes the panel's filters (``needle`` already case-folded)."""
    if colour and a.colour != colour:
        return False
    if not needle:
        return True
    return any(needle in text.casefold() for text in (a.exact, a.note, where))


class AnnotationsPanel(ListDock):
    """Dock listing annotations; see the module docstring."""

    noun = "annotation"

    def __init__(
        self,
        ctx: AppContext,
        ctl: AnnotatingController,
        threads: ThreadController,
        parent: QWidget,
    ) -> None:
        super().__init__("Annotations", "annotations-dock", ctx, ctl, threads, parent)
        self.model = AnnotationsModel(self.where, swatch, self)
        self.show_combo = QComboBox()
        self.show_combo.addItem("All", ALL)
        self.show_combo.addItem("Orphaned", ORPHANS)
        self.show_combo.setToolTip("Orphaned: highlights whose passage is no longer in the text")
        self.colour_combo = QComboBox()
        self.colour_combo.addItem("All colours", "")
        for name in COLOURS:
            self.colour_combo.addItem(swatch(name), name.title(), name)
        self._build([self.show_combo, self.colour_combo])
        self.filter.setPlaceholderText("Filter quotes and notes")
        self.size_columns({2: "A post title · comment 12.3", 3: "2024-12-31"},
                          stretch=(0, 1))  # fmt: skip
        self.show_combo.currentIndexChanged.connect(lambda _i: self.schedule())
        self.colour_combo.currentIndexChanged.connect(lambda _i: self.schedule())

    @property
    def orphans_only(self) -> bool:
        return self.show_combo.currentData() == ORPHANS

    def set_orphans_only(self, orphans: bool) -> None:
        self.show_combo.setCurrentIndex(1 if orphans else 0)

    def set_colour_filter(self, colour: str | None) -> None:
        index = self.colour_combo.findData(colour or "")
        self.colour_combo.setCurrentIndex(max(0, index))

    def load(self) -> list[Annotation]:
        orphans = self.orphans_only
        marks = self.ctx.marks
        if self.library_scope:
            rows = marks.library_annotations(orphans=orphans)
        else:
            post_id = self.current_post_id()
            rows = marks.post_annotations(post_id) if post_id else []
            if orphans:
                rows = [a for a in rows if a.state == anchoring.ORPHAN]
        needle = self.filter.text().strip().casefold()
        colour = self.colour_combo.currentData() or None
        if needle and self.library_scope:
            # "where" costs a query per item: only look at it when the text alone fails
            return [a for a in rows if matches(a, needle, colour) or (
                matches(a, "", colour) and matches(a, needle, None, self.model.where(a.item_id))
            )]  # fmt: skip
        return [a for a in rows if matches(a, needle, colour)]

    def count_text(self, count: int) -> str:
        text = super().count_text(count)
        return text.replace("annotation", "orphaned annotation", 1) if self.orphans_only else text

    def key(self, obj: Annotation) -> str:
        return obj.id

    def open_object(self, obj: Annotation) -> None:
        self.ctl.open_annotation(obj)

    def delete_object(self, obj: Annotation) -> None:
        self.ctl.delete(obj)

    def menu_for(self, menu: QMenu, obj: Annotation) -> None:
        menu.addAction("Edit Note…", lambda: self.ctl.edit_note(obj))
        colours = menu.addMenu("Colour")
        for name in COLOURS:
            action = colours.addAction(swatch(name), name.title())
            action.setCheckable(True)
            action.setChecked(name == obj.colour)
            action.triggered.connect(lambda _c=False, n=name: self.ctl.set_colour(obj, n))
        menu.addSeparator()
        menu.addAction(f"Delete “{one_line(obj.exact, 30)}”", lambda: self.ctl.delete(obj))
