"""Counted nouns in English: "1 post", "2 posts", "1 reply", "3 matches".

One place for it, because every message that counts things (the window's status line and
reports, the CLI's summaries) otherwise grows its own ``'s' if n != 1`` and some forget it.
"""

from __future__ import annotations

_IRREGULAR = {
    "reply": "replies",
    "match": "matches",
    "entry": "entries",
    "child": "children",
    "this": "these",
}


def plural_of(noun: str) -> str:
    """The plural of ``noun`` (the few irregular ones the program uses, else "+s")."""
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def plural(count: int, noun: str, many: str | None = None, *, sep: str = " ") -> str:
    """``count`` and ``noun`` in the right number, the count with thousands separators:
    ``plural(1, "post") == "1 post"``, ``plural(1200, "post") == "1,200 posts"``.  ``many``
    overrides the plural form."""
    word = noun if count == 1 else (many or plural_of(noun))
    return f"{count:,}{sep}{word}"
