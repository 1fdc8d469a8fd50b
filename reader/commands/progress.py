"""A terminal progress line for long commands; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TerminalProgress:
    """Call with (fraction or None, label); redraws at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self._drawn = False

    def __call__(self, fraction: float | None, label: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and fraction not in (0.0, 1.0):
            return
        self._last = now
        if fraction is None:
            bar = "..."
        else:
            filled = int(max(0.0, min(1.0, fraction)) * 30)
            bar = "[" + "#" * filled + "-" * (30 - filled) + f"] {fraction:4.0%}"
        self.stream.write(f"\r{bar} {label[-60:]}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def done(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False
