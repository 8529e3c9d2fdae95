"""Action plans as their pages show them, pure: whether a plan has a draft not yet published, when
it is next reviewed and why it is overdue, what followed a published version (the reassessment
and the report that name it), and the new strength area's form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol
from uuid import UUID

from kraftsamla_common.i18n import Messages

from .plan_forms import LANGUAGES, Step, slug


class Review(Protocol):
    @property
    def last_revised(self) -> datetime | None: ...
    @property
    def next_review(self) -> date | None: ...
    @property
    def overdue(self) -> bool: ...


class PlanLine(Protocol):
    """An action plan as the plans service lists it (``kraftsamla_web.schemas.PlanLine``)."""

    @property
    def current_version(self) -> int: ...
    @property
    def draft_revision(self) -> int: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def review(self) -> Review: ...


DraftState = Literal["unpublished", "changed", "published"]


def draft_state(plan: PlanLine) -> DraftState:
    """``unpublished``: no version yet; ``changed``: the draft was saved after the latest version
    was published; ``published``: the draft is as the latest version left it."""
    last = plan.review.last_revised
    if plan.current_version == 0 or last is None:
        return "unpublished"
    return "changed" if plan.updated_at > last else "published"


def overdue_reason(t: Messages, review: Review, today: date) -> str | None:
    """Why the plan is overdue for revision ("the review planned for 1 Feb 2026 has passed"), in
    the words the desk uses; None when it is not."""
    if not review.overdue:
        return None
    if review.next_review is not None and review.next_review < today:
        return t("overdue_review_passed", date=t.day(review.next_review))
    if review.last_revised is None:
        return t("overdue_never_published")
    return t("overdue_not_revised", date=t.day(review.last_revised.date()))


class ReassessmentLine(Protocol):
    @property
    def id(self) -> UUID: ...
    @property
    def plan_key(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...


def following_reassessment(
    reassessments: Sequence[ReassessmentLine], plan_id: UUID | str, version: int
) -> UUID | None:
    """The reassessment a published version started: the first (oldest) whose set of plan versions
    holds it (``plan_key``: ``plan:version,…``; later ones, started by other plans, hold it too)."""
    wanted = f"{plan_id}:{version}"
    found = [r for r in reassessments if wanted in r.plan_key.split(",")]
    return min(found, key=lambda r: r.started_at).id if found else None


class VersionRef(Protocol):
    @property
    def action_plan_id(self) -> UUID: ...
    @property
    def version(self) -> int: ...


class Built(Protocol):
    @property
    def plan_versions(self) -> Sequence[VersionRef]: ...


class ReportLine(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def built_from(self) -> Built: ...


def following_report(reports: Sequence[ReportLine], plan_id: UUID | str, version: int) -> int | None:
    """The first report version built from a plan's version (the lowest number that names it)."""
    found = [
        r.number
        for r in reports
        if any(
            str(v.action_plan_id) == str(plan_id) and v.version == version for v in r.built_from.plan_versions
        )
    ]
    return min(found) if found else None


@dataclass(frozen=True)
class NewArea:
    """A new strength area (with its empty action plan) as the form names it."""

    programme_id: str
    code: str
    name: dict[str, str]

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> NewArea:
        name = {lang: v for lang in LANGUAGES if (v := form.get(f"name.{lang}", "").strip())}
        typed = form.get("code", "").strip()
        first = next((name[lang] for lang in ("sv", "fi", "en") if lang in name), "")
        return cls(
            programme_id=form.get("programme_id", "").strip(),
            code=typed if typed else (slug(first) if first else ""),
            name=name,
        )

    def body(self) -> dict[str, Any]:
        """``POST …/programmes/{id}/strength-areas``: the code (made from the name where none was
        typed) and the name in the languages given."""
        return {"code": self.code, "name": self.name}


def new_area_field(pointer: str) -> str:
    """The new strength area form's field a pointer names: ``/name`` → the name, ``/code`` →
    the code; "" for the form as a whole."""
    head = pointer.strip("/").split("/", 1)[0]
    return head if head in ("name", "code") else ""


EDITORS = frozenset({"admin", "operator"})
"""The roles the plans service lets change and publish action plans and add strength areas."""
PREVIEWERS = frozenset({"admin", "assessor"})
"""The roles the assessment service makes previews for (administrators and process leaders)."""


def _count(t: Messages, key: str, items: Any) -> str | None:
    n = len(items) if isinstance(items, list) else 0
    return t.plural(key, n) if n else None


def step_summary(t: Messages, step: Step, draft: Mapping[str, Any]) -> str:
    """What a step of the draft holds, in a few words ("4 priorities: Bas 1, Bredd 2, Spets 1");
    "Nothing written yet" for an empty one."""
    said: list[str | None] = []
    if step.key == "analysis":
        analysis = draft.get("analysis") or {}
        said += [
            t("plans_summary_current_state") if analysis.get("current_state") else None,
            _count(t, "plans_summary_challenges", analysis.get("challenges")),
            _count(t, "plans_summary_evidence", analysis.get("evidence")),
        ]
    elif step.key == "governance":
        governance = draft.get("governance") or {}
        groups = [governance.get("steering_group_id"), governance.get("partnership_id")]
        groups += list(governance.get("other_group_ids") or [])
        said += [
            _count(t, "plans_summary_groups", [g for g in groups if g]),
            _count(t, "plans_summary_roles", governance.get("roles")),
            t("plans_summary_described") if governance.get("description") else None,
        ]
    elif step.key == "vision":
        said += [
            t("plans_summary_vision") if draft.get("vision") else None,
            _count(t, "plans_summary_sub_goals", draft.get("sub_goals")),
        ]
    elif step.key == "priorities":
        priorities = [p for p in draft.get("priorities") or [] if isinstance(p, Mapping)]
        if priorities:
            levels = ", ".join(
                f"{t(f'level_{lv}')} {t.number(n)}"
                for lv in ("bas", "bredd", "spets")
                if (n := sum(1 for p in priorities if p.get("level") == lv))
            )
            said.append(t.plural("plans_summary_priorities", len(priorities), levels=levels))
    elif step.key == "policy_mix":
        mix = draft.get("policy_mix") or {}
        said += [
            _count(t, "plans_summary_initiatives", mix.get("initiatives")),
            _count(t, "plans_summary_projects", mix.get("portfolio")),
        ]
    elif step.key == "evaluation":
        chain = (draft.get("evaluation") or {}).get("effect_chain") or {}
        links = [link for stage in chain.values() if isinstance(stage, list) for link in stage]
        said += [
            _count(t, "plans_summary_links", links),
            t("plans_summary_next_review", date=t.day(date.fromisoformat(draft["next_review"])))
            if _is_day(draft.get("next_review"))
            else None,
        ]
    text = " · ".join(s for s in said if s)
    return text or t("plans_summary_empty")


def _is_day(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return value is not None
