"""Reply trees from flat lists: every format that names a comment's parent by id uses this.

WordPress (``comment_parent``), Disqus (``<parent dsq:id>``), Blogger (``related`` links,
``blogger:inReplyTo``) all give flat records pointing at their parents, in any order.  The
rules, the same for all of them:

* a parent that is not in the thread, or a comment naming itself, makes the comment top-level
  (with a warning naming it);
* a cycle (a → b → a) is broken at its earliest comment, which becomes top-level;
* siblings are ordered by time (``published``), then by their order in the file;
* nesting deeper than ``MAX_DEPTH`` levels is attached at the last level (warning): no real
  thread goes that deep, and the store, renderers and exports all walk trees recursively.
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.formats.base import ParseReport
from reader.formats.text import sort_key
from reader.model import ParsedComment

MAX_DEPTH = 100


@dataclass(slots=True)
class Flat:
    """One comment with its own key and its parent's key (``None`` for top level)."""

    key: str
    parent: str | None
    comment: ParsedComment


def build(items: list[Flat], report: ParseReport) -> list[ParsedComment]:
    """The top-level comments of ``items`` with ``replies`` filled (see the module rules)."""
    by_key: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.key in by_key:
            report.warn(f"{item.comment.where or item.key}: the same id twice; both kept")
            item.key = f"{item.key}#{index}"
        by_key[item.key] = index
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for index, item in enumerate(items):
        parent = by_key.get(item.parent) if item.parent else None
        if parent is None or parent == index:
            if item.parent:
                report.warn(
                    f"{item.comment.where or item.key}: replies to {item.parent}, which is not"
                    " in this thread; shown as a top-level comment",
                    item.comment.line or None,
                )
            roots.append(index)
        else:
            children.setdefault(parent, []).append(index)

    depth: dict[int, int] = {}
    placed: list[int] = []

    def place(start: int) -> None:
        depth[start] = 0
        stack = [start]
        while stack:
            node = stack.pop()
            placed.append(node)
            for child in children.get(node, ()):
                if child not in depth:
                    depth[child] = depth[node] + 1
                    stack.append(child)

    for root in roots:
        place(root)
    for index in range(len(items)):  # only comments in cycles are left
        if index not in depth:
            item = items[index]
            report.warn(
                f"{item.comment.where or item.key}: its replies lead back to it; shown as a"
                " top-level comment",
                item.comment.line or None,
            )
            for kids in children.values():
                if index in kids:
                    kids.remove(index)
            roots.append(index)
            place(index)

    def ordered(indices: list[int]) -> list[int]:
        return sorted(indices, key=lambda i: (sort_key(items[i].comment.published), i))

    # Attach too-deep comments to their ancestor at MAX_DEPTH - 2 (pre-order: parents first).
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    for node in placed:
        if depth[node] < MAX_DEPTH:
            continue
        ancestor = parent_of[node]
        while depth[ancestor] >= MAX_DEPTH - 1:
            ancestor = parent_of[ancestor]
        children[parent_of[node]].remove(node)
        children.setdefault(ancestor, []).append(node)
        parent_of[node] = ancestor
        depth[node] = depth[ancestor] + 1
        report.warn(
            f"{items[node].comment.where or items[node].key}: nested more than"
            f" {MAX_DEPTH} deep; attached at that depth",
            items[node].comment.line or None,
        )
    for parent, kids in children.items():
        items[parent].comment.replies = [items[i].comment for i in ordered(kids)]
    return [items[i].comment for i in ordered(roots)]
