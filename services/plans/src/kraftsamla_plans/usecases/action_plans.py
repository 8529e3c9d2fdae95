"""Action plans: the versioned document of each strength area, with its review status."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import select

from kraftsamla_common.events import ActionPlanContent, ActionPlanPublished, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain import action_plans
from ..domain.action_plans import ContentDiff
from ..domain.problems import Problem
from ..domain.review import Review, review_due, review_status
from ..persistence.tables import ActionPlan, ActionPlanVersion, Programme, StrengthArea
from . import documents, references
from .checklist import refresh_checklists
from .documents import DocumentKind, Selector
from .programmes import snapshot
from .refusals import said


async def _save_errors(uow: UnitOfWork, content: ActionPlanContent) -> list[Problem]:
    """The draft must agree with itself, and name actors and groups of this region."""
    return action_plans.content_errors(content) + await references.unknown(uow, content)


async def _publish_errors(uow: UnitOfWork, content: ActionPlanContent, today: date) -> list[Problem]:
    return action_plans.publish_errors(content, today) + await references.unknown(uow, content)


async def _published(
    uow: UnitOfWork, plan: ActionPlan, version: ActionPlanVersion, content: ActionPlanContent
) -> ActionPlanPublished:
    """A version states when the plan is next reviewed; it is announced with its programme and strength area."""
    version.next_review = content.next_review
    plan.last_published_at, plan.next_review = version.published_at, content.next_review
    area = plan.strength_area
    programme = await uow.session.get(Programme, area.programme_id)
    assert programme is not None
    return ActionPlanPublished(
        programme_id=UUID(programme.id),
        programme_title=programme.title,
        action_plan_id=UUID(plan.id),
        strength_area=snapshot(area),
        version=version.number,
        published_at=version.published_at,
        published_by=version.published_by,
        plan=content,
        review_due=review_due(version.published_at, plan.created_at, content.next_review),
    )


ACTION_PLANS = DocumentKind(
    name="Action plan",
    table=ActionPlan,
    versions=ActionPlanVersion,
    document_id=ActionPlanVersion.action_plan_id,
    number=ActionPlanVersion.number,
    content=ActionPlanContent,
    save_errors=_save_errors,
    save_refused=said("refused_draft_contradicts"),
    publish_errors=_publish_errors,
    publish_refused=said("refused_draft_publish"),
    published=_published,
    after_publish=refresh_checklists,
)


class ReviewedPlan(NamedTuple):
    plan: ActionPlan
    review: Review


def _reviewed(plan: ActionPlan) -> ReviewedPlan:
    return ReviewedPlan(
        plan, review_status(plan.last_published_at, plan.created_at, plan.next_review, utcnow())
    )


async def list_action_plans(
    uow: UnitOfWork,
    *,
    programme_id: UUID | None,
    strength_area: str | None,
    overdue: bool | None,
    page: Page,
) -> tuple[list[ReviewedPlan], int]:
    """A page of the region's action plans with their review status, and how many there are; by
    programme, strength area code, or whether they are overdue for revision."""
    where = [ActionPlan.region == uow.region]
    if programme_id is not None:
        where.append(StrengthArea.programme_id == str(programme_id))
    if strength_area is not None:
        where.append(StrengthArea.code == strength_area)
    plans = await uow.session.scalars(
        select(ActionPlan)
        .join(StrengthArea, ActionPlan.strength_area_id == StrengthArea.id)
        .where(*where)
        .order_by(StrengthArea.programme_id, StrengthArea.code)
    )
    reviewed = [_reviewed(plan) for plan in plans.all()]
    if overdue is not None:
        reviewed = [r for r in reviewed if r.review.overdue == overdue]
    return page.slice(reviewed), len(reviewed)


async def get_action_plan(uow: UnitOfWork, plan_id: UUID) -> ReviewedPlan:
    return _reviewed(await documents.find_document(uow, ACTION_PLANS, plan_id))


async def replace_action_plan_draft(
    uow: UnitOfWork, plan_id: UUID, content: ActionPlanContent, *, if_match: str | None
) -> ReviewedPlan:
    """Replace the draft (see :func:`documents.replace_draft`). A draft may be incomplete, but not
    contradictory (e.g. a target year before its baseline year)."""
    return _reviewed(await documents.replace_draft(uow, ACTION_PLANS, plan_id, content, if_match=if_match))


async def diff_action_plan(
    uow: UnitOfWork, plan_id: UUID, before: Selector, after: Selector
) -> tuple[ActionPlan, ContentDiff]:
    """What changed between two versions (or a version and the draft)."""
    plan, old, new = await documents.compare(uow, ACTION_PLANS, plan_id, before, after)
    return plan, action_plans.diff(old, new)
