"""Unit tests of the actors domain: organisation identifiers and codes."""

from __future__ import annotations

import pytest

from kraftsamla_actors import domain


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("202100-5752", "202100-5752"),  # Mittuniversitetet
        ("2021005752", "202100-5752"),
        ("16202100-5752", "202100-5752"),  # century prefix 16 (legal persons)
        ("162021005752", "202100-5752"),
        (" 556012-5790 ", "556012-5790"),  # AB Volvo
        ("19556012-5790", "556012-5790"),
        ("20556012-5790", "556012-5790"),
    ],
)
def test_swedish_organisationsnummer_is_normalised(raw: str, normalised: str) -> None:
    assert domain.normalise_se_orgnr(raw) == normalised
    assert domain.normalise_identifier("SE", raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "202100-5753",  # wrong check digit
        "556012-5791",
        "202100-575",  # too short
        "202100-57520",  # too long
        "18202100-5752",  # unknown century prefix
        "2021OO-5752",  # letters
        "202100_5752",
        "",
    ],
)
def test_invalid_swedish_organisationsnummer_is_refused(raw: str) -> None:
    with pytest.raises(domain.InvalidIdentifier):
        domain.normalise_se_orgnr(raw)


def test_luhn() -> None:
    assert domain.luhn_valid("2021005752")
    assert domain.luhn_valid("5560125790")
    assert not domain.luhn_valid("2021005751")
    assert not domain.luhn_valid("20210O5752")


def test_ytunnus_check_digit() -> None:
    assert domain.ytunnus_check_digit("0112038") == 9  # Nokia Oyj
    assert domain.ytunnus_check_digit("0000000") == 0  # remainder 0 gives 0
    assert domain.ytunnus_check_digit("0000030") is None  # remainder 1: no valid check digit
    assert domain.ytunnus_check_digit("1234567") == 1


@pytest.mark.parametrize("raw", ["0112038-9", " 0112038-9 ", "1234567-1"])
def test_valid_finnish_ytunnus(raw: str) -> None:
    assert domain.normalise_fi_ytunnus(raw) == raw.strip()
    assert domain.normalise_identifier("FI", raw) == raw.strip()


@pytest.mark.parametrize(
    "raw",
    [
        "0112038-8",  # wrong check digit
        "0000030-1",  # remainder 1 is never valid
        "0000030-0",
        "01120389",  # hyphen missing
        "112038-9",  # six digits
        "0112038-",
        "FI01120389",
    ],
)
def test_invalid_finnish_ytunnus_is_refused(raw: str) -> None:
    with pytest.raises(domain.InvalidIdentifier):
        domain.normalise_fi_ytunnus(raw)


def test_identifier_is_checked_against_its_country() -> None:
    with pytest.raises(domain.InvalidIdentifier):
        domain.normalise_identifier("FI", "202100-5752")
    with pytest.raises(domain.InvalidIdentifier):
        domain.normalise_identifier("SE", "0112038-9")


def test_municipality_code_format() -> None:
    assert domain.municipality_valid("SE", "2380")  # Östersund
    assert domain.municipality_valid("FI", "091")  # Helsinki
    assert not domain.municipality_valid("SE", "091")
    assert not domain.municipality_valid("FI", "2380")
    assert not domain.municipality_valid("SE", "23a0")


@pytest.mark.parametrize("code", ["62.01", "J62", "62", "J", "62.0", "62.010", "A01.1"])
def test_nace_code_format_accepted(code: str) -> None:
    assert domain.nace_valid(code)


@pytest.mark.parametrize("code", ["6", "620", "62.", "62.0101", "j62", "X62", "J 62", ""])
def test_nace_code_format_refused(code: str) -> None:
    assert not domain.nace_valid(code)


def test_registration_errors_name_every_field() -> None:
    identifier, errors = domain.registration_errors("SE", "202100-5753", "091", "6")
    assert identifier is None
    assert [e["pointer"] for e in errors] == ["/identifier", "/municipality", "/nace"]
    identifier, errors = domain.registration_errors("SE", "16202100-5752", "2380", "85.42")
    assert (identifier, errors) == ("202100-5752", [])
