"""The partnership pages' pure rules: groups in the order of their kinds, a group's members over
time (who joined and left when), and its composition as the quadruple-helix chart's bars and the
tables beside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar, get_args

from kraftsamla_common.events.actors import GroupKind

from .actors import HELIXES

GROUP_KINDS: tuple[str, ...] = get_args(GroupKind)
"""Partnerships first, then steering groups and the rest, as the pages list them."""


class Kinded(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...


G = TypeVar("G", bound=Kinded)


def by_kind(groups: Iterable[G]) -> list[tuple[str, list[G]]]:
    """The groups under their kinds (in :data:`GROUP_KINDS`' order; each by name), kinds without
    a group left out."""
    found: dict[str, list[G]] = {}
    for g in groups:
        found.setdefault(g.kind, []).append(g)
    order = [*GROUP_KINDS, *sorted(set(found) - set(GROUP_KINDS))]
    return [(k, sorted(found[k], key=lambda g: g.name.casefold())) for k in order if k in found]


class Membership(Protocol):
    @property
    def actor_id(self) -> object: ...
    @property
    def actor_name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def joined_on(self) -> date: ...
    @property
    def left_on(self) -> date | None: ...


@dataclass(frozen=True)
class Change:
    """One change in a group's members: ``joined`` or ``left`` on a day."""

    day: date
    kind: str
    actor_id: str
    actor_name: str
    role: str


def changes(members: Iterable[Membership]) -> list[Change]:
    """Who joined and who left, newest first (on one day, those who joined first, by name)."""
    out: list[Change] = []
    for m in members:
        out.append(Change(m.joined_on, "joined", str(m.actor_id), m.actor_name, m.role))
        if m.left_on is not None:
            out.append(Change(m.left_on, "left", str(m.actor_id), m.actor_name, m.role))
    return sorted(out, key=lambda c: (-c.day.toordinal(), c.kind != "joined", c.actor_name.casefold()))


def members_on(members: Iterable[Membership], day: date) -> int:
    """Distinct actors that are members on ``day`` (from the day joined up to the day left)."""
    return len(
        {str(m.actor_id) for m in members if m.joined_on <= day and (m.left_on is None or day < m.left_on)}
    )


@dataclass(frozen=True)
class Share:
    key: str
    """What is counted: a helix type, a municipality's or an industry's code."""
    actors: int
    share: float
    """Of the group's actors, 0–1."""


def helix_shares(by_helix: Mapping[str, int]) -> list[Share]:
    """Every helix type, in order, with its actors and its share (those with none too: a missing
    helix shows as an empty bar)."""
    total = sum(by_helix.values())
    keys = [*HELIXES, *sorted(set(by_helix) - set(HELIXES))]
    return [Share(h, by_helix.get(h, 0), by_helix.get(h, 0) / total if total else 0.0) for h in keys]


class Counted(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def actors(self) -> int: ...


def shares(lines: Sequence[Counted], total: int) -> list[Share]:
    """Each line's share of ``total`` actors, in the service's order (most first)."""
    return [Share(line.code, line.actors, line.actors / total if total else 0.0) for line in lines]
