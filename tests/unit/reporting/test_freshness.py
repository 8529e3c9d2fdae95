"""Whether a report shows its plan versions current, and since when a region's report lags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kraftsamla_reporting.domain.freshness import Publication, ReportState, newly_current, stale_since

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ENERGY, FOOD = "energy-plan", "food-plan"


def state(*versions: tuple[str, int], outdated: int | None = 0) -> ReportState:
    return ReportState(frozenset(versions), outdated)


def test_a_report_still_reassessing_shows_nothing_current() -> None:
    assert newly_current(state((ENERGY, 1)), state((ENERGY, 2), outdated=40)) == set()


def test_the_first_current_report_after_a_publish_names_only_the_new_version() -> None:
    before = state((ENERGY, 1), (FOOD, 3))
    assert newly_current(before, state((ENERGY, 2), (FOOD, 3))) == {(ENERGY, 2)}
    # The next report (another change) shows nothing newly current.
    assert newly_current(state((ENERGY, 2), (FOOD, 3)), state((ENERGY, 2), (FOOD, 3))) == set()


def test_after_a_report_that_was_still_reassessing_every_named_version_counts() -> None:
    reassessing = state((ENERGY, 2), (FOOD, 3), outdated=12)
    assert newly_current(reassessing, state((ENERGY, 2), (FOOD, 3))) == {(ENERGY, 2), (FOOD, 3)}
    assert newly_current(None, state((ENERGY, 1))) == {(ENERGY, 1)}


def test_versions_kept_before_outdated_was_recorded_count_as_current() -> None:
    assert state((ENERGY, 1), outdated=None).current


def test_a_current_report_is_not_stale() -> None:
    published = [Publication(ENERGY, 2, T0)]
    assert stale_since(state((ENERGY, 2)), published, None) is None
    assert stale_since(None, [], None) is None


def test_stale_since_the_oldest_change_not_yet_in_a_report() -> None:
    published = [Publication(ENERGY, 2, T0)]
    assert stale_since(state((ENERGY, 2)), published, T0 + timedelta(minutes=5)) == T0 + timedelta(minutes=5)


def test_stale_since_a_publication_the_report_does_not_name() -> None:
    published = [Publication(ENERGY, 3, T0 + timedelta(hours=1)), Publication(FOOD, 1, T0)]
    latest = state((ENERGY, 2), (FOOD, 1))
    assert stale_since(latest, published, None) == T0 + timedelta(hours=1)
    # No report at all yet: since the first publication.
    assert stale_since(None, published, None) == T0


def test_stale_while_applications_wait_for_the_newest_named_version() -> None:
    published = [Publication(ENERGY, 2, T0 + timedelta(hours=2)), Publication(FOOD, 1, T0)]
    latest = state((ENERGY, 2), (FOOD, 1), outdated=7)
    assert stale_since(latest, published, None) == T0 + timedelta(hours=2)
