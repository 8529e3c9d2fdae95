"""Events the assessment service listens to: a published plan version reassesses the region."""

from __future__ import annotations

from typing import Any

from kraftsamla_common.bus import Subscriptions
from kraftsamla_common.events import ActionPlanPublished, Envelope
from kraftsamla_common.messaging import UnitOfWork

from .assessing import reassess_region
from .models import PlanVersion

subscriptions = Subscriptions()


@subscriptions.on(ActionPlanPublished)
async def on_action_plan_published(event: Envelope[Any], uow: UnitOfWork) -> None:
    """Keep the newest version of the plan, then reassess every open application of the region."""
    data: ActionPlanPublished = event.data
    plan = await uow.session.get(PlanVersion, str(data.action_plan_id))
    if plan is not None and plan.version >= data.version:
        return  # an older or the same version arriving late changes nothing
    priorities = [p.model_dump(mode="json") for p in data.plan.priorities]
    if plan is None:
        uow.session.add(
            PlanVersion(
                action_plan_id=str(data.action_plan_id),
                region=event.region,
                strength_area_id=str(data.strength_area.id),
                strength_area_code=data.strength_area.code,
                version=data.version,
                priorities=priorities,
                published_at=data.published_at,
            )
        )
    else:
        plan.version, plan.priorities, plan.published_at = data.version, priorities, data.published_at
        plan.strength_area_code = data.strength_area.code
    await uow.session.flush()
    await reassess_region(
        uow,
        event.region,
        trigger_event_id=event.id,
        trigger=f"{data.strength_area.code} v{data.version} was published",
    )
