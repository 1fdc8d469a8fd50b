"""The library store: SQLite through sqlite-utils, with migrations, queries and the importer."""

from reader.store.db import open_database
from reader.store.library import ImportResult, Library

__all__ = ["ImportResult", "Library", "open_database"]
