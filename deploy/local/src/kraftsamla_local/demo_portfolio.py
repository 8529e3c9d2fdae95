"""A portfolio of demo applications per region: several hundred, each with the text of one of the
region's demo applications (``data/demo_applications.json``: written like real applications, not
from the plans' vocabularies), its own applicant, places, amounts and dates. Deterministic: the
same region always gets the same portfolio, so loading the demo twice changes nothing.

Organisations and people are fictitious; applicants are the region's demo actors.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from kraftsamla_common.municipalities import municipalities_of

from .demo_content import PARTNERSHIPS, PORTFOLIO_TEXTS, PORTFOLIOS

Json = dict[str, Any]

PER_REGION = 300

CONFLICT: dict[str, str] = PORTFOLIO_TEXTS["conflict"]
SUSTAINABILITY: dict[str, dict[str, str]] = PORTFOLIO_TEXTS["sustainability"]
PHASES: dict[str, list[str]] = PORTFOLIO_TEXTS["phases"]
"""A demo text comes back as a later phase of the same work, as real projects do."""
LAND_USE: list[str] = PORTFOLIO_TEXTS["land_use"]
"""Interventions in land or water: where a text of this kind sometimes meets reindeer husbandry."""
GOALS: list[int] = PORTFOLIO_TEXTS["goals"]


@cache
def texts() -> dict[str, list[Json]]:
    data = resources.files(__package__).joinpath("data/demo_applications.json").read_text("utf-8")
    return {k: v for k, v in json.loads(data).items() if k != "about"}


def portfolio(region: Json, count: int = PER_REGION) -> list[Json]:
    """``count`` applications for one demo region (without ``source``); the first ``PER_REGION``
    are the demo's, more are made the same way (the benchmarks ask for tens of thousands)."""
    rid = region["region"]
    rng = random.Random(f"kraftsamla-demo-{rid}")
    lang = "fi" if rid == "lappi" else "sv"
    settings, programmes = PARTNERSHIPS[rid]["settings"], PORTFOLIOS[rid]["funding_programmes"]
    places = municipalities_of(settings["country"], settings["county"])
    hub = next(m for m in places if m.code == PORTFOLIOS[rid]["hub"])
    pool = texts()[rid]
    actors = region["actors"]
    out: list[Json] = []
    for n in range(count):
        text = pool[n % len(pool)] if n < len(pool) else rng.choice(pool)
        reach = (
            [hub, *rng.sample(places, rng.randint(0, 3))]
            if rng.random() < 0.6
            else rng.sample(places, rng.randint(1, 3))
        )
        codes = list(dict.fromkeys(m.code for m in reach))
        phase = rng.choice(PHASES[lang]) if n >= len(pool) else ""
        description = text["description"]
        if any(w in description.lower() for w in LAND_USE) and rng.random() < 0.3:
            description += " " + CONFLICT[lang]
        requested = rng.choice([150, 250, 400, 600, 900, 1200, 1800, 2500, 4000, 6500]) * 1000
        if rid == "lappi":
            requested = requested // 10
        start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 900))
        stage = {"feasibility": "feasibility_study", "implementation": "implementation"}.get(
            text.get("stage") or ""
        )
        body: Json = {
            "external_id": f"DEMO-{start.year}-{n + 1:04d}",
            "kind": text.get("kind") or "project",
            "stage": stage,
            "title": (text["title"] + phase)[:500],
            "summary": text["summary"],
            "description": description,
            "requested_amount": requested,
            "total_budget": round(requested * rng.choice([1.0, 1.25, 1.5, 2.0])),
            "currency": "EUR" if rid == "lappi" else "SEK",
            "period_start": start.isoformat(),
            "period_end": (start + timedelta(days=rng.choice([180, 365, 730, 1095]))).isoformat(),
            "municipalities": codes,
            "goals": sorted(rng.sample(GOALS, rng.randint(0, 3))),
        }
        programme = rng.choice(programmes)
        body["funding_programme"], body["funding_source"] = programme["name"], programme["source"]
        if rng.random() < 0.7:
            applicant = rng.choice(actors)
            body["applicant_identifier"], body["applicant_name"] = applicant["identifier"], applicant["name"]
            others = [a for a in actors if a is not applicant]
            body["partners"] = [
                {"identifier": a["identifier"], "name": a["name"]}
                for a in rng.sample(others, min(len(others), rng.randint(0, 3)))
            ]
        if rng.random() < 0.6:
            dims = rng.sample(list(SUSTAINABILITY[lang]), rng.randint(1, 3))
            body["sustainability"] = {d: SUSTAINABILITY[lang][d] for d in dims}
        out.append(body)
    return out


def decisions(applications: list[Json]) -> dict[str, Json]:
    """Decisions on part of a portfolio, by external id: about a quarter granted, a tenth rejected."""
    out: dict[str, Json] = {}
    for i, a in enumerate(applications):
        if i % 4 == 1:
            out[a["external_id"]] = {
                "outcome": "granted",
                "granted_amount": round(a["requested_amount"] * 0.8),
            }
        elif i % 10 == 7:
            out[a["external_id"]] = {"outcome": "rejected"}
    return out
