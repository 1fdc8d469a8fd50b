"""Bookmarks and annotations: anchoring highlights to text, keeping them through re-imports.

``anchoring`` is pure text work; ``store`` persists and queries (every write committed at
once); ``reanchor`` places stored annotations again after imports; ``w3c`` and ``markdown``
export (and ``w3c`` imports) them.  No Qt anywhere: the window calls these functions.
"""

from __future__ import annotations

from reader.annotate.reanchor import ReanchorReport, reanchor_after_import
from reader.annotate.store import (
    add_annotation,
    add_annotation_by_quote,
    add_bookmark,
    annotations_for_item,
    annotations_for_post,
    bookmarks_for_post,
    delete_annotation,
    get_annotation,
    get_bookmark,
    list_annotations,
    list_bookmarks,
    notes_and_flags,
    orphaned_annotations,
    remove_bookmark,
    restore_annotation,
    restore_bookmark,
    toggle_bookmark,
    update_annotation,
)

__all__ = [
    "ReanchorReport",
    "add_annotation",
    "add_annotation_by_quote",
    "add_bookmark",
    "annotations_for_item",
    "annotations_for_post",
    "bookmarks_for_post",
    "delete_annotation",
    "get_annotation",
    "get_bookmark",
    "list_annotations",
    "list_bookmarks",
    "notes_and_flags",
    "orphaned_annotations",
    "reanchor_after_import",
    "remove_bookmark",
    "restore_annotation",
    "restore_bookmark",
    "toggle_bookmark",
    "update_annotation",
]
