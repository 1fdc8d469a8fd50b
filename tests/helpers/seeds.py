"""The real dumps in ``../shared/seeds`` and the rules for tests that check them.

A test that uses them is marked ``seeds`` (using the ``seeds_dir``/``seed_files`` fixtures marks
it too).  Without the folder (a clone of the project alone) such a test is skipped from one
place, :func:`skip_without_seeds`, so the summary folds them into one line with one reason;
:class:`SeedTally` prints how many ran and, with ``--require-seeds`` (what CI passes when the
folder exists), fails the run if any was skipped.  ``ARCHIVE_READER_TEST_SEEDS`` points the
tests at another folder (the suite's own test of these rules uses a missing one).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = Path(
    os.environ.get("ARCHIVE_READER_TEST_SEEDS") or REPO_ROOT.parent / "shared" / "seeds"
)
SEEDS_REASON = (
    "needs the real dumps in ../shared/seeds, absent beside this checkout "
    "(CI has them and runs these tests)"
)
FIXTURES = frozenset({"seeds_dir", "seed_files"})


def skip_without_seeds() -> None:
    """The one place seed tests skip from, so the summary shows them as one line."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(SEEDS_REASON)


_SKIP_LINE = skip_without_seeds.__code__.co_firstlineno


class SeedTally:
    """Which seed tests ran and which were skipped, for the summary and ``--require-seeds``."""

    def __init__(self) -> None:
        self.ran: set[str] = set()
        self.skipped: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if "seeds" not in report.keywords:
            return
        if report.skipped:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            self.skipped[report.nodeid] = reason.removeprefix("Skipped: ")
        elif report.when == "call":
            self.ran.add(report.nodeid)

    def pytest_terminal_summary(self, terminalreporter, config: pytest.Config) -> None:
        if not (self.ran or self.skipped):
            return
        line = f"seed tests (../shared/seeds): {len(self.ran)} ran, {len(self.skipped)} skipped"
        reasons = sorted(set(self.skipped.values()))
        if reasons:
            line += f": {'; '.join(reasons)}"
        terminalreporter.write_line(line, yellow=bool(self.skipped))
        if config.getoption("--require-seeds") and self.skipped:
            terminalreporter.write_line(
                "--require-seeds: these seed tests were skipped, so the run fails:", red=True
            )
            for nodeid in sorted(self.skipped):
                terminalreporter.write_line(f"  {nodeid}", red=True)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """Every skip for missing seeds reported from one place, so ``-ra`` shows one line."""
        outcome = yield
        report = outcome.get_result()
        longrepr = report.longrepr
        if (
            report.skipped
            and item.get_closest_marker("seeds")
            and isinstance(longrepr, tuple)
            and SEEDS_REASON in str(longrepr[2])
        ):
            report.longrepr = (__file__, _SKIP_LINE, longrepr[2])

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if session.config.getoption("--require-seeds") and self.skipped and exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
