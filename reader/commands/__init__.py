"""Command groups of the ``archive-reader`` CLI, one module each (see ``reader.cli``)."""
