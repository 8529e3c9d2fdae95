"""Unit tests of the actors domain: composition and its gaps, participation counts, and reading
the actors CSV (the annual cycle's slots are tested with ``kraftsamla_common.annual_cycle``)."""

from __future__ import annotations

from datetime import date

import pytest

from kraftsamla_actors.domain import composition, csv_import, participation, reference
from kraftsamla_actors.domain.composition import Member
from kraftsamla_actors.domain.participation import Attendance

KRONOBERG = reference.municipalities_of("SE", "07")


def member(actor: str, helix: str, municipality: str | None = "0780", nace: str | None = None) -> Member:
    return Member(actor_id=actor, helix=helix, municipality=municipality, nace=nace)


def kinds(c: composition.Composition) -> list[tuple[str, str | None]]:
    return [(g.kind, g.helix or g.municipality) for g in c.gaps]


def test_kronoberg_has_eight_municipalities_and_lapland_twenty_one() -> None:
    assert [m.name for m in KRONOBERG] == [
        "Uppvidinge", "Lessebo", "Tingsryd", "Alvesta", "Älmhult", "Markaryd", "Växjö", "Ljungby",
    ]  # fmt: skip
    assert len(reference.municipalities_of("FI", "19")) == 21


def test_composition_counts_each_actor_once_and_finds_every_gap() -> None:
    members = [
        member("a", "public", "0780"),
        member("a", "public", "0780"),  # a second person of the same organisation
        member("b", "public", "0764"),
        member("c", "business", "0763", "55.10"),
        member("d", "business", "0763", "55.20"),
        member("e", "public", "0780", "84.11"),
    ]
    c = composition.composition(members, KRONOBERG, dominance_threshold=0.5)
    assert c.actors == 5
    assert c.by_helix == {"public": 3, "business": 2, "academia": 0, "civil_society": 0, "state_agency": 0}
    assert c.by_municipality == [("0763", 2), ("0780", 2), ("0764", 1)]  # most first, then by code
    assert ("55", 2) in c.by_industry and ("84", 1) in c.by_industry and ("none", 2) in c.by_industry
    gaps = kinds(c)
    assert ("helix_missing", "academia") in gaps and ("helix_missing", "civil_society") in gaps
    assert ("helix_missing", "public") not in gaps
    assert ("helix_dominant", "public") in gaps  # 3 of 5 = 60 % > 50 %
    uncovered = {m for k, m in gaps if k == "municipality_uncovered"}
    assert uncovered == {"0760", "0761", "0765", "0767", "0781"}


def test_dominance_threshold_is_the_regions_and_strictly_above() -> None:
    members = [
        member("a", "public"),
        member("b", "business"),
        member("c", "academia"),
        member("d", "civil_society"),
    ]
    assert not [
        g for g in composition.composition(members, KRONOBERG, 0.25).gaps if g.kind == "helix_dominant"
    ]
    two_public = [*members, member("e", "public")]
    dominant = [
        g for g in composition.composition(two_public, KRONOBERG, 0.25).gaps if g.kind == "helix_dominant"
    ]
    assert [(g.helix, g.share) for g in dominant] == [("public", 0.4)]
    assert not [
        g for g in composition.composition(two_public, KRONOBERG, 0.5).gaps if g.kind == "helix_dominant"
    ]


def test_state_agency_counts_as_public_sector_for_the_quadruple_helix() -> None:
    c = composition.composition(
        [
            member("a", "state_agency"),
            member("b", "business"),
            member("c", "academia"),
            member("d", "civil_society"),
        ],
        KRONOBERG,
        0.5,
    )
    assert not [g for g in c.gaps if g.kind == "helix_missing"]


def test_empty_group_and_unknown_municipalities_are_gaps() -> None:
    assert kinds(composition.composition([], KRONOBERG, 0.5)) == [("empty", None)]
    c = composition.composition([member("a", "public")], None, 0.5)
    assert ("municipalities_unknown", None) in kinds(c)


def test_membership_dates() -> None:
    assert composition.membership_errors(date(2025, 1, 1), date(2024, 12, 31))[0]["pointer"] == "/left_on"
    assert composition.membership_errors(date(2025, 1, 1), date(2025, 1, 1)) == []
    assert composition.active_on(date(2025, 1, 1), date(2025, 6, 1), date(2025, 5, 31))
    assert not composition.active_on(date(2025, 1, 1), date(2025, 6, 1), date(2025, 6, 1))  # the day left
    assert not composition.active_on(date(2025, 1, 1), None, date(2024, 12, 31))
    assert composition.overlaps((date(2025, 1, 1), None), (date(2026, 1, 1), date(2026, 2, 1)))
    assert not composition.overlaps((date(2025, 1, 1), date(2025, 6, 1)), (date(2025, 6, 1), None))


def test_participation_counts_participations_and_unique_participants() -> None:
    # Åsnen's way of counting: every participation, and each person once.
    meetings = [
        Attendance(
            "actor_meeting", ("sa",), people=("p1", "p2", "p3"), actors=("x", "y"), listed=3, head_count=0
        ),
        Attendance("actor_meeting", ("sa",), people=("p1", "p2"), actors=("x",), listed=3, head_count=0),
        Attendance("survey", (), people=(), actors=(), listed=0, head_count=40),
    ]
    p = participation.participation(meetings)
    assert (p.engagements, p.participations, p.unique_people, p.unique_actors, p.head_count) == (
        3,
        46,
        3,
        2,
        40,
    )
    assert p.by_kind == {"actor_meeting": 2, "survey": 1}


def test_csv_with_semicolons_swedish_headers_and_a_bom() -> None:
    text = "\ufeffNamn;Organisationsnummer;Land;Helix;Kommunkod;SNI\nMittuniversitetet;202100-5752;SE;academia;2380;85.42\n\n;;;;;\nAlvesta kommun;212000-0647;SE;public;0764;\n"
    rows = csv_import.read_actors_csv(text)
    assert rows == [
        (2, {"name": "Mittuniversitetet", "identifier": "202100-5752", "country": "SE", "helix": "academia",
             "municipality": "2380", "nace": "85.42"}),
        (5, {"name": "Alvesta kommun", "identifier": "212000-0647", "country": "SE", "helix": "public",
             "municipality": "0764"}),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("name,country,identifier,helix,colour\n", "unknown column"),
        ("name,country,helix\n", "'identifier' is missing"),
    ],
)
def test_csv_that_cannot_be_read_says_why(text: str, message: str) -> None:
    with pytest.raises(csv_import.CsvFormatError, match=message):
        csv_import.read_actors_csv(text)
