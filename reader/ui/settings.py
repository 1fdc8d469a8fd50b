"""Window state and preferences in an explicit ini file under ``config_dir()``.

QSettings' default location is per user and per platform (the registry on Windows); naming the
file keeps tests isolated (``ARCHIVE_READER_CONFIG``) and lets a user copy or delete it.  Values
come back from ini files as strings, so every getter converts and falls back to its default
instead of trusting the stored type.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from reader.paths import config_dir
from reader.settings import ReadingSettings

THEMES = ("system", "light", "dark")
ZOOM_RANGE = (-6, 12)
PLACES_KEPT = 300  # threads whose reading position and zoom are remembered


class WindowSettings:
    """Typed access to the window's ini file; every setter writes through immediately."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "window.ini"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- generic typed access ---------------------------------------------------------------

    def _str(self, key: str, default: str = "") -> str:
        value = self.qs.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int = 0) -> int:
        try:
            return int(str(self.qs.value(key, default)))
        except (TypeError, ValueError):
            return default

    def _float(self, key: str, default: float = 0.0) -> float:
        try:
            return float(self.qs.value(key, default))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def _bool(self, key: str, default: bool) -> bool:
        value = self.qs.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _ints(self, key: str) -> list[int]:
        value = self.qs.value(key)
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, (list, tuple)):
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            return []

    def sync(self) -> None:
        self.qs.sync()

    # -- window ------------------------------------------------------------------------------

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self.qs.setValue("window/state", value)

    def splitter_sizes(self, name: str) -> list[int]:
        return self._ints(f"splitters/{name}")

    def set_splitter_sizes(self, name: str, sizes: list[int]) -> None:
        self.qs.setValue(f"splitters/{name}", ",".join(str(int(s)) for s in sizes))

    def pane_visible(self, name: str) -> bool:
        return self._bool(f"panes/{name}", True)

    def set_pane_visible(self, name: str, visible: bool) -> None:
        self.qs.setValue(f"panes/{name}", "true" if visible else "false")

    # -- preferences -------------------------------------------------------------------------

    @property
    def theme(self) -> str:
        value = self._str("view/theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.qs.setValue("view/theme", value if value in THEMES else "system")

    @property
    def zoom(self) -> int:
        low, high = ZOOM_RANGE
        return max(low, min(high, self._int("view/zoom", 0)))

    @zoom.setter
    def zoom(self, value: int) -> None:
        self.qs.setValue("view/zoom", int(value))

    @property
    def sample_hint_dismissed(self) -> bool:
        return self._bool("firstrun/hint_dismissed", False)

    @sample_hint_dismissed.setter
    def sample_hint_dismissed(self, value: bool) -> None:
        self.qs.setValue("firstrun/hint_dismissed", "true" if value else "false")

    @property
    def sample_imported(self) -> bool:
        return self._bool("firstrun/sample", False)

    @sample_imported.setter
    def sample_imported(self, value: bool) -> None:
        self.qs.setValue("firstrun/sample", "true" if value else "false")

    # -- where the reader was ----------------------------------------------------------------

    @property
    def last_post(self) -> str:
        return self._str("reading/post")

    @property
    def last_item(self) -> str:
        return self._str("reading/item")

    @property
    def last_top(self) -> tuple[str, int]:
        """The item at the top of the reading pane and how far past its top it was scrolled."""
        return self._str("reading/top"), self._int("reading/offset", 0)

    def set_position(self, post_id: str, item_id: str, top: str = "", offset: int = 0) -> None:
        self.qs.setValue("reading/post", post_id)
        self.qs.setValue("reading/item", item_id)
        self.qs.setValue("reading/top", top)
        self.qs.setValue("reading/offset", int(offset))

    # -- reading typography (Preferences) ----------------------------------------------------

    @property
    def reading(self) -> ReadingSettings:
        """Font, size, measure, spacing and highlight colours; damaged values fall back."""
        return ReadingSettings.from_values(lambda key: self.qs.value(f"typography/{key}"))

    @reading.setter
    def reading(self, value: ReadingSettings) -> None:
        for key, text in value.to_values().items():
            self.qs.setValue(f"typography/{key}", text)

    # -- per thread: where the reader was and the zoom ---------------------------------------

    def _places(self) -> dict[str, list[object]]:
        try:
            value = json.loads(self._str("threads/places", "{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def thread_place(self, post_id: str) -> tuple[str, int, int] | None:
        """The item on top, the offset past its top and the zoom of a thread read before."""
        place = self._places().get(post_id)
        if not isinstance(place, list) or len(place) != 3:
            return None
        top, offset, zoom = place
        if not isinstance(top, str) or not isinstance(offset, int) or not isinstance(zoom, int):
            return None
        low, high = ZOOM_RANGE
        return top, offset, max(low, min(high, zoom))

    def set_thread_place(self, post_id: str, top: str, offset: int, zoom: int) -> None:
        """Remember a thread's place (the oldest are forgotten past ``PLACES_KEPT``)."""
        places = self._places()
        places.pop(post_id, None)
        places[post_id] = [top, int(offset), int(zoom)]
        while len(places) > PLACES_KEPT:
            places.pop(next(iter(places)))
        self.qs.setValue("threads/places", json.dumps(places))
