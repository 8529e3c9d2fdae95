"""The plans service's rules, without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from kraftsamla_common.events import ActionPlanContent, LocalPlanContent
from kraftsamla_plans.domain import action_plans, checklist, local_plans, measurements, review

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def prio(pid: str, level: str = "bredd", **kw: object) -> dict[str, object]:
    return {
        "id": pid,
        "title": {"sv": pid},
        "level": level,
        "vocabulary": [f"ord-{pid}"],
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        **kw,
    }


def content(**kw: object) -> ActionPlanContent:
    return ActionPlanContent.model_validate(kw)


def test_measurements_follow_the_published_sub_goals() -> None:
    goal = {"id": "forny", "title": {"sv": "Mer förnybart"}, "indicator": {"name": "Andel förnybar el"}}
    published = content(sub_goals=[goal])
    assert measurements.measurement_errors(published, "forny") == []
    (wrong,) = measurements.measurement_errors(published, "annat")
    assert wrong["pointer"] == "/sub_goal_id" and "its sub-goals: 'forny'" in wrong["message"]
    (empty,) = measurements.measurement_errors(content(), "forny")
    assert "its sub-goals: none" in empty["message"]
    (unpublished,) = measurements.measurement_errors(None, "forny")
    assert "no published version" in unpublished["message"]


def test_review_status() -> None:
    created = NOW - timedelta(days=400)
    fresh = review.review_status(NOW - timedelta(days=30), created, date(2027, 3, 1), NOW)
    assert not fresh.overdue and fresh.reason is None
    passed = review.review_status(NOW - timedelta(days=30), created, date(2026, 11, 1), NOW)
    assert passed.overdue and "2026-11-01" in (passed.reason or "")
    stale = review.review_status(NOW - timedelta(days=200), created, None, NOW)
    assert stale.overdue and "not revised" in (stale.reason or "")
    never = review.review_status(None, created, None, NOW)
    assert never.overdue and "not published" in (never.reason or "")
    new = review.review_status(None, NOW - timedelta(days=10), None, NOW)
    assert not new.overdue
    # The boundary: exactly six months (183 days) is still on time.
    edge = review.review_status(NOW - review.REVISION_INTERVAL, created, None, NOW)
    assert not edge.overdue


def test_content_errors_point_at_each_contradiction() -> None:
    plan = content(
        priorities=[prio("a"), prio("a", valid_until="2025-01-01")],
        sub_goals=[
            {
                "id": "g",
                "title": {"sv": "g"},
                "indicator": {"name": "x"},
                "baseline": 1,
                "target": 2,
                "target_year": 2030,
            },
        ],
        policy_mix={
            "initiatives": [
                {"id": "i", "title": "i", "priority_ids": ["b"], "start_year": 2027, "end_year": 2026}
            ],
            "portfolio": [{"title": "p", "year": 2026, "initiative_id": "nope"}],
        },
    )
    assert {e["pointer"] for e in action_plans.content_errors(plan)} == {
        "/priorities/1/id",
        "/priorities/1/valid_until",
        "/sub_goals/0/baseline_year",
        "/policy_mix/initiatives/0/end_year",
        "/policy_mix/initiatives/0/priority_ids/0",
        "/policy_mix/portfolio/0/initiative_id",
    }


def test_publish_needs_priorities_and_a_review_within_six_months() -> None:
    today = NOW.date()
    assert {e["pointer"] for e in action_plans.publish_errors(content(), today)} == {
        "/priorities",
        "/next_review",
    }
    ok = content(priorities=[prio("a")], next_review=today + timedelta(days=180))
    assert action_plans.publish_errors(ok, today) == []
    too_late = content(priorities=[prio("a")], next_review=today + timedelta(days=200))
    assert [e["pointer"] for e in action_plans.publish_errors(too_late, today)] == ["/next_review"]
    past = content(priorities=[prio("a")], next_review=today)
    assert "future" in action_plans.publish_errors(past, today)[0]["message"]


def test_diff_by_id_and_by_section() -> None:
    before = content(priorities=[prio("a"), prio("b")], vision={"sv": "x"})
    after = content(
        priorities=[prio("a", level="spets"), prio("c")], vision={"sv": "x"}, analysis={"current_state": "y"}
    )
    d = action_plans.diff(before, after)
    assert [p["id"] for p in d.priorities.added] == ["c"]
    assert [p["id"] for p in d.priorities.removed] == ["b"]
    assert [(c.id, [f.field for f in c.changes]) for c in d.priorities.changed] == [("a", ["level"])]
    assert d.sections_changed == ["analysis"]
    same = action_plans.diff(before, before)
    assert not (
        same.priorities.added or same.priorities.removed or same.priorities.changed or same.sections_changed
    )


def test_alignment_both_ways_and_stale_links() -> None:
    energy, digital = uuid4(), uuid4()
    regional = {
        energy: local_plans.RegionalPlan(
            energy, "energi", content(priorities=[prio("vatgas"), prio("sol")]), content()
        ),
        digital: local_plans.RegionalPlan(
            digital, "digitalt", content(priorities=[prio("e-halsa")]), content()
        ),
    }
    local = LocalPlanContent.model_validate(
        {
            "title": "Lokal plan",
            "municipalities": ["2380"],
            "actions": [
                {
                    "id": "a",
                    "title": "A",
                    "serves": [{"strength_area_id": str(energy), "priority_id": "vatgas"}],
                },
                {
                    "id": "b",
                    "title": "B",
                    "serves": [{"strength_area_id": str(energy), "priority_id": "borta"}],
                },
                {"id": "c", "title": "C"},
            ],
            "serves": [{"strength_area_id": str(digital), "priority_id": "e-halsa"}],
        }
    )
    plan_id = uuid4()
    result = local_plans.alignment(regional, [local_plans.LocalPlanView(plan_id, 1, local)], NOW.date())
    (view,) = result.local_plans
    assert view.actions_serving_no_priority == ["b", "c"]
    assert view.actions[1].stale_links == ["priority borta"]
    assert view.priorities_served == ["e-halsa", "vatgas"]
    assert [p.priority_id for p in result.unserved_priorities] == ["sol"]
    by_id = {p.priority.priority_id: p.served_by for p in result.priorities}
    assert by_id["e-halsa"][0].action_ids == []  # served by the plan as a whole


def test_local_plan_errors_refuse_links_outside_the_region() -> None:
    ours = uuid4()
    regional = {ours: local_plans.RegionalPlan(ours, "energi", None, content(priorities=[prio("vatgas")]))}
    plan = LocalPlanContent.model_validate(
        {
            "title": "x",
            "municipalities": ["2380"],
            "serves": [{"strength_area_id": str(uuid4())}],
            "actions": [
                {
                    "id": "a",
                    "title": "a",
                    "serves": [{"strength_area_id": str(ours), "priority_id": "vatgas"}],
                }
            ],
        }
    )
    # A priority still in the draft may be linked to; an unknown strength area may not.
    assert [e["pointer"] for e in local_plans.local_plan_errors(plan, regional)] == [
        "/serves/0/strength_area_id"
    ]


def area(name: str = "Energi", **kw: object) -> checklist.AreaEvidence:
    fields: dict[str, object] = {
        "name": name,
        "process_leader": True,
        "nace_codes": (),
        "published": content(priorities=[prio("vatgas")]),
        "review_due": NOW + timedelta(days=60),
        **kw,
    }
    return checklist.AreaEvidence(**fields)  # type: ignore[arg-type]


def evaluate(*areas: checklist.AreaEvidence, adopted: bool = False) -> dict[str, checklist.CriterionResult]:
    programme = checklist.ProgrammeEvidence(
        uuid4(),
        "Program",
        "Regionfullmäktige" if adopted else None,
        date(2021, 3, 1) if adopted else None,
        "§ 12" if adopted else None,
        areas,
    )
    return {c.key: c for c in checklist.evaluate(programme, NOW).criteria}


def keys(findings: tuple[checklist.Finding, ...]) -> list[str]:
    return [f.key for f in findings]


def test_checklist_stakeholder_criterion_takes_groups_and_engagements_from_the_actors_service() -> None:
    bare = evaluate(area())["stakeholders"]
    assert bare.status == "missing"
    assert keys(bare.missing) == ["no_engagements", "areas_without_partnership"]
    assert bare.missing[1].text == "no steering group or partnership: Energi"

    recent = ((NOW.date() - timedelta(days=30), 25), (NOW.date() - timedelta(days=10), 35))
    known = evaluate(area(groups=frozenset({"steering_group"}), engagements=recent))["stakeholders"]
    assert known.status == "met" and known.missing == ()
    assert known.evidence[0].text == "2 engagements with 60 participations in the past twelve months"

    # An engagement whose participants were not recorded has no count to state: never "0 participations".
    unrecorded = ((NOW.date() - timedelta(days=20), 0), (NOW.date() - timedelta(days=5), 0))
    blind = evaluate(area(groups=frozenset({"partnership"}), engagements=unrecorded))["stakeholders"]
    assert blind.status == "met"  # the engagements were held all the same
    assert [f.text for f in blind.evidence[:1]] == [
        "2 engagements in the past twelve months without recorded participants"
    ]
    assert not any("participations" in f.params for f in blind.evidence)
    mixed = evaluate(area(groups=frozenset({"partnership"}), engagements=(*recent, *unrecorded)))
    assert [f.text for f in mixed["stakeholders"].evidence[:2]] == [
        "2 engagements with 60 participations in the past twelve months",
        "2 engagements in the past twelve months without recorded participants",
    ]

    # An engagement more than a year ago is no evidence of today's cooperation.
    old = evaluate(area(groups=frozenset({"partnership"}), engagements=((date(2024, 1, 1), 9),)))
    assert keys(old["stakeholders"].missing) == ["no_engagements"]


def test_checklist_analysis_needs_state_and_challenges_and_a_plan_revised_on_time() -> None:
    analysed = content(
        priorities=[prio("vatgas")],
        analysis={
            "current_state": "Stark vattenkraft",
            "challenges": ["Elnät"],
            "evidence": [{"title": "SCB"}],
        },
    )
    c = evaluate(area(published=analysed), area("Digital", published=None, review_due=None))
    assert c["analysis"].status == "partial"
    assert keys(c["analysis"].missing) == ["areas_without_analysis"]
    assert c["analysis"].missing[0].params == {"areas": "Digital"}
    late = evaluate(area(published=analysed, review_due=NOW - timedelta(days=1)))["analysis"]
    assert late.status == "partial" and keys(late.missing) == ["areas_overdue"]
    assert evaluate(area(published=analysed))["analysis"].status == "met"


def test_checklist_institution_needs_adoption_and_process_leaders() -> None:
    c = evaluate(area(), area("Digital", process_leader=False))["institution"]
    assert c.status == "partial"
    assert keys(c.missing) == ["programme_not_adopted", "areas_without_process_leader"]
    assert evaluate(area(), adopted=True)["institution"].status == "met"


def test_checklist_states_until_when_it_holds() -> None:
    due = NOW + timedelta(days=100)
    held = NOW.date() - timedelta(days=300)
    result = checklist.evaluate(
        checklist.ProgrammeEvidence(
            uuid4(), "P", None, None, None, (area(review_due=due, engagements=((held, 5),)),)
        ),
        NOW,
    )
    # The engagement leaves the past twelve months 66 days from now, before the plan falls overdue.
    assert result.valid_until == datetime.combine(held + timedelta(days=366), datetime.min.time(), UTC)
    later = checklist.evaluate(
        checklist.ProgrammeEvidence(uuid4(), "P", None, None, None, (area(review_due=due),)), NOW
    )
    assert later.valid_until == due + checklist.INSTANT


def test_review_due_is_six_months_or_the_planned_review_whichever_is_first() -> None:
    published = NOW - timedelta(days=10)
    assert review.review_due(published, NOW, None) == published + review.REVISION_INTERVAL
    assert review.review_due(published, NOW, date(2026, 12, 24)) == datetime(
        2026, 12, 24, 23, 59, 59, 999999, tzinfo=UTC
    )
    never = NOW - timedelta(days=5)
    assert review.review_due(None, never, None) == never + review.REVISION_INTERVAL
