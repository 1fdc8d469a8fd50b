"""The licences of Archive Reader and of what it runs on, for Help › About and the bundle.

Archive Reader is MIT-licensed (``LICENSE``).  What it needs at run time comes with licences of
its own: Qt and PySide6 under the LGPL 3.0, whoosh-reloaded under BSD, sqlite-utils under
Apache 2.0, and so on.  A pip install keeps each package's licence in its own metadata, which
``dependencies`` reads; the PyInstaller bundle carries them all in ``THIRD-PARTY-NOTICES.txt``
beside its executable (written at build time by ``packaging/notices.py`` from the same
functions), which ``bundle_notices`` finds.

Qt-free: the build script runs it without a display.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from reader.paths import PACKAGE_DIR

DISTRIBUTION = "archive-reader"
NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LICENCE_FILE = re.compile(r"(?i)^(licen[cs]e|copying|notice|authors)")


@dataclass
class Dependency:
    """One installed distribution the program needs at run time."""

    name: str
    version: str
    licence: str
    homepage: str = ""
    texts: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)


def bundle_dir() -> Path | None:
    """The folder holding the bundle's executable, when running from the PyInstaller bundle."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def project_licence() -> str:
    """The text of Archive Reader's own licence, wherever this copy was installed from."""
    candidates = []
    bundle = bundle_dir()
    if bundle is not None:
        candidates.append(bundle / "LICENSE")
    candidates.append(PACKAGE_DIR.parent / "LICENSE")  # a checkout or an editable install
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "MIT License (the LICENSE file is missing from this copy)"
    for name, text in _licence_texts(dist):
        if name.upper().startswith("LICENSE"):
            return text
    return "MIT License (the LICENSE file is missing from this copy)"


def bundle_notices() -> Path | None:
    """The bundle's third-party notices file, or None outside the bundle."""
    bundle = bundle_dir()
    if bundle is not None and (bundle / NOTICES_NAME).is_file():
        return bundle / NOTICES_NAME
    return None


def _field(meta: metadata.PackageMetadata, name: str) -> str | None:
    """The first value of a metadata field, or None (the typed protocol has no ``get``)."""
    values = meta.get_all(name) or []
    return str(values[0]) if values else None


def licence_of(dist: metadata.Distribution) -> str:
    """The licence a distribution declares: its SPDX expression, else its short licence field,
    else the licence classifiers."""
    meta = dist.metadata
    expression = _field(meta, "License-Expression")
    if expression:
        return str(expression)
    declared = (_field(meta, "License") or "").strip()
    if declared and len(declared) <= 80 and "\n" not in declared:
        return declared
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or declared.split("\n")[0][:80] or "unknown"


def _licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        in_licences = len(parts) > 2 and parts[1] == "licenses"
        if not (in_licences or (len(parts) == 2 and _LICENCE_FILE.match(parts[1]))):
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            texts.append(("/".join(parts[1:]), text))
    return texts


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    """Names of what ``dist`` requires outside any extra (markers such as python_version are
    not evaluated: a requirement whose marker excludes it is simply not installed)."""
    names = []
    for requirement in dist.requires or []:
        if "extra ==" in requirement.replace("extra==", "extra =="):
            continue
        match = _NAME.match(requirement)
        if match:
            names.append(match.group(1))
    return names


def dependencies(root: str = DISTRIBUTION) -> list[Dependency]:
    """Every installed distribution ``root`` needs at run time, directly or not, by name."""
    seen: dict[str, Dependency] = {}
    try:
        pending = _requirement_names(metadata.distribution(root))
    except metadata.PackageNotFoundError:
        return []
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        meta = dist.metadata
        homepage = _field(meta, "Home-page") or ""
        for url in meta.get_all("Project-URL") or []:
            label, _, link = url.partition(",")
            if not homepage and label.strip().lower() in ("homepage", "source", "repository"):
                homepage = link.strip()
        seen[key] = Dependency(
            str(meta["Name"]), dist.version, licence_of(dist), homepage, _licence_texts(dist)
        )
        pending.extend(_requirement_names(dist))
    return sorted(seen.values(), key=lambda d: d.name.lower())
