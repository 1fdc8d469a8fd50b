"""Write the bundle's licence notices: ``LICENSE`` and ``THIRD-PARTY-NOTICES.txt``.

Called by ``archive-reader.spec`` after PyInstaller has collected the bundle, with what it
collected, so the notices list exactly what ships:

* Archive Reader's own licence (MIT), copied as ``LICENSE``;
* Qt and PySide6 under the LGPL 3.0, with the full LGPL and GPL texts (``packaging/licenses/``)
  and where their source is; the Qt libraries are separate, unmodified files a user may replace;
* Python (its licence from the interpreter the bundle was built with);
* each Python package in the bundle, with the licence texts from its metadata;
* each system library PyInstaller copied, with its Debian copyright file where ``dpkg`` can
  name the package (the bundle is built on Debian; elsewhere the library is listed by name).

Also runnable alone, to see the notices of the current environment:
``.venv/bin/python packaging/notices.py OUT_FOLDER``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from reader.licences import NOTICES_NAME, Dependency, dependencies  # noqa: E402

RULE = "=" * 78

QT_NOTICE = """\
Qt {qt} and PySide6 / Shiboken6 {pyside}
  in _internal/PySide6/ and _internal/shiboken6/ (and the libQt6*.so files in _internal/)
  Copyright (C) The Qt Company Ltd. and other contributors.

Archive Reader uses Qt through PySide6 under the GNU Lesser General Public License version 3
(LGPL-3.0-only), whose full text follows below together with the GNU General Public License
version 3 it builds on.  Qt's libraries are included unmodified, as separate shared library
files: you may replace them with your own build of the same Qt version by putting files of the
same names in their place, which the LGPL entitles you to do.  The source code of Qt and of
PySide6 is available from the Qt Project: https://download.qt.io/official_releases/ (Qt and
QtForPython) and https://code.qt.io.  Qt contains third-party code of its own (such as PCRE2,
zlib, libpng, HarfBuzz and md4c); their licences are listed at
https://doc.qt.io/qt-6/licenses-used-in-qt.html.  The ICU libraries (libicu*) in the bundle
are under the Unicode License.
"""


def _section(title: str, body: str) -> str:
    return f"{RULE}\n{title}\n{RULE}\n\n{body.rstrip()}\n\n"


def dist_modules(dist: metadata.Distribution) -> set[str]:
    """Top-level modules a distribution installs."""
    top = dist.read_text("top_level.txt")
    if top:
        return {line.strip() for line in top.splitlines() if line.strip()}
    names = set()
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if parts and not parts[0].endswith((".dist-info", ".data")) and parts[0] != "..":
            names.add(Path(parts[0]).name.split(".")[0])
    return names


def bundled_dependencies(modules: set[str]) -> list[Dependency]:
    """The runtime dependencies of archive-reader of which the bundle holds a module."""
    chosen = []
    for dep in dependencies():
        try:
            provided = dist_modules(metadata.distribution(dep.name))
        except metadata.PackageNotFoundError:
            continue
        if provided & modules:
            chosen.append(dep)
    return chosen


def _debian_package(library: Path) -> str | None:
    if shutil.which("dpkg") is None:
        return None
    candidates = [library, library.resolve()]
    for path in list(candidates):
        if str(path).startswith(("/lib/", "/lib64/")):
            candidates.append(Path("/usr" + str(path)))
    for path in candidates:
        done = subprocess.run(
            ["dpkg", "-S", str(path)], capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and ":" in done.stdout:
            return done.stdout.split(":")[0].strip()
    return None


def system_libraries(binaries: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Debian package (or "" if unknown) -> library names, for binaries copied from the system
    (not from the Python environment, whose licences the sections above cover)."""
    environment = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    packages: dict[str, list[str]] = {}
    for destination, source in binaries:
        path = Path(source)
        if not path.is_absolute() or any(path.resolve().is_relative_to(e) for e in environment):
            continue
        if "site-packages" in path.parts:
            continue
        package = _debian_package(path) or ""
        packages.setdefault(package, []).append(Path(destination).name)
    return packages


def python_licence() -> str:
    for candidate in (
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(f"/usr/share/doc/python{sys.version_info[0]}.{sys.version_info[1]}/copyright"),
    ):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8", errors="replace")
    return "Python Software Foundation License Version 2 (https://docs.python.org/3/license.html)"


def notices_text(modules: set[str], binaries: list[tuple[str, str]]) -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    out = [
        "Archive Reader bundles the software listed below.  Archive Reader itself is under the "
        "MIT License (see LICENSE).  Each component here is under its own licence, whose text "
        "follows its entry.\n\n"
    ]
    out.append(_section("Qt and PySide6", QT_NOTICE.format(qt=qVersion(), pyside=pyside_version)))
    py = sys.version.split()[0]
    out.append(
        _section(f"Python {py} (the interpreter and its standard library)", python_licence())
    )
    for dep in bundled_dependencies(modules):
        if dep.name.lower().startswith(("pyside6", "shiboken6")):
            continue  # the Qt section covers them
        body = f"Licence: {dep.licence}\n"
        if dep.homepage:
            body += f"Home: {dep.homepage}\n"
        for name, text in dep.texts:
            body += f"\n--- {name} ---\n\n{text.rstrip()}\n"
        out.append(_section(f"{dep.name} {dep.version}", body))
    libraries = system_libraries(binaries)
    for package in sorted(p for p in libraries if p):
        copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
        text = (
            copyright_file.read_text(encoding="utf-8", errors="replace")
            if copyright_file.is_file()
            else "(no copyright file found)"
        )
        names = ", ".join(sorted(set(libraries[package])))
        out.append(_section(f"{names} (Debian package {package})", text))
    if libraries.get(""):
        names = ", ".join(sorted(set(libraries[""])))
        out.append(
            _section(
                "Other system libraries",
                f"{names}: copied from the build machine's system; their licences are those "
                "of the distribution's packages that provide them.",
            )
        )
    for name in ("LGPL-3.0", "GPL-3.0"):
        text = (HERE / "licenses" / f"{name}.txt").read_text(encoding="utf-8")
        out.append(_section(f"The {name} licence text (for Qt and PySide6)", text))
    return "".join(out)


def write(bundle: Path, modules: set[str], binaries: list[tuple[str, str]]) -> Path:
    """Write LICENSE and the notices into the bundle's top folder; returns the notices file."""
    shutil.copyfile(ROOT / "LICENSE", bundle / "LICENSE")
    target = bundle / NOTICES_NAME
    target.write_text(notices_text(modules, binaries), encoding="utf-8")
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    every = {m for d in metadata.distributions() for m in dist_modules(d)}
    print(write(out, every, []))
