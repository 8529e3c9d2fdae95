"""Unit tests of the actors domain: organisation identifiers and codes."""

from __future__ import annotations

import pytest

from kraftsamla_actors.domain import codes


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
    assert codes.normalise_se_orgnr(raw) == normalised
    assert codes.normalise_identifier("SE", raw) == normalised


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
    with pytest.raises(codes.InvalidIdentifier):
        codes.normalise_se_orgnr(raw)


@pytest.mark.parametrize("raw", ["0112038-9", " 0112038-9 ", "1234567-1"])
def test_valid_finnish_ytunnus(raw: str) -> None:
    assert codes.normalise_fi_ytunnus(raw) == raw.strip()
    assert codes.normalise_identifier("FI", raw) == raw.strip()


@pytest.mark.parametrize(
    "raw",
    [
        "0112038-8",  # wrong check digit
        "0000030-1",  # remainder 1 gives no valid check digit
        "0000030-0",
        "01120389",  # hyphen missing
        "112038-9",  # six digits
        "0112038-",
        "FI01120389",
    ],
)
def test_invalid_finnish_ytunnus_is_refused(raw: str) -> None:
    with pytest.raises(codes.InvalidIdentifier):
        codes.normalise_fi_ytunnus(raw)


def test_identifier_is_checked_against_its_country() -> None:
    with pytest.raises(codes.InvalidIdentifier):
        codes.normalise_identifier("FI", "202100-5752")
    with pytest.raises(codes.InvalidIdentifier):
        codes.normalise_identifier("SE", "0112038-9")


def test_municipality_codes_are_checked_against_the_register() -> None:
    assert codes.check_municipality("SE", "2380").name == "Östersund"
    assert codes.check_municipality("FI", "698").name == "Rovaniemi"
    assert codes.check_municipality("SE", "0764").county == "07"  # Alvesta, Kronobergs län
    for country, code in [("SE", "091"), ("FI", "2380"), ("SE", "2399"), ("FI", "999"), ("SE", "23a0")]:
        with pytest.raises(codes.InvalidCode):
            codes.check_municipality(country, code)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("62.01", "62.01"),
        ("6201", "62.01"),
        ("J62", "62"),
        ("J62.01", "62.01"),
        ("62", "62"),
        ("J", "J"),
        ("62.0", "62.0"),
        ("62.010", "62.010"),  # SNI 2007 detailed group
        ("A01.1", "01.1"),
        (" 85.42 ", "85.42"),
    ],
)
def test_nace_codes_are_normalised(code: str, canonical: str) -> None:
    assert codes.normalise_nace(code) == canonical


@pytest.mark.parametrize(
    "code",
    ["6", "62.0101", "X62", "K62", "99.99", "62.05", "00", "J 62", "", "Z"],
)
def test_unknown_or_malformed_nace_codes_are_refused(code: str) -> None:
    with pytest.raises(codes.InvalidCode):
        codes.normalise_nace(code)


def test_registration_errors_name_every_field() -> None:
    identifier, nace, errors = codes.registration_errors("SE", "202100-5753", "091", "6")
    assert identifier is None and nace is None
    assert [e["pointer"] for e in errors] == ["/identifier", "/municipality", "/nace"]
    assert "check digit" in errors[0]["message"]
    identifier, nace, errors = codes.registration_errors("SE", "16202100-5752", "2380", "85.42")
    assert (identifier, nace, errors) == ("202100-5752", "85.42", [])


@pytest.mark.parametrize("raw", ["811228-9874", "198112289874", "19121212-1212"])
def test_a_personnummer_is_refused_though_its_check_digit_is_right(raw: str) -> None:
    with pytest.raises(codes.InvalidIdentifier, match="personnummer"):
        codes.normalise_identifier("SE", raw)
