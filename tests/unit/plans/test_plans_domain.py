"""The plans service's rules, without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from kraftsamla_common.events import ActionPlanContent, LocalizedText, LocalPlanContent
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


def test_checklist_stakeholder_criterion_takes_groups_and_engagements_from_the_actors_service() -> None:
    steering = str(uuid4())

    def state(**area: object) -> checklist.ProgrammeState:
        a = checklist.AreaState(
            strength_area_id=uuid4(),
            code="energi",
            name=LocalizedText(sv="Energi"),
            process_leader_id=None,
            nace_codes=[],
            published=content(priorities=[prio("vatgas")]),
            published_at=NOW,
            action_plan_id=uuid4(),
            **area,  # type: ignore[arg-type]
        )
        return checklist.ProgrammeState(uuid4(), "Program", None, None, None, [a])

    bare = checklist.checklist(state(), lambda _: None, NOW)[3]
    assert bare.status == "missing"
    assert "Energi: no steering group" in bare.missing and "Energi: no partnership" in bare.missing
    assert any("no engagement" in m for m in bare.missing)

    known = checklist.checklist(
        state(groups=(("steering_group", steering, "Styrgrupp Energi"),), engagements=4, participations=60),
        lambda _: None,
        NOW,
    )[3]
    assert known.status == "partial" and known.missing == ["Energi: no partnership"]
    descriptions = [e.description for e in known.evidence]
    assert "Energi: steering group Styrgrupp Energi" in descriptions
    assert any("4 engagements with 60 participations" in d for d in descriptions)
    assert [e.ref for e in known.evidence if "Styrgrupp" in e.description] == [steering]
