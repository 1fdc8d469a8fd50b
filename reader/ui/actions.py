"""The window's QActions and menus, declared in one table.

Keeping every command here (text, shortcuts, slot) means the menus, the keyboard and the
Help › Keyboard Shortcuts list are built from the same data and cannot disagree.  A slot is
named ``"part.method"`` (``"imports.choose_files"``); ``WindowActions.connect`` is given a
function that finds the part, when the action is triggered, so parts made later (export,
annotations) need no hook and this module imports no window code.

Single-letter shortcuts (j, k, n, p, /, space) are window shortcuts: a focused line edit claims
printable keys first (Qt's ShortcutOverride), so typing in the search field never navigates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Keys = tuple[QKeySequence.StandardKey | str, ...]


@dataclass(frozen=True)
class Command:
    name: str
    text: str
    keys: Keys = ()
    slot: str = ""
    tip: str = ""
    checkable: bool = False


SEP = Command("-", "-")

MENUS: dict[str, list[Command]] = {
    "&File": [
        Command(
            "import_files", "&Import Files…", ("Ctrl+O",), "imports.choose_files",
            "Import dump files into the library (you can also drop files on the window)",
        ),
        Command(
            "import_folder", "Import F&older…", ("Ctrl+Shift+O",), "imports.choose_folder",
            "Import every dump in a folder and its subfolders",
        ),
        Command("check_library", "&Check Library…", (), "repair.check",
                "Check the library's files for damage, and repair them if need be"),
        SEP,
        Command("export_thread", "&Export Thread…", ("Ctrl+E",), "export.export_current",
                "Export this thread with its highlights and notes"),
        Command("quit", "&Quit", (QKeySequence.StandardKey.Quit, "Ctrl+Q"), "window.close"),
    ],
    "&Edit": [
        Command("copy", "&Copy", (QKeySequence.StandardKey.Copy,), "navigation.copy_selection",
                "Copy the selected text, or the selected comment with its number"),
        SEP,
        Command("find", "&Find in Thread…", (QKeySequence.StandardKey.Find,),
                "navigation.open_find_bar"),
        Command("find_next", "Find &Next", ("F3",), "navigation.find_next",
                "Next search hit or find match in this thread"),
        Command("find_previous", "Find Pre&vious", ("Shift+F3",), "navigation.find_previous"),
        SEP,
        Command("search", "&Search Library", ("Ctrl+K", "/"), "search.focus",
                "Search every post and comment; results appear as you type"),
        Command("filter", "Filter &Posts", ("Ctrl+Shift+L",), "navigation.focus_filter",
                "Show only posts whose title contains some text"),
        SEP,
        Command("earlier_texts", "Earlier &Texts…", ("Ctrl+Shift+R",),
                "revisions.open_current",
                "Other texts dumps gave this post or comment, and which one is shown"),
        Command("preferences", "Pre&ferences…", (QKeySequence.StandardKey.Preferences, "Ctrl+,"),
                "view.show_preferences",
                "Reading font, size, line width and spacing, theme and highlight colours"),
    ],
    "&View": [
        Command("zoom_in", "Zoom &In", (QKeySequence.StandardKey.ZoomIn, "Ctrl+="),
                "view.zoom_in"),
        Command("zoom_out", "Zoom &Out", (QKeySequence.StandardKey.ZoomOut,), "view.zoom_out"),
        Command("zoom_reset", "&Reset Zoom", ("Ctrl+0",), "view.zoom_reset"),
        SEP,
        Command("show_posts", "Show &Posts", ("Ctrl+1",), "", checkable=True),
        Command("show_thread", "Show &Thread", ("Ctrl+2",), "", checkable=True),
        Command("show_reading", "Show &Reading Pane", ("Ctrl+3",), "", checkable=True),
        Command("show_activity", "Show &Activity Strip", (), "", checkable=True),
        Command("show_dimmed", "Show &Unapproved, Spam and Deleted Comments", (), "",
                "Unchecked: such comments are folded to their heading line", checkable=True),
        SEP,
        Command("expand_all", "&Expand All Replies", ("*",), "thread.expand_all"),
        Command("collapse_all", "&Collapse All Replies", ("\\",), "thread.collapse_all"),
        SEP,
        # the theme submenu is added by build_menus()
    ],
    "&Go": [
        Command("next_comment", "&Next Comment", ("J",), "navigation.next_comment"),
        Command("previous_comment", "&Previous Comment", ("K",), "navigation.previous_comment"),
        Command("page_down", "Page Down, Then Next Comment", ("Space",), "navigation.page_or_next",
                "Scroll the reading pane; at the end of a comment, move to the next one"),
        SEP,
        Command("next_post", "Next P&ost", ("N",), "navigation.next_post"),
        Command("previous_post", "Previous Po&st", ("P",), "navigation.previous_post"),
        SEP,
        Command("back", "&Back", (QKeySequence.StandardKey.Back, "Alt+Left"),
                "navigation.go_back"),
        Command("forward", "&Forward", (QKeySequence.StandardKey.Forward, "Alt+Right"),
                "navigation.go_forward"),
    ],
    "&Help": [
        Command("shortcuts", "&Keyboard Shortcuts", ("F1", "?"), "view.show_shortcuts"),
        Command("about", "&About Archive Reader", (), "view.show_about"),
    ],
}  # fmt: skip

THEMES = (("system", "&System"), ("light", "&Light"), ("dark", "&Dark"))


def _sequences(keys: Keys) -> list[QKeySequence]:
    found: list[QKeySequence] = []
    for key in keys:
        # a standard key's primary binding only: the others are often media keys ("Copy")
        sequence = QKeySequence(key)
        if not sequence.isEmpty() and sequence not in found:
            found.append(sequence)
    return found


Resolve = Callable[[str], Callable[[], object]]
"""``"part.method"`` -> the bound method to call (looked up when the action is triggered)."""


class WindowActions:
    """Creates every action and builds the menu bar; ``connect`` wires them to their slots."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.by_name: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self.theme_group = QActionGroup(window)
        self.theme_group.setExclusive(True)
        self.themes: dict[str, QAction] = {}
        for menu_title, commands in MENUS.items():
            menu = window.menuBar().addMenu(menu_title)
            self.menus[menu_title.replace("&", "")] = menu
            for command in commands:
                if command is SEP:
                    menu.addSeparator()
                    continue
                menu.addAction(self._action(command))
            if menu_title == "&View":
                themes = menu.addMenu("&Theme")
                for name, text in THEMES:
                    action = QAction(text, window)
                    action.setCheckable(True)
                    action.setData(name)
                    self.theme_group.addAction(action)
                    themes.addAction(action)
                    self.themes[name] = action

    def add(self, menu: str, action: QAction, *, before: str | None = None) -> None:
        """Put a part's own command into a menu (``before`` a command of the table, else at
        the end), with its shortcut working anywhere in the window."""
        target = self.menus[menu]
        if before is not None:
            target.insertAction(self.by_name[before], action)
        else:
            target.addAction(action)
        self.window.addAction(action)

    def connect(self, resolve: Resolve) -> None:
        """Trigger each command's slot through ``resolve`` (once, after the parts exist)."""
        for command in (c for commands in MENUS.values() for c in commands):
            if command.slot:
                action = self.by_name[command.name]
                slot = command.slot
                action.triggered.connect(lambda _checked=False, slot=slot: resolve(slot)())

    def _action(self, command: Command) -> QAction:
        action = QAction(command.text, self.window)
        action.setObjectName(command.name)
        sequences = _sequences(command.keys)
        if sequences:
            action.setShortcuts(sequences)
        if command.tip:
            action.setStatusTip(command.tip)
            action.setToolTip(command.tip)
        action.setCheckable(command.checkable)
        self.window.addAction(action)  # shortcuts work even with the menu bar hidden
        self.by_name[command.name] = action
        return action

    def __getitem__(self, name: str) -> QAction:
        return self.by_name[name]

    def menu(self, title: str) -> QMenu:
        """A menu by its title without the mnemonic ("File", "Edit", ...)."""
        return self.menus[title]
