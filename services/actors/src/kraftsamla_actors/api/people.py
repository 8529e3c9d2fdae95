"""Contact people of the region's actors."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response, status

from kraftsamla_common.auth import EditScope, LeadScope, ReadScope
from kraftsamla_common.service import PageDep, UowDep, region_router

from ..persistence.tables import Person
from ..schemas import PeoplePublic, PersonCreate, PersonPublic
from ..usecases import people

router = region_router("actors")


def _person_public(p: Person) -> PersonPublic:
    return PersonPublic(
        id=UUID(p.id),
        actor_id=UUID(p.actor_id),
        name=p.name,
        role=p.role,
        email=p.email,
        erased=p.erased_at is not None,
        created_at=p.created_at,
    )


@router.post("/actors/{actor_id}/people", status_code=status.HTTP_201_CREATED, response_model=PersonPublic)
async def add_person(actor_id: UUID, body: PersonCreate, scope: LeadScope, uow: UowDep) -> PersonPublic:
    """Add a contact person to an actor: name, and only if needed role and e-mail."""
    return _person_public(await people.add_person(uow, actor_id, body))


@router.get("/people", response_model=PeoplePublic)
async def list_people(
    scope: ReadScope, uow: UowDep, page: PageDep, actor_id: UUID | None = None, include_erased: bool = False
) -> PeoplePublic:
    rows, total = await people.list_people(uow, page, actor_id=actor_id, include_erased=include_erased)
    return PeoplePublic(data=[_person_public(p) for p in rows], count=total)


@router.get("/people/{person_id}", response_model=PersonPublic)
async def get_person(person_id: UUID, scope: ReadScope, uow: UowDep) -> PersonPublic:
    return _person_public(await people.get_person(uow, person_id))


@router.delete("/people/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase_person(person_id: UUID, scope: EditScope, uow: UowDep) -> Response:
    """Erase a person's personal data (GDPR art. 17): name, role and e-mail are deleted for good.
    The pseudonymous record stays, so memberships, participations and unique-participant counts
    stay right. Erasing twice is harmless."""
    await people.erase_person(uow, person_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
