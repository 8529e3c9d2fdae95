"""Events the actors service publishes: the region's geography, actors (organisations), contact
people, groups and their memberships, engagements and the annual cycle of meetings.

None carries personal data: people travel by pseudonymous id only; names and e-mail addresses stay
in the actors service, where they can be erased.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from .envelope import EventData, event

Helix = Literal["public", "business", "academia", "civil_society", "state_agency"]
"""The quadruple helix, with state agencies apart from the rest of the public sector."""
SizeClass = Literal["micro", "small", "medium", "large"]
"""Enterprise size class after the EU SME definition."""
GroupKind = Literal["partnership", "steering_group", "reference_group", "advisory_board", "working_group"]
"""Brett partnerskap, styrgrupp, referensgrupp, advisory board, arbetsgrupp."""
MemberRole = Literal["chair", "member", "process_leader", "coordinator"]
EngagementKind = Literal[
    "actor_meeting",
    "workshop",
    "seminar",
    "interview",
    "reference_group_meeting",
    "survey",
    "innovation_sprint",
    "dialogue_meeting",
]
"""Aktörsmöte, workshop, seminarium, intervju, referensgruppsmöte, enkät, innovationssprint, dialogmöte."""


@event
class RegionConfigured(EventData):
    event_type: ClassVar[str] = "actors.region.configured.v1"
    description: ClassVar[str] = (
        "A region's country and municipalities were set: the geography its follow-up and "
        "assessments measure reach against."
    )

    country: Literal["SE", "FI"]
    county: str | None = None
    municipalities: list[str]


class ActorState(EventData):
    """An actor as every actor event carries it; no personal data."""

    actor_id: UUID
    name: str
    country: Literal["SE", "FI"]
    identifier: str
    helix: Helix
    municipality: str | None = None
    nace: str | None = None
    size_class: SizeClass | None = None


@event
class ActorRegistered(ActorState):
    event_type: ClassVar[str] = "actors.actor.registered.v1"
    description: ClassVar[str] = "An organisation was registered as an actor of the region."


@event
class ActorUpdated(ActorState):
    event_type: ClassVar[str] = "actors.actor.updated.v1"
    description: ClassVar[str] = "An actor's name, helix type, municipality, industry or size class changed."


@event
class ActorMerged(EventData):
    event_type: ClassVar[str] = "actors.actor.merged.v1"
    description: ClassVar[str] = (
        "A duplicate actor was merged into another: its people, memberships and engagements now "
        "belong to ``into_actor_id``, and references to ``actor_id`` should follow."
    )

    actor_id: UUID
    into_actor_id: UUID


@event
class PersonAdded(EventData):
    event_type: ClassVar[str] = "actors.person.added.v1"
    description: ClassVar[str] = (
        "A contact person was added to an actor. Carries no name or e-mail: personal data stays "
        "in the actors service, where it can be erased."
    )

    person_id: UUID
    actor_id: UUID
    role: str | None = None


@event
class PersonErased(EventData):
    event_type: ClassVar[str] = "actors.person.erased.v1"
    description: ClassVar[str] = (
        "A person's personal data was erased; the pseudonymous id stays so that counts stay right."
    )

    person_id: UUID


class GroupState(EventData):
    """A group as every group event carries it."""

    group_id: UUID
    kind: GroupKind
    name: str
    strength_area_id: UUID | None = None


@event
class GroupCreated(GroupState):
    event_type: ClassVar[str] = "actors.group.created.v1"
    description: ClassVar[str] = "A partnership, steering group or other group was formed."


@event
class GroupUpdated(GroupState):
    event_type: ClassVar[str] = "actors.group.updated.v1"
    description: ClassVar[str] = "A group's name, kind or strength area changed."


@event
class MembershipChanged(EventData):
    event_type: ClassVar[str] = "actors.membership.changed.v1"
    description: ClassVar[str] = (
        "An actor (or one of its people) joined a group, changed role or left it; carries the "
        "membership whole, with the member's helix type and municipality, so composition can be "
        "followed without calling back. ``removed`` is true when an entry made in error was deleted."
    )

    membership_id: UUID
    group_id: UUID
    group_kind: GroupKind
    strength_area_id: UUID | None = None
    actor_id: UUID
    person_id: UUID | None = None
    helix: Helix
    municipality: str | None = None
    nace: str | None = None
    role: MemberRole
    joined_on: date
    left_on: date | None = None
    removed: bool = False


@event
class EngagementRecorded(EventData):
    event_type: ClassVar[str] = "actors.engagement.recorded.v1"
    description: ClassVar[str] = (
        "An engagement (actor meeting, workshop, survey…) was recorded or corrected; carries it "
        "whole, participants by pseudonymous id, so participations and unique participants can be "
        "counted. ``deleted`` is true when it was recorded in error."
    )

    engagement_id: UUID
    kind: EngagementKind
    title: str
    held_on: date
    strength_area_ids: list[UUID] = []
    municipality: str | None = None
    cycle_id: UUID | None = None
    person_ids: list[UUID] = []
    actor_ids: list[UUID] = []
    head_count: int | None = None
    participations: int
    deleted: bool = False


Frequency = Literal["monthly", "every_two_months", "quarterly", "twice_a_year", "yearly"]
"""How often a meeting of the annual cycle (årshjul) recurs."""


@event
class CyclePlanned(EventData):
    event_type: ClassVar[str] = "actors.cycle.planned.v1"
    description: ClassVar[str] = (
        "A recurring meeting of the annual cycle (årshjul) was planned: the follow-up counts the "
        "meetings held (``actors.engagement.recorded.v1`` with its ``cycle_id``) against its slots."
    )

    cycle_id: UUID
    strength_area_id: UUID | None = None
    kind: EngagementKind
    title: str
    frequency: Frequency
    starts_on: date
    ends_on: date | None = None
