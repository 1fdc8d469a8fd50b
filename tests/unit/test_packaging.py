"""The wheel carries what the app reads: the top-level ``resources/`` folder lands in the package
as ``reader/resources/`` (setup.py maps it), and an installed copy finds the sample there."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reader.paths import APP_ID

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "resources"
# Left out of the copy the wheel is built from: not part of a build, or large (bench data).
NOT_SOURCE = {".git", ".venv", "build", "dist", "bench", "tests", "test-output"}
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*cache", ".hypothesis")


def _setuptools_is_new_enough() -> bool:
    try:
        from importlib.metadata import version

        return int(version("setuptools").split(".")[0]) >= 77
    except Exception:
        return False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pip wheel --no-deps`` of a copy of the checkout, so the build neither writes ``build/``
    into the checkout nor picks up files a previous build left there."""
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in this interpreter")
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    source.mkdir()
    for entry in REPO.iterdir():
        if entry.name in NOT_SOURCE or entry.name.endswith(".egg-info"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, source / entry.name, ignore=JUNK)
        else:
            shutil.copy2(entry, source / entry.name)
    out = base / "wheel"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), "."]
    if _setuptools_is_new_enough():
        command.insert(4, "--no-build-isolation")  # works offline, and faster
    done = subprocess.run(command, cwd=source, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        report = done.stdout + done.stderr
        if "No matching distribution found for setuptools" in report:
            pytest.skip("the build backend (setuptools>=77) cannot be installed here (offline?)")
        pytest.fail(f"pip wheel failed:\n{report}")
    (built,) = out.glob("archive_reader-*.whl")
    return built


def _resource_files() -> list[Path]:
    return sorted(
        p
        for p in RESOURCES.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    )


def test_the_checkout_has_a_sample_archive() -> None:
    assert list((RESOURCES / "sample").glob("*.txt")), "resources/sample/*.txt is the sample"


def test_every_resource_file_is_in_the_package(wheel: Path) -> None:
    """The sample archive, the icons, the desktop entry, metainfo and MIME type: everything
    under resources/, which the app (and --install-desktop) reads from the package."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for path in _resource_files():
            name = "reader/resources/" + path.relative_to(RESOURCES).as_posix()
            assert name in names, f"{name} is missing from {wheel.name}"
            assert zf.read(name) == path.read_bytes()
    assert any(n.startswith("reader/resources/sample/") and n.endswith(".txt") for n in names)
    for needed in ("icons/archive-reader.svg", "icons/archive-reader-512.png",
                   f"desktop/{APP_ID}.desktop", f"desktop/{APP_ID}.metainfo.xml",
                   f"desktop/{APP_ID}.mime.xml"):  # fmt: skip
        assert f"reader/resources/{needed}" in names, needed


def test_the_wheel_carries_the_licence_and_the_commands(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        licence = [n for n in names if n.startswith(info) and n.endswith("LICENSE")]
        assert licence, "LICENSE is in the wheel's metadata"
        assert zf.read(licence[0]).decode().startswith("MIT License")
        assert "License-Expression: MIT" in zf.read(f"{info}/METADATA").decode()
        entry_points = zf.read(f"{info}/entry_points.txt").decode()
    assert "archive-reader = reader.cli:main" in entry_points


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_gives_a_working_command(wheel: Path, tmp_path: Path) -> None:
    """``pip install`` of the wheel into a new virtual environment: its ``archive-reader``
    prints the version, imports, opens the window offscreen on the packaged sample, and
    ``--install-desktop`` points the menu entry at it.  The dependencies come from this
    environment (a .pth file), so the test needs no network."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    Path(site, "deps-from-the-test-environment.pth").write_text("\n".join(ours) + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr
    command = venv / "bin" / "archive-reader"
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "XDG_DATA_HOME": str(home / "data")}  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(command), *args], env=env, capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)  # fmt: skip

    version = run("--version")
    assert version.returncode == 0 and version.stdout.split() == ["archive-reader", "0.1.0"]
    window = run("--quit-after-import")  # an empty library: the packaged sample is imported
    assert window.returncode == 0, window.stderr
    stats = run("stats", "--json")
    assert json.loads(stats.stdout)["posts"] >= 4, "the sample came from the installed package"
    desktop = run("--install-desktop")
    assert desktop.returncode == 0, desktop.stderr
    entry = (home / "data" / "applications" / f"{APP_ID}.desktop").read_text()
    assert f"Exec={command} %F" in entry


def test_the_wheel_installs_only_the_reader_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"reader"}, "resources/ must go inside the package, not beside it"
    package = REPO / "reader"
    modules = {
        "reader/" + p.relative_to(package).as_posix()
        for p in package.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= set(names), f"modules missing: {sorted(modules - set(names))}"


def test_an_installed_copy_finds_the_sample(wheel: Path, tmp_path: Path) -> None:
    """Unpacked as pip would into site-packages, away from the checkout, ``sample_paths()``
    lists the sample files inside the installed package."""
    site = (tmp_path / "site-packages").resolve()
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    code = (
        "import reader, reader.paths\n"
        "from reader.ui.controllers.imports import sample_paths\n"
        "print(reader.__file__)\n"
        "print(reader.paths.resources_dir())\n"
        "for p in sample_paths(): print(p, p.is_file())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    package_file, resources, *samples = done.stdout.splitlines()
    assert Path(package_file).is_relative_to(site), "imported the checkout, not the wheel"
    assert Path(resources) == site / "reader" / "resources"
    expected = sorted(p.name for p in (RESOURCES / "sample").glob("*.txt"))
    assert [Path(line.rsplit(" ", 1)[0]).name for line in samples] == expected
    assert all(line.endswith(" True") for line in samples)
