"""Export options: paper size from the locale, format names."""

from __future__ import annotations

import pytest

from reader.errors import ReaderError
from reader.export.options import ExportOptions, check_format, default_paper


@pytest.mark.parametrize(
    ("env", "paper"),
    [
        ({"LANG": "en_US.UTF-8"}, "letter"),
        ({"LANG": "en_GB.UTF-8"}, "a4"),
        ({"LANG": "fr_CA.UTF-8"}, "letter"),
        ({"LANG": "de_DE@euro"}, "a4"),
        ({"LANG": "en_US.UTF-8", "LC_PAPER": "en_GB.UTF-8"}, "a4"),
        ({"LC_ALL": "en_US.UTF-8", "LC_PAPER": "en_GB.UTF-8"}, "letter"),
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "a4"),
        ({"LANG": "C.UTF-8"}, "a4"),
    ],
)
def test_default_paper_follows_the_locale(env: dict[str, str], paper: str) -> None:
    assert default_paper(env) == paper


def test_options_resolve_paper_and_reject_unknown_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert ExportOptions().resolved_paper() == "letter"
    assert ExportOptions(paper="a4").resolved_paper() == "a4"
    with pytest.raises(ReaderError, match="unknown paper size"):
        ExportOptions(paper="a5").resolved_paper()  # type: ignore[arg-type]


def test_format_names() -> None:
    assert check_format("md") == "markdown"
    assert check_format("pdf") == "pdf"
    with pytest.raises(ReaderError, match="use pdf, html or markdown"):
        check_format("docx")
