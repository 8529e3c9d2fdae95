"""The launcher's OpenID Connect provider, as the staff web application will use it: a demo person
signs in with the authorization-code flow and PKCE (real HTTP to the real provider process), and a
service that fetches the provider's keys from its JWKS URL admits them with their ID token. A demo
assessor's organisation travels in the token to the service, which refuses them the review of an
application of their own organisation. The same provider run as Docker Compose runs it
(``python -m kraftsamla_local.oidc --jwks-file``) hands its keys to a service by file."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import nats
import pytest

from helpers import StartService, application, eventually, plan_event, publish, write_keys
from kraftsamla_local import demo_portfolio
from kraftsamla_local.demo_content import REGIONS
from kraftsamla_local.people import DEMO_PEOPLE, WEB_CLIENT_ID, WEB_CLIENT_SECRET, service_env, web_env
from kraftsamla_local.servers import OidcProvider, free_port, port_open

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


class Provider(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def jwks_url(self) -> str: ...


def sign_in(provider: Provider, sub: str) -> dict[str, Any]:
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


def verified_claims(provider: Provider, id_token: str) -> dict[str, Any]:
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


def names(application: dict[str, Any]) -> set[str]:
    """The organisations a demo application names: its applicant and its partners."""
    return {
        application.get("applicant_identifier") or "",
        *(p["identifier"] for p in application.get("partners", [])),
    }


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_demo_assessors_organisation_reaches_the_service_which_refuses_them_its_applications(
    provider: OidcProvider, start_service: StartService, nats_url: str
) -> None:
    """The assessor of Jämtland Härjedalen works for Region Jämtland Härjedalen: their ID token names
    its organisation number, the service reads it as theirs, and refuses them (409) the review of a
    demo application the Region is applicant or partner of, while it takes their review of one it
    is not part of."""
    person = next(p for p in DEMO_PEOPLE if p.region == "jamtland-harjedalen" and p.role == "assessor")
    region = person.region
    assert person.organisation == "232100-0008"
    tokens = await asyncio.to_thread(sign_in, provider, person.sub)
    claims = await asyncio.to_thread(verified_claims, provider, tokens["id_token"])
    assert claims["organisation"] == person.organisation

    # Two of the region's demo applications as the launcher loads them: one naming the Region (as
    # applicant or partner), one not; their texts made to fit the test's plan, so both are assessed.
    data = next(r for r in REGIONS if r["region"] == region)
    loaded = data["applications"] + demo_portfolio.portfolio(data)
    own = next(a for a in loaded if person.organisation in names(a))
    other = next(a for a in loaded if a.get("applicant_identifier") and person.organisation not in names(a))
    env = service_env(provider.url, provider.jwks_url)
    async with start_service(
        "assessment",
        jwt_jwks_url=env["KRAFTSAMLA_JWT_JWKS_URL"],
        jwt_issuer=env["KRAFTSAMLA_JWT_ISSUER"],
        jwt_audience=env["KRAFTSAMLA_JWT_AUDIENCE"],
    ) as client:
        base = f"/assessment/regions/{region}/applications"
        integrator = {"X-API-Key": f"key-{region}-integrator"}
        ids = []
        for n, demo in enumerate((own, other)):
            body = {
                **application(n),
                "applicant_identifier": demo["applicant_identifier"],
                "applicant_name": demo.get("applicant_name") or "Sökande",
                "partners": demo.get("partners", []),
            }
            r = await client.post(base, json=body, headers=integrator)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        nc = await nats.connect(nats_url)
        try:
            await publish(nc.jetstream(), plan_event(region, 1))
        finally:
            await nc.close()

        async def assessed() -> bool:
            for app_id in ids:
                r = await client.get(f"{base}/{app_id}", headers=bearer(tokens["id_token"]))
                if r.status_code != 200 or r.json()["assessment"] is None:
                    return False
            return True

        await eventually(assessed)
        own_id, other_id = ids
        r = await client.post(
            f"{base}/{own_id}/review", json={"action": "confirm"}, headers=bearer(tokens["id_token"])
        )
        assert r.status_code == 409 and "own organisation" in r.json()["detail"], r.text
        r = await client.post(
            f"{base}/{other_id}/review", json={"action": "confirm"}, headers=bearer(tokens["id_token"])
        )
        assert r.status_code == 200, r.text
        # A colleague of the same region with no organisation in their token reviews the first.
        admin = next(p for p in DEMO_PEOPLE if p.region == region and p.role == "admin")
        assert admin.organisation is None
        admin_token = (await asyncio.to_thread(sign_in, provider, admin.sub))["id_token"]
        r = await client.post(
            f"{base}/{own_id}/review", json={"action": "confirm"}, headers=bearer(admin_token)
        )
        assert r.status_code == 200, r.text


@dataclass
class DevProvider:
    """``python -m kraftsamla_local.oidc``, as Docker Compose's profile ``dev`` runs it."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"


def start_dev_provider(keys: Path, log: Path) -> DevProvider:
    """The provider started on a free port, once it has written its keys to ``keys``."""
    port = free_port()
    command = [sys.executable, "-m", "kraftsamla_local.oidc", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "--jwks-file", str(keys)], stdout=out, stderr=out)
    deadline = time.monotonic() + 30
    while not keys.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no keys written; the provider's log:\n{log.read_text()}")
        time.sleep(0.1)
    return DevProvider(process, port)


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_the_development_provider_of_compose_hands_its_keys_to_the_services_by_file(
    tmp_path: Path, start_service: StartService
) -> None:
    """It listens where it is told, offers the demo people, writes its public keys to the file once
    it answers, and a service that reads the provider's keys from that file (as in Compose, where a
    JWKS URL would be neither https nor loopback) admits a demo person with their ID token; SIGTERM
    (a container's stop) ends it."""
    keys = tmp_path / "identity" / "jwks.json"
    provider = await asyncio.to_thread(start_dev_provider, keys, tmp_path / "oidc.log")
    try:
        served = await asyncio.to_thread(lambda: httpx.get(provider.jwks_url).json())
        assert served == json.loads(keys.read_text())
        tokens = await asyncio.to_thread(sign_in, provider, "lappi-assessor")
        claims = await asyncio.to_thread(verified_claims, provider, tokens["id_token"])
        assert (claims["region"], claims["role"], claims["organisation"]) == (
            "lappi",
            "assessor",
            "9900001-8",
        )

        async with start_service(
            "plans",
            jwt_jwks_file=keys,
            jwt_issuer=provider.url,
            jwt_audience=WEB_CLIENT_ID,
        ) as client:
            r = await client.get("/plans/regions/lappi/programmes", headers=bearer(tokens["id_token"]))
            assert r.status_code == 200, r.text
            r = await client.get("/plans/regions/kronoberg/programmes", headers=bearer(tokens["id_token"]))
            assert r.status_code == 404, r.text
    finally:
        provider.process.terminate()
        code = await asyncio.to_thread(provider.process.wait, 15)
    assert code == 0, "the provider stops on SIGTERM"
    assert not port_open(provider.port)
