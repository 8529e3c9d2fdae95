"""The annual cycle (årshjul): in which calendar slots a recurring meeting is planned, and how the
meetings held compare. Plain Python, no I/O; the actors service plans and follows up cycles with
it, the reporting service counts them from ``actors.cycle.planned.v1`` and
``actors.engagement.recorded.v1``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .events import Frequency

__all__ = ["MONTHS", "CycleFollowUp", "Frequency", "Slot", "follow_up", "slots"]

MONTHS: dict[str, int] = {
    "monthly": 1,
    "every_two_months": 2,
    "quarterly": 3,
    "twice_a_year": 6,
    "yearly": 12,
}
"""The length of one slot of each frequency, in months."""


@dataclass(frozen=True)
class Slot:
    label: str
    starts_on: date
    ends_on: date
    """The last day of the slot."""


def _label(start: date, months: int) -> str:
    if months == 1:
        return f"{start:%Y-%m}"
    if months == 3:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if months == 6:
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    if months == 12:
        return str(start.year)
    return f"{start:%Y-%m}/{start.month + months - 1:02d}"


def _add_months(d: date, months: int) -> date | None:
    """The first of the month ``months`` after ``d``'s; None beyond the calendar (after year 9999)."""
    total = d.year * 12 + d.month - 1 + months
    if total // 12 > date.max.year:
        return None
    return date(total // 12, total % 12 + 1, 1)


def slots(
    frequency: Frequency, starts_on: date, ends_on: date | None, period: tuple[date, date]
) -> list[Slot]:
    """The calendar slots (months, quarters, halves, years…) in which a meeting is planned, within
    ``period`` and the cycle's own validity. Slots are aligned on the calendar year."""
    months = MONTHS[frequency]
    lo, hi = max(starts_on, period[0]), min(ends_on or date.max, period[1])
    if lo > hi:
        return []
    start = date(lo.year, (lo.month - 1) // months * months + 1, 1)
    out = []
    while start <= hi:
        nxt = _add_months(start, months)
        last = date.max if nxt is None else date.fromordinal(nxt.toordinal() - 1)
        out.append(Slot(_label(start, months), start, last))
        if nxt is None:
            break
        start = nxt
    return out


@dataclass
class CycleFollowUp:
    planned: int
    held: int
    """Slots in which at least one meeting was held."""
    meetings: int
    missed: list[str]
    upcoming: list[str] = field(default_factory=list)
    """Slots still running or to come in which no meeting is held yet: not missed (yet)."""


def follow_up(
    planned: Sequence[Slot], held_on: Iterable[date], *, today: date | None = None
) -> CycleFollowUp:
    """Planned slots against meetings actually held: how many slots had a meeting, which were missed.

    A slot that has not ended by ``today`` and has no meeting yet is upcoming, neither planned so far
    nor missed: on 1 December, December's meeting is still to be held."""
    dates = sorted(held_on)
    hits = {s.label: 0 for s in planned}
    meetings = 0
    for d in dates:
        for s in planned:
            if s.starts_on <= d <= s.ends_on:
                hits[s.label] += 1
                meetings += 1
                break
    ended = {s.label for s in planned if today is None or s.ends_on < today}
    upcoming = [label for label, n in hits.items() if not n and label not in ended]
    return CycleFollowUp(
        planned=len(planned) - len(upcoming),
        held=sum(1 for n in hits.values() if n),
        meetings=meetings,
        missed=[label for label, n in hits.items() if not n and label in ended],
        upcoming=upcoming,
    )
