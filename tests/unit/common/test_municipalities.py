"""The municipality register's population column: official figures, plausible, and nothing lost."""

from __future__ import annotations

from importlib.resources import files

from kraftsamla_common.municipalities import municipalities, municipalities_of, municipality


def test_register_still_has_every_municipality() -> None:
    assert len(municipalities()) == 598
    assert len(municipalities_of("SE")) == 290
    assert len(municipalities_of("FI")) == 308


def test_known_municipalities_have_plausible_populations() -> None:
    ostersund = municipality("SE", "2380")
    helsinki = municipality("FI", "091")
    stockholm = municipality("SE", "0180")
    assert ostersund is not None and ostersund.population is not None
    assert helsinki is not None and helsinki.population is not None
    assert stockholm is not None and stockholm.population is not None
    assert 60_000 <= ostersund.population <= 70_000
    assert 600_000 <= helsinki.population <= 700_000
    assert 900_000 <= stockholm.population <= 1_100_000


def test_sweden_adds_up_to_its_national_total() -> None:
    total = sum(m.population or 0 for m in municipalities_of("SE"))
    assert 10_300_000 <= total <= 10_800_000


def test_every_population_is_a_positive_int_or_none() -> None:
    for m in municipalities().values():
        assert m.population is None or (type(m.population) is int and m.population > 0), m


def test_the_comment_line_names_the_statistics_and_their_dates() -> None:
    text = files("kraftsamla_common").joinpath("data/municipalities.csv").read_text(encoding="utf-8")
    comment, header = text.splitlines()[:2]
    assert header == "country,code,name,county,population"
    assert comment.startswith("#")
    assert "SCB, folkmängd 31 december 2024" in comment
    assert "Statistics Finland, population 31 December" in comment
