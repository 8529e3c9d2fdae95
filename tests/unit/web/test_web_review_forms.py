"""The review, assignment and conflict forms' rules: the JSON a form makes, and the service's JSON
pointers mapped back to the form's fields."""

from __future__ import annotations

from kraftsamla_web.domain.review import (
    ReviewForm,
    assignment_body,
    chosen_assignee,
    confirm_body,
    errors_at_fields,
    field_of,
)

CATALOGUE = {"form_error_review_reason": "Write why.", "form_error_review_form": "Choose a part."}


def test_an_override_sends_each_chosen_part_with_the_one_reason() -> None:
    form = ReviewForm.from_form(
        {"strength_area": "", "level": "bredd", "recommendation": "weak", "reason": " Why "}
    )
    assert form.parts == ["level", "recommendation"]
    assert form.body() == {
        "action": "override",
        "overrides": [
            {"part": "level", "value": "bredd", "reason": "Why"},
            {"part": "recommendation", "value": "weak", "reason": "Why"},
        ],
        "comment": None,
    }
    assert confirm_body({"comment": " ok "}) == {"action": "confirm", "comment": "ok"}


def test_pointers_name_the_form_fields() -> None:
    parts = ["strength_area", "level"]
    assert field_of("/overrides/1/reason", parts) == "reason"
    assert field_of("/overrides/0/value", parts) == "strength_area"
    assert field_of("/overrides/1", parts) == "level"
    assert field_of("/overrides/5/value", parts) == ""
    assert field_of("/application_ids/3") == "application_ids"
    assert field_of("/assignee") == "assignee"
    assert field_of("") == "" and field_of("body") == ""


def test_errors_are_worded_by_the_catalogue_else_by_the_service_and_kept_once_per_field() -> None:
    errors = [
        {"pointer": "/overrides/0/reason", "message": "String should have at least 3 characters"},
        {"pointer": "/overrides/1/reason", "message": "again"},
        {"pointer": "/overrides/0/value", "message": "not a strength area with a published plan"},
        {"pointer": "", "message": "an override needs at least one part overridden"},
        {"pointer": "/action", "message": "odd"},
    ]
    found = errors_at_fields(
        errors,
        "review",
        ("strength_area", "level", "reason"),
        CATALOGUE.__contains__,
        CATALOGUE.__getitem__,
        ["strength_area", "level"],
    )
    assert found == {
        "reason": "Write why.",
        "strength_area": "not a strength area with a published plan",
        "": "Choose a part.",
    }


def test_the_assessor_typed_in_wins_over_the_one_chosen() -> None:
    assert chosen_assignee({"assignee": "user:a", "assignee_other": " user:b "}) == "user:b"
    assert chosen_assignee({"assignee": "user:a", "assignee_other": ""}) == "user:a"
    assert assignment_body(["1", "2", "1"], "user:a") == {"application_ids": ["1", "2"], "assignee": "user:a"}
