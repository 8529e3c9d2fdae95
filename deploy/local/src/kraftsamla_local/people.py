"""The demo people who sign in through the launcher's OpenID Connect provider, and the client the
staff web application uses there.

For each demo region one person per role (admin, assessor, viewer), and one operator for every
region: invented names, ``example.org`` addresses. Their claims are what the services read from
a person's token (``region``, ``role``, ``organisation``) and what a web application shows
(``name``, ``email``, ``locale``: ``fi`` for the Finnish region, ``sv`` for the Swedish ones). The
subject (``sub``) of each is the name of the demo API key of the same region and role
(``kronoberg-viewer``).

An assessor works for their regional authority where the demo's actors of the region include it
(Region Jämtland Härjedalen, Lapin liitto): their token's ``organisation`` is its organisation
number, and since the authority is the applicant or a partner of some of the region's demo
applications, the services refuse that assessor the review of those (409) and take it for the
others. Where the region's actors do not include the authority (Norrbotten, Kronoberg), the
assessor names no organisation.

The web application (a service of its own) signs people in as the client :data:`WEB_CLIENT_ID`;
the services are configured to accept ID tokens issued to it (``aud``). :func:`web_env` gives the
web application what it needs as variables, :func:`service_env` the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from .demo_content import REGIONS

WEB_CLIENT_ID = "kraftsamla-web"
WEB_CLIENT_SECRET = "kraftsamla-web-local-secret"
"""For development only: the launcher's provider accepts any client secret; a real provider issues
one per client, and it is kept as a secret."""

_FIRST_NAMES = {
    "sv": {"admin": "Astrid", "assessor": "Anna", "viewer": "Vilma"},
    "fi": {"admin": "Aino", "assessor": "Aleksi", "viewer": "Veera"},
}
_ROLE_WORDS = {"admin": "Admin", "assessor": "Assessor", "viewer": "Viewer"}
PERSON_ROLES = ("admin", "assessor", "viewer")
FINNISH_REGIONS = frozenset({"lappi"})


@dataclass(frozen=True)
class Person:
    sub: str
    region: str
    role: str
    name: str
    email: str
    locale: str
    organisation: str | None = None
    """The organisation number of the demo actor the person works for (claim ``organisation``)."""

    def claims(self) -> dict[str, object]:
        """The person as the provider takes them (``--user-claims``): ``sub`` and every claim."""
        claims: dict[str, object] = {
            "sub": self.sub,
            "region": self.region,
            "role": self.role,
            "name": self.name,
            "email": self.email,
            "locale": self.locale,
        }
        if self.organisation is not None:
            claims["organisation"] = self.organisation
        return claims


def _short_name(region: dict[str, object]) -> str:
    """``Region Jämtland Härjedalen`` → ``Jämtland Härjedalen``; ``Lapin liitto – …`` → ``Lapin liitto``."""
    return str(region["name"]).split(" – ")[0].removeprefix("Region ").strip()


def regional_authority(region: dict[str, object]) -> dict[str, object] | None:
    """The demo actor that is the region's own authority (the actor named as the region:
    ``Region Jämtland Härjedalen``, ``Lapin liitto``), or None where the demo's actors do not
    include it."""
    names = {str(region["name"]), str(region["name"]).split(" – ")[0].strip()}
    actors = region.get("actors")
    assert isinstance(actors, list)
    return next((a for a in actors if a["name"] in names), None)


def organisation_name(identifier: str) -> str | None:
    """The name of the demo actor with this organisation number, in any demo region."""
    for region in REGIONS:
        for actor in region["actors"]:
            if actor["identifier"] == identifier:
                return str(actor["name"])
    return None


def demo_people() -> tuple[Person, ...]:
    people = [
        Person(
            sub="operator",
            region="*",
            role="operator",
            name="Olle Operator",
            email="olle.operator@example.org",
            locale="sv",
        )
    ]
    for region in REGIONS:
        rid = str(region["region"])
        locale = "fi" if rid in FINNISH_REGIONS else "sv"
        authority = regional_authority(region)
        for role in PERSON_ROLES:
            first = _FIRST_NAMES[locale][role]
            people.append(
                Person(
                    sub=f"{rid}-{role}",
                    region=rid,
                    role=role,
                    name=f"{first} {_ROLE_WORDS[role]} ({_short_name(region)})",
                    email=f"{first.lower()}.{role}.{rid}@example.org",
                    locale=locale,
                    organisation=str(authority["identifier"]) if authority and role == "assessor" else None,
                )
            )
    return tuple(people)


DEMO_PEOPLE = demo_people()


def service_env(issuer: str, jwks_url: str) -> dict[str, str]:
    """What the services need to accept the people's ID tokens from the provider at ``issuer``."""
    return {
        "KRAFTSAMLA_JWT_JWKS_URL": jwks_url,
        "KRAFTSAMLA_JWT_ISSUER": issuer,
        "KRAFTSAMLA_JWT_AUDIENCE": WEB_CLIENT_ID,
    }


def web_env(issuer: str) -> dict[str, str]:
    """What the web application needs to sign people in at the provider at ``issuer`` (its
    discovery document is ``<issuer>/.well-known/openid-configuration``)."""
    return {
        "KRAFTSAMLA_OIDC_ISSUER": issuer,
        "KRAFTSAMLA_OIDC_CLIENT_ID": WEB_CLIENT_ID,
        "KRAFTSAMLA_OIDC_CLIENT_SECRET": WEB_CLIENT_SECRET,
    }


def _organisation(person: Person) -> str:
    if person.organisation is None:
        return ""
    name = organisation_name(person.organisation)
    return f"{person.organisation} ({name})" if name else person.organisation


def people_table(people: tuple[Person, ...] = DEMO_PEOPLE) -> list[str]:
    """The demo people as the banner lists them: who to sign in as, their region, role, name and,
    where they have one, their organisation (its number, as in their token, and its name)."""
    width = max(len(p.sub) for p in people)
    region_width = max(len(p.region) for p in people)
    name_width = max(len(p.name) for p in people)
    lines = [
        f"{'sign in as':<{width}}  {'region':<{region_width}}  {'role':<10}  {'name':<{name_width}}  organisation",
        *(
            f"{p.sub:<{width}}  {p.region:<{region_width}}  {p.role:<10}  {p.name:<{name_width}}  {_organisation(p)}"
            for p in people
        ),
    ]
    return [line.rstrip() for line in lines]
