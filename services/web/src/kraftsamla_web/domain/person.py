"""The signed-in person, from the claims of the token their OpenID provider issued."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ROLES = ("operator", "admin", "assessor", "viewer")
"""The roles a person may have (an integrator is a system: it has an API key, never a sign-in)."""


class NotAPerson(ValueError):
    """Claims that do not name a person of the platform: no region or role, or one it does not know."""


@dataclass(frozen=True)
class Person:
    subject: str
    name: str
    region: str
    """The person's region; ``*`` for the platform's operator, who may open every region."""
    role: str
    locale: str | None = None

    @property
    def principal(self) -> str:
        """The name the services know the person by (``user:<subject>``): in assignments,
        conflicts and reviews."""
        return f"user:{self.subject}"

    @property
    def may_review(self) -> bool:
        """Whether the person's role reviews applications and declares conflicts (the service
        decides again)."""
        return self.role in ("admin", "assessor")

    @property
    def may_assign(self) -> bool:
        """Whether the person's role assigns applications to assessors (the service decides again)."""
        return self.role == "admin"

    @property
    def sees_assignments(self) -> bool:
        """Whether the person's desk shows who has what to review (administrator and operator)."""
        return self.role in ("admin", "operator")

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    def may_open(self, region: str) -> bool:
        """Whether the person may see a region's pages (the services decide again on every call)."""
        return self.is_operator or region == self.region

    @property
    def home(self) -> str:
        """Where the person starts: their region's desk; the operator chooses a region first."""
        return "/regions" if self.is_operator else f"/regions/{self.region}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "name": self.name,
            "region": self.region,
            "role": self.role,
            "locale": self.locale,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Person:
        return cls(
            subject=str(data["subject"]),
            name=str(data["name"]),
            region=str(data["region"]),
            role=str(data["role"]),
            locale=data.get("locale"),
        )


def person_from_claims(claims: Mapping[str, Any]) -> Person:
    """The person the claims name; :class:`NotAPerson` where they name no region or role of ours."""
    subject = str(claims.get("sub") or "")
    region = str(claims.get("region") or "")
    role = str(claims.get("role") or "")
    if not subject or not region or role not in ROLES:
        raise NotAPerson("the token names no region or no known role")
    if (region == "*") != (role == "operator"):
        raise NotAPerson("only the operator's token is for every region")
    name = str(claims.get("name") or claims.get("preferred_username") or claims.get("email") or subject)
    locale = claims.get("locale")
    return Person(
        subject=subject, name=name, region=region, role=role, locale=str(locale) if locale else None
    )


def unverified_claims(token: str) -> dict[str, Any] | None:
    """A JWT's claims, read without checking its signature (only to choose which token to forward:
    the services verify it); None where the token is not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, json.JSONDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def bearer_token(token: Mapping[str, Any]) -> str | None:
    """The token to send to the services for this person: the access token where it is a JWT that
    names the region and the role (as Keycloak or Entra ID can be set up to issue), else the ID
    token (which carries them at every provider that adds the claims)."""
    access = token.get("access_token")
    if isinstance(access, str):
        claims = unverified_claims(access)
        if claims is not None and "region" in claims and "role" in claims:
            return access
    id_token = token.get("id_token")
    return id_token if isinstance(id_token, str) else None
