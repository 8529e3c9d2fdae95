"""Request and response models of the actors API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kraftsamla_common.bounds import Count, Day
from kraftsamla_common.events import EngagementKind, Frequency, GroupKind, Helix, MemberRole, SizeClass

from .domain.reference import Country

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
MunicipalityCode = Annotated[str, Field(min_length=3, max_length=4, examples=["2380", "698"])]


class Write(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(BaseModel):
    count: int
    """How many match, all pages together."""


# --------------------------------------------------------------------------- settings


class SettingsUpdate(Write):
    """The region's country and municipalities, against which composition gaps are found.

    Give ``county`` (län, e.g. ``23`` Jämtland; maakunta, e.g. ``19`` Lappi) to take all its
    municipalities, or list ``municipalities`` yourself (codes of ``country``)."""

    country: Country
    county: Annotated[str, Field(pattern=r"^\d{2}$")] | None = None
    municipalities: Annotated[list[MunicipalityCode], Field(max_length=400)] | None = None
    dominance_threshold: Annotated[float, Field(gt=0, le=1)] = Field(
        default=0.5, description="Share of a group's actors one helix type may hold before it is a gap"
    )

    @model_validator(mode="after")
    def _somewhere(self) -> SettingsUpdate:
        if self.county is None and not self.municipalities:
            raise ValueError("give the county or the municipalities")
        return self


class MunicipalityPublic(BaseModel):
    code: str
    name: str


class SettingsPublic(BaseModel):
    region: str
    country: Country
    county: str | None
    municipalities: list[MunicipalityPublic]
    dominance_threshold: float
    updated_at: datetime


# --------------------------------------------------------------------------- actors


class ActorCreate(Write):
    """An organisation to register. ``identifier`` is an organisationsnummer (SE) or a Y-tunnus (FI);
    ``municipality`` a kommunkod (SE, 4 digits) or kuntanumero (FI, 3 digits); ``nace`` a NACE Rev. 2 /
    SNI 2007 code. Codes are checked against the official registers (422 naming the field)."""

    name: Name
    country: Country
    identifier: Annotated[str, Field(min_length=1, max_length=20, examples=["202100-5752", "0112038-9"])]
    helix: Helix
    municipality: MunicipalityCode | None = None
    nace: Annotated[str, Field(max_length=10, examples=["62.01"])] | None = None
    size_class: SizeClass | None = None


class ActorUpdate(Write):
    """Fields to change; the country and identifier of an organisation never change."""

    name: Name | None = None
    helix: Helix | None = None
    municipality: MunicipalityCode | None = None
    nace: Annotated[str, Field(max_length=10)] | None = None
    size_class: SizeClass | None = None


class MergeRequest(Write):
    into_actor_id: UUID


class ActorPublic(BaseModel):
    id: UUID
    region: str
    name: str
    country: Country
    identifier: str
    helix: Helix
    municipality: str | None
    municipality_name: str | None
    nace: str | None
    nace_label: str | None
    size_class: SizeClass | None
    merged_into_id: UUID | None
    created_at: datetime
    updated_at: datetime


class ActorsPublic(Page):
    data: list[ActorPublic]


class RegistrationCheckPublic(BaseModel):
    """What registering the organisation would do (``dry_run=true``): nothing was written."""

    dry_run: Literal[True] = True
    outcome: Literal["would_register", "already_registered"] = Field(
        description="would_register: a post would register it (201); already_registered: a post "
        "would answer ``actor`` (200), registering nothing"
    )
    identifier: str = Field(description="The identifier as it would be kept: checked and normalised")
    nace: str | None = Field(description="The NACE code as it would be kept")
    actor: ActorPublic | None = Field(
        description="The region's actor with this identifier (the one it was merged into, where it was)"
    )


class ImportErrorPublic(BaseModel):
    line: int
    field: str | None
    message: str


class ImportedRowPublic(BaseModel):
    line: int
    actor_id: UUID | None = Field(
        description="The actor registered or found; null in a dry run for one that would be registered"
    )
    status: Literal["created", "existing"]


class ImportReportPublic(BaseModel):
    mode: Literal["all_or_nothing", "valid_rows"]
    dry_run: bool = Field(description="True: every row was checked, nothing was written")
    rows: int
    created: int
    existing: int
    rejected: int
    imported: list[ImportedRowPublic]
    errors: list[ImportErrorPublic]


# --------------------------------------------------------------------------- people


class PersonCreate(Write):
    """A contact person: only a name, a role and an e-mail address, and only what serves."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Annotated[str, Field(max_length=200)] | None = None
    email: Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class PersonPublic(BaseModel):
    id: UUID
    actor_id: UUID
    name: str | None
    role: str | None
    email: str | None
    erased: bool
    created_at: datetime


class PeoplePublic(Page):
    data: list[PersonPublic]


# --------------------------------------------------------------------------- groups and members


class GroupCreate(Write):
    kind: GroupKind
    name: Name
    description: Annotated[str, Field(max_length=5000)] = ""
    strength_area_id: UUID | None = Field(
        default=None, description="The strength area the group serves (as the plans service names it)"
    )


class GroupUpdate(Write):
    kind: GroupKind | None = None
    name: Name | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    strength_area_id: UUID | None = None


class GroupPublic(BaseModel):
    id: UUID
    kind: GroupKind
    name: str
    description: str
    strength_area_id: UUID | None
    members_now: int
    created_at: datetime


class GroupsPublic(Page):
    data: list[GroupPublic]


class MemberCreate(Write):
    """An actor joining a group, through one of its people or as an organisation."""

    actor_id: UUID
    person_id: UUID | None = None
    role: MemberRole = "member"
    joined_on: Day
    left_on: Day | None = Field(default=None, description="The first day no longer a member")


class MemberUpdate(Write):
    role: MemberRole | None = None
    left_on: Day | None = None


class MemberPublic(BaseModel):
    id: UUID
    group_id: UUID
    actor_id: UUID
    actor_name: str
    helix: Helix
    municipality: str | None
    person_id: UUID | None
    role: MemberRole
    joined_on: date
    left_on: date | None
    active: bool
    """Whether it holds on the date asked for (today unless ``at`` was given)."""


class MembersPublic(Page):
    data: list[MemberPublic]


class ActorMembershipPublic(MemberPublic):
    """A membership of one actor, with the group it is of."""

    group_name: str
    group_kind: GroupKind
    strength_area_id: UUID | None


class ActorMembershipsPublic(Page):
    data: list[ActorMembershipPublic]


# --------------------------------------------------------------------------- composition


class CountPublic(BaseModel):
    code: str
    name: str | None
    actors: int


class GapPublic(BaseModel):
    kind: Literal[
        "empty", "helix_missing", "helix_dominant", "municipality_uncovered", "municipalities_unknown"
    ]
    message: str
    helix: Helix | None = None
    municipality: str | None = None
    share: float | None = None


class CompositionPublic(BaseModel):
    scope: Literal["group", "strength_area", "region"]
    scope_id: str | None
    at: date
    groups: int
    actors: int
    by_helix: dict[str, int]
    by_municipality: list[CountPublic]
    by_industry: list[CountPublic]
    dominance_threshold: float
    gaps: list[GapPublic]


# --------------------------------------------------------------------------- engagements


class ParticipantCreate(Write):
    """A participant: a person (their actor is implied) or an organisation as a whole."""

    person_id: UUID | None = None
    actor_id: UUID | None = None

    @model_validator(mode="after")
    def _one(self) -> ParticipantCreate:
        if (self.person_id is None) == (self.actor_id is None):
            raise ValueError("give either person_id or actor_id")
        return self


class EngagementCreate(Write):
    kind: EngagementKind
    title: Name
    held_on: Day
    strength_area_ids: Annotated[list[UUID], Field(max_length=20)] = []
    municipality: MunicipalityCode | None = None
    cycle_id: UUID | None = Field(
        default=None,
        description="The annual-cycle meeting this was; left out, it is linked to the one cycle of the "
        "same kind and strength area running on that date, if there is exactly one",
    )
    participants: Annotated[list[ParticipantCreate], Field(max_length=5000)] = []
    head_count: Count = Field(
        default=0, description="Participants not listed by name (a survey's respondents, an open seminar)"
    )
    notes: Annotated[str, Field(max_length=5000)] = ""

    @model_validator(mode="after")
    def _someone(self) -> EngagementCreate:
        if not self.participants and not self.head_count:
            raise ValueError("list the participants or give a head count")
        return self


class ParticipantPublic(BaseModel):
    person_id: UUID | None
    actor_id: UUID


class EngagementPublic(BaseModel):
    id: UUID
    kind: EngagementKind
    title: str
    held_on: date
    strength_area_ids: list[UUID]
    municipality: str | None
    cycle_id: UUID | None
    participants: list[ParticipantPublic]
    head_count: int
    participations: int
    notes: str
    created_at: datetime


class EngagementsPublic(Page):
    data: list[EngagementPublic]


class ParticipationFiguresPublic(BaseModel):
    engagements: int
    participations: int
    unique_people: int
    unique_actors: int
    head_count: int
    by_kind: dict[str, int]


class AreaParticipationPublic(ParticipationFiguresPublic):
    strength_area_id: UUID | None
    strength_area_code: str | None


class ParticipationPublic(BaseModel):
    period_from: date
    period_to: date
    total: ParticipationFiguresPublic
    by_strength_area: list[AreaParticipationPublic]


# --------------------------------------------------------------------------- annual cycle


class CycleCreate(Write):
    strength_area_id: UUID | None = None
    kind: EngagementKind = "actor_meeting"
    title: Name
    frequency: Frequency
    starts_on: Day
    ends_on: Day | None = None

    @model_validator(mode="after")
    def _order(self) -> CycleCreate:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("the cycle ends before it starts")
        return self


class CyclePublic(BaseModel):
    id: UUID
    strength_area_id: UUID | None
    kind: EngagementKind
    title: str
    frequency: Frequency
    starts_on: date
    ends_on: date | None


class CyclesPublic(Page):
    data: list[CyclePublic]


class CycleFollowUpPublic(CyclePublic):
    planned: int
    """Slots due so far: ended, or running with a meeting already held."""
    held: int
    """Planned slots in which at least one meeting was held."""
    meetings: int
    missed: list[str]
    """Ended slots without a meeting."""
    upcoming: list[str] = Field(
        default=[], description="Slots still running or to come without a meeting yet: not missed (yet)"
    )


class FollowUpPublic(BaseModel):
    period_from: date
    period_to: date
    cycles: list[CycleFollowUpPublic]


class StrengthAreaPublic(BaseModel):
    id: UUID
    programme_id: UUID
    code: str
    name: dict[str, str]
