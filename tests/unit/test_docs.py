"""The README cannot drift: every CLI command is documented and the set-up commands exist."""

from __future__ import annotations

import re
from pathlib import Path

from reader.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in commands() if f"archive-reader {name}" not in README]
    assert not missing, f"undocumented commands: {missing}"


def test_two_setup_commands_are_real_make_targets() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    block = re.search(r"## Set up.*?```sh\n(.*?)```", README, re.S)
    assert block, "README lost its set-up block"
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert lines == ["make run", "make test"]
    for target in ("run", "test"):
        assert re.search(rf"^{target}:", makefile, re.M)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\b", ci, re.M)


def test_the_readme_states_the_test_rules_as_configured() -> None:
    import tomllib

    from helpers.timeouts import SLOW_TIMEOUT

    pytest_ini = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "pytest"
    ]["ini_options"]
    assert pytest_ini["timeout_method"] == "thread"
    assert f"{pytest_ini['timeout']} s, {SLOW_TIMEOUT} s for tests marked `slow`" in README
    assert "marked `seeds`" in README and "--require-seeds" in README
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "--require-seeds" in ci and "../shared/seeds" in ci
