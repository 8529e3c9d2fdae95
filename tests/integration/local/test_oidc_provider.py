"""The launcher's OpenID Connect provider, as the staff web application will use it: a demo person
signs in with the authorization-code flow and PKCE (real HTTP to the real provider process), and a
service that fetches the provider's keys from its JWKS URL admits them with their ID token."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

from helpers import StartService, write_keys
from kraftsamla_local.demo_content import REGIONS
from kraftsamla_local.people import DEMO_PEOPLE, WEB_CLIENT_ID, WEB_CLIENT_SECRET, service_env, web_env
from kraftsamla_local.servers import OidcProvider

REDIRECT_URI = "http://127.0.0.1:9/signed-in"
DEMO_REGIONS = [str(r["region"]) for r in REGIONS]


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider([p.claims() for p in DEMO_PEOPLE]) as started:
        yield started


@pytest.fixture
def api_keys_file(tmp_path: Path) -> Path:
    """The regions that exist are the demo regions, as under ``./kraftsamla up``."""
    path = tmp_path / "api-keys.json"
    write_keys(path, DEMO_REGIONS)
    return path


def sign_in(provider: OidcProvider, sub: str) -> dict[str, Any]:
    """The authorization-code flow with PKCE, as a web application and a browser go through it:
    the authorization page, the person chosen on it (the form posts their ``sub``), the redirect
    back with the code, the code exchanged at the token endpoint. The token response."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    with httpx.Client(base_url=provider.url, timeout=10) as http:
        discovery = http.get("/.well-known/openid-configuration").json()
        assert discovery["issuer"] == provider.url
        assert discovery["jwks_uri"] == provider.jwks_url
        query = {
            "response_type": "code",
            "client_id": WEB_CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid profile email",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        page = http.get(discovery["authorization_endpoint"], params=query)
        assert page.status_code == 200
        assert re.search(rf'name="sub" value="{re.escape(sub)}"', page.text), "the person is offered"
        chosen = http.post(discovery["authorization_endpoint"], params=query, data={"sub": sub})
        assert chosen.status_code == 302
        location = urlsplit(chosen.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
        back = parse_qs(location.query)
        assert back["state"] == [state]
        answer = http.post(
            discovery["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": back["code"][0],
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
            },
            auth=(WEB_CLIENT_ID, WEB_CLIENT_SECRET),
        )
        assert answer.status_code == 200, answer.text
        tokens: dict[str, Any] = answer.json()
        claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        assert claims["nonce"] == nonce
        return tokens


def verified_claims(provider: OidcProvider, id_token: str) -> dict[str, Any]:
    """The ID token's claims, checked as a service checks them: the provider's one key (its ID
    tokens name no ``kid``), RS256, the issuer and the web application's client id as audience."""
    assert "kid" not in jwt.get_unverified_header(id_token)
    (signing_key,) = jwt.PyJWKSet.from_dict(httpx.get(provider.jwks_url).json()).keys
    claims: dict[str, Any] = jwt.decode(
        id_token, signing_key.key, algorithms=["RS256"], audience=WEB_CLIENT_ID, issuer=provider.url
    )
    return claims


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_demo_person_signs_in_and_a_service_admits_them_to_their_region_in_their_role(
    provider: OidcProvider, start_service: StartService
) -> None:
    viewer = await asyncio.to_thread(sign_in, provider, "kronoberg-viewer")
    claims = await asyncio.to_thread(verified_claims, provider, viewer["id_token"])
    assert {k: claims[k] for k in ("sub", "region", "role", "locale")} == {
        "sub": "kronoberg-viewer",
        "region": "kronoberg",
        "role": "viewer",
        "locale": "sv",
    }
    assert claims["name"] == "Vilma Viewer (Kronoberg)"
    assert claims["email"].endswith("@example.org")
    assert viewer["access_token"].count(".") != 2, "the access token is opaque, not a JWT"

    env = service_env(provider.url, provider.jwks_url)
    assert env["KRAFTSAMLA_JWT_AUDIENCE"] == web_env(provider.url)["KRAFTSAMLA_OIDC_CLIENT_ID"]
    async with start_service(
        "plans",
        jwt_jwks_url=env["KRAFTSAMLA_JWT_JWKS_URL"],
        jwt_issuer=env["KRAFTSAMLA_JWT_ISSUER"],
        jwt_audience=env["KRAFTSAMLA_JWT_AUDIENCE"],
    ) as client:
        own = "/plans/regions/kronoberg/programmes"
        r = await client.get(own, headers=bearer(viewer["id_token"]))
        assert r.status_code == 200, r.text
        r = await client.get("/plans/regions/lappi/programmes", headers=bearer(viewer["id_token"]))
        assert r.status_code == 404, r.text
        r = await client.post(own, json={}, headers=bearer(viewer["id_token"]))
        assert r.status_code == 403, r.text
        # The access token is for the provider's /userinfo only.
        r = await client.get(own, headers=bearer(viewer["access_token"]))
        assert r.status_code == 401

        admin = (await asyncio.to_thread(sign_in, provider, "lappi-admin"))["id_token"]
        assert jwt.decode(admin, options={"verify_signature": False})["locale"] == "fi"
        r = await client.post("/plans/regions/lappi/programmes", json={}, headers=bearer(admin))
        assert r.status_code == 422, r.text  # past authorization, to validation
        operator = (await asyncio.to_thread(sign_in, provider, "operator"))["id_token"]
        for region in DEMO_REGIONS:
            r = await client.get(f"/plans/regions/{region}/programmes", headers=bearer(operator))
            assert r.status_code == 200, (region, r.text)

        # Someone typed in on the provider's page, not a demo person: no region or role, refused.
        stranger = await asyncio.to_thread(sign_in_typed, provider, "someone@example.org")
        r = await client.get(own, headers=bearer(stranger))
        assert r.status_code == 401


def sign_in_typed(provider: OidcProvider, sub: str) -> str:
    """A subject typed into the provider's page rather than chosen: its ID token."""
    with httpx.Client(base_url=provider.url, timeout=10) as http:
        query = {
            "response_type": "code",
            "client_id": WEB_CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
        }
        chosen = http.post("/oauth2/authorize", params=query, data={"sub": sub})
        code = parse_qs(urlsplit(chosen.headers["location"]).query)["code"][0]
        answer = http.post(
            "/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
            auth=(WEB_CLIENT_ID, WEB_CLIENT_SECRET),
        )
        id_token: str = answer.json()["id_token"]
        return id_token


def test_every_demo_region_has_an_admin_an_assessor_and_a_viewer_and_there_is_an_operator() -> None:
    by_region: dict[str, set[str]] = {}
    for person in DEMO_PEOPLE:
        by_region.setdefault(person.region, set()).add(person.role)
        assert person.email.endswith("@example.org")
        assert person.locale == ("fi" if person.region == "lappi" else "sv")
    assert by_region == {"*": {"operator"}, **{r: {"admin", "assessor", "viewer"} for r in DEMO_REGIONS}}
