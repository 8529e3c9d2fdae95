"""Assessing applications and reassessing a region: the domain rules applied to stored data."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from kraftsamla_common import metrics
from kraftsamla_common.events import (
    MOVED_IN_EVENT,
    REASSESSED_IN_EVENT,
    ActionPlanPublished,
    ApplicationAssessed,
    ApplicationsReassessed,
    AssessmentTrigger,
    Level,
    MovedApplication,
    Priority,
    ReassessedApplication,
    ReassessmentBatch,
    ReassessmentCompleted,
    Recommendation,
    Rubric,
    StrengthAreaFit,
    new_id,
    utcnow,
)
from kraftsamla_common.events import MoveGroup as MoveGroupEvent
from kraftsamla_common.messaging import UnitOfWork

from . import domain, webhooks
from .matching import Signature, TextFeatures, analyse
from .models import (
    Application,
    Assessment,
    KnownActor,
    PlanVersion,
    Reassessment,
    ReassessmentPart,
    RegionGeography,
    current_plans,
)
from .models import Precedent as PrecedentRow
from .models import Rubric as RubricRow

log = logging.getLogger(__name__)


async def current_rubric(session: AsyncSession, region: str) -> tuple[int, Rubric, RubricRow | None]:
    row = await session.scalar(
        select(RubricRow).where(RubricRow.region == region).order_by(RubricRow.version.desc()).limit(1)
    )
    if row is None:
        return 0, domain.DEFAULT_RUBRIC, None
    return row.version, Rubric.model_validate(row.content), row


def plans_of(rows: list[PlanVersion]) -> list[domain.StrengthAreaPlan]:
    return [_plan_of_json(_plan_json_of_row(p)) for p in rows]


def _plan_json_of_row(p: PlanVersion) -> dict[str, Any]:
    return {
        "action_plan_id": p.action_plan_id,
        "strength_area_id": p.strength_area_id,
        "code": p.strength_area_code,
        "version": p.version,
        "priorities": p.priorities,
        **(p.profile or {}),
    }


def profile_of(data: ActionPlanPublished) -> dict[str, Any]:
    """What the assessment reads of a published plan besides its priorities: the area's names,
    description and NACE codes, and the plan's analysis, vision, sub-goals and initiatives."""
    sa, plan = data.strength_area, data.plan
    prose: list[tuple[str, str]] = []
    if plan.analysis.current_state:
        prose.append(("analysis", plan.analysis.current_state))
    prose += [("challenges", c) for c in plan.analysis.challenges]
    if plan.vision:
        prose += [("vision", t) for t in (plan.vision.sv, plan.vision.en, plan.vision.fi) if t]
    for g in plan.sub_goals:
        prose += [(f"sub-goal '{g.title.any()}'", t) for t in (g.title.sv, g.title.en, g.title.fi) if t]
    return {
        "name": sa.name.model_dump(exclude_none=True),
        "description": sa.description.model_dump(exclude_none=True) if sa.description else {},
        "nace_codes": list(sa.nace_codes),
        "prose": [list(x) for x in prose],
        "initiatives": [
            {"title": i.title, "description": i.description, "priority_ids": list(i.priority_ids)}
            for i in plan.policy_mix.initiatives
        ],
    }


_compiled: dict[str, tuple[tuple[Any, ...], domain.Assessor]] = {}
"""The last assessor compiled for each region, with what it was compiled from."""


async def load_precedents(session: AsyncSession, region: str) -> list[PrecedentRow]:
    """The region's reviewer decisions of a strength area that are still in force."""
    rows = (await session.scalars(select(PrecedentRow).where(PrecedentRow.region == region))).all()
    if not rows:
        return []
    reviews: dict[str, Any] = dict(
        (
            await session.execute(
                select(Application.id, Application.review).where(
                    Application.id.in_([r.application_id for r in rows])
                )
            )
        ).all()
    )
    return [
        r
        for r in rows
        if any(
            o["part"] == "strength_area" and o["in_force"]
            for o in (reviews.get(r.application_id) or {}).get("overrides", [])
        )
    ]


async def load_assessor(session: AsyncSession, region: str) -> domain.Assessor | None:
    """The region's current plans, rubric and reviewers' precedents, compiled; None while no
    action plan is published.

    Compiling (the plans' texts into one matcher) costs more than assessing an application, so
    the result is kept per region: a published plan version and a rubric version never change,
    so the same versions (and precedents) give the same assessor."""
    rows = await current_plans(session, region)
    if not rows:
        return None
    version, rubric, _ = await current_rubric(session, region)
    precedents = await load_precedents(session, region)
    key = (
        version,
        *((p.action_plan_id, p.version, p.strength_area_code, p.profile is not None) for p in rows),
        *((p.application_id, p.strength_area_id, p.decided_at) for p in precedents),
    )
    cached = _compiled.get(region)
    if cached is not None and cached[0] == key:
        return cached[1]
    assessor = domain.Assessor(
        plans_of(rows),
        rubric,
        version,
        [
            domain.Precedent(
                UUID(p.application_id),
                p.title,
                UUID(p.strength_area_id) if p.strength_area_id else None,
                p.reason,
                Signature(frozenset(p.stems)),
            )
            for p in precedents
        ],
    )
    _compiled[region] = (key, assessor)
    return assessor


@dataclass
class Portfolio:
    """What assessing one application of a region needs to know of the rest: loaded once per batch."""

    region: domain.Region
    actors: dict[str, KnownActor]
    """Registered actors of the region by identifier."""

    def facts(self, app: Application) -> domain.Facts:
        applicant = self.actors.get(app.applicant_identifier or "")
        helix = {applicant.helix} if applicant else set()
        for p in app.partners:
            known = self.actors.get(p.get("identifier") or "")
            if known:
                helix.add(known.helix)
        return domain.Facts(
            title=app.title,
            summary=app.summary,
            description=app.description,
            sustainability=app.sustainability or {},
            claimed_goals=tuple(app.claimed_goals),
            claimed_areas=tuple(UUID(a) for a in app.claimed_strength_areas),
            municipalities=tuple(app.municipalities),
            partners=len(app.partners),
            helix=frozenset(helix),
            applicant_known=applicant is not None,
            features=features_of(app),
        )


def analyse_text(app: Application) -> TextFeatures:
    """Read the application's text once (language, sentences, words) and keep the result with it:
    every later assessment of this revision reuses it."""
    features = analyse(
        domain.Facts(
            title=app.title,
            summary=app.summary,
            description=app.description,
            sustainability=app.sustainability or {},
        ).text
    )
    app.features = features.to_json()
    return features


def features_of(app: Application) -> TextFeatures:
    """The application's analysed text: as stored at intake, else (stored before texts were kept,
    or by an older analysis) analysed now and stored."""
    return TextFeatures.from_json(app.features) or analyse_text(app)


async def load_portfolio(session: AsyncSession, region: str, spread: Counter[str] | None = None) -> Portfolio:
    """The region's portfolio; ``spread`` (open applications per municipality) is counted unless given."""
    geo = await session.get(RegionGeography, region)
    if spread is None:
        spread = Counter()
        for (codes,) in await session.execute(
            select(Application.municipalities).where(
                Application.region == region, Application.status.in_(domain.OPEN_STATUSES)
            )
        ):
            spread.update(codes)
    actors = (
        await session.scalars(
            select(KnownActor).where(KnownActor.region == region, KnownActor.merged_into_id.is_(None))
        )
    ).all()
    return Portfolio(
        domain.Region(frozenset(geo.municipalities) if geo else frozenset(), spread),
        {a.identifier_key: a for a in actors},
    )


# --------------------------------------------------------------------------- reviews


def overrides_of(review: dict[str, Any] | None, *, in_force: bool = True) -> list[domain.Override]:
    if not review:
        return []
    return [
        domain.Override(
            part=o["part"],
            value=o["value"],
            reason=o["reason"],
            by=o["by"],
            at=datetime.fromisoformat(o["at"]),
            basis=o["basis"],
            rubric_version=o["rubric_version"],
        )
        for o in review.get("overrides", [])
        if o["in_force"] or not in_force
    ]


async def record_precedent(
    session: AsyncSession, app: Application, overrides: Sequence[dict[str, Any]], by: str, at: datetime
) -> None:
    """A reviewer's strength-area override becomes an example for the region's later applications
    that read like this one (kept while the override is in force; see :func:`load_precedents`)."""
    override = next((o for o in overrides if o["part"] == "strength_area"), None)
    if override is None:
        return
    row = await session.get(PrecedentRow, app.id)
    if row is None:
        row = PrecedentRow(application_id=app.id, region=app.region)
        session.add(row)
    row.title = app.title[:500]
    row.strength_area_id = str(override["value"]) if override["value"] else None
    row.reason = override["reason"]
    row.stems = sorted(Signature.of(features_of(app)).stems)
    row.decided_by, row.decided_at = by, at


def effective_of(a: Assessment, review: dict[str, Any] | None) -> domain.Effective:
    details = a.details or {}
    base = domain.Effective(
        UUID(a.strength_area_id) if a.strength_area_id else None,
        cast("Level | None", a.level),
        cast("Recommendation", a.recommendation),
        sorted(int(g) for g in (details.get("agenda2030") or {}).get("supported", {})),
        list((details.get("sustainability") or {}).get("described", [])),
    )
    return domain.effective(base, overrides_of(review))


def carry_review(app: Application, result: domain.Result) -> bool:
    """Carry the review in force over to a new assessment; ask the reviewer again for what the
    change touched. True when the review now needs the reviewer."""
    review = app.review
    if not review or review["state"] in ("none",):
        return False
    review = {**review, "overrides": [dict(o) for o in review.get("overrides", [])]}
    parts: list[str] = list(review.get("parts_to_review", []))
    new_text = review.get("revision") != app.revision
    if review.get("confirmed") is not None:
        c = review["confirmed"]
        now = {
            "strength_area_id": str(result.strength_area_id) if result.strength_area_id else None,
            "level": result.level,
            "recommendation": result.recommendation,
        }
        if new_text or c != now:
            parts.append("confirmation")
            review["confirmed"] = None
    for o in review["overrides"]:
        if not o["in_force"]:
            continue
        override = overrides_of({"overrides": [o]})[0]
        if new_text or domain.touched(override, result.plan_versions, result.rubric_version):
            o["in_force"] = False
            parts.append(o["part"])
    review["parts_to_review"] = sorted(set(parts))
    if parts:
        review["state"] = "needs_review"
    app.review = review
    return bool(parts)


# --------------------------------------------------------------------------- assessing


def application_facts(app: Application) -> dict[str, Any]:
    """The application fields every application event carries."""
    return {
        "application_id": UUID(app.id),
        "source": app.source,
        "external_id": app.external_id,
        "title": app.title,
        "kind": app.kind,
        "stage": app.stage,
        "status": app.status,
        "funding_programme": app.funding_programme,
        "funding_source": app.funding_source,
        "requested_amount": app.requested_amount,
        "granted_amount": app.granted_amount,
        "total_budget": app.total_budget,
        "currency": app.currency,
        "municipalities": app.municipalities,
        "period_start": app.period_start,
        "period_end": app.period_end,
        "applicant_actor_id": UUID(app.applicant_actor_id) if app.applicant_actor_id else None,
        "claimed_goals": app.claimed_goals,
    }


def _jsonable(value: Any) -> Any:
    """A result (dataclasses, UUIDs, tuples) as JSON values: orjson converts it in C, several
    times faster than walking it in Python (``dataclasses.asdict`` deep-copies every leaf first,
    which was most of the cost of storing an assessment)."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))


EVENT_FITS = 2
EVENT_TERMS = 5
"""An event names the chosen area and its runner-up, each with its heaviest terms; the whole
assessment (every area touched, the evidence) is the API's."""


def assessed_data(app: Application, a: Assessment, trigger: AssessmentTrigger) -> ApplicationAssessed:
    """The ``application.assessed`` payload of an application's assessment."""
    eff = effective_of(a, app.review)
    return ApplicationAssessed(
        **application_facts(app),
        assessment_id=UUID(a.id),
        trigger=trigger,
        plan_key=a.plan_key,
        plan_versions=a.plan_versions,  # type: ignore[arg-type]
        rubric_version=a.rubric_version,
        strength_area_id=eff.strength_area_id,
        level=eff.level,
        score=a.score,
        recommendation=eff.recommendation,
        fits=[
            StrengthAreaFit(
                strength_area_id=f["strength_area_id"],
                score=f["score"],
                priority_ids=f["priority_ids"],
                matched_terms=f["matched_terms"][:EVENT_TERMS],
            )
            for f in a.fits[:EVENT_FITS]
        ],
        supported_goals=eff.supported_goals,
        dimensions=eff.dimensions,
        conflicts=_conflicts(a),
        review=(app.review or {}).get("state", "none"),
    )


def _conflicts(a: Assessment) -> int:
    return len(((a.details or {}).get("sustainability") or {}).get("conflicts", []))


def reassessed_row(app: Application, a: Assessment) -> ReassessedApplication:
    """One application's line in ``applications.reassessed``."""
    eff = effective_of(a, app.review)
    return ReassessedApplication(
        **application_facts(app),
        assessment_id=UUID(a.id),
        strength_area_id=eff.strength_area_id,
        level=eff.level,
        score=a.score,
        recommendation=eff.recommendation,
        supported_goals=eff.supported_goals,
        dimensions=eff.dimensions,
        conflicts=_conflicts(a),
        review=(app.review or {}).get("state", "none"),
    )


def emit_assessed(uow: UnitOfWork, app: Application, a: Assessment, trigger: AssessmentTrigger) -> None:
    uow.emit(assessed_data(app, a, trigger), region=app.region, subject=app.id)


def assess(
    uow: UnitOfWork,
    app: Application,
    assessor: domain.Assessor,
    portfolio: Portfolio,
    trigger: AssessmentTrigger,
    *,
    announce: bool = True,
) -> tuple[Assessment, domain.Result]:
    """Assess one application and store the assessment as its current one; ``announce`` raises
    its ``application.assessed`` event and counts it (a reassessment announces and counts its
    batch as a whole instead)."""
    result = assessor.assess(portfolio.facts(app), portfolio.region)
    assessment = new_assessment(app, result, trigger)
    uow.session.add(assessment)
    carry_review(app, result)
    app.current_assessment_id = assessment.id
    if app.status == "received":
        app.status = "assessed"
    if announce:
        emit_assessed(uow, app, assessment, trigger)
        metrics.applications_assessed.add(1, {"region": app.region, "trigger": trigger})
    return assessment, result


def new_assessment(app: Application, result: domain.Result, trigger: AssessmentTrigger) -> Assessment:
    """The row that keeps one assessment of an application."""
    details = _jsonable(
        {
            "scale_max": result.scale_max,
            "placement": result.placement,
            "sustainability": result.sustainability,
            "agenda2030": result.agenda2030,
            "geography": result.geography,
            "claims": result.claims,
            "criteria": result.criteria,
            "choice": result.choice,
        }
    )
    return Assessment(
        id=str(new_id()),
        region=app.region,
        application_id=app.id,
        application_revision=app.revision,
        plan_key=result.plan_key,
        plan_versions=[r.model_dump(mode="json") for r in result.plan_versions],
        rubric_version=result.rubric_version,
        trigger=trigger,
        strength_area_id=str(result.strength_area_id) if result.strength_area_id else None,
        level=result.level,
        score=result.score,
        recommendation=result.recommendation,
        fits=_jsonable(result.fits),
        details=details,
        language=result.language,
        rationale=result.rationale,
        created_at=utcnow(),
    )


# --------------------------------------------------------------------------- reassessment


async def current_assessments(session: AsyncSession, apps: Sequence[Application]) -> dict[str, Assessment]:
    """The current assessment of each application, by id (in chunks, to stay under bind limits):
    what comparing it with a new one needs, without its details (decoding them was a tenth of a
    reassessment's time)."""
    ids = [x.current_assessment_id for x in apps if x.current_assessment_id]
    out: dict[str, Assessment] = {}
    columns = (
        Assessment.plan_key,
        Assessment.rubric_version,
        Assessment.application_revision,
        Assessment.strength_area_id,
        Assessment.level,
        Assessment.recommendation,
        Assessment.fits,
    )
    for chunk in range(0, len(ids), 5000):
        query = (
            select(Assessment)
            .options(load_only(*columns, raiseload=True))
            .where(Assessment.id.in_(ids[chunk : chunk + 5000]))
        )
        out.update((a.id, a) for a in (await session.scalars(query)).all())
    return out


def outcome(
    strength_area_id: str | UUID | None, level: str | None, recommendation: str | None, fits: list[Any]
) -> domain.Outcome:
    area = str(strength_area_id) if strength_area_id else None
    fit = next((f for f in fits if str(f["strength_area_id"]) == area), None)
    return domain.Outcome(
        UUID(area) if area else None,
        cast("Level | None", level),
        cast("Recommendation | None", recommendation),
        tuple(fit["priority_ids"]) if fit else (),
    )


def result_outcome(r: domain.Result) -> domain.Outcome:
    top = r.fits[0] if r.fits else None
    return domain.Outcome(
        r.strength_area_id, r.level, r.recommendation, tuple(top.priority_ids) if top else ()
    )


def _plan_json(p: domain.StrengthAreaPlan) -> dict[str, Any]:
    return {
        "action_plan_id": str(p.action_plan_id),
        "strength_area_id": str(p.strength_area_id),
        "code": p.code,
        "version": p.version,
        "priorities": [x.model_dump(mode="json") for x in p.priorities],
    }


def _plan_of_json(p: dict[str, Any]) -> domain.StrengthAreaPlan:
    return domain.StrengthAreaPlan(
        action_plan_id=UUID(str(p["action_plan_id"])),
        strength_area_id=UUID(str(p["strength_area_id"])),
        code=p["code"],
        version=p["version"],
        priorities=tuple(Priority.model_validate(x) for x in p["priorities"]),
        name=p.get("name") or {},
        description=p.get("description") or {},
        nace_codes=tuple(p.get("nace_codes") or ()),
        prose=tuple((a, b) for a, b in p.get("prose") or ()),
        initiatives=tuple(
            domain.Initiative(i["title"], i.get("description", ""), tuple(i.get("priority_ids", ())))
            for i in p.get("initiatives") or ()
        ),
    )


async def start_reassessment(
    uow: UnitOfWork,
    region: str,
    *,
    trigger_event_id: UUID,
    trigger: str,
    old_plans: list[domain.StrengthAreaPlan],
    rubric_changed: bool,
    batch_size: int = 500,
) -> Reassessment | None:
    """Start reassessing every open application of the region against its current plans and rubric.

    Records the reassessment and queues its batches as ``ReassessmentBatch`` events (in the
    trigger's transaction with its inbox row); the service's replicas share them through one
    durable consumer (:func:`reassess_batch`). A region without open applications completes at once.
    """
    assessor = await load_assessor(uow.session, region)
    if assessor is None:
        return None
    rows = await uow.session.execute(
        select(Application.id, Application.municipalities)
        .where(Application.region == region, Application.status.in_(domain.OPEN_STATUSES))
        .order_by(Application.id)
    )
    ids: list[str] = []
    spread: Counter[str] = Counter()
    for app_id, codes in rows:
        ids.append(app_id)
        spread.update(codes)
    chunks = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    record = Reassessment(
        id=str(new_id()),
        region=region,
        status="running",
        plan_key=assessor.key,
        rubric_version=assessor.rubric_version,
        rubric_changed=rubric_changed,
        old_plans=[_plan_json(p) for p in old_plans],
        spread=dict(spread),
        trigger=trigger[:300],
        trigger_event_id=str(trigger_event_id),
        batches=len(chunks),
        batches_done=0,
        assessed=0,
        unchanged=0,
        needs_review=0,
        moved=[],
        groups=[],
        summary="",
        started_at=utcnow(),
    )
    uow.session.add(record)
    if not chunks:
        _complete(uow, record, assessor, [], superseded=False)
        return record
    for n, chunk in enumerate(chunks):
        uow.emit(
            ReassessmentBatch(
                reassessment_id=UUID(record.id),
                batch=n,
                batches=len(chunks),
                application_ids=[UUID(x) for x in chunk],
            ),
            region=region,
            subject=record.id,
        )
    return record


async def reassess_batch(uow: UnitOfWork, region: str, batch: ReassessmentBatch) -> Reassessment | None:
    """Reassess one batch; the batch that finishes the reassessment completes it.

    Runs in the consumer's transaction with its inbox row: a crash rolls the batch back and its
    redelivery starts it again. An application already assessed for the current plans, rubric
    and revision is skipped, so none is assessed twice for the same version. If newer plans or a
    newer rubric arrived meanwhile, the batch assesses nothing: the newer reassessment covers it.
    """
    record = await uow.session.get(Reassessment, str(batch.reassessment_id))
    if record is None or record.region != region or record.status != "running":
        return None
    assessor = await load_assessor(uow.session, region)
    current = assessor is not None and (assessor.key, assessor.rubric_version) == (
        record.plan_key,
        record.rubric_version,
    )
    assessed = needs_review = 0
    moved: list[MovedApplication] = []
    reassessed: list[tuple[Application, Assessment]] = []
    if assessor is not None and current:
        ids = [str(x) for x in batch.application_ids]
        apps = (
            await uow.session.scalars(
                select(Application)
                .where(Application.id.in_(ids), Application.status.in_(domain.OPEN_STATUSES))
                .order_by(Application.id)
            )
        ).all()
        previous = await current_assessments(uow.session, apps)
        portfolio = await load_portfolio(uow.session, region, spread=Counter(record.spread))
        old_index = domain.index_priorities(_plan_of_json(p) for p in record.old_plans)
        new_index = domain.index_priorities(assessor.plans)
        for app in apps:
            before = previous.get(app.current_assessment_id or "")
            if (
                before is not None
                and before.plan_key == assessor.key
                and before.rubric_version == assessor.rubric_version
                and before.application_revision == app.revision
            ):
                continue
            was_pending = (app.review or {}).get("state") == "needs_review"
            assessment, result = assess(uow, app, assessor, portfolio, "reassessment", announce=False)
            reassessed.append((app, assessment))
            assessed += 1
            if not was_pending and (app.review or {}).get("state") == "needs_review":
                needs_review += 1
            if before is None:
                continue
            b = outcome(before.strength_area_id, before.level, before.recommendation, before.fits)
            a = result_outcome(result)
            if domain.moved(b, a):
                reason = domain.explain(
                    b,
                    a,
                    old_index,
                    new_index,
                    rubric_changed=record.rubric_changed,
                    text_changed=before.application_revision != app.revision,
                ) + domain.tie_clause(result)
                moved.append(
                    MovedApplication(
                        application_id=UUID(app.id),
                        from_level=b.level,
                        to_level=a.level,
                        from_strength_area_id=b.strength_area_id,
                        to_strength_area_id=a.strength_area_id,
                        from_recommendation=b.recommendation,
                        to_recommendation=a.recommendation,
                        reason=reason,
                    )
                )
    if assessor is not None and reassessed:
        await announce_reassessed(uow, region, record, assessor, batch.batch, reassessed)
    uow.session.add(
        ReassessmentPart(
            reassessment_id=record.id,
            batch=batch.batch,
            assessed=assessed,
            needs_review=needs_review,
            moved=[m.model_dump(mode="json") for m in moved],
        )
    )
    # The row lock taken here orders the replicas' batches: exactly one sees the last count.
    done = await uow.session.scalar(
        update(Reassessment)
        .where(Reassessment.id == record.id)
        .values(batches_done=Reassessment.batches_done + 1)
        .returning(Reassessment.batches_done)
    )
    if done != record.batches:
        return None
    await uow.session.refresh(record)
    parts = (
        await uow.session.scalars(
            select(ReassessmentPart).where(ReassessmentPart.reassessment_id == record.id)
        )
    ).all()
    _complete(uow, record, assessor, parts, superseded=not current)
    return record


async def announce_reassessed(
    uow: UnitOfWork,
    region: str,
    record: Reassessment,
    assessor: domain.Assessor,
    batch: int,
    done: list[tuple[Application, Assessment]],
) -> None:
    """Announce a batch's new assessments: on the bus as ``applications.reassessed`` events (one per
    ``REASSESSED_IN_EVENT`` applications, so the report's read model takes them in bulk), and to
    integrators as one ``application.reassessed`` webhook per application, queued here, in the
    batch's transaction."""
    metrics.applications_assessed.add(len(done), {"region": region, "trigger": "reassessment"})
    rows = [reassessed_row(app, a) for app, a in done]
    for start in range(0, len(rows), REASSESSED_IN_EVENT):
        uow.emit(
            ApplicationsReassessed(
                reassessment_id=UUID(record.id),
                batch=batch,
                plan_key=assessor.key,
                plan_versions=assessor.refs,
                rubric_version=assessor.rubric_version,
                applications=rows[start : start + REASSESSED_IN_EVENT],
            ),
            region=region,
            subject=record.id,
        )
    hooks = await webhooks.subscribers(uow, region, "application.reassessed")
    if hooks:
        envs = [
            uow.envelope(assessed_data(app, a, "reassessment"), region=region, subject=app.id)
            for app, a in done
        ]
        await webhooks.queue(uow, "application.reassessed", hooks, envs)


def _complete(
    uow: UnitOfWork,
    record: Reassessment,
    assessor: domain.Assessor | None,
    parts: Sequence[ReassessmentPart],
    *,
    superseded: bool,
) -> None:
    """Add up the batches, say what moved and why, and announce the reassessment (unless superseded:
    then the newer reassessment is the one announced)."""
    moved = [
        MovedApplication.model_validate(m) for p in sorted(parts, key=lambda p: p.batch) for m in p.moved
    ]
    assessed = sum(p.assessed for p in parts)
    needs_review = sum(p.needs_review for p in parts)
    codes = dict(assessor.codes) if assessor is not None else {}
    codes |= {UUID(p["strength_area_id"]): p["code"] for p in record.old_plans}
    moves = [
        domain.Move(
            m.application_id,
            domain.Outcome(m.from_strength_area_id, m.from_level, m.from_recommendation, ()),
            domain.Outcome(m.to_strength_area_id, m.to_level, m.to_recommendation, ()),
            m.reason,
        )
        for m in moved
    ]
    groups = domain.group_moves(moves, codes)
    record.status = "superseded" if superseded else "completed"
    record.assessed, record.unchanged, record.needs_review = assessed, assessed - len(moved), needs_review
    record.moved = [m.model_dump(mode="json") for m in moved]
    record.groups = [asdict(g) for g in groups]
    record.summary = domain.summarize(assessed, record.unchanged, groups, needs_review, record.trigger)
    record.completed_at = utcnow()
    if superseded or assessor is None:
        record.summary += (
            " Newer plans or a newer rubric arrived meanwhile; the next reassessment covers the rest."
        )
        return
    log.info(
        "reassessment %s completed: %d assessed in %d batches, %d moved",
        record.id,
        assessed,
        record.batches,
        len(moved),
    )
    metrics.reassessment_duration.record(
        (record.completed_at - record.started_at).total_seconds(), {"region": record.region}
    )
    metrics.reassessment_applications.record(assessed, {"region": record.region})
    uow.emit(
        ReassessmentCompleted(
            reassessment_id=UUID(record.id),
            plan_key=record.plan_key,
            plan_versions=assessor.refs,
            rubric_version=record.rubric_version,
            assessed=assessed,
            unchanged=record.unchanged,
            moved=moved[:MOVED_IN_EVENT],
            groups=[MoveGroupEvent(**asdict(g)) for g in groups],
            needs_review=needs_review,
            summary=record.summary,
        ),
        region=record.region,
        subject=record.id,
    )


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class Preview:
    plan_key: str
    rubric_version: int | None
    assessed: int
    moves: list[domain.Move]
    groups: list[domain.MoveGroup]
    levels_before: dict[str, int]
    levels_after: dict[str, int]
    summary: str


async def preview(
    session: AsyncSession,
    region: str,
    drafts: list[domain.StrengthAreaPlan],
    rubric: Rubric | None,
) -> Preview:
    """What publishing draft plans (or a draft rubric) would do to the open portfolio; stores nothing."""
    current = plans_of(await current_plans(session, region))
    by_plan = {p.action_plan_id: p for p in current}
    for d in drafts:
        by_plan[d.action_plan_id] = d
    version, current_rubric_, _ = await current_rubric(session, region)
    draft = domain.Assessor(
        sorted(by_plan.values(), key=lambda p: p.code),
        rubric or current_rubric_,
        version + 1 if rubric else version,
    )
    apps = (
        await session.scalars(
            select(Application).where(
                Application.region == region, Application.status.in_(domain.OPEN_STATUSES)
            )
        )
    ).all()
    previous = await current_assessments(session, apps)
    portfolio = await load_portfolio(session, region)
    old_index, new_index = domain.index_priorities(current), domain.index_priorities(draft.plans)
    moves: list[domain.Move] = []
    before_levels: Counter[str] = Counter()
    after_levels: Counter[str] = Counter()
    for app in apps:
        result = draft.assess(portfolio.facts(app), portfolio.region)
        after_levels[result.level or "none"] += 1
        before = previous.get(app.current_assessment_id or "")
        if before is None:
            continue
        before_levels[before.level or "none"] += 1
        b = outcome(before.strength_area_id, before.level, before.recommendation, before.fits)
        a = result_outcome(result)
        if domain.moved(b, a):
            reason = domain.explain(
                b, a, old_index, new_index, rubric_changed=rubric is not None, text_changed=False
            ) + domain.tie_clause(result)
            moves.append(domain.Move(UUID(app.id), b, a, reason))
    codes = draft.codes | {p.strength_area_id: p.code for p in current}
    groups = domain.group_moves(moves, codes, conditional=True)
    what = " and ".join(
        x for x in ("the draft plans" if drafts else "", "the draft rubric" if rubric else "") if x
    )
    summary = domain.summarize_preview(len(apps), len(apps) - len(moves), groups, what)
    return Preview(
        draft.key,
        draft.rubric_version,
        len(apps),
        moves,
        groups,
        dict(before_levels),
        dict(after_levels),
        summary,
    )


async def open_count(session: AsyncSession, region: str) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Application)
            .where(Application.region == region, Application.status.in_(domain.OPEN_STATUSES))
        )
        or 0
    )
