"""The actors section's pure rules: the actor list's query, NACE divisions by name, the
registration form's body and the service's errors back at its fields, the sealed file between an
import's check and the import, the import's bad rows by line; groups by kind, members over time,
the helix's shares; the year's calendar with the annual cycle's slots, unique participants where
they were not registered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

import pytest

from kraftsamla_common.i18n import Messages
from kraftsamla_web.domain import actors as rules
from kraftsamla_web.domain.engagements import (
    calendar,
    month_name,
    slot_label_words,
    slot_words,
    unique_actors,
    unique_people,
    year_asked,
)
from kraftsamla_web.domain.gaps import partnership_gaps
from kraftsamla_web.domain.partnerships import by_kind, changes, helix_shares, members_on
from kraftsamla_web.schemas import GroupComposition

# --------------------------------------------------------------------------- the actor list


def test_the_list_s_query_keeps_only_what_the_service_takes_and_round_trips() -> None:
    query = rules.ActorQuery.from_params(
        {
            "q": "  Mitt   universitet ",
            "helix": "academia",
            "municipality": "2380",
            "industry": "62",
            "offset": "25",
        }
    )
    assert (query.q, query.helix, query.municipality, query.industry, query.offset) == (
        "Mitt universitet",
        "academia",
        "2380",
        "62",
        25,
    )
    assert query.service_params() == {
        "q": "Mitt universitet",
        "helix": "academia",
        "municipality": "2380",
        "industry": "62",
        "limit": 25,
        "offset": 25,
    }
    url = query.url("/regions/r/actors", offset=0)
    assert url == "/regions/r/actors?q=Mitt+universitet&helix=academia&municipality=2380&industry=62"
    # A helix, municipality or industry the service would refuse is left out, not sent.
    odd = rules.ActorQuery.from_params(
        {"helix": "church", "municipality": "Östersund", "industry": "00", "offset": "x"}
    )
    assert (odd.helix, odd.municipality, odd.industry, odd.offset, odd.narrowed) == ("", "", "", 0, False)
    assert odd.url("/p") == "/p"


def test_industries_are_nace_divisions_under_their_sections_by_name_in_the_reader_s_language() -> None:
    sections = {s.code: s for s in rules.sections("sv")}
    assert len(sections) == 21 and sum(len(s.divisions) for s in sections.values()) == 88
    assert sections["J"].name == rules.Named("Information and communication", "en")
    divisions = {d.code: d.name for d in sections["J"].divisions}
    assert divisions["62"] == rules.Named("Dataprogrammering, datakonsultverksamhet o.d.", "sv")
    assert divisions["58"].language == "en"  # no Swedish name at hand: English, and marked so
    # A class is named in English where only English names it, else by its division in the language.
    assert rules.industry_name("62.010", "en") == rules.Named("Computer programming activities", "en")
    assert rules.industry_name("62.01", "sv") == rules.Named(
        "Dataprogrammering, datakonsultverksamhet o.d.", "sv"
    )
    assert rules.industry_name("84.11", "fi") == rules.Named("General public administration activities", "en")
    assert rules.industry_name("J", "sv") == rules.Named("Information and communication", "en")
    assert rules.industry_name("99.99", "sv") is None and rules.industry_name(None, "sv") is None


# --------------------------------------------------------------------------- registering one


def test_the_registration_form_names_the_municipality_by_its_code_and_leaves_out_empty_fields() -> None:
    form = rules.ActorForm.from_form(
        {
            "name": " Jämtkraft  AB ",
            "country": "se",
            "identifier": "556012-5790",
            "helix": "business",
            "municipality": "östersund",
            "nace": "",
            "size_class": "",
        }
    )
    assert form.body() == {
        "name": "Jämtkraft AB",
        "country": "SE",
        "identifier": "556012-5790",
        "helix": "business",
        "municipality": "2380",
    }
    # A code goes as it is; a name the register does not hold too (the service refuses it at the field).
    assert rules.municipality_code("SE", "2380") == "2380"
    assert rules.municipality_code("SE", "Atlantis") == "Atlantis"
    assert rules.municipality_code("FI", "Rovaniemi") == "698"
    assert rules.ActorForm.from_form({"country": "NO"}, "FI").country == "FI"
    assert rules.ActorForm.from_form({}).body()["helix"] is None


def test_the_service_s_errors_land_at_their_fields_worded_by_the_catalogue() -> None:
    t = Messages("sv", ("kraftsamla_web",))
    errors = [
        {"pointer": "/identifier", "message": "the check digit of the organisationsnummer is wrong"},
        {"pointer": "/nace", "message": "'99.99' is not in NACE Rev. 2 (SNI 2007)"},
        {"pointer": "/identifier", "message": "a second one is not shown"},
        {"pointer": "", "message": "something of the whole form"},
        {"pointer": "/size_class", "message": "Input should be 'micro', 'small', 'medium' or 'large'"},
    ]
    found = rules.actor_errors(errors, "SE", t.has, t)
    assert found["identifier"].startswith("Inte ett giltigt organisationsnummer")
    assert found["nace"] == "Inte en branschkod i SNI 2007 (NACE rev. 2), t.ex. 62.01."
    assert found[""] == "something of the whole form"
    assert set(found) == {"identifier", "nace", "", "size_class"}
    finnish = rules.actor_errors(errors[:1], "FI", t.has, t)
    assert finnish["identifier"].startswith("Inte ett giltigt Y-tunnus")
    # A field the catalogue has no words for: the service's own.
    assert rules.actor_errors([{"pointer": "/name", "message": "x"}], "SE", lambda k: False, t) == {
        "name": "x"
    }


def test_who_sees_which_form() -> None:
    assert [r for r in ("operator", "admin", "assessor", "viewer") if rules.may_register(r)] == [
        "operator",
        "admin",
        "assessor",
    ]
    assert [r for r in ("operator", "admin", "assessor", "viewer") if rules.may_merge(r)] == [
        "operator",
        "admin",
    ]
    assert rules.may_erase("admin") and not rules.may_erase("assessor")


# --------------------------------------------------------------------------- importing a file


def test_a_sealed_file_opens_only_as_it_was_sealed_for_this_session_and_region() -> None:
    secret, context = "s" * 40, ["csrf-token", "region-a", rules.CSV, "actors.csv"]
    data = b"name;country\n" + b"x;SE\n" * 1000
    payload, mac = rules.seal(secret, context, data)
    assert len(payload) < len(data) / 10  # compressed
    assert rules.unseal(secret, context, payload, mac) == data
    assert rules.unseal("t" * 40, context, payload, mac) is None
    assert rules.unseal(secret, ["other-session", *context[1:]], payload, mac) is None
    assert rules.unseal(secret, [context[0], "region-b", *context[2:]], payload, mac) is None
    assert rules.unseal(secret, context, payload[:-4] + "AAAA", mac) is None
    # A seal over more than an import takes does not open (a zip bomb is never inflated past the bound).
    big = b"\0" * (rules.IMPORT_MAX_BYTES + 1)
    payload, mac = rules.seal(secret, context, big)
    assert rules.unseal(secret, context, payload, mac) is None


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        ("aktorer.csv", "application/vnd.ms-excel", rules.CSV),
        ("Aktörer.XLSX", "application/octet-stream", rules.XLSX),
        ("list", "text/csv; charset=utf-8", rules.CSV),
        ("list.pdf", "application/pdf", None),
    ],
)
def test_an_uploaded_file_goes_with_its_media_type(name: str, declared: str, expected: str | None) -> None:
    assert rules.media_type(name, declared) == expected


def test_the_import_s_answers_read_as_bad_rows_by_line() -> None:
    refused = rules.import_refused(
        {
            "detail": "2 of 4 rows are bad; nothing was imported.",
            "errors": [
                {"line": 5, "field": "municipality", "message": "'9999' is not a municipality of SE"},
                {"line": 3, "field": "identifier", "message": "the check digit is wrong"},
                {"line": 5, "field": None, "message": "more cells than columns"},
            ],
        }
    )
    assert refused is not None and not refused.written and refused.rows is None and refused.good is None
    assert [(r.line, [e.field for e in r.errors]) for r in refused.bad] == [
        (3, ["identifier"]),
        (5, ["municipality", None]),
    ]
    # A refusal that names no row (a file that cannot be read) is no report of rows.
    assert rules.import_refused({"errors": [{"pointer": "", "message": "unknown column(s) colour"}]}) is None
    dry = rules.import_answered(
        {
            "dry_run": True,
            "rows": 4,
            "created": 1,
            "existing": 1,
            "errors": [{"line": 3, "field": "helix", "message": "x"}],
        }
    )
    assert (dry.written, dry.rows, dry.good, dry.created, dry.existing) == (False, 4, 3, 1, 1)
    done = rules.import_answered({"rows": 2, "created": 2, "existing": 0, "errors": []})
    assert done.written and done.bad == ()


# --------------------------------------------------------------------------- partnerships


@dataclass
class _Group:
    kind: str
    name: str


@dataclass
class _Member:
    actor_id: str
    actor_name: str
    role: str
    joined_on: date
    left_on: date | None = None


def test_groups_by_kind_partnerships_first_and_members_over_time() -> None:
    groups = [
        _Group("steering_group", "Styrgrupp B"),
        _Group("partnership", "Partnerskap"),
        _Group("steering_group", "styrgrupp A"),
    ]
    assert [(k, [g.name for g in gs]) for k, gs in by_kind(groups)] == [
        ("partnership", ["Partnerskap"]),
        ("steering_group", ["styrgrupp A", "Styrgrupp B"]),
    ]
    members = [
        _Member("a", "Alfa", "chair", date(2024, 1, 1), date(2025, 1, 1)),
        _Member("b", "Beta", "member", date(2025, 1, 1)),
        _Member("a", "Alfa", "member", date(2025, 3, 1)),
    ]
    assert [(c.day, c.kind, c.actor_name) for c in changes(members)] == [
        (date(2025, 3, 1), "joined", "Alfa"),
        (date(2025, 1, 1), "joined", "Beta"),
        (date(2025, 1, 1), "left", "Alfa"),
        (date(2024, 1, 1), "joined", "Alfa"),
    ]
    assert [
        members_on(members, d)
        for d in (date(2023, 12, 31), date(2024, 6, 1), date(2025, 1, 1), date(2025, 3, 1))
    ] == [
        0,
        1,
        1,
        2,
    ]


def test_the_helix_shows_every_sector_and_a_group_s_gaps_are_sentences() -> None:
    shares = helix_shares({"public": 3, "business": 1, "academia": 0, "civil_society": 0, "state_agency": 0})
    assert [(s.key, s.actors, round(s.share, 2)) for s in shares] == [
        ("public", 3, 0.75),
        ("business", 1, 0.25),
        ("academia", 0, 0.0),
        ("civil_society", 0, 0.0),
        ("state_agency", 0, 0.0),
    ]
    composition = GroupComposition.model_validate(
        {
            "scope": "group",
            "at": "2026-05-01",
            "groups": 1,
            "actors": 0,
            "by_helix": {},
            "by_municipality": [],
            "by_industry": [],
            "dominance_threshold": 0.5,
            "gaps": [
                {"kind": "empty", "message": "no members"},
                {"kind": "municipality_uncovered", "message": "…", "municipality": "2309"},
            ],
        }
    )
    t = Messages("sv", ("kraftsamla_web",))
    assert [s.text for s in partnership_gaps(t, composition, "actors_gap_group_empty")] == [
        "Gruppen har inga medlemmar.",
        "Ingen medlem från Krokom.",
    ]


# --------------------------------------------------------------------------- engagements


@dataclass
class _Held:
    held_on: date
    title: str


@dataclass
class _Cycle:
    title: str
    frequency: str
    starts_on: date
    ends_on: date | None = None
    missed: list[str] = field(default_factory=list)
    upcoming: list[str] = field(default_factory=list)
    kind: str = "actor_meeting"
    strength_area_id: object = None
    id: object = field(default_factory=uuid4)


def test_the_calendar_puts_meetings_held_and_planned_slots_in_their_months() -> None:
    held = [
        _Held(date(2026, 3, 12), "Aktörsmöte energi"),
        _Held(date(2026, 3, 2), "Workshop"),
        _Held(date(2025, 12, 1), "Förra året"),
    ]
    steering = _Cycle("Styrgrupp energi", "twice_a_year", date(2025, 1, 1), missed=["2026-H1"], upcoming=[])
    monthly = _Cycle(
        "Aktörsmöte energi", "monthly", date(2026, 3, 1), date(2026, 5, 31), upcoming=["2026-05"]
    )
    months = calendar(2026, held, [steering, monthly])
    assert len(months) == 12 and months[0].first == date(2026, 1, 1)
    assert [e.title for e in months[2].held] == ["Workshop", "Aktörsmöte energi"]
    assert [(p.title, p.label, p.status) for p in months[0].planned] == [
        ("Styrgrupp energi", "2026-H1", "missed")
    ]
    assert [(p.title, p.status) for p in months[6].planned] == [("Styrgrupp energi", "held")]
    assert [
        (p.label, p.status) for m in months[2:5] for p in m.planned if p.title == "Aktörsmöte energi"
    ] == [
        ("2026-03", "held"),
        ("2026-04", "held"),
        ("2026-05", "upcoming"),
    ]
    assert sum(len(m.held) for m in months) == 2
    assert slot_label_words(steering, "2026-H1", 2026, "sv_SE") == "januari\u2013juni 2026"  # type: ignore[arg-type]


def test_months_and_slots_in_words_and_the_year_asked() -> None:
    assert month_name(date(2026, 3, 1), "sv_SE") == "Mars 2026"
    assert month_name(date(2026, 3, 1), "fi_FI") == "Maaliskuu 2026"
    assert slot_words(date(2026, 4, 1), date(2026, 6, 30), "en_GB") == "April\u2013June 2026"
    assert slot_words(date(2026, 4, 1), date(2026, 4, 30), "fi_FI") == "huhtikuu 2026"
    today = date(2026, 5, 1)
    assert [year_asked(v, today) for v in (None, "2024", "1899", "x")] == [2026, 2024, 2026, 2026]


@dataclass
class _Figures:
    participations: int
    unique_people: int | None
    unique_actors: int | None = None


def test_unique_participants_not_registered_are_never_zero() -> None:
    assert unique_people(_Figures(12, 5)) == 5
    assert unique_people(_Figures(40, None)) is None
    assert unique_people(_Figures(40, 0)) is None  # head counts only: no one was named
    assert unique_people(_Figures(0, 0)) == 0
    assert unique_actors(_Figures(40, 0, 0)) is None and unique_actors(_Figures(3, 2, 3)) == 3
