"""Controllers: the window's behaviour, one feature each, wired by ``reader.ui.mainwindow``.

Each is given the ``AppContext`` and the widgets (or other controllers) it drives, never the
window; each announces what it did through ``Events`` rather than calling another part.

* ``thread``: the open thread, its document, the tree and the reading pane in step;
* ``navigation``: the Go menu, find in thread, the next search hit, copy;
* ``imports``: drops, File › Import…, the first-run sample, the import report;
* ``annotating``: highlights, notes, bookmarks and their undo;
* ``search``: the search field, results and the index's upkeep;
* ``export``: File › Export Thread…;
* ``view``: theme, zoom, the Help dialogs.

A new feature is a new controller here, made and connected in the window's constructor.
"""
