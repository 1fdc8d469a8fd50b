"""Help › About: version, library folder, log folder and licences, in a non-modal dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel

from reader import __version__
from reader.paths import log_dir
from reader.ui.about import AboutDialog


def test_help_about_shows_versions_folders_and_licences(make_window, library_dir, qtbot) -> None:
    window = make_window(library_dir)
    help_menu = window.commands.menu("Help")
    about = next(a for a in help_menu.actions() if a.objectName() == "about")
    about.trigger()
    dialog = window.findChild(AboutDialog, "about-dialog")
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    info = dialog.info()
    assert f"Archive Reader: {__version__}" in info
    assert f"Library folder: {window.library.paths.root}" in info
    assert f"Log folder: {log_dir()}" in info
    assert "Qt: 6." in info and "Python: 3." in info
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert str(window.library.paths.root) in shown and str(log_dir()) in shown
    assert "MIT License" in shown
    assert dialog.licence.toPlainText().startswith("MIT License")
    third = dialog.third_party.toPlainText()
    assert "PySide6" in third and "Lesser General Public License" in third
    assert "Whoosh-Reloaded" in third and "sqlite-utils" in third
    dialog.copy_info()
    assert QApplication.clipboard().text() == info
    about.trigger()  # again: the same dialog comes back, not a second one
    assert len(window.findChildren(AboutDialog)) == 1
    dialog.close()


def test_the_window_and_the_application_carry_the_icon(make_window, library_dir) -> None:
    window = make_window(library_dir)
    assert not window.windowIcon().isNull()
    assert 256 in {s.width() for s in window.windowIcon().availableSizes()}
