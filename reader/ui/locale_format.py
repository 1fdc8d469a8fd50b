"""Times in the user's locale, for the reading pane's headings (``reader.times.TimeFormat``).

The core writes times in the dumps' own English style; in the window a reader expects the
date order and clock of their own locale ("13.07.11 22:22", "7/13/11 10:22 PM").
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime


def locale_time(when: dt.datetime) -> str:
    """``when`` (already in the reader's zone) in the locale's short date and time format."""
    moment = QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)
