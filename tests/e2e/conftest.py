"""The one way the end-to-end tests run ``archive-reader``: ``python -m reader`` in a fresh
process, as a user's shell or another tool would, so exit statuses, stderr and what the process
imports are the real ones.

A test asks for the ``cli`` fixture and calls it with the library folder first::

    proc = cli(library, "import", str(dumps_dir))           # must exit 0
    proc = cli(library, "export", "pnope", "--pdf", out, code=1)
    posts = cli.json(library, "dump", "--json")             # stdout parsed as JSON
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


@dataclass(frozen=True)
class Cli:
    """Runs the command line; ``headless`` drops the display and the Qt platform (a server)."""

    headless: bool = False
    timeout: float = 300
    repo: Path = REPO  # the checkout: on PYTHONPATH and the working folder of every run

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment a run gets: this process's as it is at the call, the checkout on
        ``PYTHONPATH``, then ``extra``.  Inside a test the root conftest's autouse fixture has
        pointed the user folders at temporary ones; a module-scoped fixture runs before it, so
        it must name its library with ``--library`` (as ``library`` does)."""
        env = {**os.environ, "PYTHONPATH": str(self.repo)}
        if self.headless:
            for key in DISPLAY_VARIABLES:
                env.pop(key, None)
        env.update(extra or {})
        return env

    def __call__(
        self,
        library: Path | None,
        *args: str,
        code: int | None = 0,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """``archive-reader [--library LIBRARY] ARGS``; fails the test unless it exits with
        ``code`` (``None``: any status), showing what the process wrote."""
        where = [] if library is None else ["--library", str(library)]
        proc = subprocess.run(
            [sys.executable, "-m", "reader", *where, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.environment(env),
            cwd=self.repo,
            timeout=self.timeout,
        )
        if code is not None and proc.returncode != code:
            raise AssertionError(
                f"archive-reader {' '.join([*where, *args])}: exit {proc.returncode}, "
                f"wanted {code}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
            )
        return proc

    def json(self, library: Path | None, *args: str, **options: Any) -> Any:
        """The same run, its stdout parsed as JSON."""
        return json.loads(self(library, *args, **options).stdout)

    def without_display(self) -> Cli:
        return replace(self, headless=True)


@pytest.fixture(scope="session")
def cli() -> Cli:
    """Session-wide, so module-scoped fixtures can build their libraries with it too."""
    return Cli()
