"""Panels: parts of the window that show a view of the library and keep it current by
themselves from ``Events`` — the posts list (``posts``), and the Annotations and Bookmarks
docks (``annotations``, ``bookmarks`` over ``dock.ListDock``).

A new panel is given the ``AppContext`` (and the controllers it acts through), connects to the
signals it needs, and is placed by the window (``place_docks`` for a dock); nothing else in
the window changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

if TYPE_CHECKING:
    from reader.ui.actions import WindowActions
    from reader.ui.panels.dock import ListDock


def place_docks(
    main: QMainWindow,
    actions: WindowActions,
    docks: Sequence[tuple[ListDock, str, str]],
    *,
    after: str = "show_activity",
) -> None:
    """Put ``(dock, menu text, shortcut)`` docks where the saved window state says, or (the
    first time) tabbed together at the right of the panes and hidden, with a View menu entry
    each.

    At the side because a dock there takes its width from the reading pane, which has most to
    spare, and keeps the panes' full height; a bottom dock took a third of the window to show
    a row or two.  The reader can still drag it below.  Its width is remembered with the
    window's state.

    A menu entry's shortcut *raises* its dock: with both docks tabbed together, Ctrl+Shift+B
    brings the Bookmarks tab to the front even when the Annotations tab was showing; pressed
    again on the dock in front, it hides the dock (``raise_or_hide``).
    """
    view = actions.menu("View")
    anchor = actions[after]
    following = view.actions()[view.actions().index(anchor) + 1 :]
    before = following[0] if following else None
    restored = []
    for dock, text, key in docks:
        dock.sized = True  # restoring shows it: its saved size is not to be replaced
        placed = main.restoreDockWidget(dock)  # placed as the saved window state says
        dock.sized = placed
        if not placed:
            main.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        restored.append(placed)
        action = dock.toggle_action
        action.setText(text)
        action.setObjectName(f"show-{dock.objectName()}")
        action.setShortcut(key)
        action.triggered.connect(lambda _checked=False, d=dock: raise_or_hide(d))
        dock.visibilityChanged.connect(
            lambda _visible, d=dock, a=action: a.setChecked(not d.isHidden())
        )
        if before is None:
            view.addAction(action)
        else:
            view.insertAction(before, action)
        main.addAction(action)
    if not any(restored) and len(docks) > 1:  # first time: one tabbed area, hidden
        for dock, _text, _key in docks[1:]:
            main.tabifyDockWidget(docks[0][0], dock)
        for dock, _text, _key in docks:
            dock.hide()
    for dock, _text, _key in docks:
        dock.toggle_action.setChecked(not dock.isHidden())


def in_front(dock: QDockWidget) -> bool:
    """Whether ``dock`` is shown and not behind another dock's tab (a tab behind stays
    "visible" to Qt; only its visible region is empty)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def raise_or_hide(dock: QDockWidget) -> None:
    """A panel's shortcut: bring it (its tab) to the front, or hide it if it is in front."""
    if in_front(dock):
        dock.hide()
        return
    dock.show()
    dock.raise_()
