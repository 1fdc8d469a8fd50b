"""``archive-reader --install-desktop``: the user's XDG folders get the entry, icons, metainfo
and MIME type, pointing at the copy that ran it; ``--uninstall-desktop`` takes them away."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader import cli, desktop_integration
from reader.paths import APP_ID


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_xdg_data_home_is_honoured_and_a_relative_one_ignored(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert desktop_integration.data_home() == tmp_path
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert desktop_integration.data_home() == tmp_path / "home" / ".local" / "share"


def test_install_puts_every_file_in_place(data_home: Path) -> None:
    report = desktop_integration.install(["/opt/Archive Reader/archive-reader"])
    expected = {
        data_home / "applications" / f"{APP_ID}.desktop",
        data_home / "metainfo" / f"{APP_ID}.metainfo.xml",
        data_home / "mime" / "packages" / f"{APP_ID}.xml",
        data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        *(
            data_home / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{APP_ID}.png"
            for n in (16, 24, 32, 48, 64, 128, 256, 512)
        ),
    }
    assert set(report.files) == expected
    assert all(p.is_file() and p.stat().st_size > 0 for p in expected)
    assert not list(data_home.rglob("*.part"))
    entry = read_entry(data_home / "applications" / f"{APP_ID}.desktop")
    assert entry["Exec"] == '"/opt/Archive Reader/archive-reader" %F'
    assert entry["TryExec"] == "/opt/Archive Reader/archive-reader"
    assert entry["Icon"] == APP_ID
    if shutil.which("update-mime-database"):
        assert "update-mime-database" in report.refreshed
        assert (data_home / "mime" / "mime.cache").is_file()
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(
            ["desktop-file-validate", str(data_home / "applications" / f"{APP_ID}.desktop")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout


def test_uninstall_removes_exactly_what_install_added(data_home: Path) -> None:
    other = data_home / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    installed = desktop_integration.install(["/usr/bin/archive-reader"]).files
    removed = desktop_integration.uninstall().files
    assert set(removed) == set(installed)
    assert not any(p.exists() for p in installed)
    assert other.is_file()
    assert desktop_integration.uninstall().files == []


@pytest.mark.parametrize(
    ("argument", "quoted"),
    [
        ("/usr/bin/archive-reader", "/usr/bin/archive-reader"),
        ("/opt/My Apps/archive-reader", '"/opt/My Apps/archive-reader"'),
        ('/tmp/a"b', '"/tmp/a\\\\"b"'),  # a quote escaped, then the backslash doubled
        ("/tmp/$HOME", '"/tmp/\\\\$HOME"'),
        ("/tmp/100%", "/tmp/100%%"),
    ],
)
def test_exec_arguments_are_quoted_as_the_spec_says(argument: str, quoted: str) -> None:
    assert desktop_integration.exec_quote(argument) == quoted


def test_the_launcher_of_a_venv_is_its_own_script(monkeypatch, tmp_path) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    script = bin_dir / "archive-reader"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    assert desktop_integration.launcher_command() == [str(script)]
    script.unlink()
    monkeypatch.setattr(sys, "argv", ["pytest"])
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert desktop_integration.launcher_command() == [str(bin_dir / "python"), "-m", "reader"]


def test_the_cli_options_install_and_uninstall(data_home: Path, capsys) -> None:
    assert cli.main(["--install-desktop"]) == 0
    out = capsys.readouterr().out
    entry_path = data_home / "applications" / f"{APP_ID}.desktop"
    assert f"Installed {entry_path}" in out
    exec_line = read_entry(entry_path)["Exec"]
    assert exec_line.endswith(" %F") and exec_line.split()[0].lstrip('"').startswith("/")
    assert cli.main(["--uninstall-desktop"]) == 0
    assert f"Removed {entry_path}" in capsys.readouterr().out
    assert not entry_path.exists()
