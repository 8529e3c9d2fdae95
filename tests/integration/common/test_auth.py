"""People's bearer tokens and the life of an API key, against a running service.

Tokens are real JWTs signed with a key pair made here; the service verifies them with the public
half from a JWKS file. Keys are issued, listed and revoked with ``python -m kraftsamla_common.apikeys``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers import running, service_settings
from kraftsamla_common import apikeys
from kraftsamla_common.auth import Role
from kraftsamla_plans.app import spec

ISSUER = "https://idp.example.se/realms/s3"


def cli(keys: Path, *args: str) -> str:
    """``python -m kraftsamla_common.apikeys --file <keys> …``; its output."""
    command = [sys.executable, "-m", "kraftsamla_common.apikeys", "--file", str(keys), *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}


def token(key: rsa.RSAPrivateKey, kid: str = "k1", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": "kraftsamla", "sub": "p-123", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return private_key()


@pytest.fixture
async def plans(
    nats_url: str, database_factory: Callable[[str], str], tmp_path: Path, signing_key: rsa.RSAPrivateKey
) -> AsyncIterator[tuple[httpx.AsyncClient, Path]]:
    keys = tmp_path / "api-keys.json"
    keys.write_text('{"keys": []}')
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(jwks(signing_key, "k1")))
    settings = service_settings(
        "plans",
        database_url=database_factory("plans"),
        nats_url=nats_url,
        api_keys_file=keys,
        jwt_jwks_file=jwks_file,
        jwt_issuer=ISSUER,
    )
    async with running(spec, settings) as client:
        yield client, keys


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_person_s_token_admits_them_to_their_region_in_their_role(
    plans: tuple[httpx.AsyncClient, Path], signing_key: rsa.RSAPrivateKey, region: str, other_region: str
) -> None:
    client, _ = plans
    url = f"/plans/regions/{region}/programmes"

    def bearer(t: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {t}"}

    viewer = token(signing_key, region=region, role="viewer")
    assert (await client.get(url, headers=bearer(viewer))).status_code == 200
    # A viewer may not write; another region's data is not there for them.
    assert (await client.post(url, json={}, headers=bearer(viewer))).status_code == 403
    assert (
        await client.get(f"/plans/regions/{other_region}/programmes", headers=bearer(viewer))
    ).status_code == 404
    admin = token(signing_key, region=region, role="admin")
    assert (
        await client.post(url, json={}, headers=bearer(admin))
    ).status_code == 422  # through to validation

    refused = {
        "expired": token(signing_key, region=region, role="viewer", exp=int(time.time()) - 5),
        "another audience": token(signing_key, region=region, role="viewer", aud="elsewhere"),
        "another issuer": token(signing_key, region=region, role="viewer", iss="https://evil.example"),
        "another key": token(private_key(), region=region, role="viewer"),
        "an unknown key id": token(signing_key, kid="k9", region=region, role="viewer"),
        "no role": token(signing_key, region=region),
        "an integrator": token(signing_key, region=region, role="integrator"),
        "every region, not an operator": token(signing_key, region="*", role="admin"),
        "unsigned": jwt.encode(
            {
                "iss": ISSUER,
                "aud": "kraftsamla",
                "sub": "x",
                "exp": int(time.time()) + 60,
                "region": region,
                "role": "admin",
            },
            key=None,
            algorithm="none",
        ),
        "garbage": "not.a.token",
    }
    for why, t in refused.items():
        r = await client.get(url, headers=bearer(t))
        assert r.status_code == 401, (why, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Bearer" in r.headers["www-authenticate"]
    r = await client.get(url, headers=bearer(refused["expired"]))
    assert r.json()["detail"] == "The token has expired."


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_an_api_key_is_shown_once_hashed_at_rest_expires_and_is_revoked(
    plans: tuple[httpx.AsyncClient, Path], region: str
) -> None:
    client, keys = plans
    url = f"/plans/regions/{region}/programmes"
    key = cli(
        keys,
        "issue",
        "--name",
        "script",
        "--region",
        region,
        "--role",
        "viewer",
        "--days",
        "30",
    ).strip()
    assert len(key) >= 40 and key not in keys.read_text()  # only its hash is kept
    assert (await client.get(url, headers={"X-API-Key": key})).status_code == 200

    # An expired key is refused, saying why.
    old = apikeys.issue(
        keys, name="old", region=region, role=Role.VIEWER, expires=datetime.now(UTC) - timedelta(minutes=1)
    )
    r = await client.get(url, headers={"X-API-Key": old})
    assert r.status_code == 401 and r.json()["detail"] == "The API key has expired."

    cli(keys, "revoke", "--name", "script")
    r = await client.get(url, headers={"X-API-Key": key})
    assert r.status_code == 401 and r.json()["detail"] == "The API key has been revoked."
    listed = cli(keys, "list")
    assert "script" in listed and "revoked" in listed and key not in listed

    # Nonsense is refused before anything is written.
    with pytest.raises(ValueError):
        apikeys.issue(keys, name="x", region="*", role=Role.ADMIN)
    with pytest.raises(ValueError):
        apikeys.issue(keys, name="y", region=region, role=Role.INTEGRATOR)  # no funding system
