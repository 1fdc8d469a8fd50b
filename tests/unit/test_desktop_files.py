"""The freedesktop files: the desktop entry, the AppStream metainfo and the MIME type of the
plain-text dump.  They validate with the desktop's own tools (when installed: CI installs
``desktop-file-utils`` and ``appstream``) and agree with the program they describe."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader import __version__
from reader.formats import blogtext, blogtext_lines
from reader.paths import APP_ID

REPO = Path(__file__).resolve().parents[2]
DESKTOP = REPO / "resources" / "desktop"
ENTRY = DESKTOP / f"{APP_ID}.desktop"
METAINFO = DESKTOP / f"{APP_ID}.metainfo.xml"
MIME = DESKTOP / f"{APP_ID}.mime.xml"
SCREENSHOTS = REPO / "docs" / "screenshots"
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
DUMP_TYPE = "text/x-blog-thread-dump"


def entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(ENTRY, encoding="utf-8")
    return parser["Desktop Entry"]


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: desktop-file-utils / appstream)")
    return found


# -- the desktop entry ---------------------------------------------------------------------


def test_the_entry_validates() -> None:
    done = subprocess.run(
        [tool("desktop-file-validate"), str(ENTRY)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_entry_opens_files_with_the_command_and_names_the_types() -> None:
    e = entry()
    assert e["Exec"] == "archive-reader %F"
    assert e["Icon"] == APP_ID
    assert e["Type"] == "Application" and e["Terminal"] == "false"
    assert {"Office", "Viewer"} <= set(e["Categories"].rstrip(";").split(";"))
    assert {"blog", "comments", "archive"} <= set(e["Keywords"].rstrip(";").split(";"))
    assert set(e["MimeType"].rstrip(";").split(";")) == {DUMP_TYPE, "text/plain", *EXPORT_TYPES}


EXPORT_TYPES = {
    "application/atom+xml",  # Blogger backups, Takeout and comment feeds
    "application/rss+xml",  # WordPress WXR
    "application/xml",  # Disqus exports (and any of the XML ones saved as .xml)
    "text/xml",
    "application/mbox",  # mailing-list archives
    "application/zip",  # Takeout archives
}
"""The freedesktop types of the formats reader.formats reads besides the plain-text dump."""


def test_every_format_the_importer_reads_has_its_type_in_the_entry() -> None:
    from reader import formats

    names = {fmt.NAME for fmt in formats.formats()}
    assert {"wxr", "blogger", "disqus", "mbox", "zip"} <= names
    types = set(entry()["MimeType"].rstrip(";").split(";"))
    wanted = {
        "wxr": "application/rss+xml",
        "blogger": "application/atom+xml",
        "disqus": "application/xml",
        "mbox": "application/mbox",
        "zip": "application/zip",
    }
    assert {wanted[name] for name in names if name in wanted} <= types


# -- AppStream -----------------------------------------------------------------------------


def test_the_metainfo_validates() -> None:
    done = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_metainfo_describes_this_program() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == ENTRY.name
    assert root.findtext("project_license") == "MIT"
    assert root.find("provides/binary").text == "archive-reader"
    assert root.find("provides/mediatype").text == DUMP_TYPE
    assert root.find("content_rating").get("type", "").startswith("oars-")
    releases = [r.get("version") for r in root.iter("release")]
    assert releases[0] == __version__, "the newest release is the version in reader/__init__"


def test_the_metainfo_screenshots_are_the_ones_make_screenshots_renders() -> None:
    root = ET.parse(METAINFO).getroot()
    images = [i.text for i in root.iter("image")]
    assert len(images) >= 3
    assert all("/docs/screenshots/" in url for url in images)
    names = {url.rsplit("/", 1)[-1] for url in images}
    for name in names:
        assert (SCREENSHOTS / name).is_file(), f"docs/screenshots/{name} (make screenshots)"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert all(f"docs/screenshots/{name}" in readme for name in names)


# -- the MIME type of the plain-text dump ---------------------------------------------------


def _matches(element: ET.Element, data: bytes) -> bool:
    """Evaluate one shared-mime-info <match type="string"> and its children (AND)."""
    assert element.get("type") == "string"
    value = element.get("value", "").encode()
    first, _, last = element.get("offset", "0").partition(":")
    start, end = int(first), int(last or first)
    here = any(data[o : o + len(value)] == value for o in range(start, end + 1))
    children = element.findall("m:match", MIME_NS)
    return here and (not children or any(_matches(c, data) for c in children))


def magic_says_dump(data: bytes) -> bool:
    magic = ET.parse(MIME).getroot().find("m:mime-type/m:magic", MIME_NS)
    return any(_matches(m, data) for m in magic.findall("m:match", MIME_NS))


def test_the_magic_names_the_weekdays_and_months_the_parser_knows() -> None:
    root = ET.parse(MIME).getroot()
    kind = root.find("m:mime-type", MIME_NS)
    assert kind.get("type") == DUMP_TYPE
    assert kind.find("m:sub-class-of", MIME_NS).get("type") == "text/plain"
    outer = kind.findall("m:magic/m:match", MIME_NS)
    assert [m.get("value") for m in outer] == list(blogtext_lines.WEEKDAYS)
    for weekday in outer:
        assert [m.get("value") for m in weekday] == list(blogtext_lines.MONTHS)


FIRST_LINES = [
    b"Sunday, 7 March 2021\n\nTitle\n",
    b"Wednesday, 24 September 2020\n",
    b"Wednesday, September 24, 2020\n",
    b"\xef\xbb\xbfSaturday, 6 April 2024\r\n",
    b"Monday\xc2\xa06 January\xc2\xa02025\n",
    b"Hello world\nSunday, 7 March 2021\n",
    b"Monday in March we sow the beans\n",
    b"Notes from the meeting\n",
    b"",
]


@pytest.mark.parametrize("head", FIRST_LINES)
def test_the_magic_agrees_with_the_parsers_sniff(head: bytes) -> None:
    if head == b"Monday in March we sow the beans\n":
        # a weekday then a month is all byte patterns can ask: the magic is looser here
        assert magic_says_dump(head) and not blogtext.sniff(head)
        return
    assert magic_says_dump(head) == blogtext.sniff(head)


def test_the_shipped_sample_is_recognised() -> None:
    for sample in (REPO / "resources" / "sample").glob("*.txt"):
        assert magic_says_dump(sample.read_bytes()[:256]), sample.name


def test_qt_and_the_mime_database_recognise_a_dump_by_its_first_line(tmp_path: Path) -> None:
    """Installed into an XDG data folder, the type is what Qt's MIME database (the same rules
    as GIO's, used by file managers) reports for a dump saved without a .txt name."""
    packages = tmp_path / "data" / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copyfile(MIME, packages / f"{APP_ID}.xml")
    if shutil.which("update-mime-database"):
        subprocess.run(["update-mime-database", str(tmp_path / "data" / "mime")], check=True,
                       capture_output=True)  # fmt: skip
    files = {
        "dump": (REPO / "resources" / "sample" / "welcome.txt").read_bytes()[:400],
        "notes": b"Shopping list\nmilk\n",
        "dump.txt": (REPO / "resources" / "sample" / "welcome.txt").read_bytes()[:400],
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    code = (
        "import sys\nfrom PySide6.QtCore import QMimeDatabase\n"
        "db = QMimeDatabase()\n"
        "for name in sys.argv[1:]: print(db.mimeTypeForFile(name).name())\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code, *(str(tmp_path / n) for n in files)],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.split() == [DUMP_TYPE, "text/plain", "text/plain"]
