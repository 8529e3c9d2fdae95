"""Reassessing a region's open portfolio when its plans or rubric change: started by the event,
run in batches shared by the service's replicas, completed by the last batch with what moved and
why; and reading reassessments."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.orm import defer

from kraftsamla_common import metrics
from kraftsamla_common.errors import NotFound
from kraftsamla_common.events import (
    MOVED_IN_EVENT,
    REASSESSED_IN_EVENT,
    ActionPlanPublished,
    ApplicationsReassessed,
    Envelope,
    MovedApplication,
    ReassessmentBatch,
    ReassessmentCompleted,
    RubricPublished,
    TextPart,
    new_id,
    utcnow,
)
from kraftsamla_common.events import MoveGroup as MoveGroupEvent
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain.assessor import Assessor, Difference, Facts, TextReading
from ..domain.plans import StrengthAreaPlan, plan_json, plan_of_json, profile_of
from ..domain.reassessment import (
    OPEN_STATUSES,
    Move,
    Outcome,
    explain,
    group_json,
    group_moves,
    index_priorities,
    outcome,
    result_outcome,
    summarize,
    trigger_plan,
    trigger_rubric,
    with_tie,
)
from ..domain.reassessment import (
    moved as has_moved,
)
from ..domain.wording import Name, Part, as_written, english, english_one, name, part_of, parts_json
from ..persistence.tables import Application, Assessment, KnownActionPlan, Reassessment, ReassessmentPart
from . import webhook_delivery
from .assessing import (
    Told,
    assess,
    assessed_data,
    carry_as_they_are,
    current_assessments,
    current_plans,
    load_assessor,
    load_fits,
    load_portfolio,
    plans_of,
    reassessed_row,
    rescored_assessment,
    same_scoring,
    scoring_json,
    texts_read,
    told_of,
    whole_assessments,
)
from .read_models import keep_strength_area

log = logging.getLogger(__name__)


async def reassess_for_plan(uow: UnitOfWork, event: Envelope[ActionPlanPublished]) -> Reassessment | None:
    """Keep the newest version of the plan, then reassess every open application of the region."""
    data = event.data
    plan = await uow.session.get(KnownActionPlan, str(data.action_plan_id))
    if plan is not None and (plan.version >= data.version or plan.region != uow.region):
        return None  # an older or the same version arriving late changes nothing
    old_plans = plans_of(await current_plans(uow))
    priorities = [p.model_dump(mode="json") for p in data.plan.priorities]
    if plan is None:
        uow.session.add(
            KnownActionPlan(
                action_plan_id=str(data.action_plan_id),
                region=uow.region,
                strength_area_id=str(data.strength_area.id),
                strength_area_code=data.strength_area.code,
                version=data.version,
                priorities=priorities,
                profile=profile_of(data),
                published_at=data.published_at,
            )
        )
    else:
        plan.version, plan.priorities, plan.published_at = data.version, priorities, data.published_at
        plan.profile = profile_of(data)
        plan.strength_area_code = data.strength_area.code
    await keep_strength_area(uow, str(data.strength_area.id), data.strength_area.code, at=event.time)
    await uow.session.flush()
    return await start_reassessment(
        uow,
        trigger_event_id=event.id,
        trigger=trigger_plan(
            name(data.strength_area.name.model_dump(), data.strength_area.code), data.version
        ),
        old_plans=old_plans,
        rubric_changed=False,
        batch_size=uow.settings.reassessment_batch_size,
    )


async def reassess_for_rubric(uow: UnitOfWork, event: Envelope[RubricPublished]) -> Reassessment | None:
    """The region's rubric changed: reassess its open applications with it."""
    return await start_reassessment(
        uow,
        trigger_event_id=event.id,
        trigger=trigger_rubric(event.data.version),
        old_plans=plans_of(await current_plans(uow)),
        rubric_changed=True,
        batch_size=uow.settings.reassessment_batch_size,
    )


async def start_reassessment(
    uow: UnitOfWork,
    *,
    trigger_event_id: UUID,
    trigger: Part,
    old_plans: list[StrengthAreaPlan],
    rubric_changed: bool,
    batch_size: int = 500,
) -> Reassessment | None:
    """Start reassessing every open application of the region against its current plans and rubric.

    Records the reassessment and queues its batches as ``ReassessmentBatch`` events (in the
    trigger's transaction with its inbox row); the service's replicas share them through one
    durable consumer (:func:`reassess_batch`). A region without open applications completes at once.
    """
    assessor = await load_assessor(uow)
    if assessor is None:
        return None
    carry_from, changed = (
        _carry(assessor, old_plans, rubric_changed) if uow.settings.reassessment_carry else (None, None)
    )
    rows = await uow.session.execute(
        select(Application.id, Application.municipalities)
        .where(Application.region == uow.region, Application.status.in_(OPEN_STATUSES))
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
        region=uow.region,
        status="running",
        plan_key=assessor.key,
        rubric_version=assessor.rubric_version,
        rubric_changed=rubric_changed,
        old_plans=[plan_json(p) for p in old_plans],
        spread=dict(spread),
        trigger=english_one(trigger)[:300],
        trigger_parts=[trigger.json()],
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
        carry_from=carry_from,
        changed_terms=changed,
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
            subject=record.id,
        )
    return record


def _carry(
    assessor: Assessor, old_plans: list[StrengthAreaPlan], rubric_changed: bool
) -> tuple[str | None, list[str] | None]:
    """The plan key whose assessments a reassessment may carry, and the terms the change touched
    (:meth:`Assessor.difference`); (None, None) where every application is to be assessed anew."""
    if rubric_changed or not old_plans:
        return None, None
    before = Assessor(old_plans, assessor.rubric, assessor.rubric_version, assessor.precedents)
    difference = assessor.difference(before)
    if difference.everything:
        return None, None
    return before.key, sorted(difference.changed)


def _holds(before: Assessment | None, app: Application, record: Reassessment, inputs: str) -> bool:
    """Whether ``before`` may be carried to the reassessment's plans (its text permitting): made
    for (or carried to) the plans the change was made to, for the same rubric and text revision,
    from the same inputs (``Assessor.inputs``), and with no review whose state a new assessment
    could change."""
    return (
        before is not None
        and before.plan_key == record.carry_from
        and before.rubric_version == record.rubric_version
        and before.application_revision == app.revision
        and before.inputs == inputs
        and (app.review or {}).get("state", "none") == "none"
    )


async def reassess_batch(uow: UnitOfWork, batch: ReassessmentBatch) -> Reassessment | None:
    """Reassess one batch; the batch that finishes the reassessment completes it.

    Runs in the consumer's transaction with its inbox row: a crash rolls the batch back and its
    redelivery starts it again. An application already assessed for the current plans, rubric
    and revision is skipped, so none is assessed twice for the same version. If newer plans or a
    newer rubric arrived meanwhile, the batch assesses nothing: the newer reassessment covers it.
    """
    record = await uow.session.get(Reassessment, str(batch.reassessment_id))
    if record is None or record.region != uow.region or record.status != "running":
        return None
    assessor = await load_assessor(uow)
    current = assessor is not None and (assessor.key, assessor.rubric_version) == (
        record.plan_key,
        record.rubric_version,
    )
    moved: list[dict[str, Any]] = []
    needs_review = carried = 0
    reassessed: list[tuple[Application, Assessment]] = []
    as_they_are: list[tuple[Application, Assessment]] = []
    told: dict[str, Told] = {}
    if assessor is not None and current:
        ids = [str(x) for x in batch.application_ids]
        apps = (
            await uow.session.scalars(
                select(Application)
                .options(defer(Application.features, raiseload=True))
                .where(Application.id.in_(ids), Application.status.in_(OPEN_STATUSES))
                .order_by(Application.id)
            )
        ).all()
        previous = await current_assessments(uow, apps)
        portfolio = await load_portfolio(uow, spread=Counter(record.spread))
        old_index = index_priorities(plan_of_json(p) for p in record.old_plans)
        new_index = index_priorities(assessor.plans)
        touched = Difference(False, frozenset(record.changed_terms or ()))

        def anew(app: Application, before: Assessment | None, facts: Facts) -> None:
            """Assess the application anew, and say if and why it moved."""
            nonlocal needs_review
            was_pending = (app.review or {}).get("state") == "needs_review"
            assessment, result = assess(
                uow, app, assessor, portfolio, "reassessment", announce=False, facts=facts
            )
            reassessed.append((app, assessment))
            if not was_pending and (app.review or {}).get("state") == "needs_review":
                needs_review += 1
            if before is None:
                return
            b = outcome(before.strength_area_id, before.level, before.recommendation, before.fits)
            a = result_outcome(result)
            if has_moved(b, a):
                why = explain(
                    b,
                    a,
                    old_index,
                    new_index,
                    rubric_changed=record.rubric_changed,
                    text_changed=before.application_revision != app.revision,
                )
                reason = with_tie(why, result, assessor.names)
                row = MovedApplication(
                    application_id=UUID(app.id),
                    from_level=b.level,
                    to_level=a.level,
                    from_strength_area_id=b.strength_area_id,
                    to_strength_area_id=a.strength_area_id,
                    from_recommendation=b.recommendation,
                    to_recommendation=a.recommendation,
                    reason=english_one(reason),
                )
                moved.append(row.model_dump(mode="json") | {"reason_parts": [reason.json()]})

        # Each application: assessed already for these plans (skipped), to be assessed anew, or
        # held by its assessment where the change cannot touch it. Whether it can is first told by
        # its text (a changed term's needle in it); only then are its text's words read.
        fresh: list[tuple[Application, Assessment | None, Facts]] = []
        held: list[tuple[Application, Assessment, Facts]] = []
        maybe: list[tuple[Application, Assessment, Facts]] = []
        for app in apps:
            before = previous.get(app.current_assessment_id or "")
            if (
                before is not None
                and before.plan_key == assessor.key
                and before.rubric_version == assessor.rubric_version
                and before.application_revision == app.revision
            ):
                continue
            facts = portfolio.facts(app, read=False)
            if (
                record.carry_from is not None
                and before is not None
                and _holds(before, app, record, assessor.inputs(facts))
            ):
                (maybe if touched.may_touch(facts) else held).append((app, before, facts))
            else:
                fresh.append((app, before, facts))
        texts = await texts_read(uow, [app for app, _, _ in (*fresh, *maybe)])
        for app, before, facts in maybe:
            facts = replace(facts, features=texts[app.id])
            (fresh if touched.touches(facts) else held).append((app, before, facts))
        fresh.sort(key=lambda x: x[0].id)
        await load_fits(uow, [before for _, before, _ in fresh if before is not None])
        for app, before, facts in fresh:
            anew(app, before, facts if facts.features else replace(facts, features=texts[app.id]))

        # Held: as they are where their scoring inputs are the same (one statement for all of
        # them), else their reading of the text kept and what they read of the portfolio and the
        # actors worked out anew (Assessor.carried).
        rescore: list[tuple[Application, Assessment, Facts, str]] = []
        for app, before, facts in held:
            inputs = assessor.scoring_inputs(facts, portfolio.region)
            if before.scoring_inputs == inputs:
                as_they_are.append((app, before))
            else:
                rescore.append((app, before, facts, inputs))
        if as_they_are:
            await carry_as_they_are(uow, assessor, as_they_are)
            carried += len(as_they_are)
        if rescore:
            await whole_assessments(uow, [a for _, a, _, _ in rescore])
            versions = [r.model_dump(mode="json") for r in assessor.refs]
            movers: list[tuple[Application, Assessment, Facts]] = []
            for app, before, facts, inputs in rescore:
                scored = assessor.scored(
                    TextReading.stored(before.fits, before.details), facts, portfolio.region
                )
                if scored.recommendation != before.recommendation:
                    movers.append((app, before, facts))  # made anew, to say why as every move does
                    continue
                carried += 1
                app.updated_at = utcnow()
                stored = scoring_json(scored)
                if same_scoring(before, scored, stored):
                    before.made_for = before.made_for or before.plan_key
                    before.plan_key, before.plan_versions = assessor.key, versions
                    before.scoring_inputs = inputs
                    reassessed.append((app, before))
                else:
                    assessment = rescored_assessment(before, scored, stored, assessor, "reassessment", inputs)
                    uow.session.add(assessment)
                    app.current_assessment_id = assessment.id
                    reassessed.append((app, assessment))
            texts = await texts_read(uow, [app for app, _, _ in movers])
            for app, before, facts in movers:
                anew(app, before, replace(facts, features=texts[app.id]))
        if as_they_are:
            # Announced like the rest (the report's read model takes each one's row), from what
            # their events say of them (without decoding the rest of them).
            told = await told_of(uow, [a for _, a in as_they_are])
    assessed = len(reassessed) + len(as_they_are)
    if assessor is not None and assessed:
        await announce_reassessed(uow, record, assessor, batch.batch, reassessed, as_they_are, told)
    uow.session.add(
        ReassessmentPart(
            reassessment_id=record.id,
            batch=batch.batch,
            assessed=assessed,
            needs_review=needs_review,
            moved=moved,
            carried=carried,
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
    record: Reassessment,
    assessor: Assessor,
    batch: int,
    done: list[tuple[Application, Assessment]],
    as_they_are: Sequence[tuple[Application, Assessment]] = (),
    told: Mapping[str, Told] | None = None,
) -> None:
    """Announce a batch's new assessments (``done``) and those carried as they are (``as_they_are``,
    loaded in part, with what their events say of them: ``told``): on the bus as
    ``applications.reassessed`` events (one per ``REASSESSED_IN_EVENT`` applications, so the report's
    read model takes them in bulk), and to integrators as one ``application.reassessed`` webhook per
    application, queued here, in the batch's transaction."""
    told = told or {}
    metrics.applications_assessed.add(
        len(done) + len(as_they_are), {"region": uow.region, "trigger": "reassessment"}
    )
    rows = [reassessed_row(app, a) for app, a in done]
    rows += [reassessed_row(app, a, told[a.id]) for app, a in as_they_are]
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
            subject=record.id,
        )
    hooks = await webhook_delivery.subscribers(uow, "application.reassessed")
    if hooks:
        await whole_assessments(uow, [a for _, a in as_they_are])
        envs = [
            uow.envelope(assessed_data(app, a, "reassessment"), subject=app.id)
            for app, a in (*done, *as_they_are)
        ]
        await webhook_delivery.queue(uow, "application.reassessed", hooks, envs)


def _complete(
    uow: UnitOfWork,
    record: Reassessment,
    assessor: Assessor | None,
    parts: Sequence[ReassessmentPart],
    *,
    superseded: bool,
) -> None:
    """Add up the batches, say what moved and why, and announce the reassessment (unless superseded:
    then the newer reassessment is the one announced)."""
    rows = [m for p in sorted(parts, key=lambda p: p.batch) for m in p.moved]
    moved = [MovedApplication.model_validate(m) for m in rows]
    assessed = sum(p.assessed for p in parts)
    needs_review = sum(p.needs_review for p in parts)
    record.carried = sum(p.carried or 0 for p in parts)
    names: dict[UUID, Name] = {
        UUID(p["strength_area_id"]): name(p.get("name"), p["code"]) for p in record.old_plans
    }
    names |= assessor.names if assessor is not None else {}
    moves = [
        Move(
            m.application_id,
            Outcome(m.from_strength_area_id, m.from_level, m.from_recommendation, ()),
            Outcome(m.to_strength_area_id, m.to_level, m.to_recommendation, ()),
            _reason(row, m.reason),
        )
        for m, row in zip(moved, rows, strict=True)
    ]
    groups = group_moves(moves, names)
    trigger = part_of(record.trigger_parts[0]) if record.trigger_parts else as_written(record.trigger)
    said = summarize(assessed, assessed - len(moved), groups, needs_review, trigger)
    if superseded or assessor is None:
        said.append(Part("summary_superseded"))
    record.status = "superseded" if superseded else "completed"
    record.assessed, record.unchanged, record.needs_review = assessed, assessed - len(moved), needs_review
    record.moved = rows
    record.groups = [group_json(g) for g in groups]
    record.summary, record.summary_parts = english(said), parts_json(said)
    record.completed_at = utcnow()
    if superseded or assessor is None:
        return
    log.info(
        "reassessment %s completed: %d assessed (%d carried) in %d batches, %d moved",
        record.id,
        assessed,
        record.carried,
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
            groups=[MoveGroupEvent.model_validate(g) for g in record.groups],
            needs_review=needs_review,
            summary=record.summary,
            summary_parts=[TextPart.model_validate(p.json() | {"text": english_one(p)}) for p in said],
        ),
        subject=record.id,
    )


def _reason(row: dict[str, Any], text: str) -> Part:
    """Why an application moved, as its batch kept it (as written, from a batch kept before reasons
    were kept as parts)."""
    kept = row.get("reason_parts")
    return part_of(kept[0]) if kept else as_written(text)


# --------------------------------------------------------------------------- reading


async def list_reassessments(
    uow: UnitOfWork, page: Page, *, status: str | None = None
) -> tuple[Sequence[Reassessment], int]:
    """The region's reassessments, newest first (a page of them, and how many there are)."""
    where = [Reassessment.region == uow.region]
    if status is not None:
        where.append(Reassessment.status == status)
    total = await uow.session.scalar(select(func.count()).select_from(Reassessment).where(*where)) or 0
    rows = (
        await uow.session.scalars(
            select(Reassessment)
            .where(*where)
            .order_by(Reassessment.started_at.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
    ).all()
    return rows, total


async def get_reassessment(uow: UnitOfWork, reassessment_id: UUID) -> Reassessment:
    r = await uow.session.get(Reassessment, str(reassessment_id))
    if r is None or r.region != uow.region:
        raise NotFound("Reassessment", reassessment_id)
    return r


async def titles_of(uow: UnitOfWork, r: Reassessment) -> dict[str, str]:
    """The titles of the applications a reassessment moved, by id (one query)."""
    ids = list({str(m["application_id"]) for m in r.moved})
    if not ids:
        return {}
    rows = await uow.session.execute(
        select(Application.id, Application.title).where(
            Application.region == uow.region, Application.id.in_(ids)
        )
    )
    return {str(i): str(t) for i, t in rows}
