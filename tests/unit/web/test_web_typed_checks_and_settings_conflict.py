"""The web application's pure rules for the registration form checked as one types (what the dry
run is given, which fields' messages are said) and for the region's settings shown after someone
else saved them (their municipalities by name)."""

from __future__ import annotations

from kraftsamla_common.i18n import Messages
from kraftsamla_web.domain import actors as rules
from kraftsamla_web.domain.admin import municipality_names


def test_the_dry_run_is_given_the_form_as_far_as_it_is_filled_in() -> None:
    # Nothing to check before an identifier is typed.
    assert rules.ActorForm.from_form({"name": "Jämtkraft AB", "nace": "35.11"}).check_body() is None
    # The name and helix type stand in while not given; what was typed goes as a post sends it.
    body = rules.ActorForm.from_form(
        {"identifier": " 556012-5790 ", "municipality": "Östersund"}
    ).check_body()
    assert body == {
        "name": rules.STAND_INS["name"],
        "country": "SE",
        "identifier": "556012-5790",
        "helix": rules.STAND_INS["helix"],
        "municipality": "2380",
    }
    assert rules.STAND_INS["helix"] in rules.HELIXES
    given = rules.ActorForm.from_form(
        {"name": "Jämtkraft AB", "identifier": "5560125790", "helix": "public", "nace": "35.11"}
    )
    assert given.check_body() == given.body()
    assert given.typed == ["identifier", "nace"]


def test_only_the_typed_fields_are_judged_and_only_when_the_codes_were_checked() -> None:
    t = Messages("sv", ("kraftsamla_web",))
    form = rules.ActorForm.from_form({"identifier": "556012-5791", "municipality": "2380", "nace": "99.99"})
    codes = [
        {"pointer": "/identifier", "message": "the check digit of the organisationsnummer is wrong"},
        {"pointer": "/nace", "message": "'99.99' is not in NACE Rev. 2 (SNI 2007)"},
    ]
    found = rules.typed_errors(codes, form, t.has, t)
    assert found["identifier"] is not None and found["identifier"].startswith("Inte ett giltigt")
    assert found["nace"] == "Inte en branschkod i SNI 2007 (NACE rev. 2), t.ex. 62.01."
    assert found["municipality"] is None  # checked, and right
    # A refusal by the request's schema at a field not checked as one types: no code was
    # checked, so none is said to be right.
    schema = [{"pointer": "/name", "message": "String should have at most 300 characters"}]
    assert rules.typed_errors(schema, form, t.has, t) == {}
    # An empty field is not judged.
    empty = rules.ActorForm.from_form({"identifier": "556012-5790"})
    assert rules.typed_errors([], empty, t.has, t) == {"identifier": None}


def test_the_settings_municipalities_by_their_names() -> None:
    assert municipality_names("SE", "2380, 2361 9999") == ["Östersund", "Härjedalen", "9999"]
    assert municipality_names("FI", "698") == ["Rovaniemi"]
    assert municipality_names("SE", "") == []
