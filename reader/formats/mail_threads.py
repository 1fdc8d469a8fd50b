"""Mail threads by Jamie Zawinski's algorithm (the one Netscape, mutt and most list archives
use), from the few header fields each message gives.

``References``, else ``In-Reply-To``, link messages; a container stands in for a message only
referred to; empty containers are pruned; then the subject fallback joins "Re: X" to "X" (a
1995 archive has no ``References`` at all).  Every walk is iterative: a reply chain can be
deeper than Python's stack.  https://www.jwz.org/doc/threading.html
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.formats.base import ParseReport


@dataclass(slots=True)
class MessageHeader:
    """What threading needs of one message (the mbox parser keeps the rest in its spill).

    ``subject`` is the base subject (no Re:/Fwd:/[list] prefixes, folded); ``reply`` says
    whether the message's own subject had such a prefix; ``when`` is its sort key by time."""

    index: int
    message_id: str
    references: list[str]
    subject: str
    reply: bool
    when: float


@dataclass(eq=False, slots=True)
class _Container:
    """A node of the JWZ tree: a message (its index) or an empty placeholder."""

    message: int | None = None
    parent: _Container | None = None
    children: list[_Container] = field(default_factory=list)

    def reaches(self, other: _Container) -> bool:
        """Whether ``other`` is this container or one of its descendants."""
        stack = [self]
        while stack:
            node = stack.pop()
            if node is other:
                return True
            stack.extend(node.children)
        return False


def _link(parent: _Container, child: _Container) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
    child.parent = parent
    parent.children.append(child)


def jwz_threads(
    headers: list[MessageHeader], report: ParseReport
) -> list[list[tuple[int, int | None]]]:
    """JWZ threading: each thread as (message index, parent index or None) in tree order."""
    table: dict[str, _Container] = {}

    def container(message_id: str) -> _Container:
        found = table.get(message_id)
        if found is None:
            found = table[message_id] = _Container()
        return found

    for header in headers:
        this = container(header.message_id)
        if this.message is not None:  # the same Message-ID again: a message of its own
            report.warn(f"Message-ID <{header.message_id}> used twice; both kept")
            header.message_id = f"{header.message_id}#{header.index}"
            this = container(header.message_id)
        this.message = header.index
        previous: _Container | None = None
        for ref in header.references:
            node = container(ref)
            if previous is not None and node.parent is None and not node.reaches(previous):
                _link(previous, node)
            previous = node
        if previous is not None and not this.reaches(previous):
            _link(previous, this)
        elif previous is None and this.parent is not None:
            this.parent.children.remove(this)
            this.parent = None

    roots = [node for node in table.values() if node.parent is None]
    roots = _prune(roots)
    roots = _group_by_subject(roots, headers)
    threads = []
    for root in sorted(roots, key=lambda node: _first_time(node, headers)):
        threads.append(_flatten(root, headers))
    return threads


def _prune(roots: list[_Container]) -> list[_Container]:
    """JWZ step 4, without recursion: empty containers go; their children move up (into the
    root set only when there is a single one, else the empty root stays as their holder)."""
    out: list[_Container] = []
    for root in roots:
        order: list[_Container] = []
        stack = [root]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(node.children)
        result: dict[int, list[_Container]] = {}
        for node in reversed(order):  # children before parents
            kids = [kid for child in node.children for kid in result.pop(id(child))]
            node.children = kids
            for kid in kids:
                kid.parent = node
            if node.message is None and (not kids or node is not root or len(kids) == 1):
                result[id(node)] = kids
            else:
                result[id(node)] = [node]
        for node in result[id(root)]:
            node.parent = None
            out.append(node)
    return out


def _subject_of(node: _Container, headers: list[MessageHeader]) -> tuple[str, bool]:
    if node.message is not None:
        header = headers[node.message]
        return header.subject, header.reply
    for child in node.children:
        if child.message is not None:
            return headers[child.message].subject, headers[child.message].reply
    return "", False


def _group_by_subject(roots: list[_Container], headers: list[MessageHeader]) -> list[_Container]:
    """JWZ step 5: join threads whose roots share a subject ("Re: X" under "X")."""
    chosen: dict[str, _Container] = {}
    for root in roots:
        subject, reply = _subject_of(root, headers)
        if not subject:
            continue
        old = chosen.get(subject)
        if (
            old is None
            or (root.message is None and old.message is not None)
            or (old.message is not None and _subject_of(old, headers)[1] and not reply)
        ):
            chosen[subject] = root
    kept: list[_Container] = []
    position: dict[int, int] = {}  # id(container) -> its index in kept
    for root in roots:
        subject, reply = _subject_of(root, headers)
        target = chosen.get(subject) if subject else None
        if target is None or target is root:
            position[id(root)] = len(kept)
            kept.append(root)
            continue
        if target.message is None and root.message is None:
            for child in list(root.children):
                _link(target, child)
        elif target.message is None:
            _link(target, root)
        elif root.message is None:
            _link(root, target)  # cannot happen: empty containers are preferred
        elif reply and not _subject_of(target, headers)[1]:
            _link(target, root)
        else:
            # Two originals (or two replies) with one subject: siblings under a new container.
            holder = _Container()
            index = position.pop(id(target), None)
            _link(holder, target)
            _link(holder, root)
            if index is not None:
                kept[index] = holder
                position[id(holder)] = index
            else:
                position[id(holder)] = len(kept)
                kept.append(holder)
            chosen[subject] = holder
    return [root for root in kept if root.parent is None]


def _first_time(node: _Container, headers: list[MessageHeader]) -> tuple[float, int]:
    best = (float("inf"), len(headers))
    stack = [node]
    while stack:
        item = stack.pop()
        if item.message is not None:
            best = min(best, (headers[item.message].when, item.message))
        stack.extend(item.children)
    return best


def _flatten(root: _Container, headers: list[MessageHeader]) -> list[tuple[int, int | None]]:
    """(message, parent message) pairs; an empty root gives way to its earliest message."""
    if root.message is None:
        kids = sorted(root.children, key=lambda node: _first_time(node, headers))
        first = kids[0]
        while first.message is None:  # cannot stay empty after pruning, but be safe
            inner = sorted(first.children, key=lambda node: _first_time(node, headers))
            kids = inner + kids[1:]
            first = kids[0]
        for other in kids[1:]:
            _link(first, other)
        first.parent = None
        root = first
    pairs: list[tuple[int, int | None]] = []
    stack: list[tuple[_Container, int | None]] = [(root, None)]
    while stack:
        node, parent = stack.pop()
        if node.message is None:
            stack.extend((child, parent) for child in node.children)
            continue
        pairs.append((node.message, parent))
        stack.extend((child, node.message) for child in node.children)
    return pairs
