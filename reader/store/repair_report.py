"""What a repair tells the user: its progress as it goes (``say``) and, at the end, a
``RepairReport`` of what came back from where and what is still missing.

Apart from the work (``reader.store.repair``, ``reader.store.salvage``) so that the steps
share one record of what they did, and the report's wording lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.plurals import plural

ProgressFn = Callable[[float | None, str], None]


def say(progress: ProgressFn | None, label: str, fraction: float | None = None) -> None:
    """Tell ``progress`` (if any) the step under way."""
    if progress is not None:
        progress(fraction, label)


@dataclass
class TableSalvage:
    """Rows read back from one table of a damaged file."""

    rows: int = 0
    damaged: bool = False
    problem: str = ""


@dataclass
class RepairReport:
    """What ``repair`` did; ``lines()`` is what the command prints."""

    folder: Path
    needed: bool = True
    problems: list[str] = field(default_factory=list)
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    main_backup: Path | None = None
    user_backup: Path | None = None
    salvaged: dict[str, TableSalvage] = field(default_factory=dict)
    reimported: list[str] = field(default_factory=list)
    reimport_failed: list[str] = field(default_factory=list)
    sources_missing: list[str] = field(default_factory=list)
    sources_changed: list[str] = field(default_factory=list)
    journal: str = ""
    choices_made: int = 0
    choices_missing: int = 0
    left_out_comments: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    orphaned_annotations: int = 0
    integrity: str = ""

    def lines(self) -> list[str]:
        if not self.needed:
            return [f"The library at {self.folder} is whole (both files pass quick_check);"
                    " nothing to repair."]  # fmt: skip
        out = [f"Repaired the library at {self.folder}."]
        out += [f"  found: {problem}" for problem in self.problems]
        for old, new in self.moved:
            out.append(f"  moved aside (kept, never deleted): {old.name} -> {new}")
        if self.main_backup:
            out.append(f"  library database restored from the backup {self.main_backup.name}")
        if self.user_backup:
            out.append(f"  user data restored from the backup {self.user_backup.name}")
        salvaged = [f"{t} {s.rows:,}" for t, s in self.salvaged.items() if s.rows]
        damaged = sorted({s.problem for s in self.salvaged.values() if s.damaged})
        if salvaged or damaged:
            line = "  read back from the damaged files: " + (", ".join(salvaged) or "nothing")
            if damaged:
                line += f" (pages SQLite could not read: {'; '.join(damaged)})"
            out.append(line)
        if self.reimported:
            out.append(f"  re-imported {plural(len(self.reimported), 'source file')}: "
                       + ", ".join(self.reimported))  # fmt: skip
        if self.journal:
            out.append(f"  {self.journal}")
        if self.choices_made:
            out.append(f"  {self.choices_made} choice(s) of which text to show made again"
                       " (from the journal)")  # fmt: skip
        recovered = ", ".join(f"{value:,} {key}" for key, value in self.counts.items())
        out.append(f"Recovered: {recovered}.")
        missing = []
        for path in self.sources_missing:
            missing.append(f"source file not found at its recorded path: {path}")
        for path in self.sources_changed:
            missing.append(f"source file changed since it was imported (sha256 differs): {path}")
        for path in self.reimport_failed:
            missing.append(f"source file could not be imported again: {path}")
        if self.choices_missing:
            missing.append(
                f"{self.choices_missing:,} chosen text(s) not in the library now (the item or"
                " that text of it was not recovered; the newest text is shown)"
            )
        if self.left_out_comments:
            missing.append(
                f"{self.left_out_comments:,} comment(s) whose post could not be recovered"
                " (still in the file moved aside)"
            )
        if self.orphaned_annotations:
            missing.append(
                f"{self.orphaned_annotations:,} annotation(s) whose passage is not in the"
                " library now (kept as orphans: archive-reader annotations list --orphans)"
            )
        sources_whole = self.reimported and not (
            self.sources_missing or self.sources_changed or self.reimport_failed
        )
        if any(s.damaged for s in self.salvaged.values()) and not sources_whole:
            missing.append(
                "rows on damaged pages that no backup or source file held"
                " (import the dumps again if you still have them elsewhere)"
            )
        if missing:
            out.append("Missing:")
            out += [f"  {line}" for line in missing]
        else:
            out.append("Nothing is missing.")
        out.append(f"The repaired library passes integrity_check ({self.integrity});"
                   " the search index is rebuilt on the next search.")  # fmt: skip
        return out
