"""Light, dark and system themes: the Qt palette for widgets and the matching document colours.

"system" keeps whatever style and palette the platform gave the application at start (captured
once, before anything changes them); "light" and "dark" use Fusion with explicit palettes so they
look the same everywhere, including the offscreen platform the tests use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from reader.render import ThreadPalette

_original: tuple[str, QPalette] | None = None


def _capture(app: QApplication) -> tuple[str, QPalette]:
    global _original
    if _original is None:
        _original = (app.style().name(), QPalette(app.palette()))
    return _original


def dark_palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2b2f",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1e21",
        roles.AlternateBase: "#27272b",
        roles.ToolTipBase: "#3a3a3f",
        roles.ToolTipText: "#f0f0f0",
        roles.PlaceholderText: "#8c8c93",
        roles.Text: "#e6e6e6",
        roles.Button: "#34343a",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Light: "#46464d",
        roles.Midlight: "#3c3c42",
        roles.Mid: "#2f2f34",
        roles.Dark: "#1a1a1d",
        roles.Shadow: "#000000",
        roles.Highlight: "#3b6db3",
        roles.HighlightedText: "#ffffff",
        roles.Link: "#8ab4f8",
        roles.LinkVisited: "#c58af9",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#76767c"))
    return p


def light_palette() -> QPalette:
    p = QApplication.style().standardPalette() if QApplication.instance() else QPalette()
    p.setColor(QPalette.ColorRole.Link, QColor("#1a5fb4"))
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3584e4"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, name: str) -> bool:
    """Switch the whole application to ``name``; returns whether the result is dark.

    "system" before any other theme was applied changes nothing, and touches no ``QStyle``
    from Python: making that type's enums costs ~12 ms of start-up, and setting the same
    palette again would send a change event to every widget."""
    if name == "system":
        palette = app.palette()
        if _original is not None:  # back from light or dark
            style_name, palette = _original
            if app.style().name() != style_name:
                app.setStyle(style_name)
            app.setPalette(palette)
        hints = QGuiApplication.styleHints()
        return palette_is_dark(palette) or hints.colorScheme() == Qt.ColorScheme.Dark
    _capture(app)  # what "system" goes back to, before the first change
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(dark_palette() if name == "dark" else light_palette())
    return name == "dark"


def thread_palette(dark: bool) -> ThreadPalette:
    """The reading pane's document colours for a light or dark window."""
    from reader.render import DARK, LIGHT  # with the first thread shown, not the window

    return DARK if dark else LIGHT
