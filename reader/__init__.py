"""Archive Reader: read, search, annotate and export archived discussion threads offline."""

__version__ = "0.1.0"
