"""Actors: registering organisations (one by one, or a list from CSV), finding, changing and
merging them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError

from kraftsamla_common.errors import Unprocessable
from kraftsamla_common.events import (
    ActorMerged,
    ActorRegistered,
    ActorState,
    ActorUpdated,
    Helix,
    new_id,
    utcnow,
)
from kraftsamla_common.exports import EXPORT_PAGE, within_bound
from kraftsamla_common.imports import read_table
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain import codes, csv_import
from ..domain.csv_import import ImportedRow, ImportMode, ImportReport, RowError
from ..persistence.queries import active_on, paged
from ..persistence.tables import Actor, Engagement, Membership, Participant, Person
from ..schemas import ActorCreate, ActorUpdate, MergeRequest
from . import references
from .engagements import engagement_event, participants
from .memberships import emit_membership
from .shared import find_actor, find_group, today


async def _existing(uow: UnitOfWork, country: str, identifier: str) -> Actor | None:
    """The region's actor with this identifier, or the actor it was merged into."""
    found: Actor | None = await uow.session.scalar(
        select(Actor).where(
            Actor.region == uow.region, Actor.country == country, Actor.identifier == identifier
        )
    )
    while found is not None and found.merged_into_id is not None:
        found = await uow.session.get(Actor, found.merged_into_id)
    return found


def _checked(body: ActorCreate) -> tuple[str, str | None, list[dict[str, Any]]]:
    identifier, nace, errors = codes.registration_errors(
        body.country, body.identifier, body.municipality, body.nace
    )
    return identifier or "", nace, errors


def _new_actor(uow: UnitOfWork, body: ActorCreate, identifier: str, nace: str | None) -> Actor:
    now = utcnow()
    actor = Actor(
        id=str(new_id()),
        region=uow.region,
        name=body.name,
        country=body.country,
        identifier=identifier,
        helix=body.helix,
        municipality=body.municipality,
        nace=nace,
        size_class=body.size_class,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(actor)
    return actor


def _actor_state(cls: type[ActorState], a: Actor) -> ActorState:
    return cls(
        actor_id=UUID(a.id),
        name=a.name,
        country=a.country,  # type: ignore[arg-type]
        identifier=a.identifier,
        helix=a.helix,  # type: ignore[arg-type]
        municipality=a.municipality,
        nace=a.nace,
        size_class=a.size_class,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Registration:
    """What registering an organisation would do: its identifier and NACE code as they would be
    kept, and the region's actor it already is (None: it would be registered)."""

    identifier: str
    nace: str | None
    existing: Actor | None


async def check_registration(uow: UnitOfWork, body: ActorCreate) -> Registration:
    """The checks of a registration, writing nothing: the identifier (its check digit), the
    municipality and the NACE code (422 naming each field that is wrong), and whether the
    organisation is registered in the region already. Registering runs exactly these."""
    identifier, nace, errors = _checked(body)
    if errors:
        raise Unprocessable("The actor cannot be registered.", errors)
    return Registration(identifier, nace, await _existing(uow, body.country, identifier))


async def register_actor(uow: UnitOfWork, body: ActorCreate) -> tuple[Actor, bool]:
    """Register an organisation as an actor of the region: the actor, and whether it is new.

    The identifier is checked and normalised; an organisation already registered in the region
    (same country and identifier) is answered as it is, and nothing is announced.
    """
    checked = await check_registration(uow, body)
    if checked.existing is not None:
        return checked.existing, False
    identifier = checked.identifier
    actor = _new_actor(uow, body, identifier, checked.nace)
    try:
        await uow.session.flush()
        uow.emit(_actor_state(ActorRegistered, actor), subject=actor.id)
        await uow.commit()
    except IntegrityError:
        # A concurrent request registered the same organisation first: answer with theirs.
        await uow.session.rollback()
        found = await _existing(uow, body.country, identifier)
        if found is None:
            raise
        return found, False
    return actor, True


def _row_errors(line: int, exc: ValidationError) -> list[RowError]:
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        out.append(RowError(line=line, field=str(loc[0]) if loc else None, message=err.get("msg", "")))
    return out


def _read(raw: bytes, content_type: str | None) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded CSV or XLSX file, within the limits of one import."""
    table = read_table(raw, content_type)
    try:
        return csv_import.actor_rows(table.header, [(r.line, r.cells, r.formulas) for r in table.rows])
    except csv_import.CsvFormatError as exc:
        raise Unprocessable(
            f"The file cannot be read: {exc}.", [{"pointer": "", "message": str(exc)}]
        ) from None


async def import_actors(
    uow: UnitOfWork, raw: bytes, *, mode: ImportMode, dry_run: bool = False, content_type: str | None = None
) -> ImportReport:
    """Import the region's list of actors from CSV or XLSX, in one transaction.

    Every bad row is reported with its line number, the field and the reason. In
    ``all_or_nothing`` mode one bad row means nothing is imported (422, with the report); in
    ``valid_rows`` mode the good rows are imported and the bad ones reported. Organisations
    already registered (or listed twice) are not duplicated: they count as existing. A dry run
    checks every row and reports what an import would do, and writes nothing (200, bad rows or not).
    """
    rows = _read(raw, content_type)
    errors: list[RowError] = []
    good: list[tuple[int, ActorCreate, str, str | None]] = []
    for line, row in rows:
        if row.pop("__extra__", None):
            errors.append(RowError(line=line, field=None, message="more cells than columns"))
            continue
        if (column := row.pop("__formula__", None)) is not None:
            errors.append(
                RowError(
                    line=line, field=column, message="a formula is not evaluated: enter the value itself"
                )
            )
            continue
        try:
            body = ActorCreate.model_validate(row)
        except ValidationError as exc:
            errors += _row_errors(line, exc)
            continue
        identifier, nace, problems = _checked(body)
        if problems:
            errors += [
                RowError(line=line, field=p["pointer"].lstrip("/"), message=p["message"]) for p in problems
            ]
            continue
        good.append((line, body, identifier, nace))

    rejected = len({e.line for e in errors})
    if errors and mode == "all_or_nothing" and not dry_run:
        raise Unprocessable(
            f"{rejected} of {len(rows)} rows are bad; nothing was imported. Correct them, or import with "
            "mode=valid_rows to import the good rows.",
            [e._asdict() for e in errors],
        )
    report = ImportReport(mode=mode, dry_run=dry_run, rows=len(rows), rejected=rejected, errors=errors)
    seen: dict[tuple[str, str], Actor | None] = {}
    for line, body, identifier, nace in good:
        key = (body.country, identifier)
        actor = seen[key] if key in seen else await _existing(uow, *key)
        if key in seen or actor is not None:
            seen[key] = actor
            report.existing += 1
            report.imported.append(
                ImportedRow(line=line, actor_id=actor.id if actor else None, status="existing")
            )
            continue
        if dry_run:
            seen[key] = None
            report.created += 1
            report.imported.append(ImportedRow(line=line, actor_id=None, status="created"))
            continue
        actor = _new_actor(uow, body, identifier, nace)
        seen[key] = actor
        uow.emit(_actor_state(ActorRegistered, actor), subject=actor.id)
        report.created += 1
        report.imported.append(ImportedRow(line=line, actor_id=actor.id, status="created"))
    if not dry_run:
        await uow.commit()
    return report


async def list_actors(
    uow: UnitOfWork,
    page: Page,
    *,
    helix: Helix | None = None,
    municipality: str | None = None,
    industry: str | None = None,
    group_id: UUID | None = None,
    at: date | None = None,
    q: str | None = None,
    include_merged: bool = False,
) -> tuple[list[Actor], int]:
    """The region's actors, oldest first, and how many match the filters in all."""
    where: list[ColumnElement[bool]] = [Actor.region == uow.region]
    if not include_merged:
        where.append(Actor.merged_into_id.is_(None))
    if helix is not None:
        where.append(Actor.helix == helix)
    if municipality is not None:
        where.append(Actor.municipality == municipality)
    if industry is not None:
        where.append(Actor.nace.startswith(industry.strip(), autoescape=True))
    if q:
        where.append(func.lower(Actor.name).contains(q.lower(), autoescape=True))
    if group_id is not None:
        where.append(
            Actor.id.in_(
                select(Membership.actor_id).where(
                    Membership.region == uow.region,
                    Membership.group_id == str(group_id),
                    *active_on(at or today()),
                )
            )
        )
    return await paged(uow, Actor, where, (Actor.created_at, Actor.id), page)


async def export_actors(uow: UnitOfWork, **filters: Any) -> list[Actor]:
    """The actors :func:`list_actors` finds with ``filters``, all of them (at most
    :data:`~kraftsamla_common.exports.MAX_ROWS`: 422 above), for a download."""
    rows, total = await list_actors(uow, EXPORT_PAGE, **filters)
    within_bound(total)
    return rows


async def get_actor(uow: UnitOfWork, actor_id: UUID) -> Actor:
    return await find_actor(uow, actor_id)


async def update_actor(uow: UnitOfWork, actor_id: UUID, body: ActorUpdate) -> Actor:
    """Change an actor's name, helix type, municipality, industry or size class."""
    a = await find_actor(uow, actor_id, live=True)
    changes = body.model_dump(exclude_unset=True)
    _, nace, errors = codes.registration_errors(
        a.country,  # type: ignore[arg-type]
        None,
        changes.get("municipality"),
        changes.get("nace"),
    )
    for required in ("name", "helix"):
        if required in changes and changes[required] is None:
            errors.append({"pointer": f"/{required}", "message": "cannot be removed"})
    if errors:
        raise Unprocessable("The actor cannot be changed.", errors)
    if "nace" in changes:
        changes["nace"] = nace
    if any(getattr(a, k) != v for k, v in changes.items()):
        for k, v in changes.items():
            setattr(a, k, v)
        a.updated_at = utcnow()
        uow.emit(_actor_state(ActorUpdated, a), subject=a.id)
    await uow.commit()
    return a


async def merge_actors(uow: UnitOfWork, actor_id: UUID, body: MergeRequest) -> Actor:
    """Merge a duplicate into another actor: its people, memberships and participations move to
    ``into_actor_id``; the duplicate stays readable, pointing at it. Answers the surviving actor."""
    into_actor_id = body.into_actor_id
    if into_actor_id == actor_id:
        raise Unprocessable(
            "An actor cannot be merged into itself.", [{"pointer": "/into_actor_id", "message": "same actor"}]
        )
    source = await find_actor(uow, actor_id, live=True)
    await references.check(uow, body, "The actors cannot be merged.")
    target = await find_actor(uow, into_actor_id, live=True, pointer="/into_actor_id")
    for model in (Person, Membership, Participant):
        await uow.session.execute(
            update(model).where(model.actor_id == source.id).values(actor_id=target.id)  # type: ignore[attr-defined]
        )
    await uow.session.execute(
        update(Actor).where(Actor.merged_into_id == source.id).values(merged_into_id=target.id)
    )
    source.merged_into_id, source.updated_at = target.id, utcnow()
    uow.emit(ActorMerged(actor_id=actor_id, into_actor_id=into_actor_id), subject=source.id)
    # Re-announce what moved, so that consumers keep event-carried state without merge logic.
    await uow.session.flush()
    for m in (await uow.session.scalars(select(Membership).where(Membership.actor_id == target.id))).all():
        await emit_membership(uow, await find_group(uow, m.group_id), m)
    moved = select(Participant.engagement_id).where(Participant.actor_id == target.id)
    affected = (await uow.session.scalars(select(Engagement).where(Engagement.id.in_(moved)))).all()
    listed = await participants(uow, affected)
    for e in affected:
        uow.emit(engagement_event(e, listed[e.id]), subject=e.id)
    await uow.commit()
    return target
