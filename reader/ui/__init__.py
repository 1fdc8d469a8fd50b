"""The desktop window: widgets, Qt item models, background tasks, drag and drop.

Everything Qt lives under this package; it turns user events into calls on the core
(``reader.store``, ``reader.search``, ``reader.render``) and never holds data the core does not
already model.  ``reader.app`` is the only place that creates the ``QApplication``.
"""
