"""Indicators' rules: a number as a person writes it in their language, the value form's JSON, a
sub-goal's chart years, a refused import row in the person's words, the checked file sealed between
the import's check and the import itself."""

from __future__ import annotations

import pytest

from kraftsamla_web.domain.indicators import (
    CARRY_SECONDS,
    CSV,
    IMPORT_LIMIT,
    XLSX,
    Carried,
    ValueForm,
    carry_key,
    goal_chart,
    goal_figures,
    import_error,
    may_record,
    parse_number,
    seal,
    unseal,
    upload_type,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("12,5", "sv", 12.5),
        ("1 250,5", "sv", 1250.5),
        ("1\u00a0250,5", "fi", 1250.5),
        ("\u2212 3,25", "fi", -3.25),  # as Babel writes a negative number
        ("12.5", "sv", 12.5),
        ("1,250.5", "en", 1250.5),
        ("1,5", "en", 1.5),
        ("-7", "en", -7.0),
        ("0", "sv", 0.0),
    ],
)
def test_a_number_is_read_as_people_write_it_in_their_language(
    text: str, language: str, value: float
) -> None:
    assert parse_number(text, language) == value


@pytest.mark.parametrize("text", ["", "abc", "12,5,1", "1.250,5", "1e5", "nan", "inf", "12 kr", "--1"])
def test_what_is_no_number_is_refused(text: str) -> None:
    assert parse_number(text, "sv") is None


def test_the_value_form_makes_the_services_json_or_says_which_fields_it_cannot_send() -> None:
    body, errors = ValueForm.from_form(
        {
            "sub_goal_id": "el",
            "year": "2024",
            "value": " 1 250,5 ",
            "measured_on": "2025-03-31",
            "source": " SCB ",
        }
    ).body("sv")
    assert errors == {}
    assert body == {
        "sub_goal_id": "el",
        "year": 2024,
        "value": 1250.5,
        "measured_on": "2025-03-31",
        "source": "SCB",
        "note": "",
    }
    body, errors = ValueForm.from_form(
        {"sub_goal_id": "", "year": "24", "value": "x", "measured_on": "31/3"}
    ).body("sv")
    assert body is None
    assert errors == {
        "sub_goal_id": "indicators_error_sub_goal",
        "year": "indicators_error_year",
        "value": "indicators_error_value",
        "measured_on": "indicators_error_measured_on",
    }


def test_only_administrators_and_process_leaders_record_values() -> None:
    assert [r for r in ("operator", "admin", "assessor", "viewer") if may_record(r)] == [
        "operator",
        "admin",
        "assessor",
    ]


def test_a_chart_keeps_to_time_over_a_short_span_and_marks_the_baseline_and_target_years() -> None:
    figures = goal_figures({2023: 95.0, 2024: 132.0}, baseline_year=2022, target_year=2027)
    assert figures.years == [2022, 2023, 2024, 2025, 2026, 2027]
    assert figures.values == [None, 95.0, 132.0, None, None, None]
    assert figures.measured == [(2023, 95.0), (2024, 132.0)]
    long = goal_figures({2000: 1.0, 2024: 2.0}, baseline_year=1995, target_year=2030)
    assert long.years == [1995, 2000, 2024, 2030]
    assert goal_figures({}).years == []


def test_a_goals_chart_has_its_title_its_line_and_the_reference_lines_that_are_set() -> None:
    svg = goal_chart(
        "Förnybar el år för år",
        "Förnybar el (GWh)",
        goal_figures({2023: 120.0, 2024: 150.5}, 2020, 2030),
        [("Utgångsvärde", 100.0), ("Målvärde", 200.0), ("Inget", None)],
        lambda v: f"{v:g}".replace(".", ","),
        "goal-0-chart",
    )
    assert 'aria-labelledby="goal-0-chart-title"' in svg and "Förnybar el år för år" in svg
    assert svg.count("<circle") == 2 and "Utgångsvärde" in svg and "Målvärde" in svg and "Inget" not in svg


@pytest.mark.parametrize(
    ("name", "content_type", "kind"),
    [
        ("värden.csv", "application/vnd.ms-excel", CSV),  # as some systems send a CSV
        ("Värden.XLSX", "application/octet-stream", XLSX),
        ("data", "text/csv; charset=utf-8", CSV),
        ("data", XLSX, XLSX),
        ("values.pdf", "application/pdf", None),
        ("values.xls", "application/vnd.ms-excel", None),
    ],
)
def test_an_uploaded_file_is_read_as_csv_or_xlsx_by_its_name_else_its_type(
    name: str, content_type: str, kind: str | None
) -> None:
    assert upload_type(name, content_type) == kind


@pytest.mark.parametrize(
    ("field", "message", "key", "params"),
    [
        (
            "value",
            "a formula is not evaluated: enter the value itself",
            "indicators_import_error_formula",
            {},
        ),
        (None, "more cells than columns", "indicators_import_error_extra_cells", {}),
        (
            None,
            "the sub-goal and year are already on line 3",
            "indicators_import_error_duplicate",
            {"line": "3"},
        ),
        (
            "sub_goal_id",
            "the action plan has no published version yet: …",
            "indicators_import_error_unpublished",
            {},
        ),
        (
            "sub_goal_id",
            "no sub-goal 'x' in the latest published version",
            "indicators_import_error_sub_goal_id",
            {},
        ),
        ("year", "Field required", "indicators_import_error_missing", {}),
        (
            "value",
            "Input should be a valid number, unable to parse string as a number",
            "indicators_import_error_value",
            {},
        ),
        ("year", "Input should be less than or equal to 2100", "indicators_import_error_year", {}),
        ("colour", "something else", "indicators_import_error_other", {}),
    ],
)
def test_a_refused_row_is_said_in_the_persons_words(
    field: str | None, message: str, key: str, params: dict[str, str]
) -> None:
    assert import_error(field, message) == (key, params)


KEY = carry_key("a-session-secret-of-at-least-32-characters")
BOUND = "jamtland-harjedalen/plan-1/csrf-token"
FILE = Carried(b"delm\xc3\xa5l;\xc3\xa5r;v\xc3\xa4rde\nel;2025;160,5\n", CSV, "värden.csv")


def test_a_checked_file_comes_back_as_it_was_sealed() -> None:
    fields = seal(KEY, BOUND, FILE, issued=1_000_000)
    assert unseal(KEY, BOUND, fields, now=1_000_000 + CARRY_SECONDS - 1) == FILE


@pytest.mark.parametrize(
    "change",
    [
        {"file": "ZWwsMjAyNSw5OTk5OTk="},  # other bytes
        {"media_type": XLSX},
        {"filename": "annan.csv"},
        {"issued": "1000001"},
        {"seal": "0" * 64},
        {"file": "not base64!"},
    ],
)
def test_a_sealed_file_changed_on_the_way_is_refused(change: dict[str, str]) -> None:
    fields = {**seal(KEY, BOUND, FILE, issued=1_000_000), **change}
    assert unseal(KEY, BOUND, fields, now=1_000_010) is None


def test_a_sealed_file_is_for_its_plan_its_sign_in_and_an_hour_only() -> None:
    fields = seal(KEY, BOUND, FILE, issued=1_000_000)
    assert unseal(KEY, "jamtland-harjedalen/plan-2/csrf-token", fields, now=1_000_010) is None
    assert unseal(KEY, "jamtland-harjedalen/plan-1/another-sign-in", fields, now=1_000_010) is None
    assert unseal(carry_key("another-secret-of-at-least-32-characters"), BOUND, fields, now=1_000_010) is None
    assert unseal(KEY, BOUND, fields, now=1_000_000 + CARRY_SECONDS + 1) is None


def test_a_sealed_file_is_bounded() -> None:
    big = Carried(b"x" * (IMPORT_LIMIT + 10), CSV, "big.csv")
    assert unseal(KEY, BOUND, seal(KEY, BOUND, big, issued=1_000_000), now=1_000_001) is None
