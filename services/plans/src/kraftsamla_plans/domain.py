"""Rules of programmes, action plans and local plans: plain Python, no I/O.

Every problem found is reported with a JSON pointer to where it is, so a person can fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel

from kraftsamla_common.events import (
    ActionPlanContent,
    LocalAction,
    LocalizedText,
    LocalPlanContent,
    Priority,
    RegionalLink,
)

from .schemas import (
    ActionAlignment,
    Alignment,
    Criterion,
    Evidence,
    FieldChange,
    ItemChange,
    ItemsDiff,
    LocalPlanAlignment,
    PriorityAlignment,
    PriorityRef,
    ReviewStatus,
    ServedBy,
)

Problem = dict[str, Any]
REVISION_INTERVAL = timedelta(days=183)
"""Action plans are revised at least twice a year."""
ANALYSIS_MAX_AGE = timedelta(days=366)
"""An analysis older than this is not 'up to date' (EU enabling condition 1.1, criterion 1)."""


def _problem(pointer: str, message: str) -> Problem:
    return {"pointer": pointer, "message": message}


def _duplicates(ids: Iterable[str], pointer: str, what: str) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(_problem(f"{pointer}/{i}/id", f"{what} id {ident!r} is used twice"))
        seen.add(ident)
    return out


# --------------------------------------------------------------------------- action plans


def content_errors(plan: ActionPlanContent) -> list[Problem]:
    """Contradictions in an action plan, refused on every save (a draft may be incomplete, not wrong)."""
    errors = _duplicates((p.id for p in plan.priorities), "/priorities", "priority")
    errors += _duplicates((g.id for g in plan.sub_goals), "/sub_goals", "sub-goal")
    errors += _duplicates(
        (x.id for x in plan.policy_mix.initiatives), "/policy_mix/initiatives", "initiative"
    )
    for i, p in enumerate(plan.priorities):
        if p.valid_until < p.valid_from:
            errors.append(
                _problem(f"/priorities/{i}/valid_until", "the validity period ends before it starts")
            )
    for i, g in enumerate(plan.sub_goals):
        where = f"/sub_goals/{i}"
        if g.baseline is not None and g.baseline_year is None:
            errors.append(_problem(f"{where}/baseline_year", "a baseline needs the year it was measured"))
        if g.target is not None and g.target_year is None:
            errors.append(_problem(f"{where}/target_year", "a target needs the year it is to be reached"))
        if g.baseline_year and g.target_year and g.target_year < g.baseline_year:
            errors.append(_problem(f"{where}/target_year", "the target year is before the baseline year"))
    priority_ids = {p.id for p in plan.priorities}
    initiative_ids = {x.id for x in plan.policy_mix.initiatives}
    for i, x in enumerate(plan.policy_mix.initiatives):
        where = f"/policy_mix/initiatives/{i}"
        if x.start_year and x.end_year and x.end_year < x.start_year:
            errors.append(_problem(f"{where}/end_year", "the initiative ends before it starts"))
        for j, pid in enumerate(x.priority_ids):
            if pid not in priority_ids:
                errors.append(_problem(f"{where}/priority_ids/{j}", f"no priority {pid!r} in this plan"))
    for i, entry in enumerate(plan.policy_mix.portfolio):
        if entry.initiative_id and entry.initiative_id not in initiative_ids:
            errors.append(
                _problem(
                    f"/policy_mix/portfolio/{i}/initiative_id",
                    f"no initiative {entry.initiative_id!r} in this plan",
                )
            )
    return errors


def publish_errors(plan: ActionPlanContent, today: date) -> list[Problem]:
    """What stands in the way of publishing: contradictions, and what a published plan must state."""
    errors = content_errors(plan)
    if not plan.priorities:
        errors.append(_problem("/priorities", "a published action plan needs at least one priority"))
    if plan.next_review is None:
        errors.append(_problem("/next_review", "a published action plan states when it is next revised"))
    elif plan.next_review <= today:
        errors.append(_problem("/next_review", "the next review date must be in the future"))
    elif plan.next_review > today + REVISION_INTERVAL:
        errors.append(
            _problem(
                "/next_review",
                "plans are revised at least twice a year: the next review must be within six months",
            )
        )
    return errors


def measurement_errors(published: ActionPlanContent | None, sub_goal_id: str) -> list[Problem]:
    """Why a value cannot be recorded for ``sub_goal_id``: measurements follow up the sub-goals of
    the plan's latest published version (a draft's sub-goals are not yet the plan's)."""
    if published is None:
        return [
            _problem(
                "/sub_goal_id",
                "the action plan has no published version yet: publish its sub-goals before measuring them",
            )
        ]
    if all(g.id != sub_goal_id for g in published.sub_goals):
        known = ", ".join(repr(g.id) for g in published.sub_goals) or "none"
        return [
            _problem(
                "/sub_goal_id",
                f"no sub-goal {sub_goal_id!r} in the latest published version (its sub-goals: {known})",
            )
        ]
    return []


def review_status(
    last_published: datetime | None, created: datetime, next_review: date | None, now: datetime
) -> ReviewStatus:
    """Overdue when the next review date has passed, or nothing was published for six months."""
    reason = None
    since = last_published or created
    if next_review is not None and next_review < now.date():
        reason = f"the review planned for {next_review.isoformat()} has passed"
    elif now - since > REVISION_INTERVAL:
        what = "published" if last_published is None else "revised"
        reason = f"not {what} for more than six months (since {since.date().isoformat()})"
    return ReviewStatus(
        last_revised=last_published, next_review=next_review, overdue=reason is not None, reason=reason
    )


def etag(object_id: str, revision: int) -> str:
    return f'"{object_id}-r{revision}"'


def _changes(before: BaseModel, after: BaseModel) -> list[FieldChange]:
    a, b = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [
        FieldChange(field=k, before=a.get(k), after=b.get(k))
        for k in sorted(a.keys() | b.keys())
        if a.get(k) != b.get(k)
    ]


def _items_diff(before: Sequence[Any], after: Sequence[Any]) -> ItemsDiff:
    old = {x.id: x for x in before}
    new = {x.id: x for x in after}
    return ItemsDiff(
        added=[new[k].model_dump(mode="json") for k in new if k not in old],
        removed=[old[k].model_dump(mode="json") for k in old if k not in new],
        changed=[ItemChange(id=k, changes=c) for k in new if k in old and (c := _changes(old[k], new[k]))],
    )


@dataclass(frozen=True)
class ContentDiff:
    priorities: ItemsDiff
    sub_goals: ItemsDiff
    initiatives: ItemsDiff
    sections_changed: list[str]


def diff(before: ActionPlanContent, after: ActionPlanContent) -> ContentDiff:
    """What changed between two versions of a plan: items by id, other sections by name."""
    sections = []
    for name in ("analysis", "governance", "vision", "evaluation", "next_review"):
        if getattr(before, name) != getattr(after, name):
            sections.append(name)
    if before.policy_mix.portfolio != after.policy_mix.portfolio:
        sections.append("policy_mix.portfolio")
    return ContentDiff(
        priorities=_items_diff(before.priorities, after.priorities),
        sub_goals=_items_diff(before.sub_goals, after.sub_goals),
        initiatives=_items_diff(before.policy_mix.initiatives, after.policy_mix.initiatives),
        sections_changed=sections,
    )


# --------------------------------------------------------------------------- local plans


@dataclass(frozen=True)
class RegionalPlan:
    """A strength area of the region with its action plan: the current published version and the draft."""

    strength_area_id: UUID
    code: str
    published: ActionPlanContent | None
    draft: ActionPlanContent

    def priority_ids(self, *, include_draft: bool) -> set[str]:
        ids = {p.id for p in self.published.priorities} if self.published else set()
        return ids | ({p.id for p in self.draft.priorities} if include_draft else set())

    def sub_goal_ids(self, *, include_draft: bool) -> set[str]:
        ids = {g.id for g in self.published.sub_goals} if self.published else set()
        return ids | ({g.id for g in self.draft.sub_goals} if include_draft else set())


def local_plan_errors(plan: LocalPlanContent, regional: Mapping[UUID, RegionalPlan]) -> list[Problem]:
    """What is wrong in a local plan; ``regional`` holds the strength areas of the plan's own region only,
    so a link to another region's strength area is reported as unknown, like any other."""
    errors = _duplicates((a.id for a in plan.actions), "/actions", "action")
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        errors.append(_problem("/period_end", "the plan's period ends before it starts"))

    def check(link: RegionalLink, where: str) -> None:
        area = regional.get(link.strength_area_id)
        if area is None:
            errors.append(
                _problem(
                    f"{where}/strength_area_id", f"no strength area {link.strength_area_id} in this region"
                )
            )
            return
        if link.priority_id and link.priority_id not in area.priority_ids(include_draft=True):
            errors.append(
                _problem(
                    f"{where}/priority_id",
                    f"the action plan of {area.code!r} has no priority {link.priority_id!r}",
                )
            )
        if link.sub_goal_id and link.sub_goal_id not in area.sub_goal_ids(include_draft=True):
            errors.append(
                _problem(
                    f"{where}/sub_goal_id",
                    f"the action plan of {area.code!r} has no sub-goal {link.sub_goal_id!r}",
                )
            )

    for i, link in enumerate(plan.serves):
        check(link, f"/serves/{i}")
    for i, action in enumerate(plan.actions):
        if action.start and action.end and action.end < action.start:
            errors.append(_problem(f"/actions/{i}/end", "the action ends before it starts"))
        for j, link in enumerate(action.serves):
            check(link, f"/actions/{i}/serves/{j}")
    return errors


@dataclass(frozen=True)
class LocalPlanView:
    """A local plan as alignment sees it: its latest published version, or its draft."""

    local_plan_id: UUID
    version: int | Literal["draft"]
    content: LocalPlanContent


def _action_alignment(
    action: LocalAction, current: Mapping[tuple[UUID, str], Priority], regional: Mapping[UUID, RegionalPlan]
) -> ActionAlignment:
    priority_ids: list[str] = []
    stale: list[str] = []
    for link in action.serves:
        area = regional.get(link.strength_area_id)
        if link.priority_id:
            if (link.strength_area_id, link.priority_id) in current:
                priority_ids.append(link.priority_id)
            else:
                stale.append(f"priority {link.priority_id}")
        if link.sub_goal_id and (
            area is None or link.sub_goal_id not in area.sub_goal_ids(include_draft=False)
        ):
            stale.append(f"sub-goal {link.sub_goal_id}")
    return ActionAlignment(
        action_id=action.id,
        title=action.title,
        priority_ids=sorted(set(priority_ids)),
        strength_area_ids=sorted({link.strength_area_id for link in action.serves}, key=str),
        stale_links=stale,
    )


def alignment(
    regional: Mapping[UUID, RegionalPlan], local_plans: Sequence[LocalPlanView], today: date
) -> Alignment:
    """Both ways: which local actions serve no regional priority, and which regional priorities no
    local plan serves. Regional priorities are those of the current published action plans."""
    current: dict[tuple[UUID, str], Priority] = {}
    refs: dict[tuple[UUID, str], PriorityRef] = {}
    for area in regional.values():
        for p in area.published.priorities if area.published else []:
            key = (area.strength_area_id, p.id)
            current[key] = p
            refs[key] = PriorityRef(
                strength_area_id=area.strength_area_id,
                strength_area_code=area.code,
                priority_id=p.id,
                title=p.title,
                level=p.level,
                valid_now=p.valid_from <= today <= p.valid_until,
            )
    served: dict[tuple[UUID, str], list[ServedBy]] = {k: [] for k in current}
    plans_out = []
    for view in local_plans:
        actions = [_action_alignment(a, current, regional) for a in view.content.actions]
        by_key: dict[tuple[UUID, str], list[str]] = {}
        for action in view.content.actions:
            for link in action.serves:
                if link.priority_id and (link.strength_area_id, link.priority_id) in current:
                    by_key.setdefault((link.strength_area_id, link.priority_id), []).append(action.id)
        for link in view.content.serves:
            if link.priority_id and (link.strength_area_id, link.priority_id) in current:
                by_key.setdefault((link.strength_area_id, link.priority_id), [])
        for key, action_ids in by_key.items():
            served[key].append(
                ServedBy(local_plan_id=view.local_plan_id, title=view.content.title, action_ids=action_ids)
            )
        plans_out.append(
            LocalPlanAlignment(
                local_plan_id=view.local_plan_id,
                title=view.content.title,
                version=view.version,
                actions=actions,
                actions_serving_no_priority=[a.action_id for a in actions if not a.priority_ids],
                priorities_served=sorted({pid for _, pid in by_key}),
            )
        )
    return Alignment(
        local_plans=plans_out,
        priorities=[PriorityAlignment(priority=refs[k], served_by=served[k]) for k in refs],
        unserved_priorities=[refs[k] for k in refs if not served[k]],
    )


# --------------------------------------------------------------------------- EU enabling condition 1.1

CRITERIA: tuple[str, ...] = (
    "Up-to-date analysis of challenges for innovation diffusion and digitalisation",
    "Existence of a competent regional or national institution or body responsible for the management of the smart specialisation strategy",
    "Monitoring and evaluation tools to measure performance towards the objectives of the strategy",
    "Functioning of stakeholder cooperation ('entrepreneurial discovery process')",
    "Actions necessary to improve national or regional research and innovation systems, where relevant",
    "Where relevant, actions to support industrial transition",
    "Measures for enhancing cooperation with partners outside a given Member State in priority areas supported by the smart specialisation strategy",
)
"""Fulfilment criteria of enabling condition 1.1, Regulation (EU) 2021/1060, Annex IV."""


@dataclass(frozen=True)
class AreaState:
    """A strength area as the checklist sees it."""

    strength_area_id: UUID
    code: str
    name: LocalizedText
    process_leader_id: UUID | None
    nace_codes: list[str]
    published: ActionPlanContent | None
    published_at: datetime | None
    action_plan_id: UUID
    engagements: int = 0
    """Engagements recorded for the area over the past twelve months."""
    participations: int = 0
    groups: tuple[tuple[str, str, str], ...] = ()
    """Groups the actors service ties to the area: (kind, id, name)."""


@dataclass(frozen=True)
class ProgrammeState:
    programme_id: UUID
    title: str
    adopted_by: str | None
    adopted_on: date | None
    paragraph: str | None
    areas: list[AreaState]


@dataclass
class _Criterion:
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(self, source: str, description: str, ref: object = None) -> None:
        self.evidence.append(Evidence(source=source, description=description, ref=str(ref) if ref else None))


def _status(c: _Criterion) -> Literal["met", "partial", "missing"]:
    if not c.missing:
        return "met"
    return "partial" if c.evidence else "missing"


def checklist(
    programme: ProgrammeState, known_actor: Callable[[UUID], str | None], now: datetime
) -> list[Criterion]:
    """Each criterion of 1.1 with the evidence the platform holds for it, and what is missing.

    ``known_actor`` names an actor or group id of the programme's region, or returns None.
    """
    c = [_Criterion() for _ in CRITERIA]
    adopted = programme.adopted_by and programme.adopted_on
    for area in programme.areas:
        name = area.name.any()
        plan, ref = area.published, area.action_plan_id
        if plan is None:
            for crit in c[:4]:
                crit.missing.append(f"{name}: no published action plan")
            continue
        age = now - area.published_at if area.published_at else None
        # 1. Analysis, up to date.
        if plan.analysis.current_state and plan.analysis.challenges:
            if age is not None and age > ANALYSIS_MAX_AGE:
                c[0].missing.append(f"{name}: the analysis was last published more than a year ago")
            else:
                c[0].add(
                    "action plan",
                    f"{name}: current state, {len(plan.analysis.challenges)} challenges, {len(plan.analysis.evidence)} sources",
                    ref,
                )
        else:
            c[0].missing.append(f"{name}: the analysis states no current state or no challenges")
        # 2. Competent body: the programme adopted, a process leader per strength area, roles described.
        if area.process_leader_id is None:
            c[1].missing.append(f"{name}: no process leader")
        else:
            who = known_actor(area.process_leader_id) or "registered in the actors service"
            c[1].add("strength area", f"{name}: process leader {who}", area.strength_area_id)
        if plan.governance.roles:
            c[1].add(
                "action plan",
                f"{name}: {len(plan.governance.roles)} roles with mandates and responsibilities",
                ref,
            )
        # 3. Monitoring and evaluation.
        measured = [g for g in plan.sub_goals if g.baseline is not None and g.target is not None]
        if measured:
            c[2].add(
                "action plan", f"{name}: {len(measured)} sub-goals with indicator, baseline and target", ref
            )
        else:
            c[2].missing.append(f"{name}: no sub-goal with an indicator, a baseline and a target")
        chain = plan.evaluation.effect_chain
        if any(link.indicators for step in (chain.output, chain.outcome, chain.impact) for link in step):
            c[2].add("action plan", f"{name}: effect chain with indicators", ref)
        else:
            c[2].missing.append(f"{name}: no effect chain with indicators for output, outcome or impact")
        # 4. Stakeholder cooperation: a steering group and a broad partnership.
        for label, group_id in (
            ("steering group", plan.governance.steering_group_id),
            ("partnership", plan.governance.partnership_id),
        ):
            if group_id is not None:
                c[3].add("actors", f"{name}: {label} {known_actor(group_id) or group_id}", group_id)
                continue
            kind = label.replace(" ", "_")
            found = [(ident, title) for k, ident, title in area.groups if k == kind]
            if found:
                c[3].add("actors", f"{name}: {label} {found[0][1]}", UUID(found[0][0]))
            else:
                c[3].missing.append(f"{name}: no {label}")
        if area.engagements:
            c[3].add(
                "actors",
                f"{name}: {area.engagements} engagements with {area.participations} participations "
                "in the past twelve months",
                area.strength_area_id,
            )
        else:
            c[3].missing.append(f"{name}: no engagement (actor meeting, workshop…) in the past twelve months")
        # 5–7. Initiatives by what they address (Interreg counts as cooperation across borders).
        for index, addresses in (
            (4, "innovation_system"),
            (5, "industrial_transition"),
            (6, "international_cooperation"),
        ):
            for initiative in plan.policy_mix.initiatives:
                if addresses in initiative.addresses or (
                    index == 6 and "interreg" in initiative.funding_sources
                ):
                    c[index].add("action plan", f"{name}: {initiative.title}", ref)
    if adopted:
        c[1].add(
            "programme",
            f"adopted by {programme.adopted_by} on {programme.adopted_on}"
            + (f", {programme.paragraph}" if programme.paragraph else ""),
            programme.programme_id,
        )
    else:
        c[1].missing.append("the programme's adoption (date, body, paragraph) is not recorded")
    for index, what in (
        (4, "the research and innovation system"),
        (5, "industrial transition"),
        (6, "cooperation with partners outside the country"),
    ):
        if not c[index].evidence:
            c[index].missing.append(f"no initiative addresses {what}")
    # Priorities classified by economic domain can be matched with other regions' (Eye@RIS3).
    for area in programme.areas:
        if area.nace_codes:
            c[6].add(
                "strength area",
                f"{area.name.any()}: economic domains NACE {', '.join(area.nace_codes)}, comparable in Eye@RIS3",
                area.strength_area_id,
            )
    return [
        Criterion(
            number=i + 1, title=title, status=_status(crit), evidence=crit.evidence, missing=crit.missing
        )
        for i, (title, crit) in enumerate(zip(CRITERIA, c, strict=True))
    ]
