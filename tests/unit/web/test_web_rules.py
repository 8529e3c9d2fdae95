"""The web application's own rules: where a page may send a person next, who the token names,
which token goes to the services, which language a person reads."""

from __future__ import annotations

import base64
import json

import pytest

from kraftsamla_web.domain.language import choose_language
from kraftsamla_web.domain.navigation import local_path
from kraftsamla_web.domain.person import NotAPerson, Person, bearer_token, person_from_claims


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example/regions",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "regions/x",
        "/regions\r\nSet-Cookie: x=1",
        "",
        None,
        "http:/evil.example",
    ],
)
def test_only_local_paths_are_followed(target: str | None) -> None:
    assert local_path(target) == "/"


@pytest.mark.parametrize("target", ["/", "/regions/norrbotten", "/regions/x?page=2#top"])
def test_local_paths_are_kept(target: str) -> None:
    assert local_path(target) == target


def test_a_person_is_their_claims() -> None:
    who = person_from_claims(
        {"sub": "u1", "name": "Anna", "region": "jamtland-harjedalen", "role": "assessor", "locale": "sv-SE"}
    )
    assert who == Person("u1", "Anna", "jamtland-harjedalen", "assessor", "sv-SE")
    assert who.may_open("jamtland-harjedalen") and not who.may_open("norrbotten")
    assert who.home == "/regions/jamtland-harjedalen"
    assert Person.from_dict(who.as_dict()) == who
    operator = person_from_claims({"sub": "o", "region": "*", "role": "operator"})
    assert operator.may_open("norrbotten") and operator.home == "/regions" and operator.name == "o"


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u1", "role": "admin"},
        {"sub": "u1", "region": "x1", "role": "integrator"},
        {"sub": "u1", "region": "x1", "role": "operator"},
        {"sub": "u1", "region": "*", "role": "admin"},
        {"region": "x1", "role": "admin"},
    ],
)
def test_claims_without_a_place_on_the_platform_are_refused(claims: dict[str, str]) -> None:
    with pytest.raises(NotAPerson):
        person_from_claims(claims)


def _jwt(claims: dict[str, object]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJSUzI1NiJ9.{body}.c2ln"


def test_the_token_that_names_region_and_role_goes_to_the_services() -> None:
    id_token = _jwt({"region": "x1", "role": "admin"})
    assert bearer_token({"access_token": "opaque", "id_token": id_token}) == id_token
    access = _jwt({"region": "x1", "role": "admin", "aud": "kraftsamla"})
    assert bearer_token({"access_token": access, "id_token": id_token}) == access
    assert bearer_token({"access_token": _jwt({"scope": "openid"}), "id_token": id_token}) == id_token
    assert bearer_token({"access_token": "opaque"}) is None


def test_the_language_is_the_choice_then_the_token_then_the_browser() -> None:
    assert choose_language("fi", "sv-SE", "en") == "fi"
    assert choose_language(None, "en_GB", "fi") == "en"
    assert choose_language(None, None, "fi-FI,sv;q=0.5") == "fi"
    assert choose_language("de", "de-DE", "de") == "sv"
