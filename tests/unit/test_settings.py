"""Reading settings (``reader.settings``): defaults, round trip, damaged values fall back."""

from __future__ import annotations

import pytest

from reader.settings import DEFAULT_HIGHLIGHTS, ReadingSettings, css_families, families


def test_defaults_are_a_serif_at_a_readable_measure() -> None:
    settings = ReadingSettings()
    assert settings.families[0] == "DejaVu Serif"  # fonts-dejavu-core: on a bare Debian
    assert settings.families[-1] == "serif"
    assert 60 <= settings.line_width <= 75
    assert settings.highlight("yellow") == DEFAULT_HIGHLIGHTS["yellow"]


def test_a_chosen_font_comes_first_and_is_not_repeated() -> None:
    assert families("Georgia")[0] == "Georgia"
    assert families("Georgia").count("Georgia") == 1
    assert css_families("Gentium Plus").startswith("'Gentium Plus', 'DejaVu Serif'")
    assert css_families().endswith(", serif")


def test_values_round_trip_through_strings() -> None:
    settings = ReadingSettings("Gentium Plus", 13.5, 62, 170).with_highlight("pink", "#FFAACC")
    values = settings.to_values()
    assert all(isinstance(v, str) for v in values.values())
    assert set(values) == set(ReadingSettings.keys())
    again = ReadingSettings.from_values(values)
    assert again == settings and again.highlight("pink") == "#ffaacc"


@pytest.mark.parametrize(
    ("key", "value", "field", "expected"),
    [
        ("font_size", "huge", "font_size", 12.0),
        ("font_size", "400", "font_size", 32.0),
        ("font_size", "nan", "font_size", 12.0),
        ("line_width", "5", "line_width", 35),
        ("line_spacing", None, "line_spacing", 150),
        ("font_family", 17, "font_family", ""),
    ],
)
def test_damaged_values_fall_back(key, value, field, expected) -> None:
    settings = ReadingSettings.from_values({key: value})
    assert getattr(settings, field) == expected


def test_a_bad_colour_is_refused_or_ignored() -> None:
    with pytest.raises(ValueError):
        ReadingSettings().with_highlight("yellow", "red")
    with pytest.raises(ValueError):
        ReadingSettings().with_highlight("mauve", "#123456")
    loaded = ReadingSettings.from_values({"highlight_green": "#12345"})
    assert loaded.highlight("green") == DEFAULT_HIGHLIGHTS["green"]


def test_the_window_file_is_read_without_qt(tmp_path) -> None:
    from reader.settings import read_saved

    ini = tmp_path / "window.ini"
    assert read_saved(ini) == ReadingSettings()  # no file: defaults
    ini.write_text(
        '[window]\ngeometry=@ByteArray(x)\n[typography]\nfont_family="Gentium Plus, Book"\n'
        "font_size=13.5\nline_width=62\nhighlight_pink=#aabbcc\n"
    )
    saved = read_saved(ini)
    assert (saved.font_family, saved.font_size, saved.line_width) == (
        "Gentium Plus, Book",
        13.5,
        62,
    )
    assert saved.highlight("pink") == "#aabbcc"
    ini.write_bytes(b"\xff\xfe[typography\n")
    assert read_saved(ini) == ReadingSettings()  # damaged: defaults
