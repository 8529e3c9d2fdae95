"""The RIS3 self-assessment from the plans API to the follow-up report: the plans and reporting
services in the test's process on real NATS JetStream and a real database (SQLite, PostgreSQL); the
event crosses the bus and the report shows the latest year's wheel beside the year before, in
Swedish and Finnish, as a table and a spider chart."""

from __future__ import annotations

from typing import Any

import httpx

from helpers import StartService, eventually, headers
from kraftsamla_common.events import WHEEL_FACTORS

PROGRAMME = {
    "title": "Program för smart specialisering 2021–2027",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi", "fi": "Kestävä energia"}}],
}


def wheel(score: int, **special: tuple[int, str]) -> dict[str, Any]:
    scores = {f: {"score": score, "comment": ""} for f in WHEEL_FACTORS}
    for key, (value, comment) in special.items():
        scores[key] = {"score": value, "comment": comment}
    return {"scores": scores}


async def test_the_latest_wheel_reaches_the_report_beside_the_year_before(
    start_service: StartService, region: str
) -> None:
    async with (
        start_service("plans") as plans,
        start_service("reporting", report_debounce_seconds=0.1) as reporting,
    ):
        r = await plans.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
        assert r.status_code == 201, r.text
        url = f"/plans/regions/{region}/programmes/{r.json()['id']}/self-assessments"
        r = await plans.put(f"{url}/2023", json=wheel(2, critical_mass=(1, "")), headers=headers(region))
        assert r.status_code == 201, r.text
        r = await plans.put(
            f"{url}/2024",
            json=wheel(3, critical_mass=(4, "Färre och skarpare prioriteringar")),
            headers=headers(region, "assessor"),
        )
        assert r.status_code == 201, r.text

        viewer = headers(region, "viewer")

        async def with_wheel() -> dict[str, Any] | None:
            r = await reporting.get(f"/reporting/regions/{region}/reports/latest", headers=viewer)
            if r.status_code != 200:
                return None
            content: dict[str, Any] = r.json()["content"]
            w = content.get("self_assessment")
            return w if w and w["year"] == 2024 and w["previous_year"] == 2023 else None

        w = await eventually(with_wheel, timeout=30)
        priorities = next(s for s in w["steps"] if s["key"] == "priorities")
        assert priorities["factors"][0] == {
            "key": "critical_mass",
            "score": 4,
            "comment": "Färre och skarpare prioriteringar",
            "previous": 1,
        }
        assert priorities["mean"] == round(10 / 3, 2) and priorities["previous_mean"] == round(5 / 3, 2)

        for lang, heading, factor in (
            ("sv", "Självvärdering av strategin", "Kritisk massa"),
            ("fi", "Strategian itsearviointi", "Kriittinen massa"),
        ):
            page = await reporting.get(
                f"/reporting/regions/{region}/reports/latest/html", params={"lang": lang}, headers=viewer
            )
            assert page.status_code == 200, page.text
            html = page.text
            assert f"{heading} (RIS3 Assessment Wheel) 2024" in html
            section = html[html.index('id="self-assessment"') :]
            assert '<figure id="chart-wheel"><svg' in section and "<polygon" in section
            assert factor in section and "Färre och skarpare prioriteringar" in section
            assert '<th class="n">2023</th>' in section  # the year before, beside
            assert "wheel_factor_" not in html and "wheel_step_" not in html  # every label worded


async def test_a_report_without_a_self_assessment_shows_none(
    start_service: StartService, region: str
) -> None:
    async with (
        start_service("plans") as plans,
        start_service("reporting", report_debounce_seconds=0.1) as reporting,
    ):
        r = await plans.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
        assert r.status_code == 201

        async def report() -> httpx.Response | None:
            r = await reporting.get(
                f"/reporting/regions/{region}/reports/latest/html", headers=headers(region, "viewer")
            )
            return r if r.status_code == 200 else None

        page = await eventually(report, timeout=30)
        assert 'id="self-assessment"' not in page.text
