"""The window's log: a file in the platform's log folder that keeps what went wrong.

A desktop program has no terminal to print to, so warnings and the tracebacks of bugs go to
``archive-reader.log`` in ``reader.paths.log_dir()`` (on Linux
``~/.local/state/archive-reader/log``), rotated at 1 MB with three old files kept.  Hard crashes
(a segfault in Qt) cannot run Python code; ``faulthandler`` writes their Python stack to
``faults.log`` beside it.  ``--debug`` or ``ARCHIVE_READER_DEBUG=1`` logs at DEBUG level and
also to stderr.

Qt-free: the CLI could use it too, though today only the window does (CLI errors are one line
on stderr, by contract).
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from reader.paths import log_dir

LOG_NAME = "archive-reader.log"
FAULTS_NAME = "faults.log"
ENV_DEBUG = "ARCHIVE_READER_DEBUG"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def debug_requested(flag: bool = False) -> bool:
    """``--debug`` was given, or ``ARCHIVE_READER_DEBUG`` is set to something other than 0."""
    return flag or os.environ.get(ENV_DEBUG, "").strip().lower() not in ("", "0", "false", "no")


@dataclass
class LogSetup:
    """What ``setup`` installed; ``close`` takes it out again (tests open several windows)."""

    folder: Path
    file: Path | None
    debug: bool
    handlers: list[logging.Handler] = field(default_factory=list)
    faults: IO[str] | None = None
    previous_level: int = logging.WARNING

    def close(self) -> None:
        logger = logging.getLogger("reader")
        for handler in self.handlers:
            logger.removeHandler(handler)
            handler.close()
        self.handlers.clear()
        logger.setLevel(self.previous_level)
        if self.faults is not None:
            faulthandler.disable()
            self.faults.close()
            self.faults = None


def setup(*, debug: bool = False) -> LogSetup:
    """Send the ``reader`` loggers to the log file (and to stderr when debugging).

    A log folder that cannot be created (read-only home) leaves logging to stderr only: the
    window still opens.
    """
    logger = logging.getLogger("reader")
    result = LogSetup(log_dir(), None, debug, previous_level=logger.level)
    level = logging.DEBUG if debug else logging.INFO
    logger.setLevel(level)
    try:
        result.folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            result.folder / LOG_NAME, maxBytes=1 << 20, backupCount=3, encoding="utf-8"
        )
        result.file = result.folder / LOG_NAME
    except OSError as exc:
        print(f"archive-reader: cannot write the log in {result.folder}: {exc}", file=sys.stderr)
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    logger.addHandler(handler)
    result.handlers.append(handler)
    if debug and result.file is not None:
        echo = logging.StreamHandler(sys.stderr)
        echo.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(echo)
        result.handlers.append(echo)
    if result.file is not None and not faulthandler.is_enabled():
        # (under pytest, its own fault handler is on already and stays in charge)
        try:
            result.faults = open(result.folder / FAULTS_NAME, "a", encoding="utf-8")  # noqa: SIM115
            faulthandler.enable(result.faults)
        except OSError:
            result.faults = None
    return result
