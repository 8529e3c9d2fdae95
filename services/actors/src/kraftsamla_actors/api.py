"""HTTP routes of the actors service: /actors/regions/{region}/…"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import ValidationError
from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from kraftsamla_common import annual_cycle
from kraftsamla_common.auth import EDITORS, EditScope, ReadScope, Role, Scope, region_scope
from kraftsamla_common.errors import Conflict, NotFound, Problem, Unprocessable
from kraftsamla_common.events import (
    ActorMerged,
    ActorRegistered,
    ActorState,
    ActorUpdated,
    CyclePlanned,
    EngagementKind,
    EngagementRecorded,
    GroupCreated,
    GroupKind,
    GroupUpdated,
    Helix,
    MembershipChanged,
    PersonAdded,
    PersonErased,
    RegionConfigured,
    new_id,
    utcnow,
)
from kraftsamla_common.service import Page, PageDep, UowDep

from . import domain, reference
from .models import (
    Actor,
    Cycle,
    Engagement,
    Group,
    KnownStrengthArea,
    Membership,
    Participant,
    Person,
    RegionSettings,
)
from .schemas import (
    ActorCreate,
    ActorPublic,
    ActorsPublic,
    ActorUpdate,
    AreaParticipation,
    CompositionPublic,
    CountPublic,
    CycleCreate,
    CycleFollowUpPublic,
    CyclePublic,
    CyclesPublic,
    EngagementPublic,
    EngagementsPublic,
    EngagementWrite,
    FollowUpPublic,
    GapPublic,
    GroupCreate,
    GroupPublic,
    GroupsPublic,
    GroupUpdate,
    ImportedRow,
    ImportError_,
    ImportReport,
    MemberCreate,
    MemberPublic,
    MembersPublic,
    MemberUpdate,
    MergeRequest,
    MunicipalityPublic,
    ParticipantPublic,
    ParticipationFigures,
    ParticipationPublic,
    PeoplePublic,
    PersonCreate,
    PersonPublic,
    SettingsPublic,
    SettingsWrite,
    StrengthAreaPublic,
)

router = APIRouter(prefix="/actors/regions/{region}", tags=["actors"])

LeadScope = Annotated[Scope, Depends(region_scope(*EDITORS, Role.ASSESSOR))]
"""Region administrators and process leaders (assessors), who run the partnerships day to day."""

CSV_MAX_BYTES = 5 * 1024 * 1024
CSV_MAX_ROWS = 10_000
AtQuery = Annotated[date | None, Query(description="The date to ask about (default: today)")]


# --------------------------------------------------------------------------- helpers


def _today() -> date:
    return utcnow().date()


async def _paged(
    uow: UowDep, model: type[Any], where: Sequence[ColumnElement[bool]], order: Sequence[Any], page: Page
) -> tuple[list[Any], int]:
    """One page of ``model`` rows matching ``where``, and how many match in all."""
    rows = (
        await uow.session.scalars(
            select(model).where(*where).order_by(*order).limit(page.limit).offset(page.offset)
        )
    ).all()
    total = await uow.session.scalar(select(func.count()).select_from(model).where(*where))
    return list(rows), total or 0


async def _actor(uow: UowDep, region: str, actor_id: UUID | str, *, live: bool = False) -> Actor:
    a = await uow.session.get(Actor, str(actor_id))
    if a is None or a.region != region:
        raise NotFound("Actor", actor_id)
    if live and a.merged_into_id is not None:
        raise Unprocessable(
            f"Actor {actor_id} was merged into {a.merged_into_id}.",
            [{"pointer": "/actor_id", "message": f"merged into {a.merged_into_id}; use that actor"}],
        )
    return a


def _actor_public(a: Actor) -> ActorPublic:
    place = reference.municipality(a.country, a.municipality) if a.municipality else None
    return ActorPublic(
        id=UUID(a.id),
        region=a.region,
        name=a.name,
        country=a.country,  # type: ignore[arg-type]
        identifier=a.identifier,
        helix=a.helix,  # type: ignore[arg-type]
        municipality=a.municipality,
        municipality_name=place.name if place else None,
        nace=a.nace,
        nace_label=reference.nace_label(a.nace) if a.nace else None,
        size_class=a.size_class,  # type: ignore[arg-type]
        merged_into_id=UUID(a.merged_into_id) if a.merged_into_id else None,
        created_at=a.created_at,
        updated_at=a.updated_at,
    )


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


async def _settings(uow: UowDep, region: str) -> RegionSettings | None:
    return await uow.session.get(RegionSettings, region)


async def _municipality_errors(
    uow: UowDep, region: str, code: str | None, pointer: str
) -> list[dict[str, Any]]:
    """A municipality must exist; once the region's settings are made, in the region's country."""
    if code is None:
        return []
    settings = await _settings(uow, region)
    country: reference.Country = settings.country if settings else ("SE" if len(code) == 4 else "FI")  # type: ignore[assignment]
    try:
        domain.check_municipality(country, code)
    except domain.InvalidCode as exc:
        return [{"pointer": pointer, "message": str(exc)}]
    return []


async def _unknown_areas(uow: UowDep, region: str, ids: Iterable[UUID], pointer: str) -> list[dict[str, Any]]:
    wanted = {str(i) for i in ids}
    if not wanted:
        return []
    known = set(
        (
            await uow.session.scalars(
                select(KnownStrengthArea.id).where(
                    KnownStrengthArea.region == region, KnownStrengthArea.id.in_(wanted)
                )
            )
        ).all()
    )
    return [
        {"pointer": pointer, "message": f"no strength area {sa} in this region's programmes"}
        for sa in sorted(wanted - known)
    ]


# --------------------------------------------------------------------------- settings


def _settings_public(s: RegionSettings) -> SettingsPublic:
    names = {m.code: m.name for m in reference.municipalities_of(s.country)}
    return SettingsPublic(
        region=s.region,
        country=s.country,  # type: ignore[arg-type]
        county=s.county,
        municipalities=[MunicipalityPublic(code=c, name=names.get(c, c)) for c in s.municipalities],
        dominance_threshold=s.dominance_threshold,
        updated_at=s.updated_at,
    )


@router.get("/settings", response_model=SettingsPublic)
async def get_settings(scope: ReadScope, uow: UowDep) -> SettingsPublic:
    """The region's country, municipalities and dominance threshold used for composition gaps."""
    s = await _settings(uow, scope.region)
    if s is None:
        raise NotFound("Settings of region", scope.region)
    return _settings_public(s)


@router.put("/settings", response_model=SettingsPublic)
async def put_settings(body: SettingsWrite, scope: EditScope, uow: UowDep) -> SettingsPublic:
    """Set the region's municipalities (by county, or listed) and the dominance threshold."""
    errors: list[dict[str, Any]] = []
    if body.municipalities:
        codes = list(dict.fromkeys(body.municipalities))
        for i, code in enumerate(body.municipalities):
            if reference.municipality(body.country, code) is None:
                errors.append(
                    {
                        "pointer": f"/municipalities/{i}",
                        "message": f"no municipality {code} in {body.country}",
                    }
                )
    else:
        assert body.county is not None
        codes = [m.code for m in reference.municipalities_of(body.country, body.county)]
        if not codes:
            errors.append({"pointer": "/county", "message": f"no county {body.county} in {body.country}"})
    if errors:
        raise Unprocessable("The settings cannot be saved.", errors)
    s = await _settings(uow, scope.region)
    if s is None:
        s = RegionSettings(region=scope.region)
        uow.session.add(s)
    s.country, s.county, s.municipalities = body.country, body.county, codes
    s.dominance_threshold, s.updated_at = body.dominance_threshold, utcnow()
    uow.emit(
        RegionConfigured(country=body.country, county=body.county, municipalities=codes),
        region=scope.region,
        subject=scope.region,
    )
    await uow.commit()
    return _settings_public(s)


@router.get("/strength-areas", response_model=list[StrengthAreaPublic])
async def list_strength_areas(scope: ReadScope, uow: UowDep) -> list[StrengthAreaPublic]:
    """The region's strength areas as announced by the plans service; groups, engagements and
    cycles refer to them by id."""
    rows = (
        await uow.session.scalars(
            select(KnownStrengthArea)
            .where(KnownStrengthArea.region == scope.region)
            .order_by(KnownStrengthArea.code)
        )
    ).all()
    return [
        StrengthAreaPublic(id=UUID(r.id), programme_id=UUID(r.programme_id), code=r.code, name=r.name)
        for r in rows
    ]


# --------------------------------------------------------------------------- actors


async def _existing(uow: UowDep, region: str, country: str, identifier: str) -> Actor | None:
    found: Actor | None = await uow.session.scalar(
        select(Actor).where(Actor.region == region, Actor.country == country, Actor.identifier == identifier)
    )
    while found is not None and found.merged_into_id is not None:
        found = await uow.session.get(Actor, found.merged_into_id)
    return found


def _checked(body: ActorCreate) -> tuple[str, str | None, list[dict[str, Any]]]:
    identifier, nace, errors = domain.registration_errors(
        body.country, body.identifier, body.municipality, body.nace
    )
    return identifier or "", nace, errors


def _new_actor(region: str, body: ActorCreate, identifier: str, nace: str | None) -> Actor:
    now = utcnow()
    return Actor(
        id=str(new_id()),
        region=region,
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


@router.post(
    "/actors",
    status_code=status.HTTP_201_CREATED,
    response_model=ActorPublic,
    responses={200: {"model": ActorPublic, "description": "Already registered; nothing changed"}},
)
async def register_actor(body: ActorCreate, scope: LeadScope, uow: UowDep, response: Response) -> ActorPublic:
    """Register an organisation as an actor of the region.

    The identifier is checked and normalised; an organisation already registered in the region
    (same country and identifier) is returned as it is, with 200, and nothing is announced.
    """
    identifier, nace, errors = _checked(body)
    if errors:
        raise Unprocessable("The actor cannot be registered.", errors)
    found = await _existing(uow, scope.region, body.country, identifier)
    if found is not None:
        response.status_code = status.HTTP_200_OK
        return _actor_public(found)
    actor = _new_actor(scope.region, body, identifier, nace)
    uow.session.add(actor)
    try:
        await uow.session.flush()
        uow.emit(_actor_state(ActorRegistered, actor), region=scope.region, subject=actor.id)
        await uow.commit()
    except IntegrityError:
        # A concurrent request registered the same organisation first: answer with theirs.
        await uow.session.rollback()
        found = await _existing(uow, scope.region, body.country, identifier)
        if found is None:
            raise
        response.status_code = status.HTTP_200_OK
        return _actor_public(found)
    return _actor_public(actor)


def _row_errors(line: int, exc: ValidationError) -> list[ImportError_]:
    out = []
    for err in exc.errors():
        loc = err.get("loc", ())
        out.append(ImportError_(line=line, field=str(loc[0]) if loc else None, message=err.get("msg", "")))
    return out


@router.post(
    "/actors/import",
    response_model=ImportReport,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "A CSV file with a header line: name, country, identifier, helix, municipality, "
            "nace, size_class (or the Swedish/Finnish names namn, organisationsnummer, kommunkod, sni, y-tunnus, "
            "kuntanumero…); comma, semicolon or tab separated, UTF-8.",
        }
    },
    responses={
        413: {"description": "More than 5 MB or 10,000 rows"},
        422: {
            "description": "In all_or_nothing mode: some rows are bad (``errors`` lists line, field and "
            "reason); nothing was imported"
        },
    },
)
async def import_actors(
    request: Request,
    scope: LeadScope,
    uow: UowDep,
    mode: Annotated[
        Literal["all_or_nothing", "valid_rows"],
        Query(description="all_or_nothing: import every row or none; valid_rows: import the good rows"),
    ] = "all_or_nothing",
) -> ImportReport:
    """Import the region's list of actors from CSV, in one transaction.

    Every bad row is reported with its line number, the field and the reason. In
    ``all_or_nothing`` mode (the default) one bad row means nothing is imported (422, with the
    report); in ``valid_rows`` mode the good rows are imported and the bad ones reported (200).
    Organisations already registered (or listed twice) are not duplicated: they count as existing.
    """
    raw = await request.body()
    if len(raw) > CSV_MAX_BYTES:
        raise Problem(
            413, "Content Too Large", f"An import holds at most {CSV_MAX_BYTES // (1024 * 1024)} MB."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable("The file is not UTF-8 text; save the CSV as UTF-8.") from None
    try:
        rows = domain.read_actors_csv(text)
    except domain.CsvFormatError as exc:
        raise Unprocessable(
            f"The file cannot be read: {exc}.", [{"pointer": "", "message": str(exc)}]
        ) from None
    if len(rows) > CSV_MAX_ROWS:
        raise Problem(
            413, "Content Too Large", f"An import holds at most {CSV_MAX_ROWS} rows; split the file."
        )

    errors: list[ImportError_] = []
    good: list[tuple[int, ActorCreate, str, str | None]] = []
    for line, row in rows:
        if row.pop("__extra__", None):
            errors.append(ImportError_(line=line, field=None, message="more cells than columns"))
            continue
        try:
            body = ActorCreate.model_validate(row)
        except ValidationError as exc:
            errors += _row_errors(line, exc)
            continue
        identifier, nace, problems = _checked(body)
        if problems:
            errors += [
                ImportError_(line=line, field=p["pointer"].lstrip("/"), message=p["message"])
                for p in problems
            ]
            continue
        good.append((line, body, identifier, nace))

    rejected = len({e.line for e in errors})
    if errors and mode == "all_or_nothing":
        raise Unprocessable(
            f"{rejected} of {len(rows)} rows are bad; nothing was imported. Correct them, or import with "
            "mode=valid_rows to import the good rows.",
            [e.model_dump() for e in errors],
        )
    report = ImportReport(
        mode=mode, rows=len(rows), created=0, existing=0, rejected=rejected, imported=[], errors=errors
    )
    seen: dict[tuple[str, str], Actor] = {}
    for line, body, identifier, nace in good:
        key = (body.country, identifier)
        actor = seen.get(key) or await _existing(uow, scope.region, *key)
        if actor is not None:
            seen[key] = actor
            report.existing += 1
            report.imported.append(ImportedRow(line=line, actor_id=UUID(actor.id), status="existing"))
            continue
        actor = _new_actor(scope.region, body, identifier, nace)
        uow.session.add(actor)
        seen[key] = actor
        uow.emit(_actor_state(ActorRegistered, actor), region=scope.region, subject=actor.id)
        report.created += 1
        report.imported.append(ImportedRow(line=line, actor_id=UUID(actor.id), status="created"))
    await uow.commit()
    return report


@router.get("/actors", response_model=ActorsPublic)
async def list_actors(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    helix: Helix | None = None,
    municipality: Annotated[str | None, Query(max_length=4)] = None,
    industry: Annotated[
        str | None, Query(max_length=10, description="NACE code or prefix: 62 matches 62.01 and 62.010")
    ] = None,
    group_id: Annotated[UUID | None, Query(description="Members of this group (on `at`)")] = None,
    at: AtQuery = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    include_merged: bool = False,
) -> ActorsPublic:
    """The region's actors, oldest first; ``count`` is the total that match the filters."""
    where: list[ColumnElement[bool]] = [Actor.region == scope.region]
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
        day = at or _today()
        where.append(
            Actor.id.in_(
                select(Membership.actor_id).where(
                    Membership.region == scope.region,
                    Membership.group_id == str(group_id),
                    Membership.joined_on <= day,
                    or_(Membership.left_on.is_(None), Membership.left_on > day),
                )
            )
        )
    actors, total = await _paged(uow, Actor, where, (Actor.created_at, Actor.id), page)
    return ActorsPublic(data=[_actor_public(a) for a in actors], count=total)


@router.get("/actors/{actor_id}", response_model=ActorPublic)
async def get_actor(actor_id: UUID, scope: ReadScope, uow: UowDep) -> ActorPublic:
    return _actor_public(await _actor(uow, scope.region, actor_id))


@router.patch("/actors/{actor_id}", response_model=ActorPublic)
async def update_actor(actor_id: UUID, body: ActorUpdate, scope: LeadScope, uow: UowDep) -> ActorPublic:
    """Change an actor's name, helix type, municipality, industry or size class."""
    a = await _actor(uow, scope.region, actor_id, live=True)
    changes = body.model_dump(exclude_unset=True)
    _, nace, errors = domain.registration_errors(
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
        uow.emit(_actor_state(ActorUpdated, a), region=scope.region, subject=a.id)
    await uow.commit()
    return _actor_public(a)


@router.post("/actors/{actor_id}/merge", response_model=ActorPublic)
async def merge_actor(actor_id: UUID, body: MergeRequest, scope: EditScope, uow: UowDep) -> ActorPublic:
    """Merge a duplicate into another actor: its people, memberships and participations move to
    ``into_actor_id``; the duplicate stays readable, pointing at it. Answers the surviving actor."""
    if body.into_actor_id == actor_id:
        raise Unprocessable(
            "An actor cannot be merged into itself.", [{"pointer": "/into_actor_id", "message": "same actor"}]
        )
    source = await _actor(uow, scope.region, actor_id, live=True)
    target = await _actor(uow, scope.region, body.into_actor_id, live=True)
    for model in (Person, Membership, Participant):
        await uow.session.execute(
            update(model).where(model.actor_id == source.id).values(actor_id=target.id)  # type: ignore[attr-defined]
        )
    await uow.session.execute(
        update(Actor).where(Actor.merged_into_id == source.id).values(merged_into_id=target.id)
    )
    source.merged_into_id, source.updated_at = target.id, utcnow()
    uow.emit(
        ActorMerged(actor_id=actor_id, into_actor_id=body.into_actor_id),
        region=scope.region,
        subject=source.id,
    )
    # Re-announce what moved, so that consumers keep event-carried state without merge logic.
    await uow.session.flush()
    for m in (await uow.session.scalars(select(Membership).where(Membership.actor_id == target.id))).all():
        await _emit_membership(uow, scope.region, await _group(uow, scope.region, m.group_id), m)
    moved = select(Participant.engagement_id).where(Participant.actor_id == target.id)
    affected = (await uow.session.scalars(select(Engagement).where(Engagement.id.in_(moved)))).all()
    listed = await _participants(uow, affected)
    for e in affected:
        uow.emit(_engagement_event(e, listed[e.id]), region=scope.region, subject=e.id)
    await uow.commit()
    return _actor_public(target)


# --------------------------------------------------------------------------- people


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


async def _person(uow: UowDep, region: str, person_id: UUID | str) -> Person:
    p = await uow.session.get(Person, str(person_id))
    if p is None or p.region != region:
        raise NotFound("Person", person_id)
    return p


@router.post("/actors/{actor_id}/people", status_code=status.HTTP_201_CREATED, response_model=PersonPublic)
async def add_person(actor_id: UUID, body: PersonCreate, scope: LeadScope, uow: UowDep) -> PersonPublic:
    """Add a contact person to an actor: name, and only if needed role and e-mail."""
    a = await _actor(uow, scope.region, actor_id, live=True)
    p = Person(
        id=str(new_id()),
        region=scope.region,
        actor_id=a.id,
        name=body.name,
        role=body.role,
        email=body.email,
        created_at=utcnow(),
    )
    uow.session.add(p)
    uow.emit(
        PersonAdded(person_id=UUID(p.id), actor_id=actor_id, role=body.role),
        region=scope.region,
        subject=p.id,
    )
    await uow.commit()
    return _person_public(p)


@router.get("/people", response_model=PeoplePublic)
async def list_people(
    scope: ReadScope, uow: UowDep, page: PageDep, actor_id: UUID | None = None, include_erased: bool = False
) -> PeoplePublic:
    where: list[ColumnElement[bool]] = [Person.region == scope.region]
    if actor_id is not None:
        where.append(Person.actor_id == str(actor_id))
    if not include_erased:
        where.append(Person.erased_at.is_(None))
    rows, total = await _paged(uow, Person, where, (Person.created_at, Person.id), page)
    return PeoplePublic(data=[_person_public(p) for p in rows], count=total)


@router.get("/people/{person_id}", response_model=PersonPublic)
async def get_person(person_id: UUID, scope: ReadScope, uow: UowDep) -> PersonPublic:
    return _person_public(await _person(uow, scope.region, person_id))


@router.delete("/people/{person_id}", status_code=status.HTTP_204_NO_CONTENT)
async def erase_person(person_id: UUID, scope: EditScope, uow: UowDep) -> Response:
    """Erase a person's personal data (GDPR art. 17): name, role and e-mail are deleted for good.
    The pseudonymous record stays, so memberships, participations and unique-participant counts
    stay right. Erasing twice is harmless."""
    p = await _person(uow, scope.region, person_id)
    if p.erased_at is None:
        p.name = p.role = p.email = None
        p.erased_at = utcnow()
        uow.emit(PersonErased(person_id=person_id), region=scope.region, subject=p.id)
        await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------- groups and memberships


async def _group(uow: UowDep, region: str, group_id: UUID | str) -> Group:
    g = await uow.session.get(Group, str(group_id))
    if g is None or g.region != region:
        raise NotFound("Group", group_id)
    return g


def _active(day: date) -> list[ColumnElement[bool]]:
    return [Membership.joined_on <= day, or_(Membership.left_on.is_(None), Membership.left_on > day)]


async def _group_public(uow: UowDep, g: Group) -> GroupPublic:
    members = await uow.session.scalar(
        select(func.count(func.distinct(Membership.actor_id))).where(
            Membership.group_id == g.id, *_active(_today())
        )
    )
    return GroupPublic(
        id=UUID(g.id),
        kind=g.kind,  # type: ignore[arg-type]
        name=g.name,
        description=g.description,
        strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
        members_now=members or 0,
        created_at=g.created_at,
    )


def _group_state(cls: type[GroupCreated] | type[GroupUpdated], g: Group) -> GroupCreated | GroupUpdated:
    return cls(
        group_id=UUID(g.id),
        kind=g.kind,  # type: ignore[arg-type]
        name=g.name,
        strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
    )


@router.post("/groups", status_code=status.HTTP_201_CREATED, response_model=GroupPublic)
async def create_group(body: GroupCreate, scope: LeadScope, uow: UowDep) -> GroupPublic:
    """Form a group: a strength area's broad partnership or steering group, a reference group,
    an advisory board, a working group."""
    ids = [body.strength_area_id] if body.strength_area_id else []
    errors = await _unknown_areas(uow, scope.region, ids, "/strength_area_id")
    if errors:
        raise Unprocessable("The group cannot be formed.", errors)
    g = Group(
        id=str(new_id()),
        region=scope.region,
        kind=body.kind,
        name=body.name,
        description=body.description,
        strength_area_id=str(body.strength_area_id) if body.strength_area_id else None,
        created_at=utcnow(),
    )
    uow.session.add(g)
    uow.emit(_group_state(GroupCreated, g), region=scope.region, subject=g.id)
    await uow.commit()
    return await _group_public(uow, g)


@router.get("/groups", response_model=GroupsPublic)
async def list_groups(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    kind: GroupKind | None = None,
    strength_area_id: UUID | None = None,
) -> GroupsPublic:
    where: list[ColumnElement[bool]] = [Group.region == scope.region]
    if kind is not None:
        where.append(Group.kind == kind)
    if strength_area_id is not None:
        where.append(Group.strength_area_id == str(strength_area_id))
    rows, total = await _paged(uow, Group, where, (Group.created_at, Group.id), page)
    return GroupsPublic(data=[await _group_public(uow, g) for g in rows], count=total)


@router.get("/groups/{group_id}", response_model=GroupPublic)
async def get_group(group_id: UUID, scope: ReadScope, uow: UowDep) -> GroupPublic:
    return await _group_public(uow, await _group(uow, scope.region, group_id))


@router.patch("/groups/{group_id}", response_model=GroupPublic)
async def update_group(group_id: UUID, body: GroupUpdate, scope: LeadScope, uow: UowDep) -> GroupPublic:
    g = await _group(uow, scope.region, group_id)
    changes = body.model_dump(exclude_unset=True)
    errors = [
        {"pointer": f"/{k}", "message": "cannot be removed"}
        for k in ("kind", "name")
        if k in changes and changes[k] is None
    ]
    if changes.get("strength_area_id"):
        errors += await _unknown_areas(uow, scope.region, [changes["strength_area_id"]], "/strength_area_id")
    if errors:
        raise Unprocessable("The group cannot be changed.", errors)
    if "strength_area_id" in changes:
        changes["strength_area_id"] = (
            str(changes["strength_area_id"]) if changes["strength_area_id"] else None
        )
    if "description" in changes and changes["description"] is None:
        changes["description"] = ""
    for k, v in changes.items():
        setattr(g, k, v)
    uow.emit(_group_state(GroupUpdated, g), region=scope.region, subject=g.id)
    await uow.commit()
    return await _group_public(uow, g)


async def _emit_membership(
    uow: UowDep, region: str, g: Group, m: Membership, *, removed: bool = False
) -> None:
    a = await _actor(uow, region, m.actor_id)
    uow.emit(
        MembershipChanged(
            membership_id=UUID(m.id),
            group_id=UUID(g.id),
            group_kind=g.kind,  # type: ignore[arg-type]
            strength_area_id=UUID(g.strength_area_id) if g.strength_area_id else None,
            actor_id=UUID(a.id),
            person_id=UUID(m.person_id) if m.person_id else None,
            helix=a.helix,  # type: ignore[arg-type]
            municipality=a.municipality,
            nace=a.nace,
            role=m.role,  # type: ignore[arg-type]
            joined_on=m.joined_on,
            left_on=m.left_on,
            removed=removed,
        ),
        region=region,
        subject=m.id,
    )


async def _member_public(uow: UowDep, m: Membership, day: date) -> MemberPublic:
    a = await uow.session.get(Actor, m.actor_id)
    assert a is not None
    return MemberPublic(
        id=UUID(m.id),
        group_id=UUID(m.group_id),
        actor_id=UUID(m.actor_id),
        actor_name=a.name,
        helix=a.helix,  # type: ignore[arg-type]
        municipality=a.municipality,
        person_id=UUID(m.person_id) if m.person_id else None,
        role=m.role,  # type: ignore[arg-type]
        joined_on=m.joined_on,
        left_on=m.left_on,
        active=domain.active_on(m.joined_on, m.left_on, day),
    )


@router.post("/groups/{group_id}/members", status_code=status.HTTP_201_CREATED, response_model=MemberPublic)
async def add_member(group_id: UUID, body: MemberCreate, scope: LeadScope, uow: UowDep) -> MemberPublic:
    """An actor (through one of its people, or as an organisation) joins the group with a role."""
    g = await _group(uow, scope.region, group_id)
    errors = domain.membership_errors(body.joined_on, body.left_on)
    a = await _actor(uow, scope.region, body.actor_id, live=True)
    if body.person_id is not None:
        p = await uow.session.get(Person, str(body.person_id))
        if p is None or p.region != scope.region or p.actor_id != a.id:
            errors.append({"pointer": "/person_id", "message": f"no person {body.person_id} of actor {a.id}"})
        elif p.erased_at is not None:
            errors.append({"pointer": "/person_id", "message": "this person's data was erased"})
    if errors:
        raise Unprocessable("The membership cannot be recorded.", errors)
    same = (
        await uow.session.scalars(
            select(Membership).where(
                Membership.group_id == g.id,
                Membership.actor_id == a.id,
                Membership.person_id.is_(None)
                if body.person_id is None
                else Membership.person_id == str(body.person_id),
            )
        )
    ).all()
    if any(domain.overlaps((m.joined_on, m.left_on), (body.joined_on, body.left_on)) for m in same):
        raise Conflict(
            "This member already belongs to the group over these dates; change that membership instead."
        )
    m = Membership(
        id=str(new_id()),
        region=scope.region,
        group_id=g.id,
        actor_id=a.id,
        person_id=str(body.person_id) if body.person_id else None,
        role=body.role,
        joined_on=body.joined_on,
        left_on=body.left_on,
    )
    uow.session.add(m)
    await _emit_membership(uow, scope.region, g, m)
    await uow.commit()
    return await _member_public(uow, m, _today())


@router.get("/groups/{group_id}/members", response_model=MembersPublic)
async def list_members(
    group_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    at: Annotated[date | None, Query(description="Only those who were members on this date")] = None,
) -> MembersPublic:
    g = await _group(uow, scope.region, group_id)
    where: list[ColumnElement[bool]] = [Membership.group_id == g.id]
    if at is not None:
        where += _active(at)
    rows, total = await _paged(
        uow,
        Membership,
        where,
        (
            Membership.joined_on,
            Membership.id,
        ),
        page,
    )
    return MembersPublic(data=[await _member_public(uow, m, at or _today()) for m in rows], count=total)


async def _membership(uow: UowDep, g: Group, membership_id: UUID) -> Membership:
    m = await uow.session.get(Membership, str(membership_id))
    if m is None or m.group_id != g.id:
        raise NotFound("Membership", membership_id)
    return m


@router.patch("/groups/{group_id}/members/{membership_id}", response_model=MemberPublic)
async def update_member(
    group_id: UUID, membership_id: UUID, body: MemberUpdate, scope: LeadScope, uow: UowDep
) -> MemberPublic:
    """Change a member's role, or record the day it left (the first day no longer a member)."""
    g = await _group(uow, scope.region, group_id)
    m = await _membership(uow, g, membership_id)
    changes = body.model_dump(exclude_unset=True)
    left_on = changes.get("left_on", m.left_on)
    errors = domain.membership_errors(m.joined_on, left_on)
    if "role" in changes and changes["role"] is None:
        errors.append({"pointer": "/role", "message": "cannot be removed"})
    if errors:
        raise Unprocessable("The membership cannot be changed.", errors)
    for k, v in changes.items():
        setattr(m, k, v)
    await _emit_membership(uow, scope.region, g, m)
    await uow.commit()
    return await _member_public(uow, m, _today())


@router.delete("/groups/{group_id}/members/{membership_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(group_id: UUID, membership_id: UUID, scope: LeadScope, uow: UowDep) -> Response:
    """Delete a membership recorded in error. A member who leaves gets ``left_on`` instead, so that
    composition at earlier dates stays right."""
    g = await _group(uow, scope.region, group_id)
    m = await _membership(uow, g, membership_id)
    await _emit_membership(uow, scope.region, g, m, removed=True)
    await uow.session.delete(m)
    await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------- composition


async def _composition(
    uow: UowDep,
    region: str,
    scope_kind: Literal["group", "strength_area", "region"],
    scope_id: str | None,
    groups: Sequence[str],
    day: date,
) -> CompositionPublic:
    rows = (
        await uow.session.execute(
            select(Actor.id, Actor.helix, Actor.municipality, Actor.nace)
            .join(Membership, Membership.actor_id == Actor.id)
            .where(Membership.region == region, Membership.group_id.in_(groups), *_active(day))
        )
    ).all()
    settings = await _settings(uow, region)
    places = None
    threshold = 0.5
    if settings is not None:
        threshold = settings.dominance_threshold
        places = [m for c in settings.municipalities if (m := reference.municipality(settings.country, c))]
    result = domain.composition(
        (domain.Member(actor_id=r[0], helix=r[1], municipality=r[2], nace=r[3]) for r in rows),
        places,
        threshold,
    )
    return CompositionPublic(
        scope=scope_kind,
        scope_id=scope_id,
        at=day,
        groups=len(groups),
        actors=result.actors,
        by_helix=result.by_helix,
        by_municipality=[
            CountPublic(code=c, name=m.name if (m := reference.municipality_by_code(c)) else None, actors=k)
            for c, k in result.by_municipality
        ],
        by_industry=[
            CountPublic(code=c, name=reference.nace_label(c) if c != "none" else None, actors=k)
            for c, k in result.by_industry
        ],
        dominance_threshold=threshold,
        gaps=[GapPublic(**g.__dict__) for g in result.gaps],
    )


@router.get("/groups/{group_id}/composition", response_model=CompositionPublic)
async def group_composition(
    group_id: UUID, scope: ReadScope, uow: UowDep, at: AtQuery = None
) -> CompositionPublic:
    """A group's members on a date, counted by helix type, municipality and industry, with gaps:
    a helix missing, one helix type above the region's threshold, municipalities with no member."""
    g = await _group(uow, scope.region, group_id)
    return await _composition(uow, scope.region, "group", g.id, [g.id], at or _today())


@router.get("/strength-areas/{strength_area_id}/composition", response_model=CompositionPublic)
async def area_composition(
    strength_area_id: UUID,
    scope: ReadScope,
    uow: UowDep,
    at: AtQuery = None,
    kind: Annotated[list[GroupKind] | None, Query(description="Only groups of these kinds")] = None,
) -> CompositionPublic:
    """Every actor in any group of the strength area (each counted once), on a date, with gaps."""
    if await _unknown_areas(uow, scope.region, [strength_area_id], ""):
        raise NotFound("Strength area", strength_area_id)
    where = [Group.region == scope.region, Group.strength_area_id == str(strength_area_id)]
    if kind:
        where.append(Group.kind.in_(kind))
    groups = (await uow.session.scalars(select(Group.id).where(*where))).all()
    return await _composition(
        uow, scope.region, "strength_area", str(strength_area_id), groups, at or _today()
    )


@router.get("/composition", response_model=CompositionPublic)
async def region_composition(
    scope: ReadScope,
    uow: UowDep,
    at: AtQuery = None,
    kind: Annotated[list[GroupKind] | None, Query(description="Only groups of these kinds")] = None,
) -> CompositionPublic:
    """Every actor in any of the region's groups, on a date: the region's reach by geography and industry."""
    where = [Group.region == scope.region]
    if kind:
        where.append(Group.kind.in_(kind))
    groups = (await uow.session.scalars(select(Group.id).where(*where))).all()
    return await _composition(uow, scope.region, "region", None, groups, at or _today())


# --------------------------------------------------------------------------- engagements


async def _engagement(uow: UowDep, region: str, engagement_id: UUID) -> Engagement:
    e = await uow.session.get(Engagement, str(engagement_id))
    if e is None or e.region != region:
        raise NotFound("Engagement", engagement_id)
    return e


async def _participants(uow: UowDep, engagements: Sequence[Engagement]) -> dict[str, list[Participant]]:
    """The listed participants of each engagement, in the order given, in one query."""
    found: dict[str, list[Participant]] = {e.id: [] for e in engagements}
    if found:
        rows = await uow.session.scalars(
            select(Participant)
            .where(Participant.engagement_id.in_(list(found)))
            .order_by(Participant.engagement_id, Participant.position)
        )
        for p in rows.all():
            found[p.engagement_id].append(p)
    return found


def _engagement_public(e: Engagement, people: Sequence[Participant]) -> EngagementPublic:
    return EngagementPublic(
        id=UUID(e.id),
        kind=e.kind,  # type: ignore[arg-type]
        title=e.title,
        held_on=e.held_on,
        strength_area_ids=[UUID(s) for s in e.strength_area_ids],
        municipality=e.municipality,
        cycle_id=UUID(e.cycle_id) if e.cycle_id else None,
        participants=[
            ParticipantPublic(person_id=UUID(p.person_id) if p.person_id else None, actor_id=UUID(p.actor_id))
            for p in people
        ],
        head_count=e.head_count,
        participations=len(people) + e.head_count,
        notes=e.notes,
        created_at=e.created_at,
    )


async def _resolve_participants(
    uow: UowDep, region: str, body: EngagementWrite
) -> tuple[list[tuple[str | None, str]], list[dict[str, Any]]]:
    out: list[tuple[str | None, str]] = []
    errors: list[dict[str, Any]] = []
    for i, ref in enumerate(body.participants):
        if ref.person_id is not None:
            p = await uow.session.get(Person, str(ref.person_id))
            if p is None or p.region != region:
                errors.append(
                    {"pointer": f"/participants/{i}/person_id", "message": f"no person {ref.person_id}"}
                )
            elif p.erased_at is not None:
                errors.append(
                    {"pointer": f"/participants/{i}/person_id", "message": "this person's data was erased"}
                )
            else:
                out.append((p.id, p.actor_id))
        else:
            a = await uow.session.get(Actor, str(ref.actor_id))
            if a is None or a.region != region:
                errors.append(
                    {"pointer": f"/participants/{i}/actor_id", "message": f"no actor {ref.actor_id}"}
                )
            elif a.merged_into_id is not None:
                errors.append(
                    {"pointer": f"/participants/{i}/actor_id", "message": f"merged into {a.merged_into_id}"}
                )
            else:
                out.append((None, a.id))
    return out, errors


async def _cycle_for(
    uow: UowDep, region: str, body: EngagementWrite
) -> tuple[str | None, list[dict[str, Any]]]:
    if body.cycle_id is not None:
        c = await uow.session.get(Cycle, str(body.cycle_id))
        if c is None or c.region != region:
            return None, [{"pointer": "/cycle_id", "message": f"no cycle {body.cycle_id}"}]
        return c.id, []
    areas = {str(s) for s in body.strength_area_ids}
    candidates = [
        c
        for c in (
            await uow.session.scalars(select(Cycle).where(Cycle.region == region, Cycle.kind == body.kind))
        ).all()
        if c.strength_area_id in areas
        and c.starts_on <= body.held_on
        and (c.ends_on is None or body.held_on <= c.ends_on)
    ]
    return (candidates[0].id if len(candidates) == 1 else None), []


async def _save_engagement(
    uow: UowDep, region: str, body: EngagementWrite, e: Engagement | None
) -> EngagementPublic:
    errors = await _unknown_areas(uow, region, body.strength_area_ids, "/strength_area_ids")
    errors += await _municipality_errors(uow, region, body.municipality, "/municipality")
    people, more = await _resolve_participants(uow, region, body)
    cycle_id, cycle_errors = await _cycle_for(uow, region, body)
    errors += more + cycle_errors
    if errors:
        raise Unprocessable("The engagement cannot be recorded.", errors)
    if e is None:
        e = Engagement(id=str(new_id()), region=region, created_at=utcnow())
        uow.session.add(e)
    else:
        await uow.session.execute(delete(Participant).where(Participant.engagement_id == e.id))
    e.kind, e.title, e.held_on = body.kind, body.title, body.held_on
    e.strength_area_ids = [str(s) for s in dict.fromkeys(body.strength_area_ids)]
    e.municipality, e.cycle_id, e.head_count, e.notes = (
        body.municipality,
        cycle_id,
        body.head_count,
        body.notes,
    )
    rows = [
        Participant(region=region, engagement_id=e.id, position=i, person_id=pid, actor_id=aid)
        for i, (pid, aid) in enumerate(people)
    ]
    uow.session.add_all(rows)
    uow.emit(_engagement_event(e, rows), region=region, subject=e.id)
    await uow.commit()
    return _engagement_public(e, rows)


def _engagement_event(
    e: Engagement, rows: Sequence[Participant], *, deleted: bool = False
) -> EngagementRecorded:
    return EngagementRecorded(
        engagement_id=UUID(e.id),
        kind=e.kind,  # type: ignore[arg-type]
        title=e.title,
        held_on=e.held_on,
        strength_area_ids=[UUID(s) for s in e.strength_area_ids],
        municipality=e.municipality,
        cycle_id=UUID(e.cycle_id) if e.cycle_id else None,
        person_ids=[UUID(r.person_id) for r in rows if r.person_id],
        actor_ids=list(dict.fromkeys(UUID(r.actor_id) for r in rows)),
        head_count=e.head_count,
        participations=len(rows) + e.head_count,
        deleted=deleted,
    )


@router.post("/engagements", status_code=status.HTTP_201_CREATED, response_model=EngagementPublic)
async def record_engagement(body: EngagementWrite, scope: LeadScope, uow: UowDep) -> EngagementPublic:
    """Record an actor meeting, workshop, seminar, interview, survey… with its participants."""
    return await _save_engagement(uow, scope.region, body, None)


@router.put("/engagements/{engagement_id}", response_model=EngagementPublic)
async def correct_engagement(
    engagement_id: UUID, body: EngagementWrite, scope: LeadScope, uow: UowDep
) -> EngagementPublic:
    """Correct a recorded engagement (replaces it whole)."""
    e = await _engagement(uow, scope.region, engagement_id)
    return await _save_engagement(uow, scope.region, body, e)


@router.delete("/engagements/{engagement_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_engagement(engagement_id: UUID, scope: LeadScope, uow: UowDep) -> Response:
    """Delete an engagement recorded in error."""
    e = await _engagement(uow, scope.region, engagement_id)
    rows = (await _participants(uow, [e]))[e.id]
    uow.emit(_engagement_event(e, rows, deleted=True), region=scope.region, subject=e.id)
    await uow.session.execute(delete(Participant).where(Participant.engagement_id == e.id))
    await uow.session.delete(e)
    await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    today = _today()
    lo = date_from or date(today.year, 1, 1)
    hi = date_to or date(lo.year, 12, 31)
    if hi < lo:
        raise Unprocessable(
            "The period ends before it starts.", [{"pointer": "/to", "message": "before from"}]
        )
    return lo, hi


FromQuery = Annotated[
    date | None, Query(alias="from", description="First day (default: 1 January this year)")
]
ToQuery = Annotated[
    date | None, Query(alias="to", description="Last day (default: 31 December of that year)")
]


async def _engagements_in(
    uow: UowDep, region: str, lo: date, hi: date, kind: EngagementKind | None = None
) -> list[Engagement]:
    where: list[ColumnElement[bool]] = [
        Engagement.region == region,
        Engagement.held_on >= lo,
        Engagement.held_on <= hi,
    ]
    if kind is not None:
        where.append(Engagement.kind == kind)
    return list(
        (
            await uow.session.scalars(
                select(Engagement).where(*where).order_by(Engagement.held_on, Engagement.id)
            )
        ).all()
    )


@router.get("/engagements", response_model=EngagementsPublic)
async def list_engagements(
    scope: ReadScope,
    uow: UowDep,
    page: PageDep,
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    strength_area_id: UUID | None = None,
    kind: EngagementKind | None = None,
) -> EngagementsPublic:
    lo, hi = (date_from or date.min, date_to or date.max)
    found = await _engagements_in(uow, scope.region, lo, hi, kind)
    if strength_area_id is not None:
        found = [e for e in found if str(strength_area_id) in e.strength_area_ids]
    shown = page.slice(found)
    listed = await _participants(uow, shown)
    return EngagementsPublic(data=[_engagement_public(e, listed[e.id]) for e in shown], count=len(found))


@router.get("/engagements/{engagement_id}", response_model=EngagementPublic)
async def get_engagement(engagement_id: UUID, scope: ReadScope, uow: UowDep) -> EngagementPublic:
    e = await _engagement(uow, scope.region, engagement_id)
    return _engagement_public(e, (await _participants(uow, [e]))[e.id])


def _figures(p: domain.Participation) -> dict[str, Any]:
    return {
        "engagements": p.engagements,
        "participations": p.participations,
        "unique_people": p.unique_people,
        "unique_actors": p.unique_actors,
        "head_count": p.head_count,
        "by_kind": p.by_kind,
    }


@router.get("/participation", response_model=ParticipationPublic)
async def participation(
    scope: ReadScope, uow: UowDep, date_from: FromQuery = None, date_to: ToQuery = None
) -> ParticipationPublic:
    """Engagements over a period: participations (every time someone took part, head counts
    included) and unique participants (people, and actors reached), in all and per strength area."""
    lo, hi = _period(date_from, date_to)
    engagements = await _engagements_in(uow, scope.region, lo, hi)
    by_engagement = await _participants(uow, engagements)
    attendances = [
        domain.Attendance(
            kind=e.kind,
            strength_area_ids=tuple(e.strength_area_ids),
            people=tuple(p.person_id for p in by_engagement[e.id] if p.person_id),
            actors=tuple(p.actor_id for p in by_engagement[e.id]),
            listed=len(by_engagement[e.id]),
            head_count=e.head_count,
        )
        for e in engagements
    ]
    areas = {
        r.id: r.code
        for r in (
            await uow.session.scalars(
                select(KnownStrengthArea).where(KnownStrengthArea.region == scope.region)
            )
        ).all()
    }
    keys = sorted(
        {s for a in attendances for s in a.strength_area_ids} | set(areas), key=lambda s: areas.get(s, s)
    )
    per_area = [
        AreaParticipation(
            strength_area_id=UUID(s),
            strength_area_code=areas.get(s),
            **_figures(domain.participation(a for a in attendances if s in a.strength_area_ids)),
        )
        for s in keys
    ]
    unassigned = [a for a in attendances if not a.strength_area_ids]
    if unassigned:
        per_area.append(
            AreaParticipation(
                strength_area_id=None, strength_area_code=None, **_figures(domain.participation(unassigned))
            )
        )
    return ParticipationPublic(
        period_from=lo,
        period_to=hi,
        total=ParticipationFigures(**_figures(domain.participation(attendances))),
        by_strength_area=per_area,
    )


# --------------------------------------------------------------------------- annual cycle


def _cycle_public(c: Cycle) -> CyclePublic:
    return CyclePublic(
        id=UUID(c.id),
        strength_area_id=UUID(c.strength_area_id) if c.strength_area_id else None,
        kind=c.kind,  # type: ignore[arg-type]
        title=c.title,
        frequency=c.frequency,  # type: ignore[arg-type]
        starts_on=c.starts_on,
        ends_on=c.ends_on,
    )


@router.post("/cycles", status_code=status.HTTP_201_CREATED, response_model=CyclePublic)
async def plan_cycle(body: CycleCreate, scope: LeadScope, uow: UowDep) -> CyclePublic:
    """Plan a recurring meeting of the annual cycle (årshjul): e.g. the monthly actor meeting of
    Digital solutions, or the steering group twice a year. Announced as ``actors.cycle.planned.v1``."""
    ids = [body.strength_area_id] if body.strength_area_id else []
    errors = await _unknown_areas(uow, scope.region, ids, "/strength_area_id")
    if errors:
        raise Unprocessable("The cycle cannot be planned.", errors)
    c = Cycle(
        id=str(new_id()),
        region=scope.region,
        strength_area_id=str(body.strength_area_id) if body.strength_area_id else None,
        kind=body.kind,
        title=body.title,
        frequency=body.frequency,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        created_at=utcnow(),
    )
    uow.session.add(c)
    uow.emit(
        CyclePlanned(
            cycle_id=UUID(c.id),
            strength_area_id=body.strength_area_id,
            kind=body.kind,
            title=body.title,
            frequency=body.frequency,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
        ),
        region=scope.region,
        subject=c.id,
    )
    await uow.commit()
    return _cycle_public(c)


@router.get("/cycles", response_model=CyclesPublic)
async def list_cycles(scope: ReadScope, uow: UowDep, page: PageDep) -> CyclesPublic:
    rows = (
        await uow.session.scalars(
            select(Cycle).where(Cycle.region == scope.region).order_by(Cycle.created_at, Cycle.id)
        )
    ).all()
    return CyclesPublic(data=[_cycle_public(c) for c in page.slice(list(rows))], count=len(rows))


@router.get("/cycles/follow-up", response_model=FollowUpPublic)
async def cycles_follow_up(
    scope: ReadScope, uow: UowDep, date_from: FromQuery = None, date_to: ToQuery = None
) -> FollowUpPublic:
    """Planned meetings against meetings held, per cycle, over a period: slots planned, slots in
    which a meeting was held, and which were missed."""
    lo, hi = _period(date_from, date_to)
    cycles = (
        await uow.session.scalars(
            select(Cycle).where(Cycle.region == scope.region).order_by(Cycle.created_at)
        )
    ).all()
    held: dict[str, list[date]] = {c.id: [] for c in cycles}
    for e in await _engagements_in(uow, scope.region, lo, hi):
        if e.cycle_id in held:
            held[e.cycle_id].append(e.held_on)
    out = []
    for c in cycles:
        planned = annual_cycle.slots(c.frequency, c.starts_on, c.ends_on, (lo, hi))  # type: ignore[arg-type]
        f = annual_cycle.follow_up(planned, held[c.id])
        out.append(
            CycleFollowUpPublic(
                **_cycle_public(c).model_dump(),
                planned=f.planned,
                held=f.held,
                meetings=f.meetings,
                missed=f.missed,
            )
        )
    return FollowUpPublic(period_from=lo, period_to=hi, cycles=out)
