"""The View and Help menus' commands: theme, zoom, the shortcuts list and About.

A theme change is announced (``Events.theme_changed``) rather than pushed to the parts that
draw with theme colours: the thread controller redraws the pane in the matching palette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from reader.settings import ReadingSettings
from reader.ui.actions import WindowActions
from reader.ui.context import AppContext
from reader.ui.reading import ReadingPane
from reader.ui.settings import ZOOM_RANGE
from reader.ui.theme import apply_theme

if TYPE_CHECKING:
    from reader.ui.preferences import PreferencesDialog


class ViewController(QObject):
    """Theme, zoom and the Help dialogs of one window."""

    def __init__(
        self,
        ctx: AppContext,
        reading: ReadingPane,
        actions: WindowActions,
        main: QMainWindow,
    ) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.reading = reading
        self.actions = actions
        self.main = main
        self.dark = False
        self._shortcuts_dialog: QWidget | None = None
        self.preferences: PreferencesDialog | None = None
        actions.theme_group.triggered.connect(lambda action: self.set_theme(str(action.data())))

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.dark = apply_theme(app, name)
        action = self.actions.themes.get(name)
        if action is not None:
            action.setChecked(True)
        self.ctx.settings.theme = name
        if self.preferences is not None:
            self.preferences.show_theme(name)
        self.ctx.events.theme_changed.emit(self.dark)

    def show_preferences(self) -> PreferencesDialog:
        """Edit › Preferences (non-modal; changes apply as they are made)."""
        from reader.ui.preferences import PreferencesDialog

        if self.preferences is None:
            settings = self.ctx.settings
            dialog = PreferencesDialog(settings.reading, settings.theme, self.main)
            dialog.changed.connect(self.set_reading)
            dialog.theme_chosen.connect(self.set_theme)
            self.preferences = dialog
        self.preferences.show()
        self.preferences.raise_()
        return self.preferences

    def set_reading(self, settings: ReadingSettings) -> None:
        """Store new reading settings and let the pane (and anything else) follow."""
        self.ctx.settings.reading = settings
        self.ctx.events.typography_changed.emit(settings)

    def _zoom_to(self, level: int) -> None:
        low, high = ZOOM_RANGE
        self.reading.set_zoom(max(low, min(high, level)))
        self.ctx.settings.zoom = self.reading.zoom

    def zoom_in(self) -> None:
        self._zoom_to(self.reading.zoom + 1)

    def zoom_out(self) -> None:
        self._zoom_to(self.reading.zoom - 1)

    def zoom_reset(self) -> None:
        self._zoom_to(0)

    def show_shortcuts(self) -> None:
        from reader.ui.shortcuts import ShortcutsDialog

        if self._shortcuts_dialog is None:
            self._shortcuts_dialog = ShortcutsDialog(self.main)
        self._shortcuts_dialog.show()
        self._shortcuts_dialog.raise_()

    def show_about(self) -> None:
        """Help › About (``reader.ui.about``: versions, folders, licences; non-modal)."""
        from reader.ui.about import show_about

        show_about(self.main, self.ctx.library.paths.root)
