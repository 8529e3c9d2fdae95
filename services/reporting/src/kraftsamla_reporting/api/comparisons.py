"""Two report versions compared, as JSON or as a page: section by section, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse
from pydantic_core import to_jsonable_python

from kraftsamla_common.auth import ReadScope
from kraftsamla_common.service import MAX_OFFSET, UowDep, region_router

from ..adapters import render
from ..adapters.comparison import ComparisonWords
from ..adapters.labels import Labels
from ..domain.compare import SECTIONS, Change, Part, Value
from ..domain.content import Language, Period
from ..schemas import (
    ChangePublic,
    ChangeTextPublic,
    ComparedFigurePublic,
    ComparedValue,
    ComparisonSectionPublic,
    ReportComparisonPublic,
    SubjectPartPublic,
)
from ..usecases import reports
from ..usecases.reports import Comparison
from .views import Lang, summary_public

router = region_router("reporting")

Before = Annotated[int, Query(ge=1, le=MAX_OFFSET, description="The earlier version's number")]
After = Annotated[int, Query(ge=1, le=MAX_OFFSET, description="The later version's number")]


def _value(value: Value) -> ComparedValue:
    """A value as the report's JSON writes it (a period as an ISO 8601 interval)."""
    if isinstance(value, Period):
        return f"{value.start.isoformat()}/{value.end.isoformat()}"
    if isinstance(value, date | datetime):
        return str(to_jsonable_python(value))
    return value


def _part(p: Part, words: ComparisonWords) -> SubjectPartPublic:
    return SubjectPartPublic(kind=p.kind, key=p.key, name=words.part(p))


def _change(ch: Change, words: ComparisonWords) -> ChangePublic:
    said = words.change(ch)
    return ChangePublic(
        section=ch.section,
        subject=[_part(p, words) for p in ch.subject],
        figure=ch.figure,
        change=ch.change,
        kind=ch.kind,
        before=_value(ch.before),
        after=_value(ch.after),
        unit=ch.unit,
        item=_part(ch.item, words) if ch.item else None,
        figures=[
            ComparedFigurePublic(
                figure=f.figure,
                kind=f.kind,
                value=_value(f.value),
                unit=f.unit,
                label=words.figure(f.figure),
                text=words.figure_value(f),
            )
            for f in ch.figures
        ],
        text=ChangeTextPublic(
            section=said.section,
            subject=said.subject,
            figure=said.figure,
            change=said.change,
            before=said.before,
            after=said.after,
            sentence=said.sentence,
        ),
    )


def _public(c: Comparison, language: Language) -> ReportComparisonPublic:
    t = Labels(language)
    words = ComparisonWords(t)
    changes = c.difference.changes
    after = c.after.content
    return ReportComparisonPublic(
        region=c.before.region,
        region_name=t.region(c.after.region, after.get("country"), after.get("county")),
        language=language,
        before=summary_public(c.before),
        after=summary_public(c.after),
        plan_versions=[_change(x, words) for x in c.plan_versions],
        sections=[
            ComparisonSectionPublic(
                key=key,
                heading=words.heading(key),
                changes=[_change(x, words) for x in changes if x.section == key],
            )
            for key in SECTIONS
        ],
        changed=len(changes),
        unchanged=c.difference.unchanged,
        summary=words.summary(len(changes), c.difference.unchanged),
    )


@router.get("/reports/compare", response_model=ReportComparisonPublic)
async def compare_reports(
    scope: ReadScope, uow: UowDep, before: Before, after: After, lang: Lang = None
) -> ReportComparisonPublic:
    """What differs between two versions: the plan versions they were built from, and every figure,
    section by section; each change names its subject and figure by keys and in words."""
    comparison = await reports.compare_reports(uow, before, after)
    return _public(comparison, lang or comparison.language)


@router.get("/reports/compare/html", response_class=HTMLResponse)
async def compare_reports_html(
    scope: ReadScope, uow: UowDep, before: Before, after: After, lang: Lang = None
) -> HTMLResponse:
    """The comparison of two versions as a page."""
    comparison = await reports.compare_reports(uow, before, after)
    return HTMLResponse(render.comparison_html(_public(comparison, lang or comparison.language)))
