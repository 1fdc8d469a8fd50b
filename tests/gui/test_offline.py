"""The reading pane never reaches the network: nothing is fetched, links open only on click."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from PySide6.QtCore import QUrl

from reader.model import Comment, Post
from reader.render import render_thread
from reader.ui import reading as reading_module


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test."""
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args))
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


def _hostile_post() -> Post:
    text = (
        'Look: <img src="http://tracker.example/pixel.gif"> and '
        "<script>alert(1)</script> and https://example.org/photo.jpg and "
        "https://example.org/page?a=1&b=2."
    )
    comment = Comment("c1", "p1", None, 1, "1", text)
    return Post("p1", dt.date(2020, 5, 1), "Remote <b>things</b>", "Body", 1, 1, comments=[comment])


def test_pane_fetches_nothing_and_shows_markup_as_text(qtbot, no_network):
    pane = reading_module.ReadingPane()
    qtbot.addWidget(pane)
    pane.resize(600, 400)
    with qtbot.waitExposed(pane):  # a context manager: called bare, it would not wait
        pane.show()
    pane.show_thread(render_thread(_hostile_post()))
    pane.grab()
    text = pane.toPlainText()
    # the markup shows as characters (its address became a link, named as an image)
    assert '<img src="[image] http://tracker.example/pixel.gif">' in text
    assert "<script>alert(1)</script>" in text
    assert "Remote <b>things</b>" in text
    assert "[image] https://example.org/photo.jpg" in text
    # nothing in the document asked for a resource: no <img> was ever emitted
    assert pane.blocked_resources == []
    html = pane.toHtml()
    assert "<img" not in html.lower()


def test_resources_are_refused_even_if_markup_slips_in(qtbot, no_network):
    pane = reading_module.ReadingPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.setHtml(
        '<p>x<img src="http://tracker.example/a.png"><img src="file:///etc/passwd">'
        '<img src="data:image/png;base64,iVBORw0KGgo="></p>'
    )
    pane.grab()
    assert "http://tracker.example/a.png" in pane.blocked_resources
    assert "file:///etc/passwd" in pane.blocked_resources


def test_links_open_in_the_system_browser_only_when_clicked(qtbot, monkeypatch, no_network):
    opened: list[str] = []
    monkeypatch.setattr(reading_module, "open_external", lambda url: opened.append(url.toString()))
    pane = reading_module.ReadingPane()
    qtbot.addWidget(pane)
    pane.show_thread(render_thread(_hostile_post()))
    assert opened == []  # showing never opens anything
    pane.anchorClicked.emit(QUrl("https://example.org/page?a=1&b=2"))
    pane.anchorClicked.emit(QUrl("file:///etc/passwd"))
    pane.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://example.org/page?a=1&b=2"]
    assert "Look:" in pane.toPlainText()  # the pane did not navigate away


def test_internal_anchor_selects_the_comment(qtbot):
    pane = reading_module.ReadingPane()
    qtbot.addWidget(pane)
    pane.show_thread(render_thread(_hostile_post()))
    with qtbot.waitSignal(pane.item_clicked) as blocker:
        pane.anchorClicked.emit(QUrl("#c1"))
    assert blocker.args == ["c1"]
