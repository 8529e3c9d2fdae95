"""What a plan change can move: an application the change does not touch (``Difference.touches``)
comes out the same under the plans before and after, for random changes to the demo regions'
published plans, on real project texts (the evaluation set)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kraftsamla_assessment.domain.assessor import Assessor, Facts, Region, Result
from kraftsamla_assessment.domain.matching import analyse
from kraftsamla_assessment.domain.plans import StrengthAreaPlan, draft_plan, plan_of_json, plan_texts
from kraftsamla_common.events import ActionPlanContent, LocalizedText, Priority, Rubric
from kraftsamla_local.demo_content import REGIONS

NS = UUID("0d8c1f9e-2b7a-4c61-9a53-6e0c1b5e7d21")
EVAL = Path(__file__).resolve().parents[3] / "bench" / "data" / "assessment_eval.json"


def _plans(region: dict[str, Any]) -> list[StrengthAreaPlan]:
    out = []
    for sa in region["programme"]["strength_areas"]:
        content = ActionPlanContent.model_validate(region["plans"][sa["code"]])
        out.append(
            plan_of_json(
                {
                    "action_plan_id": uuid5(NS, f"{region['region']}/{sa['code']}/plan"),
                    "strength_area_id": uuid5(NS, f"{region['region']}/{sa['code']}"),
                    "code": sa["code"],
                    "version": 1,
                    "priorities": [p.model_dump(mode="json") for p in content.priorities],
                    "name": {k: v for k, v in sa["name"].items() if v},
                    "nace_codes": sa.get("nace_codes", []),
                    **plan_texts(content),
                }
            )
        )
    return sorted(out, key=lambda p: p.code)


PLANS = {r["region"]: _plans(r) for r in REGIONS}
ASSESSORS = {rid: Assessor(plans) for rid, plans in PLANS.items()}
TEXTS = [
    Facts(title=i["title"], summary=i["text"], features=analyse(f"{i['title']}\n{i['text']}"))
    for i in json.loads(EVAL.read_text())["items"]
]
WORDS = sorted(
    {w for p in PLANS.values() for plan in p for x in plan.priorities for w in x.vocabulary}
    | {"vätgas", "batteri", "turism", "matproduktion", "skogsbruk", "AI", "besöksnäring", "hydrogen"}
)


def outcome_of(r: Result) -> tuple[Any, ...]:
    """Everything of an assessment but the wording of its reasons."""
    return (
        r.strength_area_id,
        r.level,
        r.score,
        r.recommendation,
        [(f.strength_area_id, f.points, f.score, f.priority_ids, f.matched_terms, f.level) for f in r.fits],
        [(c.id, c.value, c.points) for c in r.criteria],
        r.placement.votes,
        r.choice.tie if r.choice else None,
        r.claims,
    )


BEFORE = {rid: [outcome_of(a.assess(f)) for f in TEXTS] for rid, a in ASSESSORS.items()}
"""Each text's outcome by each region's plans as published."""


def _priority(p: Priority, change: str, word: str) -> Priority:
    if change == "level":
        return p.model_copy(update={"level": {"bas": "bredd", "bredd": "spets", "spets": "bas"}[p.level]})
    if change == "add_word":
        return p.model_copy(update={"vocabulary": [*p.vocabulary, word]})
    if change == "drop_word" and len(p.vocabulary) > 1:
        return p.model_copy(update={"vocabulary": p.vocabulary[1:]})
    if change == "title":
        return p.model_copy(update={"title": LocalizedText(sv=f"{p.title.any()} {word}")})
    if change == "description":
        return p.model_copy(update={"description": f"{p.description} {word}".strip()})
    return p


CHANGES = ("level", "add_word", "drop_word", "title", "description", "drop", "add", "name", "prose")
EDITS = st.lists(
    st.tuples(st.integers(0, 9), st.sampled_from(CHANGES), st.integers(0, 50), st.sampled_from(WORDS)),
    min_size=1,
    max_size=3,
)
"""Up to three changes: which plan, what change, where in it, with which word."""


def _changed(plan: StrengthAreaPlan, change: str, at: int, word: str) -> StrengthAreaPlan:
    priorities = list(plan.priorities)
    i = at % len(priorities)
    if change == "drop" and len(priorities) > 1:
        gone = priorities.pop(i).id
        initiatives = tuple(
            replace(x, priority_ids=tuple(p for p in x.priority_ids if p != gone)) for x in plan.initiatives
        )
        return replace(plan, priorities=tuple(priorities), initiatives=initiatives, version=plan.version + 1)
    elif change == "add":
        new = priorities[i].model_copy(update={"id": f"new-{at}", "vocabulary": [word], "level": "spets"})
        priorities.append(new)
    elif change == "name":
        return replace(plan, name={"sv": f"{plan.label} och {word}"})
    elif change == "prose":
        return replace(plan, prose=(*plan.prose, ("vision", f"Vi satsar på {word}.")))
    else:
        priorities[i] = _priority(priorities[i], change, word)
    return replace(plan, priorities=tuple(priorities), version=plan.version + 1)


def _edited(before: Assessor, edits: list[tuple[int, str, int, str]]) -> Assessor:
    """The assessor of ``before``'s plans with ``edits`` made to them."""
    plans = list(before.plans)
    for which, change, at, word in edits:
        k = which % len(plans)
        plans[k] = _changed(plans[k], change, at, word)
    return Assessor(plans)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    region=st.sampled_from(sorted(PLANS)),
    edits=EDITS,
)
def test_an_application_the_change_does_not_touch_comes_out_the_same(
    region: str, edits: list[tuple[int, str, int, str]]
) -> None:
    before = ASSESSORS[region]
    after = _edited(before, edits)
    difference = after.difference(before)
    assert not difference.everything
    for facts, was in zip(TEXTS, BEFORE[region], strict=True):
        if not difference.may_touch(facts):
            assert not difference.touches(facts), facts.title  # the text alone may rule it out
        if not difference.touches(facts):
            assert outcome_of(after.assess(facts)) == was, facts.title


MUNICIPALITIES = ("2303", "2305", "2309", "2313", "2321", "2380")
PLACED = [replace(f, municipalities=MUNICIPALITIES[i % 3 : i % 3 + 1 + i % 2]) for i, f in enumerate(TEXTS)]
"""The evaluation texts, each reaching one or two of the region's municipalities."""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    region=st.sampled_from(sorted(PLANS)),
    edits=EDITS,
    spreads=st.lists(
        st.dictionaries(st.sampled_from(MUNICIPALITIES), st.integers(0, 40), max_size=6),
        min_size=2,
        max_size=2,
    ),
    actors=st.tuples(st.integers(0, 4), st.sampled_from([frozenset(), frozenset({"academia", "business"})])),
)
def test_an_untouched_assessment_carried_forward_is_the_one_made_anew(
    region: str,
    edits: list[tuple[int, str, int, str]],
    spreads: list[dict[str, int]],
    actors: tuple[int, frozenset[str]],
) -> None:
    """Incremental = full: an assessment the change does not touch, made by the plans before in
    one portfolio and carried to the plans after in another (the open applications per
    municipality, the partners and known actors may all have changed since), equals the one the
    plans after make there, to the last word of its reasons."""
    before = ASSESSORS[region]
    after = _edited(before, edits)
    difference = after.difference(before)
    then, now = (Region(municipalities=frozenset(MUNICIPALITIES), spread=s) for s in spreads)
    partners, helix = actors
    carried = 0
    for facts in PLACED:
        if difference.touches(facts):
            continue
        assert after.inputs(facts) == before.inputs(facts)
        later = replace(facts, partners=partners, helix=helix, applicant_known=bool(partners % 2))
        made = before.assess(facts, then)
        assert after.carried(made, later, now) == after.assess(later, now), facts.title
        carried += 1
    assert carried or difference.everything or len(difference.changed) > 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    region=st.sampled_from(sorted(PLANS)),
    edits=EDITS,
    spread=st.dictionaries(st.sampled_from(MUNICIPALITIES), st.integers(0, 40), max_size=6),
    more=st.dictionaries(st.sampled_from(MUNICIPALITIES), st.integers(1, 5), max_size=2),
)
def test_an_untouched_assessment_with_the_same_scoring_inputs_holds_as_it_is(
    region: str, edits: list[tuple[int, str, int, str]], spread: dict[str, int], more: dict[str, int]
) -> None:
    """An assessment the change does not touch whose scoring inputs are the same in the portfolio
    after (some municipalities have more open applications) is the one the plans after make there
    but for the plans it names: a reassessment moves it to them as it is."""
    before = ASSESSORS[region]
    after = _edited(before, edits)
    difference = after.difference(before)
    then = Region(municipalities=frozenset(MUNICIPALITIES), spread=spread)
    now = Region(
        municipalities=frozenset(MUNICIPALITIES),
        spread={m: spread.get(m, 0) + more.get(m, 0) for m in MUNICIPALITIES},
    )
    same = 0
    for facts in PLACED:
        if difference.touches(facts):
            continue
        made = before.assess(facts, then)
        if before.scoring_inputs(facts, then) != after.scoring_inputs(facts, now):
            continue
        assert replace(made, plan_key=after.key, plan_versions=after.refs) == after.assess(facts, now)
        same += 1
    # Where the most open applications of a municipality stays, some texts keep their inputs.
    assert same or max(now.spread.values()) != max(spread.values(), default=0)


def test_the_scoring_inputs_differ_where_what_the_score_reads_does() -> None:
    a = ASSESSORS["kronoberg"]
    facts = replace(PLACED[0], municipalities=("2303",))
    region = Region(municipalities=frozenset(MUNICIPALITIES), spread={"2303": 2, "2380": 9})
    same = a.scoring_inputs(facts, region)
    assert a.scoring_inputs(replace(facts, summary="Något annat."), region) == same  # the text: inputs
    assert a.scoring_inputs(facts, replace(region, spread={"2303": 2, "2380": 9, "2309": 1})) == same
    assert a.scoring_inputs(facts, replace(region, spread={"2303": 3, "2380": 9})) != same
    assert a.scoring_inputs(facts, replace(region, spread={"2303": 2, "2380": 10})) != same  # the most
    assert a.scoring_inputs(facts, replace(region, municipalities=frozenset({"2380"}))) != same
    assert a.scoring_inputs(replace(facts, partners=2), region) != same
    assert a.scoring_inputs(replace(facts, helix=frozenset({"academia"})), region) != same
    assert a.scoring_inputs(replace(facts, applicant_known=True), region) != same


def test_the_inputs_differ_where_the_application_does() -> None:
    a = ASSESSORS["kronoberg"]
    facts = PLACED[0]
    same = a.inputs(facts)
    assert a.inputs(replace(facts, partners=3, helix=frozenset({"academia"}))) == same  # the actors': scored
    assert a.inputs(replace(facts, summary=f"{facts.summary} Och vätgas.")) != same
    assert a.inputs(replace(facts, municipalities=("2380",))) != same
    assert a.inputs(replace(facts, claimed_goals=(7,))) != same
    rubric = a.rubric.model_dump()
    rubric["thresholds"] = {**rubric["thresholds"], "strong": 0.9}
    assert Assessor(a.plans, Rubric.model_validate(rubric), 1).inputs(facts) != same


def test_a_small_change_touches_few_applications_and_none_is_missed() -> None:
    """One word added to one priority: the applications whose text holds it, and only those."""
    before = ASSESSORS["jamtland-harjedalen"]
    plan = before.plans[0]
    word = "vätgas"
    after = Assessor([_changed(plan, "add_word", 0, word), *before.plans[1:]])
    touched = [f for f in TEXTS if after.difference(before).touches(f)]
    moved = [f for f in TEXTS if outcome_of(after.assess(f)) != outcome_of(before.assess(f))]
    assert 0 < len(touched) < len(TEXTS) / 4
    assert {f.title for f in moved} <= {f.title for f in touched}
    assert moved, "the word should move at least one of the texts that hold it"


def test_the_same_plans_touch_nothing_and_a_new_rubric_or_code_everything() -> None:
    before = ASSESSORS["norrbotten"]
    same = Assessor(list(before.plans)).difference(before)
    assert (same.everything, same.terms, same.changed) == (False, None, frozenset())
    rubric = before.rubric.model_dump()
    rubric["thresholds"] = {**rubric["thresholds"], "strong": 0.9}
    assert Assessor(before.plans, Rubric.model_validate(rubric)).difference(before).everything
    recoded = [replace(before.plans[0], code="X"), *before.plans[1:]]
    assert Assessor(recoded).difference(before).everything


def test_a_draft_is_read_with_its_areas_texts_as_publishing_would() -> None:
    """The draft of a published plan with nothing changed compiles to the same terms."""
    region = next(r for r in REGIONS if r["region"] == "kronoberg")
    before = ASSESSORS["kronoberg"]
    drafts = [
        draft_plan(
            p,
            p.action_plan_id,
            p.strength_area_id,
            p.code,
            ActionPlanContent.model_validate(region["plans"][p.code]),
        )
        for p in before.plans
    ]
    difference = Assessor(drafts).difference(before)
    assert (difference.everything, difference.terms) == (False, None)
