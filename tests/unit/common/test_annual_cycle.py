"""The annual cycle (årshjul) shared by actors and reporting: calendar slots and their follow-up."""

from __future__ import annotations

from datetime import date
from typing import get_args

from kraftsamla_common import annual_cycle


def test_slots_are_calendar_aligned_and_clipped_to_the_cycle() -> None:
    year = (date(2026, 1, 1), date(2026, 12, 31))
    monthly = annual_cycle.slots("monthly", date(2026, 3, 15), None, year)
    assert [s.label for s in monthly][:2] == ["2026-03", "2026-04"] and len(monthly) == 10
    assert [s.label for s in annual_cycle.slots("twice_a_year", date(2020, 1, 1), None, year)] == [
        "2026-H1",
        "2026-H2",
    ]
    assert [s.label for s in annual_cycle.slots("quarterly", date(2020, 1, 1), date(2026, 5, 1), year)] == [
        "2026-Q1",
        "2026-Q2",
    ]
    assert annual_cycle.slots("yearly", date(2027, 1, 1), None, year) == []


def test_follow_up_counts_held_slots_and_names_the_missed() -> None:
    planned = annual_cycle.slots("monthly", date(2026, 1, 1), None, (date(2026, 1, 1), date(2026, 6, 30)))
    held = [date(2026, 1, 20), date(2026, 2, 17), date(2026, 2, 24), date(2026, 4, 21), date(2026, 6, 16)]
    f = annual_cycle.follow_up(planned, held)
    assert (f.planned, f.held, f.meetings, f.missed) == (6, 4, 5, ["2026-03", "2026-05"])


def test_every_frequency_of_the_catalogue_has_its_slot_length() -> None:
    assert set(annual_cycle.MONTHS) == set(get_args(annual_cycle.Frequency))
    spring = (date(2026, 1, 1), date(2026, 6, 30))
    assert [s.label for s in annual_cycle.slots("every_two_months", date(2026, 2, 10), None, spring)] == [
        "2026-01/02",
        "2026-03/04",
        "2026-05/06",
    ]


def test_the_running_slot_is_not_missed_before_it_ends() -> None:
    """On 1 December, December's meeting is still to come; November's, not held, is missed."""
    planned = annual_cycle.slots("monthly", date(2026, 1, 1), None, (date(2026, 9, 1), date(2026, 12, 31)))
    held = [date(2026, 9, 15), date(2026, 10, 20)]
    f = annual_cycle.follow_up(planned, held, today=date(2026, 12, 1))
    assert (f.planned, f.held, f.missed, f.upcoming) == (3, 2, ["2026-11"], ["2026-12"])
    # A meeting held early in the running month counts at once.
    early = annual_cycle.follow_up(planned, [*held, date(2026, 12, 1)], today=date(2026, 12, 1))
    assert (early.planned, early.held, early.missed, early.upcoming) == (4, 3, ["2026-11"], [])
