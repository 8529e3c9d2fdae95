"""360Giving grants mapped onto applications: what is mapped (organisation identifiers, municipality
codes and names, the funding source) and what is named in a warning instead of being dropped."""

from __future__ import annotations

from typing import Any

import pytest

from kraftsamla_assessment.domain.grants import (
    GrantWarning,
    MappedGrant,
    dotted,
    from_360giving,
    funding_source_of_funder,
    funding_source_of_programme,
    municipality_of_geo_code,
    municipality_of_name,
    org_identifier,
    pointer,
)

JAMTLAND = frozenset({"2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"})


def grant(**fields: Any) -> dict[str, Any]:
    return {
        "id": "360G-1",
        "title": "Vätgasdalen",
        "amountAwarded": 1000,
        "awardDate": "2026-05-04",
        **fields,
    }


def mapped(region: frozenset[str] = JAMTLAND, **fields: Any) -> MappedGrant:
    return from_360giving(grant(**fields), "eruf", region_municipalities=region)


def warned(m: MappedGrant) -> list[tuple[str, str]]:
    return [(w.field, w.code) for w in m.warnings]


def test_paths_read_as_the_integrator_wrote_them() -> None:
    assert dotted(("recipientOrganization", 0, "id")) == "recipientOrganization[0].id"
    assert dotted(("title",)) == "title"
    assert pointer(("beneficiaryLocation", 2, "geoCode")) == "/beneficiaryLocation/2/geoCode"
    assert pointer(("a/b~c",)) == "/a~1b~0c"
    assert GrantWarning(("recipientOrganization", 0, "id"), "unmapped_identifier", "x").field == (
        "recipientOrganization[0].id"
    )


# --------------------------------------------------------------------------- organisations


@pytest.mark.parametrize(
    ("org", "identifier", "field"),
    [
        ({"id": "SE-BLV-5560360793"}, "556036-0793", ("recipientOrganization", 0, "id")),
        ({"id": "SE-ON-556036-0793"}, "556036-0793", ("recipientOrganization", 0, "id")),
        ({"id": "se-blv-165560360793"}, "556036-0793", ("recipientOrganization", 0, "id")),
        ({"id": "FI-PRO-0512696-4"}, "0512696-4", ("recipientOrganization", 0, "id")),
        ({"id": "FI-YTJ-1234567-1"}, "1234567-1", ("recipientOrganization", 0, "id")),
        (
            {"id": "GB-CHC-1234567", "companyNumber": "5560360793"},
            "556036-0793",
            ("recipientOrganization", 0, "companyNumber"),
        ),
    ],
)
def test_recipient_identifiers_of_the_actors_schemes_become_the_applicant(
    org: dict[str, Any], identifier: str, field: tuple[Any, ...]
) -> None:
    m = mapped(recipientOrganization=[{**org, "name": "Vätgasbolaget AB"}])
    assert m.body["applicant_identifier"] == identifier
    assert m.body["applicant_name"] == "Vätgasbolaget AB"
    assert m.origins["applicant_identifier"] == field
    assert m.warnings == []


def test_an_identifier_of_another_scheme_is_a_warning_and_the_applicant_keeps_its_name() -> None:
    m = mapped(recipientOrganization=[{"id": "GB-CHC-1234567", "name": "A Charity"}])
    assert "applicant_identifier" not in m.body and m.body["applicant_name"] == "A Charity"
    assert warned(m) == [("recipientOrganization[0].id", "unmapped_identifier")]
    assert "GB-CHC" in m.warnings[0].message and "by name only" in m.warnings[0].message


@pytest.mark.parametrize(
    ("org", "field"),
    [
        ({"id": "SE-BLV-5560000000"}, "recipientOrganization[0].id"),  # check digit
        ({"id": "FI-PRO-1234567-8"}, "recipientOrganization[0].id"),  # check digit
        ({"id": "SE-BLV-0512696-4"}, "recipientOrganization[0].id"),  # a Y-tunnus under a Swedish scheme
        ({"companyNumber": "123"}, "recipientOrganization[0].companyNumber"),
    ],
)
def test_an_identifier_that_fails_its_check_is_a_warning_not_a_refusal(
    org: dict[str, Any], field: str
) -> None:
    m = mapped(recipientOrganization=[{**org, "name": "Bolaget AB"}])
    assert "applicant_identifier" not in m.body and m.body["applicant_name"] == "Bolaget AB"
    assert warned(m) == [(field, "invalid_identifier")]


def test_org_identifier_is_the_form_the_actors_service_keeps() -> None:
    assert org_identifier("556036-0793") == "556036-0793"
    assert org_identifier("195560360793", "SE") == "556036-0793"
    assert org_identifier("0512696-4") == "0512696-4"
    assert org_identifier("0512696-4", "SE") is None
    assert org_identifier("5560360793", "FI") is None
    assert org_identifier("556036-0794") is None


def test_a_recipient_individual_and_extra_recipients_are_named_not_dropped() -> None:
    m = mapped(
        recipientIndividual={"id": "360G-person-1", "name": "A Person"},
        recipientOrganization=[
            {"id": "SE-BLV-5560360793", "name": "A"},
            {"id": "SE-BLV-2321000016", "name": "B"},
        ],
    )
    assert m.body["applicant_identifier"] == "556036-0793"
    assert warned(m) == [
        ("recipientIndividual", "individual_not_kept"),
        ("recipientOrganization[1]", "additional_ignored"),
    ]


# --------------------------------------------------------------------------- municipalities


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2321", "2321"),
        ("SE2321", "2321"),
        ("SE-2321", "2321"),
        ("se 2321", "2321"),
        ("0114", "0114"),
        ("SE0114", "0114"),
        ("091", "091"),
        ("FI091", "091"),
        ("FI-091", "091"),
        ("SE322", None),  # a NUTS 3 region
        ("SE23", None),
        ("FI2321", None),
        ("SE091", None),
        ("9999", None),  # well-formed, not in the register
        ("E06000001", None),
    ],
)
def test_geo_codes_in_every_common_form(code: str, expected: str | None) -> None:
    found = municipality_of_geo_code(code)
    assert (found.code if found else None) == expected


def test_se2321_is_the_municipality_2321() -> None:
    m = mapped(beneficiaryLocation=[{"name": "Åre", "geoCode": "SE2321"}])
    assert m.body["municipalities"] == ["2321"] and m.warnings == []
    assert m.locate("/municipalities/0") == ("beneficiaryLocation", 0, "geoCode")


@pytest.mark.parametrize(
    "name", ["Åre", "åre", "Åre kommun", "Östersunds kommun", "Municipality of Östersund", "Ostersund"]
)
def test_a_location_named_as_a_municipality_of_the_region(name: str) -> None:
    found = municipality_of_name(name, JAMTLAND)
    assert found is not None and found.code in ("2321", "2380")


def test_names_match_the_regions_municipalities_only_and_diacritics_only_when_unique() -> None:
    assert municipality_of_name("Kiruna", JAMTLAND) is None
    assert municipality_of_name("Östersund", frozenset()) is None
    assert municipality_of_name("Habo", {"0305", "0643"}).code == "0643"  # type: ignore[union-attr]
    assert municipality_of_name("Håbo", {"0305", "0643"}).code == "0305"  # type: ignore[union-attr]
    assert municipality_of_name("Hå bo", {"0305", "0643"}) is None
    assert municipality_of_name("Rovaniemi", {"698"}).code == "698"  # type: ignore[union-attr]


def test_locations_map_by_code_or_name_and_the_rest_are_warnings() -> None:
    m = mapped(
        beneficiaryLocation=[
            {"geoCode": "SE2321"},
            {"name": "Östersunds kommun", "geoCode": "SE322"},  # the code is a region, the name maps
            {"name": "Kiruna"},  # not a municipality of this region
            {"geoCode": "GB-ENG"},
            {"countryCode": "SE"},
            {"geoCode": "2321"},  # the same municipality again
            "Åre",
        ]
    )
    assert m.body["municipalities"] == ["2321", "2380"]
    assert m.locate("/municipalities/1") == ("beneficiaryLocation", 1, "name")
    assert warned(m) == [
        ("beneficiaryLocation[2].name", "unmapped_location"),
        ("beneficiaryLocation[3].geoCode", "unmapped_location"),
        ("beneficiaryLocation[4]", "unmapped_location"),
        ("beneficiaryLocation[6]", "malformed"),
    ]
    assert "region's municipalities" in m.warnings[0].message


def test_a_name_cannot_be_matched_before_the_region_has_said_its_municipalities() -> None:
    m = mapped(region=frozenset(), beneficiaryLocation=[{"name": "Åre"}])
    assert "municipalities" not in m.body
    assert warned(m) == [("beneficiaryLocation[0].name", "unmapped_location")]
    assert "not known yet" in m.warnings[0].message


# --------------------------------------------------------------------------- funding


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("ERUF Mellersta Norrland", "erdf"),
        ("Europeiska regionala utvecklingsfonden", "erdf"),
        ("ESF+ 2021–2027", "esf_plus"),
        ("Fonden för en rättvis omställning", "jtf"),
        ("Interreg Aurora", "interreg"),
        ("Horizon Europe Cluster 5", "horizon_europe"),
        ("Landsbygdsprogrammet", "eafrd"),
        ("Innovationscheckar", None),
    ],
)
def test_the_fund_of_a_programme(text: str, source: str | None) -> None:
    assert funding_source_of_programme(text) == source


@pytest.mark.parametrize(
    ("identifier", "name", "source"),
    [
        (None, "Vinnova", "vinnova"),
        (None, "Statens energimyndighet", "energy_agency"),
        (None, "Tillväxtverket", "growth_agency"),
        (None, "Business Finland", "business_finland"),
        ("232100-0016", "Some Name", "regional"),
        (None, "Region Jämtland Härjedalen", "regional"),
        (None, "Lapin liitto", "regional"),
        (None, "Regional Council of Lapland", "regional"),
        ("212000-2411", None, "municipal"),
        (None, "Östersunds kommun", "municipal"),
        (None, "Rovaniemen kaupunki", "municipal"),
        (None, "Metsänhoitajien liitto", None),
        (None, "Kempestiftelserna", None),
        (None, None, None),
    ],
)
def test_the_funding_source_a_funder_is(identifier: str | None, name: str | None, source: str | None) -> None:
    assert funding_source_of_funder(identifier, name) == source


def test_the_funder_is_kept_as_funding_source_and_programme() -> None:
    m = mapped(fundingOrganization=[{"id": "SE-BLV-2321000016", "name": "Region Jämtland Härjedalen"}])
    assert m.body["funding_source"] == "regional"
    assert m.body["funding_programme"] == "Region Jämtland Härjedalen"
    assert m.warnings == []
    m = mapped(
        fundingOrganization=[{"id": "SE-BLV-2321000016", "name": "Region Jämtland Härjedalen"}],
        grantProgramme=[{"code": "ERUF-MN", "title": "ERUF Mellersta Norrland"}],
    )
    assert (m.body["funding_source"], m.body["funding_programme"]) == ("erdf", "ERUF Mellersta Norrland")


def test_a_funder_that_is_no_known_funding_source_is_a_warning() -> None:
    m = mapped(fundingOrganization=[{"id": "GB-CHC-1000147", "name": "A Foundation"}])
    assert "funding_source" not in m.body and m.body["funding_programme"] == "A Foundation"
    assert warned(m) == [("fundingOrganization[0]", "unmapped_funder")]
    assert "kept as the funding programme" in m.warnings[0].message
    m = mapped(fundingOrganization=[{"id": "GB-CHC-1", "name": "A"}, {"id": "GB-CHC-2", "name": "B"}])
    assert warned(m) == [
        ("fundingOrganization[1]", "additional_ignored"),
        ("fundingOrganization[0]", "unmapped_funder"),
    ]


# --------------------------------------------------------------------------- the rest of the grant


def test_amounts_dates_goals_and_the_award() -> None:
    m = mapped(
        amountAppliedFor=2500,
        amountAwarded=2000,
        awardDate="2026-09-15T10:00:00+00:00",
        plannedDates=[{"startDate": "2026-10-01T00:00:00Z", "endDate": "2028-09-30"}],
        classifications=[
            {"vocabulary": "SDG", "code": "7"},
            {"vocabulary": "UN SDG", "code": "SDG 13.2"},
            {"vocabulary": "SDG", "code": "18"},
            {"vocabulary": "Beneficiaries", "code": "18"},
        ],
    )
    assert m.body["requested_amount"] == 2500 and m.origins["requested_amount"] == ("amountAppliedFor",)
    assert (m.body["period_start"], m.body["period_end"]) == ("2026-10-01", "2028-09-30")
    assert m.body["goals"] == [7, 13]
    assert m.decision == {"outcome": "granted", "granted_amount": 2000, "decided_on": "2026-09-15"}
    assert warned(m) == [("classifications[2].code", "unmapped_classification")]


def test_an_award_without_its_date_is_a_warning() -> None:
    m = from_360giving({"id": "360G-1", "title": "T", "amountAppliedFor": 90, "amountAwarded": 80}, "eruf")
    assert m.decision is None and m.body["requested_amount"] == 90
    assert warned(m) == [("amountAwarded", "unmapped_award")]


def test_errors_of_our_fields_point_back_to_the_grants_fields() -> None:
    m = mapped(plannedDates=[{"startDate": "2026-10-01", "endDate": "2025-01-01"}], awardDate="x")
    assert m.locate("/requested_amount") == ("amountAwarded",)
    assert m.locate("/external_id") == ("id",)
    assert m.locate("/period_end") == ("plannedDates", 0, "endDate")
    assert m.locate("/decided_on") == ("awardDate",)
    assert m.locate("/source") == ()
    assert m.locate("") == ()


def test_anything_is_mapped_without_failing() -> None:
    for junk in (None, 5, "grant", []):
        assert from_360giving(junk, "eruf").body == junk  # for the validation to refuse, at the grant
    shaped = from_360giving({"recipientOrganization": 5, "beneficiaryLocation": "Åre"}, "eruf")
    assert warned(shaped) == [("recipientOrganization", "malformed"), ("beneficiaryLocation", "malformed")]
    odd = from_360giving(
        {
            "plannedDates": 3,
            "recipientOrganization": ["x"],
            "fundingOrganization": [{}],
            "classifications": {},
        },
        "eruf",
    )
    assert ("recipientOrganization[0]", "malformed") in warned(odd)
    assert ("plannedDates", "malformed") in warned(odd)
    assert from_360giving(grant(id=42), "eruf").body["external_id"] == "42"
