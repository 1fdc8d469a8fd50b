"""Affordances a new reader meets first: a toolbar with icons that follow the theme, an
activity strip that says what its bars are, and the newest post open on the very first start."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QToolButton

from reader.ui import icons
from reader.ui.toolbar import TOOLBAR


def _toolbar_buttons(window) -> dict[str, QToolButton]:
    bar = window.toolbar
    found = {}
    for entry in TOOLBAR:
        if entry is None:
            continue
        button = bar.widgetForAction(window.commands[entry[0]])
        assert isinstance(button, QToolButton), entry
        found[entry[0]] = button
    return found


def _ink(icon, enabled: bool = True) -> QColor:
    """The darkest-or-lightest opaque colour an icon is drawn in (its stroke)."""
    mode = icon.Mode.Normal if enabled else icon.Mode.Disabled
    image = icon.pixmap(QSize(24, 24), 1.0, mode).toImage()
    inked = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 200
    ]
    assert inked, "the icon is empty"
    return inked[len(inked) // 2]


def test_toolbar_actions_have_bundled_icons_that_follow_the_theme(
    make_window, seeded_library_dir, qtbot, output_dir
):
    assert {name for entry in TOOLBAR if entry for name in [entry[1]]} <= set(icons.action_names())
    window = make_window(seeded_library_dir)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.is_set_up, timeout=5000)  # the panels' buttons too
    buttons = _toolbar_buttons(window)
    for name, button in buttons.items():
        assert not button.icon().isNull(), name
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        assert button.text(), name  # icon and words, not icon alone
    assert buttons["import_files"].text() == "Import"
    panel = window.toolbar.widgetForAction(window.bookmarks_panel.toggle_action)
    assert panel is not None and not panel.icon().isNull()
    window.view.set_theme("light")
    light = _ink(window.commands["import_files"].icon())
    qtbot.wait(50)  # the toolbar's layout and the palette reach every widget
    window.grab().save(str(output_dir / "window-toolbar-icons-light.png"))
    window.view.set_theme("dark")
    dark = _ink(window.commands["import_files"].icon())
    assert light.lightness() < 110 < dark.lightness(), (light.name(), dark.name())
    # a disabled action's icon is drawn muted (Back, with no history yet)
    assert not window.commands["back"].isEnabled()
    muted = _ink(window.commands["back"].icon(), enabled=False)
    assert muted.name() != dark.name()
    qtbot.wait(50)
    picture = window.grab()
    picture.save(str(output_dir / "window-toolbar-icons-dark.png"))
    bar = window.toolbar.grab().toImage()
    colours = {bar.pixel(x, y) for x in range(0, bar.width(), 3) for y in range(0, bar.height(), 3)}
    assert len(colours) > 8, "the toolbar is blank"
    window.view.set_theme("light")


def test_the_activity_strip_labels_its_months_and_explains_its_bars(
    make_window, seeded_library_dir, qtbot
):
    window = make_window(seeded_library_dir)
    strip = window.activity
    window.resize(1600, 800)
    window.panes.splitter.setSizes([700, 300, 600])
    qtbot.waitUntil(lambda: strip.width() > 600, timeout=3000)
    labels = strip.labels()
    years = [text for _x, text, is_year in labels if is_year]
    months = [text for _x, text, is_year in labels if not is_year]
    assert years and years[0] == str(strip._first_year)
    assert months, "a wide strip names its months"
    assert set(months) <= {"F", "M", "A", "J", "S", "O", "N", "D", "Apr", "Jul", "Oct"}
    assert strip.legend() == ["posts", "comments"]
    # labels never run into the legend
    legend_left = strip._legend_left()
    assert all(x < legend_left for x, _text, _year in labels)
    # every bar has its tooltip: the month, its counts in words, what a click does
    busy = max(range(len(strip._months)), key=lambda slot: strip._months[slot][0])
    posts, comments = strip._months[busy]
    tip = strip.month_text(busy)
    assert f"{posts} post{'s' if posts != 1 else ''}, " in tip
    assert f"{comments} comment{'s' if comments != 1 else ''}" in tip
    assert "click to show only this month" in tip
    # a narrow strip keeps to the years
    window.panes.splitter.setSizes([150, 500, 900])
    qtbot.waitUntil(lambda: strip.width() < 200, timeout=3000)
    assert all(is_year for _x, _text, is_year in strip.labels())


def test_the_very_first_start_opens_the_newest_post(seeded_library_dir, monkeypatch, qapp):
    """A library filled from the command line, the window's first start: the newest post is
    open at once, not an empty pane."""
    from reader import app

    monkeypatch.setattr(QApplication, "exec", staticmethod(lambda: 0))
    started = app.start(str(seeded_library_dir), first_run=True)
    try:
        window = started.window
        assert not window.runner.active("import")  # not empty: no sample
        newest = window.posts_model.summaries[0]
        assert window.threads.current_post is not None
        assert window.threads.current_post.id == newest.id
        assert window.posts_model.post_id(window.posts_view.currentIndex()) == newest.id
    finally:
        started.window.close()
        started.library.close()


def test_month_labels_never_overlap_a_year(make_window, seeded_library_dir, qtbot):
    from PySide6.QtGui import QFontMetrics

    window = make_window(seeded_library_dir)
    strip = window.activity
    window.resize(1600, 800)
    window.panes.splitter.setSizes([700, 300, 600])
    qtbot.waitUntil(lambda: strip.width() > 600, timeout=3000)
    metrics = QFontMetrics(strip.font())
    spans = sorted((x, x + metrics.horizontalAdvance(t)) for x, t, _y in strip.labels())
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_toolbar_icons_come_after_the_first_paint_without_moving_the_buttons(
    make_window, seeded_library_dir, qtbot
):
    """The icons are not needed to see the window: each button holds a blank icon of the
    same size until the window has painted once, then the real one arrives in its place."""
    window = make_window(seeded_library_dir, show=False)
    assert not window.main_toolbar.icons_shown
    icon = window.commands["import_files"].icon()
    assert not icon.isNull()  # a place kept for it ...
    image = icon.pixmap(QSize(24, 24)).toImage()
    assert all(
        image.pixelColor(x, y).alpha() == 0
        for x in range(image.width())
        for y in range(image.height())
    )  # ... but blank
    window.resize(1280, 800)
    with qtbot.waitExposed(window):
        window.show()
    button = _toolbar_buttons(window)["import_files"]
    width = button.sizeHint().width()
    qtbot.waitUntil(lambda: window.is_set_up, timeout=5000)
    assert window.main_toolbar.icons_shown
    _ink(window.commands["import_files"].icon())  # drawn now (raises if empty)
    assert button.sizeHint().width() == width  # the button did not grow
