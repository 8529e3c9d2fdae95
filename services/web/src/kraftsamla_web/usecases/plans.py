"""The action plan pages' calls to the services, made at once where a page can: the list (three), a
plan (three, and the diff of its draft where it was changed), a step (two; the governance step five, the vision and evaluation steps four), the
diff (five at most; its first version from the plan), the preview (three), a save (two), a publish (one), what followed a version
(one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ..adapters.services import Refused, Sent, Services, Unavailable
from ..domain.plans import draft_state
from ..schemas import (
    Plan,
    PlanLines,
    PlanVersion,
    PlanVersions,
    Preview,
    ProgrammeLines,
    ReassessmentList,
    RegionSettings,
    ReportsBuilt,
)
from .desk import region_settings

VERSIONS = 500
"""Versions a plan's page lists (a plan is revised twice a year: centuries of them)."""
CHOICES = 500
"""Groups, actors and people the governance step offers to choose from."""
INDICATOR_STEPS = (3, 6)
"""The steps whose indicators may cite an ERDF common indicator by its code (sub-goals, the effect chain)."""
FOLLOWING = 50
"""Reassessments or reports looked through for the one that followed a version."""


def _plans(region: str) -> str:
    return f"/plans/regions/{region}/action-plans"


def plan_path(region: str, plan_id: UUID) -> str:
    return f"{_plans(region)}/{plan_id}"


@dataclass
class PlansPage:
    plans: PlanLines
    programmes: ProgrammeLines | None
    settings: RegionSettings | None


async def load_plans(services: Services, region: str, *, editor: bool) -> PlansPage:
    """The region's action plans with their review status, the region's name, and (for one who may
    start a plan) the programmes a strength area can be added to."""
    found, programmes, settings = await services.gather(
        services.json("plans", _plans(region), {"limit": 500}),
        services.json("plans", f"/plans/regions/{region}/programmes", {"limit": 100}) if editor else _none(),
        region_settings(services, region),
    )
    return PlansPage(
        plans=PlanLines.model_validate(found),
        programmes=ProgrammeLines.model_validate(programmes) if programmes is not None else None,
        settings=settings,
    )


async def _none() -> None:
    return None


async def add_strength_area(services: Services, region: str, programme_id: str, body: dict[str, Any]) -> str:
    """A new strength area with its empty action plan; the plan's id. The programme's ETag is read
    first (the service asks for it in If-Match)."""
    base = f"/plans/regions/{region}/programmes/{programme_id}"
    _, etag = await services.with_etag("plans", base)
    sent = await services.send("POST", "plans", f"{base}/strength-areas", json=body, if_match=etag)
    areas = (sent.body or {}).get("strength_areas") or []
    return str(next(a["action_plan_id"] for a in areas if a.get("code") == body["code"]))


@dataclass
class PlanPage:
    plan: Plan
    etag: str | None
    versions: list[PlanVersion]
    changes: dict[str, Any] | None
    """What the draft changed since the latest version (the plans service's diff), if published."""
    settings: RegionSettings | None


async def load_plan(services: Services, region: str, plan_id: UUID) -> PlanPage:
    """The plan with its draft, its versions (newest first) and the region's name at once; then,
    where the draft was saved since the latest version, what it changed (the plans service's diff
    of that version and the draft): three calls, or four."""
    (found, etag), versions, settings = await services.gather(
        services.with_etag("plans", plan_path(region, plan_id)),
        services.json("plans", f"{plan_path(region, plan_id)}/versions", {"limit": VERSIONS}),
        region_settings(services, region),
    )
    plan = Plan.model_validate(found)
    changes = None
    if draft_state(plan) == "changed":
        changes = dict(
            await services.json(
                "plans", f"{plan_path(region, plan_id)}/diff", {"from": plan.current_version, "to": "draft"}
            )
        )
    return PlanPage(
        plan=plan,
        etag=etag,
        versions=sorted(PlanVersions.model_validate(versions).data, key=lambda v: -v.number),
        changes=changes,
        settings=settings,
    )


@dataclass
class StepPage:
    plan: Plan
    etag: str | None
    settings: RegionSettings | None
    choices: dict[str, list[tuple[str, str]]]
    """The lists a step's choices come from (``groups``, ``holders``), each (value, name)."""
    indicators: list[tuple[str, str]]
    """The ERDF common indicators to pick a code from (code, name); empty where none are offered."""


async def load_step(services: Services, region: str, plan_id: UUID, number: int) -> StepPage:
    """The plan's draft with its ETag and the region's name; for the governance step the region's
    groups, actors and their people to choose from (actors service); for the vision and
    evaluation steps the ERDF common indicators 2021–2027 to pick a code from (the plans
    service's list, outputs and results: two calls, the list holds more than one answer gives)."""
    calls: list[Any] = [
        services.with_etag("plans", plan_path(region, plan_id)),
        region_settings(services, region),
    ]
    if number == 2:
        actors = f"/actors/regions/{region}"
        calls += [
            services.json("actors", f"{actors}/groups", {"limit": CHOICES}),
            services.json("actors", f"{actors}/actors", {"limit": CHOICES}),
            services.json("actors", f"{actors}/people", {"limit": CHOICES}),
        ]
    if number in INDICATOR_STEPS:
        listed = f"/plans/regions/{region}/indicators"
        calls += [
            services.optional("plans", listed, {"kind": kind, "limit": 100}) for kind in ("output", "result")
        ]
    (found, etag), settings, *rest = await services.gather(*calls)
    choices: dict[str, list[tuple[str, str]]] = {}
    indicators: list[tuple[str, str]] = []
    if number in INDICATOR_STEPS:
        indicators = [
            (str(i["code"]), str(i["name"])) for answer in rest if answer for i in answer.get("data") or []
        ]
    if number == 2:
        groups, actors_found, people = rest
        choices["groups"] = sorted(
            ((str(g["id"]), str(g["name"])) for g in groups.get("data") or []), key=lambda c: c[1].casefold()
        )
        named = {str(a["id"]): str(a["name"]) for a in actors_found.get("data") or []}
        holders = [(i, n) for i, n in named.items()]
        for p in people.get("data") or []:
            if p.get("name") and not p.get("erased"):
                org = named.get(str(p.get("actor_id")))
                holders.append((str(p["id"]), f"{p['name']} ({org})" if org else str(p["name"])))
        choices["holders"] = sorted(holders, key=lambda c: c[1].casefold())
    return StepPage(Plan.model_validate(found), etag, settings, choices, indicators)


async def current_draft(services: Services, region: str, plan_id: UUID) -> tuple[Plan, str | None]:
    found, etag = await services.with_etag("plans", plan_path(region, plan_id))
    return Plan.model_validate(found), etag


async def save_draft(
    services: Services, region: str, plan_id: UUID, content: dict[str, Any], etag: str
) -> Sent:
    """Replace the draft, as read at ``etag``: someone else's save in between is refused (412)."""
    return await services.send(
        "PUT", "plans", f"{plan_path(region, plan_id)}/draft", json=content, if_match=etag
    )


@dataclass
class DiffPage:
    plan: Plan
    diff: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    settings: RegionSettings | None


async def _content(services: Services, region: str, plan_id: UUID, which: int | str) -> dict[str, Any] | None:
    if which == "draft":
        return None
    found = await services.json("plans", f"{plan_path(region, plan_id)}/versions/{which}")
    return dict(PlanVersion.model_validate(found).content)


async def load_diff(
    services: Services,
    region: str,
    plan_id: UUID,
    before: int | str,
    after: int | str,
    *,
    plan: Plan | None = None,
) -> DiffPage:
    """The plans service's diff of two versions (or a version and the draft), the plan (its draft,
    its name; read already where ``plan`` is given), the two versions' contents (for the names of
    what changed), the region's name: five calls at most, at once."""
    (found, diff, old, new, settings) = await services.gather(
        services.json("plans", plan_path(region, plan_id)) if plan is None else _none(),
        services.json("plans", f"{plan_path(region, plan_id)}/diff", {"from": before, "to": after}),
        _content(services, region, plan_id, before),
        _content(services, region, plan_id, after),
        region_settings(services, region),
    )
    plan = plan if plan is not None else Plan.model_validate(found)
    return DiffPage(
        plan=plan,
        diff=dict(diff),
        before=plan.draft if before == "draft" else old,
        after=plan.draft if after == "draft" else new,
        settings=settings,
    )


@dataclass
class PreviewPage:
    plan: Plan
    etag: str | None
    preview: Preview | None
    """None where the assessment service made none (``refused``: its answer's status)."""
    refused: int | None
    settings: RegionSettings | None


async def load_preview(services: Services, region: str, plan_id: UUID) -> PreviewPage:
    """What publishing the plan's draft would move in the region's open portfolio: the draft (with
    its ETag, which the publish form sends back) and the region's name at once, then the
    assessment service's preview of that draft (it stores nothing; it makes one for administrators
    and process leaders only: 403 for others)."""
    (plan, etag), settings = await services.gather(
        current_draft(services, region, plan_id), region_settings(services, region)
    )
    body = {
        "action_plans": [
            {
                "action_plan_id": str(plan.id),
                "strength_area_id": str(plan.strength_area_id),
                "code": plan.strength_area_code,
                "plan": plan.draft,
            }
        ]
    }
    try:
        sent = await services.send("POST", "assessment", f"/assessment/regions/{region}/previews", json=body)
    except Refused as refused:
        return PreviewPage(plan, etag, None, refused.status, settings)
    return PreviewPage(plan, etag, Preview.model_validate(sent.body), None, settings)


async def publish(services: Services, region: str, plan_id: UUID, note: str, etag: str | None) -> int:
    """Publish the draft as read at ``etag`` (the one previewed), with the note; its number."""
    sent = await services.send(
        "POST",
        "plans",
        f"{plan_path(region, plan_id)}/publish",
        json={"note": note or None},
        if_match=etag,
    )
    return int((sent.body or {}).get("number") or 0)


async def following_reassessments(services: Services, region: str) -> ReassessmentList:
    found = await services.json(
        "assessment", f"/assessment/regions/{region}/reassessments", {"limit": FOLLOWING}
    )
    return ReassessmentList.model_validate(found)


async def following_reports(services: Services, region: str) -> ReportsBuilt:
    try:
        found = await services.json("reporting", f"/reporting/regions/{region}/reports", {"limit": FOLLOWING})
    except Unavailable:
        return ReportsBuilt(data=[], count=0)
    return ReportsBuilt.model_validate(found)
