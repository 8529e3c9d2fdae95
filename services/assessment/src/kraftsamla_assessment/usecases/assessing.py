"""Assessing applications: the region's assessor (its current plans, rubric and reviewers'
precedents, compiled), the portfolio an application is assessed in, and storing and announcing
an assessment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from uuid import UUID

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.orm import load_only
from sqlalchemy.orm.attributes import set_committed_value

from kraftsamla_common import metrics
from kraftsamla_common.events import (
    ApplicationAssessed,
    AssessmentTrigger,
    ReassessedApplication,
    Recommendation,
    StrengthAreaFit,
    new_id,
    utcnow,
)
from kraftsamla_common.messaging import UnitOfWork

from ..domain.assessor import Assessor, Facts, Precedent, Region, Result, Scored
from ..domain.matching import Signature, TextFeatures, analyse
from ..domain.plans import StrengthAreaPlan, plan_of_json
from ..domain.reassessment import OPEN_STATUSES
from ..domain.reviews import Effective, carry_review, effective_of
from ..domain.wording import parts_json
from ..persistence.tables import Application, Assessment, KnownActionPlan, KnownActor, KnownRegionGeography
from ..persistence.tables import Precedent as PrecedentRow
from .rubrics import current_rubric

T = TypeVar("T")

IN_ONE_QUERY = 5000
"""Ids in one ``IN (...)``: under the databases' limits on bound parameters."""


def in_chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` in slices of :data:`IN_ONE_QUERY`."""
    for start in range(0, len(items), IN_ONE_QUERY):
        yield items[start : start + IN_ONE_QUERY]


async def current_plans(uow: UnitOfWork) -> list[KnownActionPlan]:
    """The current published version of each action plan of the region, by strength area code."""
    return list(
        (
            await uow.session.scalars(
                select(KnownActionPlan)
                .where(KnownActionPlan.region == uow.region)
                .order_by(KnownActionPlan.strength_area_code)
            )
        ).all()
    )


def plans_of(rows: list[KnownActionPlan]) -> list[StrengthAreaPlan]:
    return [plan_of_json(_plan_json_of_row(p)) for p in rows]


def _plan_json_of_row(p: KnownActionPlan) -> dict[str, Any]:
    return {
        "action_plan_id": p.action_plan_id,
        "strength_area_id": p.strength_area_id,
        "code": p.strength_area_code,
        "version": p.version,
        "priorities": p.priorities,
        **(p.profile or {}),
    }


_compiled: dict[str, tuple[tuple[Any, ...], Assessor]] = {}
"""The last assessor compiled for each region, with what it was compiled from."""


async def load_precedents(uow: UnitOfWork) -> list[PrecedentRow]:
    """The region's reviewer decisions of a strength area that are still in force."""
    rows = (await uow.session.scalars(select(PrecedentRow).where(PrecedentRow.region == uow.region))).all()
    if not rows:
        return []
    reviews: dict[str, Any] = dict(
        (
            await uow.session.execute(
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


async def load_assessor(uow: UnitOfWork) -> Assessor | None:
    """The region's current plans, rubric and reviewers' precedents, compiled; None while no
    action plan is published.

    Compiling (the plans' texts into one matcher) costs more than assessing an application, so
    the result is kept per region: a published plan version and a rubric version never change,
    so the same versions (and precedents) give the same assessor."""
    rows = await current_plans(uow)
    if not rows:
        return None
    version, rubric, _ = await current_rubric(uow)
    precedents = await load_precedents(uow)
    key = (
        version,
        *((p.action_plan_id, p.version, p.strength_area_code, p.profile is not None) for p in rows),
        *((p.application_id, p.strength_area_id, p.decided_at) for p in precedents),
    )
    cached = _compiled.get(uow.region)
    if cached is not None and cached[0] == key:
        return cached[1]
    assessor = Assessor(
        plans_of(rows),
        rubric,
        version,
        [
            Precedent(
                UUID(p.application_id),
                p.title,
                UUID(p.strength_area_id) if p.strength_area_id else None,
                p.reason,
                Signature(frozenset(p.stems)),
            )
            for p in precedents
        ],
    )
    _compiled[uow.region] = (key, assessor)
    return assessor


@dataclass
class Portfolio:
    """What assessing one application of a region needs to know of the rest: loaded once per batch."""

    region: Region
    actors: dict[str, KnownActor]
    """Registered actors of the region by identifier."""

    def facts(self, app: Application, *, read: bool = True) -> Facts:
        """The application as the assessment reads it; without ``read``, without its text's
        features (:func:`texts_read` loads them where they are needed)."""
        applicant = self.actors.get(app.applicant_identifier or "")
        helix = {applicant.helix} if applicant else set()
        for p in app.partners:
            known = self.actors.get(p.get("identifier") or "")
            if known:
                helix.add(known.helix)
        return Facts(
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
            features=features_of(app) if read else None,
        )


def analyse_text(app: Application) -> TextFeatures:
    """Read the application's text once (language, sentences, words) and keep the result with it:
    every later assessment of this revision reuses it."""
    features = analyse(
        Facts(
            title=app.title,
            summary=app.summary,
            description=app.description,
            sustainability=app.sustainability or {},
        ).text
    )
    app.features = features.to_json()
    return features


def features_of(app: Application, stored: Mapping[str, Any] | None = None) -> TextFeatures:
    """The application's analysed text: as stored at intake (``stored``, where read on their own:
    :func:`texts_read`), else (stored before texts were kept, or by an older analysis) analysed
    now and stored."""
    return TextFeatures.from_json(app.features if stored is None else stored) or analyse_text(app)


async def texts_read(uow: UnitOfWork, apps: Sequence[Application]) -> dict[str, TextFeatures]:
    """The analysed texts of applications loaded without them (``defer``), by id, in one query per
    5,000."""
    stored: dict[str, Any] = {}
    ids = [a.id for a in apps]
    for chunk in in_chunks(ids):
        query = select(Application.id, Application.features).where(Application.id.in_(chunk))
        stored.update((await uow.session.execute(query)).tuples().all())
    return {a.id: features_of(a, stored.get(a.id) or {}) for a in apps}


async def load_portfolio(uow: UnitOfWork, spread: Counter[str] | None = None) -> Portfolio:
    """The region's portfolio; ``spread`` (open applications per municipality) is counted unless given."""
    geo = await uow.session.get(KnownRegionGeography, uow.region)
    if spread is None:
        spread = Counter()
        for (codes,) in await uow.session.execute(
            select(Application.municipalities).where(
                Application.region == uow.region, Application.status.in_(OPEN_STATUSES)
            )
        ):
            spread.update(codes)
    actors = (
        await uow.session.scalars(
            select(KnownActor).where(KnownActor.region == uow.region, KnownActor.merged_into_id.is_(None))
        )
    ).all()
    return Portfolio(
        Region(frozenset(geo.municipalities) if geo else frozenset(), spread),
        {a.identifier_key: a for a in actors},
    )


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
    eff = effective(app, a)
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
        conflicts=_conflicts(a.details),
        review=(app.review or {}).get("state", "none"),
    )


def _conflicts(details: Mapping[str, Any] | None) -> int:
    return len(((details or {}).get("sustainability") or {}).get("conflicts", []))


@dataclass(frozen=True)
class Told:
    """What an event says of a stored assessment besides the columns a reassessment reads: its
    score and the parts of its details it names (:data:`TOLD`)."""

    score: float
    details: dict[str, Any]


TOLD = (("agenda2030", "supported"), ("sustainability", "described"), ("sustainability", "conflicts"))
"""The parts of an assessment's details its events name: the goals it supports, the sustainability
dimensions it describes and the goal conflicts it names."""


async def told_of(uow: UnitOfWork, assessments: Sequence[Assessment]) -> dict[str, Told]:
    """What the events of assessments loaded in part (:func:`current_assessments`) say of them, read
    with the database's JSON paths rather than by decoding their details, by id."""
    out: dict[str, Told] = {}
    ids = [a.id for a in assessments]
    paths = [Assessment.details[path] for path in TOLD]
    for chunk in in_chunks(ids):
        query = select(Assessment.id, Assessment.score, *paths).where(Assessment.id.in_(chunk))
        for assessment_id, score, *values in (await uow.session.execute(query)).tuples():
            details: dict[str, Any] = {}
            for (part, name), value in zip(TOLD, values, strict=True):
                if value is not None:
                    details.setdefault(part, {})[name] = value
            out[assessment_id] = Told(score, details)
    return out


def reassessed_row(app: Application, a: Assessment, told: Told | None = None) -> ReassessedApplication:
    """One application's line in ``applications.reassessed`` (``told``: what it says of an assessment
    loaded in part, :func:`told_of`)."""
    score, details = (told.score, told.details) if told is not None else (a.score, a.details)
    eff = effective_of(a.strength_area_id, a.level, a.recommendation, details, app.review)
    return ReassessedApplication(
        **application_facts(app),
        assessment_id=UUID(a.id),
        strength_area_id=eff.strength_area_id,
        level=eff.level,
        score=score,
        recommendation=eff.recommendation,
        supported_goals=eff.supported_goals,
        dimensions=eff.dimensions,
        conflicts=_conflicts(details),
        review=(app.review or {}).get("state", "none"),
    )


def effective(app: Application, a: Assessment) -> Effective:
    """The application's assessment ``a`` as it stands after the review's overrides in force."""
    return effective_of(a.strength_area_id, a.level, a.recommendation, a.details, app.review)


def emit_assessed(uow: UnitOfWork, app: Application, a: Assessment, trigger: AssessmentTrigger) -> None:
    uow.emit(assessed_data(app, a, trigger), region=app.region, subject=app.id)


def assess(
    uow: UnitOfWork,
    app: Application,
    assessor: Assessor,
    portfolio: Portfolio,
    trigger: AssessmentTrigger,
    *,
    announce: bool = True,
    facts: Facts | None = None,
) -> tuple[Assessment, Result]:
    """Assess one application (read as ``facts``, where given) and store the assessment as its
    current one; ``announce`` raises its ``application.assessed`` event and counts it (a
    reassessment announces and counts its batch as a whole instead)."""
    facts = facts or portfolio.facts(app)
    result = assessor.assess(facts, portfolio.region)
    assessment = new_assessment(
        app, result, trigger, assessor.inputs(facts), assessor.scoring_inputs(facts, portfolio.region)
    )
    uow.session.add(assessment)
    if (review := carry_review(app.review, app.revision, result)) is not None:
        app.review = review
    app.current_assessment_id = assessment.id
    app.updated_at = utcnow()
    if app.status == "received":
        app.status = "assessed"
    if announce:
        emit_assessed(uow, app, assessment, trigger)
        metrics.applications_assessed.add(1, {"region": app.region, "trigger": trigger})
    return assessment, result


def new_assessment(
    app: Application,
    result: Result,
    trigger: AssessmentTrigger,
    inputs: str | None = None,
    scoring_inputs: str | None = None,
) -> Assessment:
    """The row that keeps one assessment of an application (``inputs``: what it read besides the
    plans, ``Assessor.inputs``; ``scoring_inputs``: what its score read of the portfolio and the
    actors, ``Assessor.scoring_inputs``)."""
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
        rationale_parts=parts_json(result.rationale_parts),
        created_at=utcnow(),
        inputs=inputs,
        scoring_inputs=scoring_inputs,
    )


async def current_assessments(uow: UnitOfWork, apps: Sequence[Application]) -> dict[str, Assessment]:
    """The current assessment of each application, by id (in chunks, to stay under bind limits):
    what deciding whether to carry it needs, without its details (decoding them was a tenth of a
    reassessment's time) or its fits (:func:`load_fits` where it is compared with a new one)."""
    ids = [x.current_assessment_id for x in apps if x.current_assessment_id]
    out: dict[str, Assessment] = {}
    columns = (
        Assessment.plan_key,
        Assessment.rubric_version,
        Assessment.application_revision,
        Assessment.strength_area_id,
        Assessment.level,
        Assessment.recommendation,
        Assessment.inputs,
        Assessment.scoring_inputs,
    )
    for chunk in in_chunks(ids):
        query = (
            select(Assessment).options(load_only(*columns, raiseload=True)).where(Assessment.id.in_(chunk))
        )
        out.update((a.id, a) for a in (await uow.session.scalars(query)).all())
    return out


async def load_fits(uow: UnitOfWork, assessments: Sequence[Assessment]) -> None:
    """Load the fits of assessments :func:`current_assessments` read without them (one query per
    5,000)."""
    by_id = {a.id: a for a in assessments}
    ids = list(by_id)
    for chunk in in_chunks(ids):
        query = select(Assessment.id, Assessment.fits).where(Assessment.id.in_(chunk))
        for assessment_id, fits in (await uow.session.execute(query)).tuples():
            set_committed_value(by_id[assessment_id], "fits", fits)


async def whole_assessments(uow: UnitOfWork, assessments: Sequence[Assessment]) -> None:
    """Load every column of assessments :func:`current_assessments` read in part."""
    ids = [a.id for a in assessments]
    for chunk in in_chunks(ids):
        query = select(Assessment).where(Assessment.id.in_(chunk))
        await uow.session.execute(query.execution_options(populate_existing=True))


def scoring_json(scored: Scored) -> dict[str, Any]:
    """The parts of an assessment's details that its scoring of the portfolio makes, as stored."""
    return {"geography": _jsonable(scored.geography), "criteria": _jsonable(scored.criteria)}


def same_scoring(a: Assessment, scored: Scored, stored: Mapping[str, Any]) -> bool:
    """Whether the stored assessment already says what ``scored`` (stored as ``stored``,
    :func:`scoring_json`) says of the portfolio."""
    return (
        a.score == scored.score
        and a.recommendation == scored.recommendation
        and all(a.details.get(k) == v for k, v in stored.items())
    )


def rescored_assessment(
    a: Assessment,
    scored: Scored,
    stored: Mapping[str, Any],
    assessor: Assessor,
    trigger: AssessmentTrigger,
    scoring_inputs: str,
) -> Assessment:
    """A new assessment for ``assessor``'s plans made of ``a`` (which its difference does not
    touch): ``a``'s reading of the text, ``scored``'s of the portfolio and the actors
    (``Assessor.carried`` on a stored assessment), read from ``scoring_inputs``."""
    verdict = parts_json([scored.verdict])[0]
    return Assessment(
        id=str(new_id()),
        region=a.region,
        application_id=a.application_id,
        application_revision=a.application_revision,
        plan_key=assessor.key,
        plan_versions=[r.model_dump(mode="json") for r in assessor.refs],
        rubric_version=a.rubric_version,
        trigger=trigger,
        strength_area_id=a.strength_area_id,
        level=a.level,
        score=scored.score,
        recommendation=scored.recommendation,
        fits=a.fits,
        details={**a.details, **stored},
        language=a.language,
        rationale=assessor.rescored_rationale(
            a.rationale, a.score, cast(Recommendation, a.recommendation), scored
        ),
        rationale_parts=[
            verdict if p.get("key") == "rationale_score" else p for p in a.rationale_parts or []
        ],
        created_at=utcnow(),
        inputs=a.inputs,
        scoring_inputs=scoring_inputs,
    )


async def carry_as_they_are(
    uow: UnitOfWork, assessor: Assessor, carried: Sequence[tuple[Application, Assessment]]
) -> None:
    """Move assessments that hold for ``assessor``'s plans as they are (their text untouched by the
    change, their scoring inputs the same) to those plans, and mark their applications changed: one
    statement each per 5,000, not a change per row. ``made_for`` keeps the plans each was made for.

    The assessments' loaded attributes are left as they were; :func:`whole_assessments` reads them
    anew where they are needed."""
    versions = [r.model_dump(mode="json") for r in assessor.refs]
    now = utcnow()
    for chunk in in_chunks(carried):
        await uow.session.execute(
            update(Assessment)
            .where(Assessment.id.in_([a.id for _, a in chunk]))
            .values(
                made_for=func.coalesce(Assessment.made_for, Assessment.plan_key),
                plan_key=assessor.key,
                plan_versions=versions,
            )
            .execution_options(synchronize_session=False)
        )
        await uow.session.execute(
            update(Application)
            .where(Application.id.in_([app.id for app, _ in chunk]))
            .values(updated_at=now)
            .execution_options(synchronize_session=False)
        )
