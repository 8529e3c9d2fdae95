"""The pure parts of the reassessment page and the desk's gaps: moves under the groups the
assessment service made (ties marked as such), and each gap as a sentence in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

from kraftsamla_common.i18n import Messages, check_catalogues
from kraftsamla_web.domain.gaps import checklist_gaps, overdue_plan, partnership_gaps
from kraftsamla_web.domain.moves import group_moves, tie_of
from kraftsamla_web.schemas import ActionPlanLine, Checklist, Composition, MovedApplication, MoveGroup

AREA_A, AREA_B = uuid4(), uuid4()


def _group(n: int, change: dict[str, Any], reason: str, reason_part: dict[str, Any]) -> MoveGroup:
    return MoveGroup.model_validate(
        {
            "count": n,
            "change": "…",
            "reason": reason,
            "sentence": "…",
            "sentence_parts": [
                {
                    "key": "moved_group",
                    "params": {"n": n, "change": change, "reason": reason_part},
                    "text": "…",
                }
            ],
        }
    )


def _move(
    title: str, reason: str, reason_key: str = "reason_priority_level", **outcome: Any
) -> MovedApplication:
    return MovedApplication.model_validate(
        {
            "application_id": str(uuid4()),
            "title": title,
            "from_strength_area_id": str(AREA_A),
            "to_strength_area_id": str(AREA_A),
            "from_level": "spets",
            "to_level": "spets",
            "reason": reason,
            "reason_parts": [{"key": reason_key, "params": {}, "text": reason}],
            **outcome,
        }
    )


def _level(key: str, old: str, new: str) -> dict[str, Any]:
    return {"key": key, "params": {"old": {"key": f"level_{old}"}, "new": {"key": f"level_{new}"}}}


def test_moves_go_under_the_group_of_their_change_and_reason() -> None:
    why = "priority 'Hydrogen' moved from Spearhead to Breadth"
    fell = _group(2, _level("change_level_fell", "spets", "bredd"), why, {"key": "reason_priority_level"})
    also = _group(1, _level("change_level_fell", "bredd", "bas"), why, {"key": "reason_priority_level"})
    left = _group(
        1,
        {"key": "change_area", "params": {"old": {"sv": "Energi"}, "new": {"sv": "Skog"}}},
        "on a near tie",
        {"key": "reason_on_near_tie"},
    )
    moves = [
        _move("Beta", why, to_level="bredd"),
        _move("Gamma", why, from_level="bredd", to_level="bas"),
        _move("alfa", why, to_level="bredd"),
        _move("Delta", "on a near tie", "reason_on_near_tie", to_strength_area_id=str(AREA_B)),
        _move("Epsilon", "a reason no group names", to_level="bas"),
    ]
    grouped = group_moves([fell, also, left], moves)
    assert [[m.title for m in g.moves] for g in grouped] == [
        ["alfa", "Beta"],
        ["Gamma"],
        ["Delta"],
        ["Epsilon"],
    ]
    assert [g.group for g in grouped[:3]] == [fell, also, left] and grouped[3].group is None
    assert [g.ties for g in grouped] == [0, 0, 1, 0]
    assert tie_of(moves[3]) == "near_tie" and tie_of(moves[0]) is None


def test_two_groups_of_the_same_kind_and_reason_each_take_their_count() -> None:
    """Two strength areas left for the same reason: the groups name areas by name, the moves by
    id; each group takes as many as it counts."""
    change = {"key": "change_area", "params": {"old": {"sv": "Energi"}, "new": {"sv": "Skog"}}}
    first = _group(2, change, "why", {"key": "reason_vocabulary"})
    second = _group(1, change, "why", {"key": "reason_vocabulary"})
    moves = [_move(t, "why", to_strength_area_id=str(AREA_B)) for t in ("A", "B", "C")]
    grouped = group_moves([first, second], moves)
    assert [len(g.moves) for g in grouped] == [2, 1]


def test_the_gaps_read_as_sentences_in_each_language() -> None:
    plan = ActionPlanLine.model_validate(
        {
            "id": str(uuid4()),
            "strength_area_code": "energi",
            "strength_area_name": {"sv": "Hållbar energi", "en": "Sustainable energy"},
            "current_version": 2,
            "review": {
                "last_revised": datetime(2026, 1, 5, tzinfo=UTC),
                "next_review": "2026-02-01",
                "overdue": True,
            },
        }
    )
    today = date(2026, 12, 7)
    sv, en, fi = (Messages(lang, ("kraftsamla_web",)) for lang in ("sv", "en", "fi"))  # type: ignore[arg-type]
    assert overdue_plan(sv, plan, today).text == (
        "Handlingsplanen för Hållbar energi är försenad: revideringen planerad till 1 feb. 2026 har passerat."
    )
    assert overdue_plan(en, plan, today).text.startswith("The action plan for Sustainable energy is overdue")
    never = plan.model_copy(
        update={"review": plan.review.model_copy(update={"next_review": None, "last_revised": None})}
    )
    assert "six months" in overdue_plan(en, never, today).text

    checklist = Checklist.model_validate(
        {
            "programme_id": str(uuid4()),
            "met": 1,
            "criteria": [
                {"number": 1, "key": "analysis", "status": "met", "missing": []},
                {
                    "number": 2,
                    "key": "institution",
                    "status": "partial",
                    "missing": [
                        {
                            "key": "programme_not_adopted",
                            "params": {},
                            "text": "the programme is not adopted",
                        },
                        {"key": "areas_without_process_leader", "params": {"areas": "Skog"}, "text": "…"},
                    ],
                },
            ],
        }
    )
    [gap] = checklist_gaps(en, checklist)
    assert gap.text == (
        "Criterion 2, a competent regional institution or body responsible for the strategy, is partly "
        "met: the programme is not adopted; no process leader for Skog."
    )
    assert checklist_gaps(fi, checklist)[0].text.startswith("Kriteeri 2")

    composition = Composition.model_validate(
        {
            "gaps": [
                {"kind": "helix_missing", "message": "…", "helix": "academia"},
                {"kind": "helix_dominant", "message": "…", "helix": "business", "share": 0.625},
                {"kind": "municipality_uncovered", "message": "…", "municipality": "2380"},
            ]
        }
    )
    assert [s.text for s in partnership_gaps(sv, composition)] == [
        "Ingen medlem från akademin.",
        "62 % av medlemmarna kommer från näringslivet, mer än regionens gräns.",
        "Ingen medlem från Östersund.",
    ]


def test_the_catalogues_are_whole() -> None:
    assert check_catalogues("kraftsamla_web") == []


def test_the_reassessment_page_marks_a_near_tie() -> None:
    from kraftsamla_common.i18n import LANGUAGES
    from kraftsamla_web.adapters.render import _env, messages
    from kraftsamla_web.schemas import Reassessment

    why = "on a near tie"
    near = _move("Delta", why, "reason_on_near_tie", to_strength_area_id=str(AREA_B))
    group = _group(
        1,
        {"key": "change_area", "params": {"old": {"sv": "Energi"}, "new": {"sv": "Skog"}}},
        why,
        {"key": "reason_on_near_tie"},
    )
    r = Reassessment.model_validate(
        {
            "id": str(uuid4()),
            "status": "completed",
            "assessed": 4,
            "unchanged": 3,
            "needs_review": 1,
            "moved": [near.model_dump(mode="json")],
            "groups": [group.model_dump(mode="json")],
            "summary": "…",
            "started_at": "2026-12-07T07:00:00Z",
            "trigger": "version 2 of the plan was published",
        }
    )
    html = _env.get_template("reassessment.html.j2").render(
        t=messages("sv"),
        language="sv",
        languages=LANGUAGES,
        person=None,
        csrf_token="x",
        here="/",
        region_label=None,
        region="r1",
        r=r,
        grouped=group_moves(r.groups, r.moved),
        tie_of=tie_of,
    )
    assert f'href="/regions/r1/applications/{near.application_id}">Delta</a>' in html
    assert '<span class="tie tie-near_tie">nästan oavgjort</span>' in html
    assert "1 av dem avgjordes på oavgjort eller nästan oavgjort" in html
    assert "Version 2 of the plan was published" in html
