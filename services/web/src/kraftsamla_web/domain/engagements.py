"""The engagements page's pure rules: a year's calendar month by month, with the meetings held and
the annual cycle's planned meetings (each slot held, missed or still to come, as the actors
service's follow-up says), the slots and months in words, and participation's unique participants
where they were registered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from babel.dates import format_date

from kraftsamla_common import annual_cycle

FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_asked(value: str | None, today: date) -> int:
    """The year a page shows: the one asked for (``?year=``) where it is one, else this year."""
    try:
        year = int(value or "")
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= LAST_YEAR else today.year


class Held(Protocol):
    @property
    def held_on(self) -> date: ...
    @property
    def title(self) -> str: ...


class Cycle(Protocol):
    """A cycle of the annual cycle with its follow-up (``schemas.CycleFollowUp``)."""

    @property
    def id(self) -> object: ...
    @property
    def title(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def strength_area_id(self) -> object: ...
    @property
    def frequency(self) -> str: ...
    @property
    def starts_on(self) -> date: ...
    @property
    def ends_on(self) -> date | None: ...
    @property
    def missed(self) -> Sequence[str]: ...
    @property
    def upcoming(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Planned:
    """A meeting of the annual cycle planned in a slot (a month, two, a quarter, a half-year, a
    year), and what became of it: ``held``, ``missed`` or ``upcoming``."""

    cycle_id: str
    title: str
    kind: str
    strength_area_id: str | None
    label: str
    starts_on: date
    ends_on: date
    status: str


@dataclass
class Month:
    first: date
    held: list[Held] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    """Slots that start in the month."""


def planned_slots(cycle: Cycle, year: int) -> list[Planned]:
    """A cycle's slots in the year (as the follow-up counts them: ``kraftsamla_common.annual_cycle``),
    each with what became of it by the follow-up's missed and upcoming slots."""
    period = (date(year, 1, 1), date(year, 12, 31))
    missed, upcoming = set(cycle.missed), set(cycle.upcoming)
    return [
        Planned(
            cycle_id=str(cycle.id),
            title=cycle.title,
            kind=cycle.kind,
            strength_area_id=str(cycle.strength_area_id) if cycle.strength_area_id else None,
            label=slot.label,
            starts_on=slot.starts_on,
            ends_on=slot.ends_on,
            status="missed" if slot.label in missed else "upcoming" if slot.label in upcoming else "held",
        )
        for slot in annual_cycle.slots(cycle.frequency, cycle.starts_on, cycle.ends_on, period)  # type: ignore[arg-type]
    ]


def calendar(year: int, held: Iterable[Held], cycles: Iterable[Cycle]) -> list[Month]:
    """The year's twelve months, each with the meetings held in it (by date) and the planned
    slots that start in it (by title)."""
    months = [Month(date(year, m, 1)) for m in range(1, 13)]
    for e in sorted(held, key=lambda e: (e.held_on, e.title)):
        if e.held_on.year == year:
            months[e.held_on.month - 1].held.append(e)
    for c in cycles:
        for p in planned_slots(c, year):
            if p.starts_on.year == year:
                months[p.starts_on.month - 1].planned.append(p)
    for m in months:
        m.planned.sort(key=lambda p: p.title.casefold())
    return months


def month_name(first: date, locale: str) -> str:
    """ "Mars 2026", "Maaliskuu 2026", "March 2026": a calendar's heading."""
    text = format_date(first, "LLLL y", locale=locale)
    return text[:1].upper() + text[1:]


def slot_words(starts_on: date, ends_on: date, locale: str) -> str:
    """A slot in words: "mars 2026" for a month, "januari–juni 2026" for longer ones."""
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return format_date(starts_on, "LLLL y", locale=locale)
    first = format_date(starts_on, "LLLL", locale=locale)
    last = format_date(ends_on, "LLLL y", locale=locale)
    return f"{first}\u2013{last}"


class Figures(Protocol):
    @property
    def participations(self) -> int: ...
    @property
    def unique_people(self) -> int | None: ...
    @property
    def unique_actors(self) -> int | None: ...


def _registered(n: int | None, participations: int) -> int | None:
    return None if n is None or (n == 0 and participations > 0) else n


def unique_people(figures: Figures) -> int | None:
    """Unique participants where they were registered; None where they were not: the service
    answers none, or counted no one by name although people took part (head counts, whole
    organisations), which is not zero participants."""
    return _registered(figures.unique_people, figures.participations)


def unique_actors(figures: Figures) -> int | None:
    """Actors reached where they were registered (as :func:`unique_people`: a head count names no
    actor)."""
    return _registered(figures.unique_actors, figures.participations)


def slot_label_words(cycle: Cycle, label: str, year: int, locale: str) -> str:
    """A follow-up's slot label (``2026-03``, ``2026-Q1``, ``2026-H2``…) in words."""
    for p in planned_slots(cycle, year):
        if p.label == label:
            return slot_words(p.starts_on, p.ends_on, locale)
    return label
