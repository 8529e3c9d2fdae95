"""A plan's steering group or partnership is governance evidence only when it is a group the actors
service announced to the region: an id alone proves nothing."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from test_plans_domain import NOW, area, content, prio

from kraftsamla_plans.domain import checklist


def criteria(group_id: str, known: frozenset[str]) -> dict[str, checklist.CriterionResult]:
    governed = content(priorities=[prio("vatgas")], governance={"steering_group_id": group_id})
    recent = ((NOW.date() - timedelta(days=30), 25),)
    programme = checklist.ProgrammeEvidence(
        uuid4(),
        "Program",
        None,
        None,
        None,
        (area(published=governed, engagements=recent),),
        known_groups=known,
    )
    return {c.key: c for c in checklist.evaluate(programme, NOW).criteria}


def test_a_steering_group_counts_only_when_the_region_has_it() -> None:
    group = str(uuid4())
    unknown = criteria(group, frozenset())
    assert (
        next(f for f in unknown["institution"].evidence if f.key == "areas_with_governance").params["n"] == 0
    )
    assert "areas_without_partnership" in [f.key for f in unknown["stakeholders"].missing]

    known = criteria(group, frozenset({group}))
    assert next(f for f in known["institution"].evidence if f.key == "areas_with_governance").params["n"] == 1
    assert known["stakeholders"].status == "met"
