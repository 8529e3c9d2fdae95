"""HTTP routes of the actors service: /actors/regions/{region}/…"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError

from kraftsamla_common.auth import EditScope, ReadScope
from kraftsamla_common.errors import NotFound, Unprocessable
from kraftsamla_common.events import ActorRegistered, Helix, new_id, utcnow
from kraftsamla_common.service import UowDep

from . import domain
from .models import Actor
from .schemas import ActorCreate, ActorPublic, ActorsPublic

router = APIRouter(prefix="/actors/regions/{region}", tags=["actors"])


def _public(a: Actor) -> ActorPublic:
    return ActorPublic.model_validate(a)


async def _existing(uow: UowDep, region: str, country: str, identifier: str) -> Actor | None:
    found: Actor | None = await uow.session.scalar(
        select(Actor).where(Actor.region == region, Actor.country == country, Actor.identifier == identifier)
    )
    return found


@router.post(
    "/actors",
    status_code=status.HTTP_201_CREATED,
    response_model=ActorPublic,
    responses={200: {"model": ActorPublic, "description": "Already registered; nothing changed"}},
)
async def register_actor(body: ActorCreate, scope: EditScope, uow: UowDep, response: Response) -> ActorPublic:
    """Register an organisation as an actor of the region.

    The identifier is checked and normalised; an organisation already registered in the region
    (same country and identifier) is returned as it is, with 200, and nothing is announced.
    """
    identifier, errors = domain.registration_errors(
        body.country, body.identifier, body.municipality, body.nace
    )
    if errors or identifier is None:
        raise Unprocessable("The actor cannot be registered.", errors)
    found = await _existing(uow, scope.region, body.country, identifier)
    if found is not None:
        response.status_code = status.HTTP_200_OK
        return _public(found)
    actor = Actor(
        id=str(new_id()),
        region=scope.region,
        name=body.name,
        country=body.country,
        identifier=identifier,
        helix=body.helix,
        municipality=body.municipality,
        nace=body.nace,
        size_class=body.size_class,
        created_at=utcnow(),
    )
    uow.session.add(actor)
    try:
        await uow.session.flush()
        uow.emit(
            ActorRegistered(
                actor_id=UUID(actor.id),
                name=actor.name,
                country=body.country,
                identifier=identifier,
                helix=body.helix,
                municipality=actor.municipality,
                nace=actor.nace,
            ),
            region=scope.region,
            subject=actor.id,
        )
        await uow.commit()
    except IntegrityError:
        # A concurrent request registered the same organisation first: answer with theirs.
        await uow.session.rollback()
        found = await _existing(uow, scope.region, body.country, identifier)
        if found is None:
            raise
        response.status_code = status.HTTP_200_OK
        return _public(found)
    return _public(actor)


@router.get("/actors", response_model=ActorsPublic)
async def list_actors(
    scope: ReadScope,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    helix: Helix | None = None,
    municipality: Annotated[str | None, Query(max_length=4)] = None,
) -> ActorsPublic:
    """The region's actors, oldest first; ``count`` is the total that match the filters."""
    where: list[ColumnElement[bool]] = [Actor.region == scope.region]
    if helix is not None:
        where.append(Actor.helix == helix)
    if municipality is not None:
        where.append(Actor.municipality == municipality)
    actors = (
        await uow.session.scalars(
            select(Actor).where(*where).order_by(Actor.created_at, Actor.id).limit(limit).offset(offset)
        )
    ).all()
    total = await uow.session.scalar(select(func.count()).select_from(Actor).where(*where))
    return ActorsPublic(data=[_public(a) for a in actors], count=total or 0)


@router.get("/actors/{actor_id}", response_model=ActorPublic)
async def get_actor(actor_id: UUID, scope: ReadScope, uow: UowDep) -> ActorPublic:
    a = await uow.session.get(Actor, str(actor_id))
    if a is None or a.region != scope.region:
        raise NotFound("Actor", actor_id)
    return _public(a)
