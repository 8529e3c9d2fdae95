"""The actors pages' calls to the actors service: the list, one actor (its people and the groups it
is in), the registration, the import's check and the import, a merge, a person's erasure. Each
page's reads are made at once; a change is one call, refused as
:class:`~kraftsamla_web.adapters.services.Refused`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import Refused, Sent, Services
from ..domain.actors import ActorQuery, ImportCheck, import_answered, import_refused
from ..schemas import (
    Actor,
    ActorMembershipList,
    ActorSettings,
    ActorsFound,
    Contact,
    ContactList,
)

MERGE_CANDIDATES = 25
PEOPLE = 200


def _base(region: str) -> str:
    return f"/actors/regions/{region}"


def _settings(found: Any) -> ActorSettings | None:
    return ActorSettings.model_validate(found) if found else None


async def settings(services: Services, region: str) -> ActorSettings | None:
    """The region's settings (its name, country and municipalities); None before they are set."""
    return _settings(await services.optional("actors", f"{_base(region)}/settings"))


@dataclass
class ActorsPage:
    found: ActorsFound
    settings: ActorSettings | None


async def load_actors(services: Services, region: str, query: ActorQuery) -> ActorsPage:
    """A page of the region's actors as filtered, and the region's settings: two calls at once."""
    found, known = await services.gather(
        services.json("actors", f"{_base(region)}/actors", query.service_params()),
        services.optional("actors", f"{_base(region)}/settings"),
    )
    return ActorsPage(ActorsFound.model_validate(found), _settings(known))


@dataclass
class ActorPage:
    actor: Actor
    people: ContactList
    memberships: ActorMembershipList
    settings: ActorSettings | None
    merged_into: Actor | None = None


async def load_actor(services: Services, region: str, actor_id: UUID) -> ActorPage:
    """One actor, its people (those erased too: their records stay), the groups it is and was in,
    and the region's settings: four calls at once; a fifth for the actor a duplicate was merged
    into. Another region's actor is :class:`~kraftsamla_web.adapters.services.NotFound`."""
    base = _base(region)
    found, people, memberships, known = await services.gather(
        services.json("actors", f"{base}/actors/{actor_id}"),
        services.json(
            "actors", f"{base}/people", {"actor_id": str(actor_id), "include_erased": "true", "limit": PEOPLE}
        ),
        services.json("actors", f"{base}/actors/{actor_id}/memberships", {"limit": 500}),
        services.optional("actors", f"{base}/settings"),
    )
    actor = Actor.model_validate(found)
    survivor = None
    if actor.merged_into_id is not None:
        survivor = Actor.model_validate(
            await services.json("actors", f"{base}/actors/{actor.merged_into_id}")
        )
    return ActorPage(
        actor=actor,
        people=ContactList.model_validate(people),
        memberships=ActorMembershipList.model_validate(memberships),
        settings=_settings(known),
        merged_into=survivor,
    )


async def register(services: Services, region: str, body: dict[str, Any]) -> tuple[Actor, bool]:
    """Register an actor: it, and whether it is new (200: the organisation was registered already,
    nothing changed)."""
    sent = await services.send("POST", "actors", f"{_base(region)}/actors", json=body)
    return Actor.model_validate(sent.body), sent.status == 201


async def check_registration(services: Services, region: str, body: dict[str, Any]) -> Actor | None:
    """A registration checked and not made (``dry_run=true``): the actor the organisation is
    registered as already, or None where a post would register it. The service's refusal (422,
    each field that is wrong) is :class:`Refused`."""
    sent = await services.send(
        "POST", "actors", f"{_base(region)}/actors", json=body, params={"dry_run": "true"}
    )
    found = sent.body.get("actor") if isinstance(sent.body, dict) else None
    return Actor.model_validate(found) if found else None


async def _import(services: Services, region: str, data: bytes, media_type: str, **params: Any) -> Sent:
    return await services.send(
        "POST",
        "actors",
        f"{_base(region)}/actors/import",
        content=data,
        content_type=media_type,
        params=params,
    )


async def check_import(services: Services, region: str, data: bytes, media_type: str) -> ImportCheck:
    """Every bad row of a file, by line and field, with nothing written: the import's dry run
    (all or nothing), whose 422 lists the bad rows where the service takes no dry run. A service
    without dry runs imports a file that has no bad row (``written``). Refusals that name no row
    (413, 415, a file that cannot be read) are :class:`Refused`."""
    try:
        sent = await _import(services, region, data, media_type, mode="all_or_nothing", dry_run="true")
    except Refused as refused:
        found = import_refused(refused.problem) if refused.status == 422 else None
        if found is None:
            raise
        return found
    return import_answered(sent.body or {})


async def run_import(services: Services, region: str, data: bytes, media_type: str, mode: str) -> ImportCheck:
    """Import a file: every row (``all_or_nothing``) or the good ones (``valid_rows``)."""
    sent = await _import(services, region, data, media_type, mode=mode)
    return import_answered(sent.body or {})


@dataclass
class MergePage:
    actor: Actor
    candidates: ActorsFound | None
    other: Actor | None
    settings: ActorSettings | None


async def load_merge(
    services: Services, region: str, actor_id: UUID, q: str, other_id: UUID | None
) -> MergePage:
    """The actor, the region's actors whose name holds ``q`` (the duplicates to choose from), or
    the other actor chosen, and the region's settings: three calls at once."""
    base = _base(region)
    other_call = (
        services.json("actors", f"{base}/actors/{other_id}")
        if other_id
        else services.json("actors", f"{base}/actors", {"q": q or None, "limit": MERGE_CANDIDATES})
    )
    found, other, known = await services.gather(
        services.json("actors", f"{base}/actors/{actor_id}"),
        other_call,
        services.optional("actors", f"{base}/settings"),
    )
    return MergePage(
        actor=Actor.model_validate(found),
        candidates=None if other_id else ActorsFound.model_validate(other),
        other=Actor.model_validate(other) if other_id else None,
        settings=_settings(known),
    )


async def merge(services: Services, region: str, duplicate: UUID, survivor: UUID) -> Actor:
    """Merge the duplicate into the survivor (its people, memberships and participations move)."""
    sent = await services.send(
        "POST",
        "actors",
        f"{_base(region)}/actors/{duplicate}/merge",
        json={"into_actor_id": str(survivor)},
    )
    return Actor.model_validate(sent.body)


@dataclass
class PersonPage:
    actor: Actor
    person: Contact
    settings: ActorSettings | None


async def load_person(services: Services, region: str, actor_id: UUID, person_id: UUID) -> PersonPage:
    base = _base(region)
    found, person, known = await services.gather(
        services.json("actors", f"{base}/actors/{actor_id}"),
        services.json("actors", f"{base}/people/{person_id}"),
        services.optional("actors", f"{base}/settings"),
    )
    return PersonPage(Actor.model_validate(found), Contact.model_validate(person), _settings(known))


async def erase_person(services: Services, region: str, person_id: UUID) -> None:
    """Erase a person's personal data (name, role, e-mail) for good; the pseudonymous record stays."""
    await services.send("DELETE", "actors", f"{_base(region)}/people/{person_id}")
