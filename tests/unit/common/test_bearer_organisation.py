"""A person's bearer token names their organisation (claim ``organisation``, an organisation number)
and the services read it as the principal's organisation, as from an API key's ``organisation``:
the assessment service refuses a reviewer the applications of their own organisation. A token
without the claim names none."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from kraftsamla_common.auth import BearerTokens, Role

ISSUER = "https://sso.example.org/realms/kraftsamla"
AUDIENCE = "kraftsamla-web"


@pytest.fixture
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def tokens(tmp_path: Path, key: rsa.RSAPrivateKey) -> BearerTokens:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}))
    return BearerTokens(path, ISSUER, AUDIENCE)


def token(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "anna", "iat": now, "exp": now + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


def test_the_organisation_claim_is_the_principals_organisation(
    tokens: BearerTokens, key: rsa.RSAPrivateKey
) -> None:
    principal = tokens.verify(
        token(key, region="jamtland-harjedalen", role="assessor", organisation="232100-0008")
    )
    assert (principal.name, principal.region, principal.role) == (
        "user:anna",
        "jamtland-harjedalen",
        Role.ASSESSOR,
    )
    assert principal.organisation == "232100-0008"


@pytest.mark.parametrize(
    ("claim", "expected"),
    [({}, None), ({"organisation": ""}, None), ({"organisation": 2321000008}, "2321000008")],
)
def test_without_the_claim_there_is_no_organisation(
    tokens: BearerTokens, key: rsa.RSAPrivateKey, claim: dict[str, Any], expected: str | None
) -> None:
    principal = tokens.verify(token(key, region="lappi", role="viewer", **claim))
    assert principal.organisation == expected
