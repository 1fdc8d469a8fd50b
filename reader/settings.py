"""The reader's typed preferences for reading, without Qt: font, size, measure, spacing, colours.

Why here and not in the window: the reading pane, the Preferences dialog and the exports (the
CLI's ``--font``/``--font-size``) all speak of the same typography, and the window's ini file
is only one place to keep it.  ``ReadingSettings.from_values`` reads whatever a store hands
back (strings from an ini file, numbers from a test) and falls back to the default for anything
missing or out of range, so a hand-edited or damaged file never breaks the window;
``to_values`` gives plain strings to write back.  ``reader.ui.settings.WindowSettings`` keeps
them in the window's ini file under ``reading/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from reader.model import COLOURS

SERIF_FAMILIES = (
    "DejaVu Serif",  # fonts-dejavu-core: on every Debian/Ubuntu machine that runs Qt at all
    "Georgia",  # Windows and macOS
    "Noto Serif",
    "Liberation Serif",
    "Times New Roman",
    "serif",
)
"""The default reading font, first one installed wins (see ``reader.ui.typography``)."""

DEFAULT_HIGHLIGHTS: dict[str, str] = {
    "yellow": "#fff3a3",
    "green": "#c8f0c0",
    "blue": "#c9e2ff",
    "pink": "#ffd0e4",
    "orange": "#ffdcb0",
}
"""Highlight colours on a light page; the dark theme derives its own shades from these."""

FONT_SIZE_RANGE = (7.0, 32.0)  # points
LINE_WIDTH_RANGE = (35, 140)  # characters per line (the measure)
LINE_SPACING_RANGE = (100, 220)  # percent of the font's own line height
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def families(preferred: str = "") -> list[str]:
    """``preferred`` (when set) then the serif fallbacks: a font list for Qt or CSS."""
    chosen = [preferred] if preferred.strip() else []
    return chosen + [f for f in SERIF_FAMILIES if f != preferred]


def css_families(preferred: str = "") -> str:
    """The same list as a CSS ``font-family`` value."""
    return ", ".join(f if f == "serif" else f"'{f}'" for f in families(preferred))


@dataclass(frozen=True, slots=True)
class ReadingSettings:
    """How the reading pane sets text.  ``font_family`` empty means "the default serif"."""

    font_family: str = ""
    font_size: float = 12.0
    line_width: int = 70
    line_spacing: int = 150
    highlights: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_HIGHLIGHTS))

    @property
    def families(self) -> list[str]:
        return families(self.font_family)

    def highlight(self, name: str) -> str:
        return self.highlights.get(name, DEFAULT_HIGHLIGHTS.get(name, DEFAULT_HIGHLIGHTS["yellow"]))

    def with_highlight(self, name: str, colour: str) -> ReadingSettings:
        if name not in COLOURS or not _HEX.fullmatch(colour):
            raise ValueError(f"not a highlight colour: {name}={colour}")
        return replace(self, highlights={**self.highlights, name: colour.lower()})

    def to_values(self) -> dict[str, str]:
        """Plain strings by key, for an ini file."""
        values = {
            "font_family": self.font_family,
            "font_size": f"{self.font_size:g}",
            "line_width": str(self.line_width),
            "line_spacing": str(self.line_spacing),
        }
        values.update({f"highlight_{name}": self.highlight(name) for name in COLOURS})
        return values

    @classmethod
    def from_values(cls, get: Callable[[str], object] | Mapping[str, object]) -> ReadingSettings:
        """Settings from stored values (``get(key)`` or a mapping; keys as ``to_values``);
        anything missing, malformed or out of range takes its default."""
        lookup = get.get if isinstance(get, Mapping) else get
        default = cls()
        family = lookup("font_family")
        size = _number(lookup("font_size"), default.font_size, FONT_SIZE_RANGE)
        width = _number(lookup("line_width"), default.line_width, LINE_WIDTH_RANGE)
        spacing = _number(lookup("line_spacing"), default.line_spacing, LINE_SPACING_RANGE)
        colours = dict(DEFAULT_HIGHLIGHTS)
        for name in COLOURS:
            value = lookup(f"highlight_{name}")
            if isinstance(value, str) and _HEX.fullmatch(value.strip()):
                colours[name] = value.strip().lower()
        return cls(
            font_family=family.strip() if isinstance(family, str) else "",
            font_size=float(size),
            line_width=int(width),
            line_spacing=int(spacing),
            highlights=colours,
        )

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "highlights"] + [
            f"highlight_{name}" for name in COLOURS
        ]


def _number(value: object, default: float, bounds: tuple[float, float]) -> float:
    try:
        number = float(str(value)) if value is not None and value != "" else default
    except ValueError:
        return default
    if number != number:  # NaN
        return default
    low, high = bounds
    return min(high, max(low, number))


def read_saved(ini: Path) -> ReadingSettings:
    """The reading settings the window saved in ``ini`` (its ``window.ini``), read without Qt:
    the CLI's exports use the reader's font.  A missing or unreadable file gives the defaults.

    QSettings writes ``[typography]`` with ``key=value`` lines and quotes a value holding a
    comma ("Gentium Plus, Book"); that is all this needs to undo.
    """
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except (OSError, UnicodeDecodeError, configparser.Error):
        return ReadingSettings()
    if not parser.has_section("typography"):
        return ReadingSettings()
    section = parser["typography"]

    def get(key: str) -> str | None:
        value = section.get(key)
        if value is not None and len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return value

    return ReadingSettings.from_values(get)
