"""The main toolbar: the commands a reader reaches for most, each with its icon and text.

Icons are the bundled SVGs (``resources/icons/actions/``) painted in the theme's text colour
(``icons.themed``), and painted again when the theme changes (``Events.theme_changed``), so
they stay readable on light and dark.  They are painted shortly after the window's first paint
(``show_icons``, with the panels' buttons; ~4 ms with loading QtSvg, not needed to see the
window): until then each button holds a blank icon of the same size, so nothing moves when
they arrive.  Buttons show icon and text: a reader new to the program should not have to guess
what an arrow means.  The search field and the panels' buttons are
added by their parts (``SearchController``, ``add_panels``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QSizePolicy, QWidget

from reader.ui import icons
from reader.ui.actions import WindowActions
from reader.ui.events import Events

# (command name, icon name); None: a separator
TOOLBAR: tuple[tuple[str, str] | None, ...] = (
    ("import_files", "import"),
    None,
    ("back", "back"),
    ("forward", "forward"),
    None,
    ("find", "find"),
    ("export_thread", "export"),
)
SHORT_TEXT = {  # the toolbar's words; the menus keep their longer ones
    "import_files": "Import",
    "find": "Find",
    "export_thread": "Export",
}


class MainToolbar(QObject):
    """Builds the toolbar into ``main`` and keeps its icons in the theme's colours."""

    def __init__(self, main: QMainWindow, actions: WindowActions, events: Events) -> None:
        super().__init__(main)
        self.bar = bar = main.addToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._icons: list[tuple[QAction, str]] = []
        self._painted = False  # real icons (``show_icons``) or blank ones of the same size
        for entry in TOOLBAR:
            if entry is None:
                bar.addSeparator()
                continue
            name, icon = entry
            action = actions[name]
            if name in SHORT_TEXT:
                action.setIconText(SHORT_TEXT[name])  # a button's words (menus keep text())
            bar.addAction(action)
            self._icons.append((action, icon))
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._spacer = bar.addWidget(spacer)
        self.retint()
        events.theme_changed.connect(lambda _dark: self.retint())

    def add_panels(self, panels: Sequence[tuple[QAction, str, str]]) -> None:
        """``(toggle action, icon name, short text)`` of panels made after the first paint,
        placed before the spacer."""
        self.bar.insertSeparator(self._spacer)
        for action, icon, text in panels:
            action.setIconText(text)
            self.bar.insertAction(self._spacer, action)
            self._icons.append((action, icon))
        self.retint()

    def show_icons(self) -> None:
        """Paint the real icons from now on (the window calls it after its first paint)."""
        self._painted = True
        self.retint()

    @property
    def icons_shown(self) -> bool:
        return self._painted

    def retint(self) -> None:
        """Paint every icon in the current palette's colours (blank ones before
        ``show_icons``)."""
        size = self.bar.iconSize().height() or 24
        if not self._painted:
            blank = icons.blank(size)
            for action, _name in self._icons:
                action.setIcon(blank)
            return
        palette = QApplication.palette()
        colour = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
        muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        scale = self.bar.devicePixelRatioF()
        for action, name in self._icons:
            action.setIcon(icons.themed(name, colour.name(), muted.name(), size, scale))
