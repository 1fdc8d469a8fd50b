"""Repaint every custom-painted widget thousands of times.

PySide6 6.12.0 on Python 3.11 killed the interpreter ("Fatal Python error: none_dealloc")
after a few thousand QPainter save/restore/setClipRect/drawContents calls; the project pins
<6.12 on 3.11.  This test keeps that honest: if a future PySide (or our painting code) brings
the crash back, it dies here, not in a user's session.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QListView

from reader.search.results import Hit, SearchResults
from reader.search.snippets import Snippet
from reader.ui.activity import ActivityStrip
from reader.ui.models.results import ResultDelegate, ResultsModel

ROUNDS = 5000


@pytest.mark.slow
def test_activity_strip_survives_thousands_of_repaints(qtbot):
    strip = ActivityStrip()
    qtbot.addWidget(strip)
    strip.resize(360, 60)
    strip.set_activity({(2015 + n // 12, n % 12 + 1): (n % 7, (n * 13) % 90) for n in range(96)})
    strip.set_selected((2018, 5))
    for _ in range(ROUNDS):
        assert not strip.grab().isNull()


@pytest.mark.slow
def test_result_delegate_survives_thousands_of_repaints(qtbot):
    hits = [
        Hit("comment", f"c{n}", f"p{n}", f"Post {n}", dt.date(2020, 1, 1), f"{n}.1",
            Snippet(f"the probation officer wrote report {n} about the wheel", ((4, 13),)), 1.0)
        for n in range(12)
    ]  # fmt: skip
    model = ResultsModel()
    model.set_results(SearchResults("probation", hits=hits, total=len(hits)))
    view = QListView()
    qtbot.addWidget(view)
    delegate = ResultDelegate(view)
    view.setModel(model)
    view.setItemDelegate(delegate)
    view.resize(340, 400)
    view.setCurrentIndex(model.index(1, 0))
    for n in range(ROUNDS):
        if n % 500 == 0:
            delegate.reset()  # rebuild the snippet documents now and then too
        assert not view.grab().isNull()
