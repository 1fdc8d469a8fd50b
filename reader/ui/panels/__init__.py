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
from PySide6.QtWidgets import QMainWindow

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
    first time) tabbed below the panes and hidden, with a View menu entry each.

    Below the panes because a table of quote, note, place and date needs the width; the
    three panes leave a side dock too narrow for it.
    """
    view = actions.menu("View")
    anchor = actions[after]
    following = view.actions()[view.actions().index(anchor) + 1 :]
    before = following[0] if following else None
    restored = []
    for dock, text, key in docks:
        placed = main.restoreDockWidget(dock)  # placed as the saved window state says
        dock.sized = placed
        if not placed:
            main.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        restored.append(placed)
        action = dock.toggleViewAction()
        action.setText(text)
        action.setShortcut(key)
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
