"""A damaged library in the window: the check that finds damage, and the repair that mends it.

Two ways in, one dialog (``reader.ui.damage_dialog.DamageDialog``, which only shows):

* **At start-up**, ``Library.open`` raises ``LibraryDamaged`` (the one line the command line
  prints); ``reader.app`` offers the repair before any window exists (``offer_repair``).
* **In a running window**, File › Check Library… runs the quick check (``reader.store.health
  .check``: each file's header, ``PRAGMA quick_check`` of the library database and the
  user-data file) on a worker, and says the library is sound — or shows what is wrong in the
  dialog.  A library cannot be repaired while the window holds it open, so the dialog's
  **Quit and Repair** closes the window and marks ``repair_on_exit``; ``reader.app`` then offers
  the repair and opens the repaired library in a new window.

``RepairRun`` runs ``reader.store.repair.repair`` — the same Qt-free function as ``archive-reader
repair`` — on a thread of its own (not the window's task runner: at start-up there is no
window, and afterwards the window's connections must be closed first), and carries its
progress and outcome to the GUI thread as signals.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from reader.paths import LibraryPaths

if TYPE_CHECKING:
    from reader.store.health import CheckReport
    from reader.ui.context import AppContext
    from reader.ui.damage_dialog import DamageDialog


class RepairRun(QObject):
    """One repair of the library at ``paths``, off the GUI thread."""

    progress = Signal(object, str)  # fraction or None, label
    finished = Signal(object)  # the report's lines (list[str])
    failed = Signal(str)  # why it could not finish; the damaged files are as they were

    def __init__(self, paths: LibraryPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start the repair; False if one is running already."""
        if self.running:
            return False

        def work() -> None:
            from reader.store.repair import repair

            def say(fraction: float | None, label: str) -> None:
                self.progress.emit(fraction, label)

            try:
                report = repair(self.paths, progress=say, on_wait=lambda m: say(None, m))
            except Exception as exc:  # said in the dialog; repair never deletes anything
                self.failed.emit(f"{type(exc).__name__}: {exc}")
                return
            self.finished.emit(report.lines())

        self._thread = threading.Thread(target=work, name="repair", daemon=True)
        self._thread.start()
        return True

    def wait(self, timeout: float = 60.0) -> None:
        """Tests: wait for the thread (its signals still arrive through the event loop)."""
        if self._thread is not None:
            self._thread.join(timeout)


class RepairController(QObject):
    """File › Check Library… in a window; see the module docstring."""

    checked = Signal(object)  # CheckReport, once a check finished

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(ctx.events)
        self.ctx = ctx
        self.window = window  # the dialog's parent, closed for a repair
        self.dialog: DamageDialog | None = None
        self.repair_on_exit = False
        self.damage = ""  # what the last check found

    def check(self) -> None:
        """Run the quick check of both files on a worker (it only reads)."""
        from reader.store import health

        paths = self.ctx.library.paths
        self.ctx.say("Checking the library…", 0)
        self.ctx.runner.submit(
            "check",
            lambda _ctx: health.check(paths),
            label="Checking the library",
            on_done=self._on_checked,
            on_error=lambda error: self.ctx.say(f"Could not check the library: {error.text}"),
        )

    def _on_checked(self, report: CheckReport) -> None:
        self.checked.emit(report)
        if report.ok:
            names = " and ".join(Path(f).name for f in report.checked)
            self.ctx.say(f"The library is sound: {names or 'nothing to check'} passed the check")
            return
        self.show_damage("\n".join(report.problems))

    def show_damage(self, message: str) -> DamageDialog:
        """The damage in the (non-modal) dialog, with Quit and Repair."""
        from reader.ui.damage_dialog import DamageDialog

        if self.dialog is not None:
            self.dialog.close()
        self.damage = message
        dialog = DamageDialog(message, self.ctx.library.paths.root, self.window, in_window=True)
        dialog.quit_to_repair.connect(self.quit_to_repair)
        if self.ctx.read_only:  # repair writes into the folder: copy the library elsewhere
            dialog.repair_button.setEnabled(False)
            dialog.status.setText(
                "This library is read-only: copy its folder somewhere writable to repair it."
            )
        self.dialog = dialog
        dialog.show()
        return dialog

    def quit_to_repair(self) -> None:
        """Close the window (it stops its work and lets go of the library); ``reader.app``
        repairs and reopens it."""
        self.repair_on_exit = True
        if self.dialog is not None:
            self.dialog.close()
        self.window.close()
