"""``archive-reader FILE_OR_FOLDER...``: paths open the window, command names stay commands,
and a mistyped command is still an error, not an empty window."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader import cli


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """What would have been opened: ``reader.app.main``'s arguments, without a window."""
    calls: list[dict] = []
    import reader.app

    def fake_main(**kwargs) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(reader.app, "main", fake_main)
    return calls


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_paths_open_the_window_with_absolute_paths(opened, in_tmp: Path) -> None:
    (in_tmp / "dump.txt").write_text("x")
    (in_tmp / "folder").mkdir()
    assert cli.main(["dump.txt", "folder"]) == 0
    [call] = opened
    assert call["paths"] == [str(in_tmp / "dump.txt"), str(in_tmp / "folder")]
    assert call["library"] is None and call["quit_after_import"] is False


def test_options_may_come_before_between_and_after_the_paths(opened, in_tmp: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (in_tmp / name).write_text("x")
    assert cli.main(["--library", "lib", "a.txt", "--debug", "b.txt", "--quit-after-import"]) == 0
    [call] = opened
    assert call["library"] == "lib" and call["debug"] and call["quit_after_import"]
    assert [Path(p).name for p in call["paths"]] == ["a.txt", "b.txt"]


def test_no_arguments_opens_the_window_without_paths(opened) -> None:
    assert cli.main([]) == 0
    assert opened[0]["paths"] == []


def test_a_command_name_is_the_command_even_if_a_file_has_that_name(
    opened, in_tmp: Path, capsys
) -> None:
    (in_tmp / "stats").write_text("a file called stats")
    assert cli.main(["--library", str(in_tmp / "lib"), "stats"]) == 0
    assert not opened
    assert "posts" in capsys.readouterr().out


def test_a_path_spelled_like_a_command_is_a_path(opened, in_tmp: Path) -> None:
    (in_tmp / "import").write_text("x")
    assert cli.main([f".{os.sep}import"]) == 0
    assert opened[0]["paths"] == [str(in_tmp / "import")]
    assert cli.main(["--", "import"]) == 0
    assert opened[1]["paths"] == [str(in_tmp / "import")]


def test_a_missing_file_is_still_opened_and_reported_by_the_window(opened, in_tmp) -> None:
    assert cli.main(["gone.txt"]) == 0  # the window's import report names it
    assert opened[0]["paths"] == [str(in_tmp / "gone.txt")]


def test_a_mistyped_command_is_an_error(opened, in_tmp, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["serach", "probation"])
    assert exc.value.code == 2
    assert "invalid choice: 'serach'" in capsys.readouterr().err
    assert not opened


def test_version_and_help_still_work(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("archive-reader ")
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    help_text = capsys.readouterr().out
    assert "FILE_OR_FOLDER" in help_text and "COMMAND" in help_text
    assert "--install-desktop" in help_text and "--quit-after-import" not in help_text
