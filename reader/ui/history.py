"""Back/forward history of reading positions (Alt+Left/Right), as a browser keeps it.

A location is a post and the item selected in it.  The window pushes the location it leaves
whenever it opens another post or jumps to a search hit; plain j/k moves are not recorded, so
Back returns to where the reader *jumped* from, not one comment up.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HISTORY = 200


@dataclass(frozen=True, slots=True)
class Location:
    post_id: str
    item_id: str | None = None


class History:
    """Two stacks; ``back``/``forward`` take the current location so it can be returned to."""

    def __init__(self) -> None:
        self._back: list[Location] = []
        self._forward: list[Location] = []

    def push(self, location: Location) -> None:
        """Record the location being left; a new jump clears the forward stack."""
        if self._back and self._back[-1] == location:
            return
        self._back.append(location)
        del self._back[:-MAX_HISTORY]
        self._forward.clear()

    def back(self, current: Location | None) -> Location | None:
        if not self._back:
            return None
        if current is not None:
            self._forward.append(current)
        return self._back.pop()

    def forward(self, current: Location | None) -> Location | None:
        if not self._forward:
            return None
        if current is not None:
            self._back.append(current)
        return self._forward.pop()

    @property
    def can_go_back(self) -> bool:
        return bool(self._back)

    @property
    def can_go_forward(self) -> bool:
        return bool(self._forward)

    def forget(self, post_ids: set[str]) -> None:
        """Drop locations of posts that no longer exist."""
        self._back = [loc for loc in self._back if loc.post_id not in post_ids]
        self._forward = [loc for loc in self._forward if loc.post_id not in post_ids]
