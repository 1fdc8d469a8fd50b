"""Edit › Preferences: how the reading pane sets text, the theme and the highlight colours.

Changes apply as they are made (no OK button to find): each one emits ``changed`` with the new
``reader.settings.ReadingSettings``, which the view controller stores and announces.  The dialog
is non-modal (``show``), so the reader sees the pane change beside it, and a test can drive it
without a modal loop.  The colour buttons open a ``QColorDialog`` with ``open()`` (never
``exec``); tests set colours through ``set_highlight``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reader.model import COLOURS
from reader.settings import (
    FONT_SIZE_RANGE,
    LINE_SPACING_RANGE,
    LINE_WIDTH_RANGE,
    SERIF_FAMILIES,
    ReadingSettings,
)
from reader.ui.settings import THEMES

THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
SAMPLE = "The quick brown fox — “office”, 1,234 — jumps over the lazy dog."


def default_family() -> str:
    """The first of the serif fallbacks installed here (DejaVu Serif on a bare Debian)."""
    from PySide6.QtGui import QFontDatabase

    installed = set(QFontDatabase.families())
    return next((f for f in SERIF_FAMILIES if f in installed), "serif")


class PreferencesDialog(QDialog):
    """Reading font, size, line width, line spacing, theme and highlight colours."""

    changed = Signal(object)
    """``ReadingSettings``, after every edit."""
    theme_chosen = Signal(str)

    def __init__(self, settings: ReadingSettings, theme: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences")
        self.setWindowTitle("Preferences")
        self.setModal(False)
        self.settings = settings
        self._quiet = False
        form = QFormLayout()
        self.font_box = QFontComboBox(self)
        self.font_box.setFontFilters(QFontComboBox.FontFilter.ScalableFonts)
        self.font_box.setToolTip("The reading font; the default is a serif installed here")
        self.size_box = QDoubleSpinBox(self)
        self.size_box.setRange(*FONT_SIZE_RANGE)
        self.size_box.setSingleStep(0.5)
        self.size_box.setDecimals(1)
        self.size_box.setSuffix(" pt")
        self.width_box = QSpinBox(self)
        self.width_box.setRange(*LINE_WIDTH_RANGE)
        self.width_box.setSuffix(" characters")
        self.width_box.setToolTip("The measure: about 60–75 characters a line reads best")
        self.spacing_box = QSpinBox(self)
        self.spacing_box.setRange(*LINE_SPACING_RANGE)
        self.spacing_box.setSingleStep(10)
        self.spacing_box.setSuffix(" %")
        self.theme_box = QComboBox(self)
        for name in THEMES:
            self.theme_box.addItem(THEME_NAMES[name], name)
        form.addRow("Reading &font:", self.font_box)
        form.addRow("Font &size:", self.size_box)
        form.addRow("Line &width:", self.width_box)
        form.addRow("Line s&pacing:", self.spacing_box)
        form.addRow("&Theme:", self.theme_box)
        colours = QHBoxLayout()
        self.colour_buttons: dict[str, QPushButton] = {}
        for name in COLOURS:
            button = QPushButton(name.capitalize(), self)
            button.setObjectName(f"colour-{name}")
            button.setToolTip(f"Choose the colour of {name} highlights")
            button.clicked.connect(lambda _=False, name=name: self._choose_colour(name))
            colours.addWidget(button)
            self.colour_buttons[name] = button
        form.addRow("Highlights:", colours)
        self.sample = QLabel(SAMPLE, self)
        self.sample.setObjectName("sample")
        self.sample.setWordWrap(True)
        self.sample.setMinimumHeight(48)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        reset = buttons.addButton("Reset to Defaults", QDialogButtonBox.ButtonRole.ResetRole)
        reset.clicked.connect(self.reset)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Sample:", self))
        layout.addWidget(self.sample)
        layout.addWidget(buttons)
        self._load(settings, theme)
        self.font_box.currentFontChanged.connect(lambda _font: self._edited())
        self.size_box.valueChanged.connect(lambda _value: self._edited())
        self.width_box.valueChanged.connect(lambda _value: self._edited())
        self.spacing_box.valueChanged.connect(lambda _value: self._edited())
        self.theme_box.currentIndexChanged.connect(self._on_theme)

    def _load(self, settings: ReadingSettings, theme: str) -> None:
        self._quiet = True
        try:
            family = settings.font_family or default_family()
            self.font_box.setCurrentFont(QFont(family))
            self.size_box.setValue(settings.font_size)
            self.width_box.setValue(settings.line_width)
            self.spacing_box.setValue(settings.line_spacing)
            self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(theme)))
            self.settings = settings
            self._paint_buttons()
            self._show_sample()
        finally:
            self._quiet = False

    def show_theme(self, name: str) -> None:
        """Follow a theme chosen elsewhere (View › Theme) without choosing it again."""
        self._quiet = True
        try:
            self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(name)))
        finally:
            self._quiet = False

    def _current(self) -> ReadingSettings:
        family = self.font_box.currentFont().family()
        return ReadingSettings(
            font_family="" if family == default_family() else family,
            font_size=round(self.size_box.value(), 1),
            line_width=self.width_box.value(),
            line_spacing=self.spacing_box.value(),
            highlights=dict(self.settings.highlights),
        )

    def _edited(self) -> None:
        if self._quiet:
            return
        self.settings = self._current()
        self._show_sample()
        self.changed.emit(self.settings)

    def _on_theme(self, _index: int) -> None:
        if not self._quiet:
            self.theme_chosen.emit(str(self.theme_box.currentData()))

    def _show_sample(self) -> None:
        font = QFont(self.settings.families)
        font.setFamilies(self.settings.families)
        font.setPointSizeF(self.settings.font_size)
        self.sample.setFont(font)

    def _paint_buttons(self) -> None:
        for name, button in self.colour_buttons.items():
            colour = self.settings.highlight(name)
            text = "#000000" if QColor(colour).lightness() > 120 else "#ffffff"
            button.setStyleSheet(f"background: {colour}; color: {text};")

    def set_highlight(self, name: str, colour: str) -> None:
        """Use ``colour`` (``#rrggbb``) for ``name`` highlights."""
        self.settings = self.settings.with_highlight(name, colour)
        self._paint_buttons()
        self.changed.emit(self.settings)

    def _choose_colour(self, name: str) -> None:
        dialog = QColorDialog(QColor(self.settings.highlight(name)), self)
        dialog.setWindowTitle(f"{name.capitalize()} highlights")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.colorSelected.connect(lambda colour: self.set_highlight(name, colour.name()))
        dialog.open()  # never exec(): nothing here blocks

    def reset(self) -> None:
        """Back to the default typography and colours (the theme stays)."""
        self._load(ReadingSettings(), str(self.theme_box.currentData()))
        self.changed.emit(self.settings)
