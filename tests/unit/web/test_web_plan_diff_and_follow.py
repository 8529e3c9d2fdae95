"""The difference between two versions of an action plan as sentences (from the plans service's own
diff of the two contents), in English, Swedish and Finnish, things by their names; whether a draft
was changed since its version; the reassessment and the report that followed a version; a step's
summary."""

from __future__ import annotations

import copy
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

from test_web_plan_forms import PLAN

from kraftsamla_common.events import ActionPlanContent
from kraftsamla_common.i18n import Messages
from kraftsamla_plans.domain.action_plans import diff
from kraftsamla_web.domain import plan_forms as forms
from kraftsamla_web.domain.plan_diff import diff_sentences, priority_names
from kraftsamla_web.domain.plans import (
    NewArea,
    draft_state,
    following_reassessment,
    following_report,
    overdue_reason,
    step_summary,
)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The plans service's answer to ``GET …/diff`` for two contents."""
    found = diff(ActionPlanContent.model_validate(before), ActionPlanContent.model_validate(after))
    return asdict(found)


def _changed() -> dict[str, Any]:
    after = copy.deepcopy(PLAN)
    vatgas = after["priorities"][0]
    vatgas["level"] = "spets"
    vatgas["vocabulary"] = ["vätgas", "bränsleceller"]
    del after["priorities"][1]
    after["priorities"].append(
        {
            "id": "batterier",
            "title": {"sv": "Batterier", "fi": "Akut"},
            "level": "bredd",
            "vocabulary": ["batteri"],
            "valid_from": "2026-01-01",
            "valid_until": "2028-12-31",
        }
    )
    goal = after["sub_goals"][0]
    goal["target"], goal["target_year"] = 60, 2028
    goal["indicator"] = {"name": "Företag som samarbetar med forskningsorganisationer", "code": "RCO10"}
    after["policy_mix"]["initiatives"][0]["funding_sources"] = ["erdf"]
    after["analysis"]["challenges"].append("Kompetensförsörjning")
    after["next_review"] = "2026-09-30"
    return after


def _sentences(language: str) -> Any:
    t = Messages(language, ("kraftsamla_web",))  # type: ignore[arg-type]
    after = _changed()
    return diff_sentences(
        t,
        _diff(PLAN, after),
        PLAN,
        after,
        labels={"priorities": priority_names(t, PLAN, after)},
        step_href="/regions/r/plans/p/steps",
    )


def test_the_changes_of_a_plan_as_sentences_with_names_not_ids() -> None:
    said = _sentences("en")
    assert [s.text for s in said.priorities] == [
        "Priority «Batterier» was added at Breadth.",
        "Priority «Energieffektivisering» was removed (it was at Base).",
        "Priority «Hydrogen» moved on the pyramid from Breadth to Spearhead.",
        "Words added to priority «Hydrogen»: bränsleceller.",
        "Words removed from priority «Hydrogen»: elektrolys.",
    ]
    assert [s.text for s in said.sub_goals] == [
        "Sub-goal «Energieffektivare företag» is now measured by "
        "RCO10 Företag som samarbetar med forskningsorganisationer (before: RCO01 Företag som får stöd (företag)).",
        "The target of sub-goal «Energieffektivare företag» is now 60 by 2028 (before: 40 by 2027).",
    ]
    assert [s.text for s in said.initiatives] == [
        "Initiative «Förstudier om vätgas» – Funding: now European Regional Development Fund "
        "(before: European Regional Development Fund, Swedish Energy Agency)."
    ]
    assert [(s.text, s.href) for s in said.sections] == [
        ("The analysis changed.", "/regions/r/plans/p/steps/1"),
        (
            "The next review is now planned for 30 Sept 2026 (before: 30 Jun 2026).",
            "/regions/r/plans/p/steps/6",
        ),
    ]
    assert said.count == 10 and not said.empty


def test_the_same_changes_in_swedish_and_finnish() -> None:
    sv = _sentences("sv")
    assert "Prioriteringen «Vätgas» flyttades i pyramiden från Bredd till Spets." in [
        s.text for s in sv.priorities
    ]
    fi = _sentences("fi")
    assert "Priorisointi «Vätgas» siirtyi pyramidissa tasolta Laajuus tasolle Kärki." in [
        s.text for s in fi.priorities
    ]
    assert "Priorisointi «Akut» lisättiin tasolle Laajuus." in [s.text for s in fi.priorities]
    assert fi.sections[0].text == "Analyysi muuttui."


def test_no_change_says_so() -> None:
    t = Messages("en", ("kraftsamla_web",))
    said = diff_sentences(t, _diff(PLAN, PLAN), PLAN, PLAN, labels={}, step_href="/s")
    assert said.empty and said.count == 0


def _line(version: int, published: datetime | None, updated: datetime, **review: Any) -> Any:
    return SimpleNamespace(
        current_version=version,
        draft_revision=3,
        updated_at=updated,
        review=SimpleNamespace(
            last_revised=published,
            next_review=review.get("next_review"),
            overdue=review.get("overdue", False),
        ),
    )


def test_a_draft_saved_after_its_version_was_published_is_changed() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert draft_state(_line(0, None, now)) == "unpublished"
    assert draft_state(_line(2, now, now - timedelta(minutes=1))) == "published"
    assert draft_state(_line(2, now, now + timedelta(minutes=1))) == "changed"


def test_why_a_plan_is_overdue_in_the_desk_s_words() -> None:
    t = Messages("en", ("kraftsamla_web",))
    today = date(2026, 3, 1)
    review = _line(
        1,
        datetime(2025, 6, 1, tzinfo=UTC),
        datetime(2025, 6, 1, tzinfo=UTC),
        next_review=date(2026, 2, 1),
        overdue=True,
    ).review
    assert overdue_reason(t, review, today) == "the review planned for 1 Feb 2026 has passed"
    review.overdue = False
    assert overdue_reason(t, review, today) is None


def test_what_followed_a_version_the_first_reassessment_and_report_that_name_it() -> None:
    plan, other = uuid4(), uuid4()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    first, later = uuid4(), uuid4()
    reassessments = [
        SimpleNamespace(id=later, plan_key=f"{other}:2,{plan}:3", started_at=start + timedelta(hours=1)),
        SimpleNamespace(id=first, plan_key=f"{other}:1,{plan}:3", started_at=start),
        SimpleNamespace(id=uuid4(), plan_key=f"{other}:1,{plan}:2", started_at=start - timedelta(days=9)),
    ]
    assert following_reassessment(reassessments, plan, 3) == first
    assert following_reassessment(reassessments, plan, 4) is None

    def report(number: int, *versions: tuple[Any, int]) -> Any:
        refs = [SimpleNamespace(action_plan_id=p, version=v) for p, v in versions]
        return SimpleNamespace(number=number, built_from=SimpleNamespace(plan_versions=refs))

    reports = [report(9, (plan, 3), (other, 2)), report(8, (plan, 3), (other, 1)), report(7, (plan, 2))]
    assert following_report(reports, plan, 3) == 8
    assert following_report(reports, str(plan), 2) == 7
    assert following_report(reports, plan, 4) is None


def test_a_new_strength_area_s_code_is_made_from_its_name_where_none_is_typed() -> None:
    new = NewArea.from_form({"programme_id": "p", "name.sv": "Hållbar energi", "name.en": "", "code": ""})
    assert new.body() == {"code": "hallbar-energi", "name": {"sv": "Hållbar energi"}}
    typed = NewArea.from_form({"programme_id": "p", "name.fi": "Kestävä energia", "code": "energia"})
    assert typed.body() == {"code": "energia", "name": {"fi": "Kestävä energia"}}


def test_what_each_step_holds_in_a_few_words() -> None:
    t = Messages("en", ("kraftsamla_web",))
    said = [step_summary(t, s, PLAN) for s in forms.STEPS]
    assert said == [
        "current state written · 2 challenges · 1 source",
        "2 groups · 1 role · described",
        "vision written · 1 sub-goal",
        "2 priorities: Base 1, Breadth 1",
        "1 initiative · 1 project",
        "2 links in the effect chain · next review 30 Jun 2026",
    ]
    assert step_summary(t, forms.STEPS[0], {}) == "Nothing written yet"
