"""The follow-up report of one region, built from its read models section by section."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from uuid import UUID

from kraftsamla_common.events import (
    plan_key,
)

from .activities import activities_in
from .agenda2030 import agenda2030_of
from .common import area_codes, language_of, plan_refs
from .content import HELIX_KEYS, ActorCounts, BuiltFrom, Period, ReportContent, SourceMark
from .eu_criteria import eu_criteria, self_assessment_of
from .geography import geography_of
from .indicators import indicator_lines
from .inputs import ReportInputs
from .local_plans import local_plans_of
from .partnerships import partnerships_on
from .plans import plan_lines, programme_lines
from .portfolio import coverage_of, portfolio_of, reassessment_lines


def main_currency(inputs: ReportInputs) -> str:
    counts = Counter(a.currency for a in inputs.applications)
    if counts:
        return counts.most_common(1)[0][0]
    return "EUR" if inputs.geography and inputs.geography.country == "FI" else "SEK"


def year_of(day: date) -> Period:
    return Period(start=date(day.year, 1, 1), end=date(day.year, 12, 31))


def build_report(
    inputs: ReportInputs, generated_at: datetime, period: Period | None = None
) -> tuple[ReportContent, BuiltFrom]:
    """The region's report over ``period`` (the calendar year of ``generated_at`` by default), and
    what it was built from."""
    period = period or year_of(generated_at.date())
    refs = plan_refs(inputs.plans)
    key = plan_key(refs)
    plans = plan_lines(inputs, generated_at)
    codes = area_codes(inputs)
    activities = activities_in(inputs, period, generated_at.date())
    partnerships = partnerships_on(inputs, min(period.end, generated_at.date()))
    indicators = indicator_lines(inputs)
    country = inputs.geography.country if inputs.geography else None
    content = ReportContent(
        region=inputs.region,
        generated_at=generated_at,
        language=language_of(country),
        country=country,
        county=inputs.geography.county if inputs.geography else None,
        currency=main_currency(inputs),
        period=period,
        programmes=programme_lines(inputs),
        plans=plans,
        activities=activities,
        partnerships=partnerships,
        portfolio=portfolio_of(inputs, codes),
        assessments=coverage_of(inputs, key),
        last_reassessments=reassessment_lines(inputs),
        geography=geography_of(inputs),
        agenda2030=agenda2030_of(inputs),
        indicators=indicators,
        eu_criteria=eu_criteria(inputs),
        self_assessment=self_assessment_of(inputs),
        local_plans=local_plans_of(inputs, codes),
        actors=actor_counts(inputs),
    )
    built_from = BuiltFrom(
        plan_versions=refs,
        plan_key=key,
        sources={
            service: SourceMark(last_event_id=UUID(s.last_event_id), last_event_time=s.last_event_time)
            for service, s in sorted(inputs.sources.items())
        },
        generated_at=generated_at,
    )
    return content, built_from


def actor_counts(inputs: ReportInputs) -> ActorCounts:
    by_helix = dict.fromkeys(HELIX_KEYS, 0)
    for actor in inputs.actors:
        by_helix[actor.helix] = by_helix.get(actor.helix, 0) + 1
    return ActorCounts(total=len(inputs.actors), by_helix=by_helix)
