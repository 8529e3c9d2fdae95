"""After an action plan is published anew through the plans API, the staff web application shows
the reassessment it caused: what moved, grouped by reason, every application by its title, in
Swedish and in English; the desk lists the overdue action plan, the gaps of the 1.1 checklist and
of the partnerships; another region's reassessments are not there. Real Chromium, a real OpenID
sign-in, the four services over real HTTP and NATS."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from helpers import (
    WEB_ARTIFACTS,
    application,
    chromium_or_skip,
    eventually,
    headers,
    local_only,
    publish_action_plan,
    serious_violations,
    sign_in_at_provider,
)

Platform = Any  # tests/integration/web/conftest.py: the full_platform fixture


PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2030,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi", "en": "Sustainable energy"}}],
}


def _draft(level: str) -> dict[str, Any]:
    """The energy plan: one priority (hydrogen) at ``level``."""
    return {
        "priorities": [
            {
                "id": "vatgas",
                "title": {"sv": "Vätgas", "en": "Hydrogen"},
                "level": level,
                "vocabulary": ["vätgas", "elektrolys"],
                "valid_from": "2026-01-01",
                "valid_until": "2030-12-31",
            }
        ],
        "next_review": (date.today() + timedelta(days=90)).isoformat(),
    }


async def _publish_plan(plans: Any, region: str, base: str, level: str) -> None:
    await publish_action_plan(plans, region, base.rsplit("/", 1)[1], _draft(level), level)


async def _prepare(platform: Platform, region: str) -> dict[str, str]:
    """The region named; a programme and its energy plan published at Spets; three applications
    assessed by it; the plan published again at Bredd: a reassessment moves all three. The
    applications' ids by title."""
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    plans = platform.services["plans"]
    r = await plans.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
    assert r.status_code == 201, r.text
    plan_id = r.json()["strength_areas"][0]["action_plan_id"]
    base = f"/plans/regions/{region}/action-plans/{plan_id}"
    await _publish_plan(plans, region, base, "spets")

    assessment = platform.services["assessment"]
    apps = f"/assessment/regions/{region}/applications"

    async def plan_known() -> bool:
        r = await assessment.get(
            f"/assessment/regions/{region}/reassessments", headers=headers(region, "viewer")
        )
        return bool(r.json()["count"] >= 1)

    await eventually(plan_known)
    for n in range(3):
        r = await assessment.post(apps, json=application(n), headers=headers(region, "integrator"))
        assert r.status_code == 201, r.text

    def at(level: str) -> Any:
        async def check() -> bool:
            r = await assessment.get(apps, params={"level": level}, headers=headers(region, "viewer"))
            return bool(r.json()["count"] == 3)

        return check

    await eventually(at("spets"))
    await _publish_plan(plans, region, base, "bredd")
    await eventually(at("bredd"))

    async def reassessed() -> bool:
        r = await assessment.get(
            f"/assessment/regions/{region}/reassessments", headers=headers(region, "viewer")
        )
        newest = r.json()["data"][0]
        return newest["status"] == "completed" and len(newest["moved"]) == 3

    await eventually(reassessed)
    # Seven months pass for the energy plan (the clock is the plans database's record of its last
    # revision, as in the plans service's own tests): its planned review of 1 February has passed.
    from sqlalchemy import update

    from kraftsamla_common.events import utcnow
    from kraftsamla_plans.persistence.tables import ActionPlan

    ctx = plans.app.state.ctx
    async with ctx.db.sessions() as s, s.begin():
        await s.execute(
            update(ActionPlan)
            .where(ActionPlan.id == plan_id)
            .values(last_published_at=utcnow() - timedelta(days=214), next_review=date(2026, 2, 1))
        )
    r = await assessment.get(apps, headers=headers(region, "viewer"))
    ids = {a["title"]: a["id"] for a in r.json()["data"]}
    # The reassessment's answer names each moved application's title (the list's does not).
    listed = await assessment.get(
        f"/assessment/regions/{region}/reassessments", headers=headers(region, "viewer")
    )
    newest = listed.json()["data"][0]
    assert all("title" not in m for m in newest["moved"])
    r = await assessment.get(
        f"/assessment/regions/{region}/reassessments/{newest['id']}", headers=headers(region, "viewer")
    )
    assert {m["title"]: m["application_id"] for m in r.json()["moved"]} == ids
    return ids


@pytest.mark.timeout(240)
async def test_the_reassessment_after_a_plan_publish_and_the_desks_gaps(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    ids = await _prepare(platform, region)
    assert sorted(ids) == ["Ansökan 0", "Ansökan 1", "Ansökan 2"]
    await platform.provider.person("vera", region, "viewer", "Vera Viklund", locale="sv")
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        desk = f"{platform.web}/regions/{region}"
        await page.goto(desk)
        await sign_in_at_provider(page, "vera")
        assert page.url == desk

        # The desk: the overdue plan, the checklist's gaps, the partnerships' gaps, in Swedish.
        overdue = await page.locator("section:has(#overdue-heading)").inner_text()
        assert "Handlingsplanen för Hållbar energi är försenad" in overdue
        assert "revideringen planerad till 1 feb. 2026 har passerat" in overdue
        checklist = page.locator("section:has(#checklist-heading) li")
        gaps = await checklist.all_inner_texts()
        assert gaps and all(g.startswith("Kriterium ") for g in gaps)
        partnership = await page.locator("section:has(#partnership-heading)").inner_text()
        assert "Regionens grupper har inga medlemmar ännu." in partnership
        await page.screenshot(path=str(WEB_ARTIFACTS / "desk-gaps-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        # From the desk's last reassessments to the newest one.
        await page.locator("ul.reassessments a").first.click()
        await page.wait_for_load_state()
        assert re.fullmatch(rf"{platform.web}/regions/{region}/reassessments/[0-9a-f-]{{36}}", page.url)
        reassessment_url = page.url
        assert (await page.locator("h1").inner_text()).startswith("Omprövning ")
        groups = page.locator(".move-group")
        assert await groups.count() == 1
        heading = await groups.locator("h3").inner_text()
        assert "3 ansökningar sjönk från Spets till Bredd" in heading, heading
        assert "Vätgas" in heading
        links = groups.locator("ul.moved a")
        assert await links.all_inner_texts() == ["Ansökan 0", "Ansökan 1", "Ansökan 2"]
        for title, ident in ids.items():
            href = await groups.locator(f"a:text-is('{title}')").get_attribute("href")
            assert href == f"/regions/{region}/applications/{ident}"
        summary = await page.locator("p.summary").inner_text()
        assert "omprövades" in summary
        assert "3 bedömda, 3 flyttade" in await page.locator("#summary-heading + p + p + p").inner_text()
        await page.screenshot(path=str(WEB_ARTIFACTS / "reassessment-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        # The same page in English: the service's sentences in English too.
        await page.select_option("#language-choice", "en")
        await page.click(".language-form button")
        await page.wait_for_load_state()
        assert page.url == reassessment_url
        heading = await page.locator(".move-group h3").inner_text()
        assert "3 applications fell from Spearhead to Breadth" in heading, heading
        assert await page.locator(".move-group ul.moved a").all_inner_texts() == [
            "Ansökan 0",
            "Ansökan 1",
            "Ansökan 2",
        ]
        assert "What moved, and why" in await page.locator("#moves-heading").inner_text()
        await page.screenshot(path=str(WEB_ARTIFACTS / "reassessment-en.png"), full_page=True)
        assert await serious_violations(page) == []

        # The list: newest first, what started each, its figures.
        await page.goto(f"{platform.web}/regions/{region}/reassessments")
        assert await page.locator("h1").inner_text() == "Reassessments"
        rows = page.locator("tbody tr")
        assert await rows.count() >= 2
        newest = await rows.first.inner_text()
        assert "Sustainable energy" in newest or "Hållbar energi" in newest
        assert "completed" in newest
        assert await rows.first.locator("a").get_attribute("href") == reassessment_url.removeprefix(
            platform.web
        )
        await page.screenshot(path=str(WEB_ARTIFACTS / "reassessments-en.png"), full_page=True)
        assert await serious_violations(page) == []

        # The desk in English says the same gaps in English.
        await page.goto(desk)
        overdue = await page.locator("section:has(#overdue-heading)").inner_text()
        assert "The action plan for Sustainable energy is overdue" in overdue
        await page.screenshot(path=str(WEB_ARTIFACTS / "desk-gaps-en.png"), full_page=True)

        # Another region's reassessments are not there for her; nor one that does not exist.
        reassessment_id = reassessment_url.rsplit("/", 1)[1]
        for path in (
            f"/regions/{other_region}/reassessments",
            f"/regions/{other_region}/reassessments/{reassessment_id}",
            f"/regions/{region}/reassessments/00000000-0000-4000-8000-000000000000",
            f"/regions/{region}/reassessments/not-an-id",
        ):
            r = await page.request.get(f"{platform.web}{path}")
            assert r.status == 404, path
    finally:
        await context.close()
