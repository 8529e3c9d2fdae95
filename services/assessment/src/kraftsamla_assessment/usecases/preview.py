"""The preview of a change not yet published: what draft action plans and/or a draft rubric would
move in the region's open portfolio, and why. Stores nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import defer

from kraftsamla_common.errors import Unprocessable
from kraftsamla_common.events import ActionPlanContent, Rubric
from kraftsamla_common.messaging import UnitOfWork

from ..domain.assessor import Assessor, Difference, Facts
from ..domain.plans import StrengthAreaPlan, draft_plan
from ..domain.reassessment import (
    OPEN_STATUSES,
    Move,
    MoveGroup,
    explain,
    group_moves,
    index_priorities,
    outcome,
    preview_of,
    result_outcome,
    summarize_preview,
    with_tie,
)
from ..domain.reassessment import moved as has_moved
from ..domain.wording import Part, english, name
from ..persistence.tables import Application, Assessment
from ..schemas import PreviewRequest
from . import references
from .assessing import (
    current_assessments,
    current_plans,
    load_assessor,
    load_fits,
    load_portfolio,
    plans_of,
    texts_read,
)
from .rubrics import current_rubric


@dataclass(frozen=True)
class Preview:
    plan_key: str
    rubric_version: int | None
    assessed: int
    moves: list[Move]
    groups: list[MoveGroup]
    levels_before: dict[str, int]
    levels_after: dict[str, int]
    summary: str
    """In English (``summary_parts``: its sentences as parts)."""
    summary_parts: list[Part]
    titles: dict[str, str]
    """The titles of the moved applications, by id."""


async def preview_change(uow: UnitOfWork, body: PreviewRequest) -> Preview:
    """What publishing draft action plans (the content of a plan draft, as the plans service holds
    it) and/or a draft rubric would do to the region's open portfolio; stores nothing."""
    current = plans_of(await current_plans(uow))
    now_by_plan = {p.action_plan_id: p for p in current}
    plan_of_area = {p.strength_area_id: p.action_plan_id for p in current}
    drafts: list[StrengthAreaPlan] = []
    errors = await references.unknown(uow, body)
    for i, d in enumerate(body.action_plans):
        now = now_by_plan.get(d.action_plan_id)
        area = d.strength_area_id or (now.strength_area_id if now else None)
        if now is not None and area != now.strength_area_id:
            errors.append(
                {
                    "pointer": f"/action_plans/{i}/strength_area_id",
                    "message": f"the action plan {d.action_plan_id} is of strength area {now.strength_area_id}",
                }
            )
            continue
        if now is None and area in plan_of_area:
            errors.append(
                {
                    "pointer": f"/action_plans/{i}/action_plan_id",
                    "message": f"not the action plan of strength area {area} in this region "
                    f"(that is {plan_of_area[area]})",
                }
            )
            continue
        if area is None:
            errors.append(
                {
                    "pointer": f"/action_plans/{i}/strength_area_id",
                    "message": "needed for a plan not yet published",
                }
            )
            continue
        drafts.append(
            draft_plan(
                now,
                d.action_plan_id,
                area,
                d.code or (now.code if now else str(area)[:8]),
                ActionPlanContent.model_validate(d.plan),
            )
        )
    if errors:
        raise Unprocessable("The preview cannot be made.", errors)
    return await _preview(uow, current, drafts, body.rubric)


async def _preview(
    uow: UnitOfWork, current: list[StrengthAreaPlan], drafts: list[StrengthAreaPlan], rubric: Rubric | None
) -> Preview:
    by_plan = {p.action_plan_id: p for p in current}
    for d in drafts:
        by_plan[d.action_plan_id] = d
    version, current_rubric_, _ = await current_rubric(uow)
    now = await load_assessor(uow)
    draft = Assessor(
        sorted(by_plan.values(), key=lambda p: p.code),
        rubric or current_rubric_,
        version + 1 if rubric else version,
        now.precedents if now else (),
    )
    difference = draft.difference(now) if now is not None else Difference(everything=True)
    apps = (
        await uow.session.scalars(
            select(Application)
            .options(defer(Application.features, raiseload=True))
            .where(Application.region == uow.region, Application.status.in_(OPEN_STATUSES))
        )
    ).all()
    previous = await current_assessments(uow, apps)
    portfolio = await load_portfolio(uow, Counter(m for app in apps for m in app.municipalities))
    old_index, new_index = index_priorities(current), index_priorities(draft.plans)
    names = draft.names | {p.strength_area_id: name(p.name, p.code) for p in current}
    moves: list[Move] = []
    titles: dict[str, str] = {}
    before_levels: Counter[str] = Counter()
    after_levels: Counter[str] = Counter()
    # Assessed by the plans in force, and nothing the draft changes is in its text: the draft would
    # assess it the same. Told first by the text itself (no changed term's needle in it), then,
    # for the rest, by its words.
    maybe: list[tuple[Application, Assessment | None, Facts]] = []
    for app in apps:
        before = previous.get(app.current_assessment_id or "")
        facts = portfolio.facts(app, read=False)
        if before is not None and _in_force(before, app, now) and not difference.may_touch(facts):
            before_levels[before.level or "none"] += 1
            after_levels[before.level or "none"] += 1
            continue
        maybe.append((app, before, facts))
    texts = await texts_read(uow, [app for app, _, _ in maybe])
    await load_fits(uow, [before for _, before, _ in maybe if before is not None])
    for app, before, read in maybe:
        facts = replace(read, features=texts[app.id])
        if before is not None and _in_force(before, app, now) and not difference.touches(facts):
            before_levels[before.level or "none"] += 1
            after_levels[before.level or "none"] += 1
            continue
        result = draft.assess(facts, portfolio.region)
        after_levels[result.level or "none"] += 1
        if before is None:
            continue
        before_levels[before.level or "none"] += 1
        b = outcome(before.strength_area_id, before.level, before.recommendation, before.fits)
        a = result_outcome(result)
        if has_moved(b, a):
            why = explain(b, a, old_index, new_index, rubric_changed=rubric is not None, text_changed=False)
            moves.append(Move(UUID(app.id), b, a, with_tie(why, result, names)))
            titles[app.id] = app.title
    groups = group_moves(moves, names, conditional=True)
    what = preview_of(plans=bool(drafts), rubric=rubric is not None)
    summary = summarize_preview(len(apps), len(apps) - len(moves), groups, what)
    return Preview(
        draft.key,
        draft.rubric_version,
        len(apps),
        moves,
        groups,
        dict(before_levels),
        dict(after_levels),
        english(summary),
        summary,
        titles,
    )


def _in_force(before: Assessment, app: Application, now: Assessor | None) -> bool:
    """Whether the stored assessment is of the application as it is, by the plans and rubric in force."""
    return now is not None and (before.plan_key, before.rubric_version, before.application_revision) == (
        now.key,
        now.rubric_version,
        app.revision,
    )
