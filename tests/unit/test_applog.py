"""The window's log: where it goes, and what --debug / ARCHIVE_READER_DEBUG change."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from reader import applog
from reader.paths import log_dir


def test_the_log_folder_is_the_platform_one_unless_overridden(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("ARCHIVE_READER_LOG_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert log_dir() == tmp_path / "state" / "archive-reader" / "log"
    monkeypatch.setenv("ARCHIVE_READER_LOG_DIR", str(tmp_path / "mine"))
    assert log_dir() == tmp_path / "mine"


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [(False, None, False), (True, None, True), (False, "1", True), (False, "0", False)],
)
def test_debug_comes_from_the_flag_or_the_environment(monkeypatch, flag, env, expected) -> None:
    if env is None:
        monkeypatch.delenv("ARCHIVE_READER_DEBUG", raising=False)
    else:
        monkeypatch.setenv("ARCHIVE_READER_DEBUG", env)
    assert applog.debug_requested(flag) is expected


def test_info_goes_to_the_file_and_debug_only_when_asked(capsys) -> None:
    log = logging.getLogger("reader.test")
    setup = applog.setup()
    try:
        assert setup.file == log_dir() / "archive-reader.log"
        log.info("an info line")
        log.debug("a debug line")
    finally:
        setup.close()
    text = setup.file.read_text(encoding="utf-8")
    assert "INFO reader.test: an info line" in text and "a debug line" not in text
    assert "an info line" not in capsys.readouterr().err

    setup = applog.setup(debug=True)
    try:
        log.debug("a debug line")
    finally:
        setup.close()
    assert "DEBUG reader.test: a debug line" in setup.file.read_text(encoding="utf-8")
    assert "a debug line" in capsys.readouterr().err, "--debug also logs to the terminal"
    assert not logging.getLogger("reader").handlers


def test_an_unwritable_log_folder_does_not_stop_the_program(monkeypatch, tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ARCHIVE_READER_LOG_DIR", str(blocker / "log"))
    setup = applog.setup()
    try:
        assert setup.file is None
        logging.getLogger("reader.test").warning("still said")
    finally:
        setup.close()
    err = capsys.readouterr().err
    assert "cannot write the log" in err and "still said" in err
    assert not Path(os.fspath(blocker)).is_dir()
