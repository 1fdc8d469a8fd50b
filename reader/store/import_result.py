"""What importing one file did: ``ImportResult`` for the CLI's report and the window's refresh.

Apart from the import itself so that a caller that only reports (the CLI, the window's import
report) need not know how a file is merged; ``ImportResult.changes`` is what the post-commit
step (``reader.derived``) gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reader.changes import NOTHING, Changes
from reader.plurals import plural


@dataclass(frozen=True, slots=True)
class RevisedItem:
    """An item to which this import brought a different text (kept as a revision).

    ``shown``: the new text is what the library shows now (an edit upstream); otherwise it was
    kept aside (``reason`` says why it looks damaged) and the earlier text is still shown.
    """

    item_id: str
    post_id: str
    title: str
    number: int
    shown: bool
    reason: str | None = None

    def line(self) -> str:
        kind = "post" if self.item_id == self.post_id else "comment"
        where = f"{kind} {self.item_id} in “{self.title}”"
        if self.shown:
            return f"  {where}: edited upstream; the new text is shown (revision {self.number})"
        return (
            f"  {where}: a different text kept aside, not shown — {self.reason}"
            f" (see: archive-reader revisions show {self.item_id})"
        )


@dataclass
class ImportResult:
    """What importing one file did, for the CLI's report and the window's refresh."""

    path: Path
    ok: bool = False
    format: str = ""
    encoding: str = ""
    posts: int = 0
    posts_new: int = 0
    posts_merged: int = 0
    posts_updated: int = 0
    comments: int = 0
    comments_new: int = 0
    comments_vanished: int = 0
    stamp: int = 0
    sha256: str = ""
    error: str | None = None
    line: int | None = None
    cancelled: bool = False
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)
    changed_post_ids: list[str] = field(default_factory=list)  # new ones included
    added_post_ids: list[str] = field(default_factory=list)
    revised: list[RevisedItem] = field(default_factory=list)
    """Items this import gave a different text (shown, or kept aside as damaged-looking);
    their threads are in ``changed_post_ids``."""

    @property
    def changed(self) -> bool:
        return bool(self.changed_post_ids)

    @property
    def revised_item_ids(self) -> list[str]:
        """Items whose shown text this import changed (an edit upstream)."""
        return [r.item_id for r in self.revised if r.shown]

    @property
    def kept_aside_item_ids(self) -> list[str]:
        """Items for which this import's text looked damaged and was kept aside."""
        return [r.item_id for r in self.revised if not r.shown]

    def details(self, limit: int = 20) -> list[str]:
        """Lines naming each item whose text changed, for the report under ``summary``."""
        lines = [r.line() for r in self.revised[:limit]]
        if len(self.revised) > limit:
            lines.append(
                f"  … and {len(self.revised) - limit} more (see: archive-reader revisions list)"
            )
        return lines

    @property
    def changes(self) -> Changes:
        """What the import changed in the library (nothing unless it committed)."""
        if not self.ok or not self.changed_post_ids:
            return NOTHING
        added = frozenset(self.added_post_ids)
        return Changes(
            posts_added=added,
            posts_changed=frozenset(self.changed_post_ids) - added,
            sources=frozenset({str(self.path)}),
        )

    def summary(self) -> str:
        """One line for the CLI and the window's report."""
        if self.cancelled:
            return f"{self.path}: cancelled, nothing imported"
        if self.skipped:
            return f"{self.path}: skipped ({self.error})"
        if not self.ok:
            return self.error or f"{self.path}: failed"
        text = (
            f"{self.path}: {plural(self.posts, 'post')} ({self.posts_new} new, "
            f"{self.posts_merged} merged), {plural(self.comments_new, 'new comment')}"
        )
        if self.comments_vanished:
            text += f", {self.comments_vanished} no longer in the dump (kept)"
        if self.revised_item_ids:
            text += f", {len(self.revised_item_ids)} edited upstream (new text shown)"
        if self.kept_aside_item_ids:
            text += (
                f", {len(self.kept_aside_item_ids)} different text(s) that look damaged"
                " kept aside (not shown)"
            )
        if not self.changed:
            text += " — already up to date"
        if self.encoding and self.encoding != "utf-8":
            text += f" [read as {self.encoding}]"
        return text
