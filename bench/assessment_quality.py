"""How well the assessment agrees with a regional officer on real project descriptions.

The set (``bench/data/assessment_eval.json``): real projects of the four demo regions from public
sources, in the languages they were written in, each labelled with the strength area(s) an officer
would assign (or none), the level where it can be told, and the Agenda 2030 goals the text is about.
Each region's assessor is compiled from the demo's published plans exactly as the service compiles
it from a ``plans.action_plan.published`` event. Measured, per split (``dev``: what thresholds and
weights were chosen on; ``test``: the rest) and in all:

* top-1 agreement (the chosen area is one the officer gave; none when the officer gave none),
  also per region and per language, and strictly (the officer's first area);
* the share of in-strategy projects given no area, and of no-fit projects given one;
* Bas/Bredd/Spets agreement where the level is labelled and the area agreed;
* Agenda 2030: precision and recall of the goals the assessment finds supported by the text;
* recommendations of in-strategy and of no-fit projects;
* learning from reviewers: each region's projects in two halves; the assessor's mistakes in one half
  are corrected by a "reviewer" (a precedent with the officer's area), and the other half is
  assessed before and after — then the halves swap.

Prints one JSON line. ``./kraftsamla run python bench/assessment_quality.py [--verbose]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import harness

from kraftsamla_assessment.domain.assessor import Assessor, Facts, Precedent, Result
from kraftsamla_assessment.domain.matching import Signature, analyse
from kraftsamla_assessment.domain.plans import plan_of_json, profile_of
from kraftsamla_common.events import ActionPlanContent, ActionPlanPublished, StrengthAreaSnapshot
from kraftsamla_local.demo_content import REGIONS

DATA = Path(__file__).resolve().parent / "data" / "assessment_eval.json"
NS = UUID("6f1c3c2e-55a4-4f51-9c43-1f6f3c7d2a10")


def assessors() -> dict[str, tuple[Assessor, dict[str, UUID]]]:
    """Each demo region's assessor, compiled from its action plans as published events carry them."""
    out = {}
    for region in REGIONS:
        plans = []
        ids: dict[str, UUID] = {}
        for n, sa in enumerate(region["programme"]["strength_areas"]):
            area_id = uuid5(NS, f"{region['region']}/{sa['code']}")
            ids[sa["code"]] = area_id
            snapshot = StrengthAreaSnapshot.model_validate({**sa, "id": area_id})
            content = ActionPlanContent.model_validate(region["plans"][sa["code"]])
            event = ActionPlanPublished(
                programme_id=uuid5(NS, region["region"]),
                programme_title=region["programme"]["title"],
                action_plan_id=uuid5(NS, f"{region['region']}/{sa['code']}/plan"),
                strength_area=snapshot,
                version=1,
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
                published_by="bench",
                plan=content,
            )
            plans.append(
                plan_of_json(
                    {
                        "action_plan_id": event.action_plan_id,
                        "strength_area_id": area_id,
                        "code": sa["code"],
                        "version": n + 1,
                        "priorities": [p.model_dump(mode="json") for p in content.priorities],
                        **profile_of(event),
                    }
                )
            )
        out[region["region"]] = (Assessor(sorted(plans, key=lambda p: p.code)), ids)
    return out


def facts(item: dict[str, Any]) -> Facts:
    return Facts(
        title=item["title"], summary=item["text"], features=analyse(f"{item['title']}\n{item['text']}")
    )


def share(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def measure(
    items: list[dict[str, Any]], results: dict[str, Result], codes: dict[str, dict[UUID, str]]
) -> dict[str, Any]:
    agree = strict = 0
    in_strategy = in_none = no_fit = no_fit_given = 0
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    level_n = level_ok = 0
    tp = fp = fn = 0
    rec_in: Counter[str] = Counter()
    rec_out: Counter[str] = Counter()
    cited = 0
    for item in items:
        r = results[item["id"]]
        got = codes[item["region"]].get(r.strength_area_id) if r.strength_area_id else None
        labels = item["areas"]
        ok = got in labels if labels else got is None
        agree += ok
        strict += (got == labels[0]) if labels else got is None
        for key, table in ((item["region"], by_region), (item["language"], by_language)):
            table[key][0] += ok
            table[key][1] += 1
        if labels:
            in_strategy += 1
            in_none += got is None
            rec_in[r.recommendation] += 1
            if ok and item.get("level"):
                level_n += 1
                level_ok += r.level == item["level"]
        else:
            no_fit += 1
            no_fit_given += got is not None
            rec_out[r.recommendation] += 1
        if got is not None:
            cited += bool(r.fits and r.fits[0].evidence and r.fits[0].evidence[0].passage)
        found, want = set(r.agenda2030.supported), set(item.get("sdgs") or [])
        tp, fp, fn = tp + len(found & want), fp + len(found - want), fn + len(want - found)
    given = sum(1 for i in items if results[i["id"]].strength_area_id)
    return {
        "items": len(items),
        "top1_agreement": share(agree, len(items)),
        "top1_strict": share(strict, len(items)),
        "in_strategy_given_no_area": share(in_none, in_strategy),
        "no_fit_given_an_area": share(no_fit_given, no_fit),
        "level_agreement": share(level_ok, level_n),
        "level_labelled": level_n,
        "named_area_cites_evidence": share(cited, given),
        "per_region": {k: share(*v) for k, v in sorted(by_region.items())},
        "per_language": {k: share(*v) for k, v in sorted(by_language.items())},
        "agenda2030": {"precision": share(tp, tp + fp), "recall": share(tp, tp + fn)},
        "recommendations": {"in_strategy": dict(rec_in), "no_fit": dict(rec_out)},
    }


def _precedent(item: dict[str, Any], area: UUID | None) -> Precedent:
    return Precedent(
        uuid5(NS, item["id"]),
        item["title"],
        area,
        item["justification"],
        Signature.of(analyse(f"{item['title']}\n{item['text']}")),
    )


def _resubmission(item: dict[str, Any]) -> dict[str, Any]:
    """The same project coming again (a next phase, a reworded application): its title and first
    sentence."""
    start, end = analyse(item["text"]).span(0)
    return {**item, "text": item["text"][start:end]}


def learning(
    items: list[dict[str, Any]], built: dict[str, tuple[Assessor, dict[str, UUID]]]
) -> dict[str, Any]:
    """What a reviewer's corrections teach the assessor. Each region's projects in two halves: the
    assessor's mistakes in one half are corrected (a precedent with the officer's area and
    justification as the reason), then the other half is assessed before and after (and the halves
    swap); and each corrected project comes again as a resubmission (its title and first sentence),
    assessed before and after."""
    before = after = total = corrections = broken = 0
    again = again_before = again_after = 0
    for region, (assessor, ids) in built.items():
        own = [i for i in items if i["region"] == region]
        halves = [own[0::2], own[1::2]]

        def ok(a: Assessor, item: dict[str, Any], ids: dict[str, UUID] = ids) -> bool:
            want = {ids[x] for x in item["areas"]} if item["areas"] else {None}
            return a.assess(facts(item)).strength_area_id in want

        for taught, asked in (halves, halves[::-1]):
            wrong = [i for i in taught if not ok(assessor, i)]
            precedents = [_precedent(i, ids[i["areas"][0]] if i["areas"] else None) for i in wrong]
            corrections += len(precedents)
            taught_assessor = Assessor(assessor.plans, assessor.rubric, assessor.rubric_version, precedents)
            for item in asked:
                total += 1
                was, now = ok(assessor, item), ok(taught_assessor, item)
                before, after, broken = before + was, after + now, broken + (was and not now)
            for item in wrong:
                again += 1
                again_before += ok(assessor, _resubmission(item))
                again_after += ok(taught_assessor, _resubmission(item))
    return {
        "corrections_fed_back": corrections,
        "other_projects": {
            "items": total,
            "top1_before": share(before, total),
            "top1_after": share(after, total),
            "right_before_wrong_after": broken,
        },
        "resubmissions_of_corrected": {
            "items": again,
            "top1_before": share(again_before, again),
            "top1_after": share(again_after, again),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verbose", action="store_true", help="print each disagreement to stderr")
    args = parser.parse_args()
    data = json.loads(DATA.read_text("utf-8"))
    items: list[dict[str, Any]] = data["items"]
    built = assessors()
    codes = {region: {v: k for k, v in ids.items()} for region, (_, ids) in built.items()}
    start = time.perf_counter()
    results = {i["id"]: built[i["region"]][0].assess(facts(i)) for i in items}
    per_item_ms = (time.perf_counter() - start) / len(items) * 1000
    if args.verbose:
        for i in items:
            r = results[i["id"]]
            got = codes[i["region"]].get(r.strength_area_id) if r.strength_area_id else None
            if (got in i["areas"]) if i["areas"] else got is None:
                continue
            top = r.fits[0] if r.fits else None
            print(
                f"{i['id']} [{i['split']}] want={i['areas']} got={got} "
                f"top={top.code if top else None}:{top.points if top else 0} "
                f"terms={top.matched_terms[:6] if top else []} | {i['title']}",
                file=sys.stderr,
            )
    figures = {
        "dev": measure([i for i in items if i["split"] == "dev"], results, codes),
        "test": measure([i for i in items if i["split"] == "test"], results, codes),
        "all": measure(items, results, codes),
        "learning_from_reviewers": learning(items, built),
        "assess_ms_per_application": round(per_item_ms, 2),
        "set": {"labelled": data["labelled"], "items": len(items)},
    }
    print(
        json.dumps(
            {
                "bench": "assessment_quality",
                **figures,
                "tracing": "none (the assessor in this process)",
                "machine": harness.machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
