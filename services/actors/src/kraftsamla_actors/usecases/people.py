"""Contact people of actors: the least personal data that serves, and its erasure."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement

from kraftsamla_common.errors import NotFound
from kraftsamla_common.events import PersonAdded, PersonErased, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..persistence.queries import paged
from ..persistence.tables import Person
from ..schemas import PersonCreate
from .shared import find_actor


async def _person(uow: UnitOfWork, person_id: UUID | str) -> Person:
    p = await uow.session.get(Person, str(person_id))
    if p is None or p.region != uow.region:
        raise NotFound("Person", person_id)
    return p


async def add_person(uow: UnitOfWork, actor_id: UUID, body: PersonCreate) -> Person:
    """Add a contact person to an actor: name, and only if needed role and e-mail."""
    a = await find_actor(uow, actor_id, live=True)
    p = Person(
        id=str(new_id()),
        region=uow.region,
        actor_id=a.id,
        name=body.name,
        role=body.role,
        email=body.email,
        created_at=utcnow(),
    )
    uow.session.add(p)
    uow.emit(PersonAdded(person_id=UUID(p.id), actor_id=actor_id, role=body.role), subject=p.id)
    await uow.commit()
    return p


async def list_people(
    uow: UnitOfWork, page: Page, *, actor_id: UUID | None = None, include_erased: bool = False
) -> tuple[list[Person], int]:
    where: list[ColumnElement[bool]] = [Person.region == uow.region]
    if actor_id is not None:
        where.append(Person.actor_id == str(actor_id))
    if not include_erased:
        where.append(Person.erased_at.is_(None))
    return await paged(uow, Person, where, (Person.created_at, Person.id), page)


async def get_person(uow: UnitOfWork, person_id: UUID) -> Person:
    return await _person(uow, person_id)


async def erase_person(uow: UnitOfWork, person_id: UUID) -> None:
    """Erase a person's personal data (GDPR art. 17): name, role and e-mail are deleted for good.
    The pseudonymous record stays, so memberships, participations and unique-participant counts
    stay right. Erasing twice is harmless."""
    p = await _person(uow, person_id)
    if p.erased_at is None:
        p.name = p.role = p.email = None
        p.erased_at = utcnow()
        uow.emit(PersonErased(person_id=person_id), subject=p.id)
        await uow.commit()
