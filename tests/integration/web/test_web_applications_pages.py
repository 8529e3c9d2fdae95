"""The region's applications in the staff web application, in a real Chromium signed in through a
real OpenID provider: the list with its filters (and their counts), search, order and pages; one
application with its matched terms marked, its placement worded in the reader's language, its
assessment, history and review; another region's application is not there."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from helpers import (
    WEB_ARTIFACTS,
    application,
    chromium_or_skip,
    eventually,
    headers,
    local_only,
    plan_event,
    publish,
    serious_violations,
    sign_in_at_provider,
)
from kraftsamla_common.events import new_id

Platform = Any  # tests/integration/web/conftest.py: the platform fixture


ENERGY = "Hållbar energi"
FOREST = "Skogsnäring"
HYDROGEN_TEXT = "Förstudie om vätgas från elektrolys i Östersund."
FOREST_TEXT = "Vi bygger trähus av skogsråvara i Krokom."


async def _prepare(platform: Platform, region: str, js: Any, hydrogen: int, forest: int) -> None:
    """The region's name in actors; two action plans (hydrogen in energy, at Spets; timber houses
    in forestry, at Bas); ``hydrogen`` applications in Östersund and ``forest`` in Krokom, all
    assessed; a report that names both strength areas."""
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    assessment = platform.services["assessment"]
    for n in range(hydrogen):
        body = {**application(n, HYDROGEN_TEXT), "funding_source": "erdf"}
        r = await assessment.post(
            f"/assessment/regions/{region}/applications", json=body, headers=headers(region, "integrator")
        )
        assert r.status_code == 201, r.text
    for n in range(forest):
        body = {
            **application(100 + n, FOREST_TEXT),
            "title": f"Trähus i Krokom {n}",
            "municipalities": ["2309"],
            "funding_source": "regional",
        }
        r = await assessment.post(
            f"/assessment/regions/{region}/applications", json=body, headers=headers(region, "integrator")
        )
        assert r.status_code == 201, r.text
    await publish(js, plan_event(region, 1))
    await publish(
        js,
        plan_event(
            region,
            1,
            level="bas",
            vocabulary=["trähus", "skogsråvara"],
            plan_id=new_id(),
            area=(new_id(), "skog", FOREST),
            priority=("trahus", "Trähus"),
        ),
    )

    async def assessed() -> bool:
        r = await assessment.get(
            f"/assessment/regions/{region}/applications",
            params={"facets": "true", "limit": 1},
            headers=headers(region, "viewer"),
        )
        areas = {v["code"]: v["count"] for v in r.json()["facets"]["strength_area"]}
        return areas == {"energi": hydrogen, "skog": forest} if forest else areas == {"energi": hydrogen}

    await eventually(assessed, timeout=60)

    async def named() -> bool:
        r = await platform.services["reporting"].get(
            f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer")
        )
        if r.status_code != 200:
            return False
        names = {(p["strength_area_name"] or {}).get("sv") for p in r.json()["content"]["plans"]}
        return {ENERGY, FOREST} <= names if forest else ENERGY in names

    await eventually(named, timeout=30)


async def _options(page: Any, select: str) -> list[str]:
    return [" ".join(o.split()) for o in await page.locator(f"{select} option").all_inner_texts()]


async def _titles(page: Any) -> list[str]:
    return [" ".join(t.split()) for t in await page.locator("main tbody th").all_inner_texts()]


@pytest.mark.timeout(240)
async def test_the_application_list_filters_searches_sorts_and_pages(
    platform: Platform, browser: Any, region: str, other_region: str, js: Any
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await _prepare(platform, region, js, hydrogen=20, forest=7)
    await platform.provider.person("lisa", region, "assessor", "Lisa Lind", locale="sv")
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    listing = f"{platform.web}/regions/{region}/applications"
    try:
        await page.goto(f"{platform.web}/regions/{region}")
        await sign_in_at_provider(page, "lisa")
        # From the desk: the header's navigation, and each waiting application links to its page.
        assert await page.locator(f"main a[href^='/regions/{region}/applications/']").count() > 0
        await page.click(".site-nav a[href$='/applications']")
        await page.wait_for_load_state()
        assert page.url == listing
        assert await page.locator("h1").inner_text() == "Ansökningar – Region Jämtland Härjedalen"
        assert await page.locator(".site-nav a[aria-current=page]").inner_text() == "Ansökningar"

        # All 27, newest first, 25 on the first page; every filter offers its values by name, counted.
        assert "27" in await page.locator("#results-heading").inner_text()
        assert await page.locator("#results-range").inner_text() == "1–25 av 27"
        titles = await _titles(page)
        assert len(titles) == 25 and titles[0] == "Trähus i Krokom 6"
        assert set(await _options(page, "#filter-strength_area")) == {
            "Alla",
            f"{ENERGY} (20)",
            f"{FOREST} (7)",
        }
        assert set(await _options(page, "#filter-level")) == {"Alla", "Spets (20)", "Bas (7)"}
        assert set(await _options(page, "#filter-municipality")) == {"Alla", "Östersund (20)", "Krokom (7)"}
        funding = await _options(page, "#filter-funding_source")
        assert "Europeiska regionala utvecklingsfonden (20)" in funding and "Regionala medel (7)" in funding
        assert "Bedömd (27)".lower() in [o.lower() for o in await _options(page, "#filter-status")]
        await page.screenshot(path=str(WEB_ARTIFACTS / "applications-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        # The next page: the last two, and the way back.
        await page.click(".pager a[rel=next]")
        await page.wait_for_load_state()
        assert page.url == f"{listing}?offset=25"
        assert await page.locator("#results-range").inner_text() == "26–27 av 27"
        assert len(await _titles(page)) == 2
        assert await page.locator(".pager a[rel=next]").count() == 0
        await page.click(".pager a[rel=prev]")
        await page.wait_for_load_state()
        assert page.url == listing

        # By strength area: the forestry applications alone; the other filters count within them,
        # the strength area's own counts stay (each facet is counted with the other filters).
        await page.select_option("#filter-strength_area", label=f"{FOREST} (7)")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        assert "strength_area=" in page.url
        titles = await _titles(page)
        assert sorted(titles) == sorted(f"Trähus i Krokom {n}" for n in range(7))
        assert await page.locator("#results-range").inner_text() == "1–7 av 7"
        assert set(await _options(page, "#filter-level")) == {"Alla", "Bas (7)"}
        assert set(await _options(page, "#filter-municipality")) == {"Alla", "Krokom (7)"}
        chosen = page.locator("#filter-strength_area option:checked")
        assert " ".join((await chosen.inner_text()).split()) == f"{FOREST} (7)"
        assert f"{ENERGY} (20)" in await _options(page, "#filter-strength_area")
        # Every row names its strength area and level in words.
        row = await page.locator("main tbody tr").first.inner_text()
        assert FOREST in row and "Bas" in row
        await page.screenshot(path=str(WEB_ARTIFACTS / "applications-filtered-sv.png"), full_page=True)

        # And a search within them: one left; the counts follow.
        await page.fill("#filter-q", "Krokom 3")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        assert "q=Krokom+3" in page.url and "strength_area=" in page.url
        assert await _titles(page) == ["Trähus i Krokom 3"]
        assert set(await _options(page, "#filter-strength_area")) == {"Alla", f"{FOREST} (1)"}
        assert set(await _options(page, "#filter-level")) == {"Alla", "Bas (1)"}
        assert await page.locator("#filter-q").input_value() == "Krokom 3"
        # A search that finds nothing says so.
        await page.fill("#filter-q", "ingenting sådant")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("main .empty").inner_text() == "Inga ansökningar matchar."

        # Cleared, and in order by title, Z to A: the service's order, kept in the link to page 2.
        await page.click("a:text('Rensa filter')")
        await page.wait_for_load_state()
        assert page.url == listing
        await page.select_option("#sort", "-title")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        titles = await _titles(page)
        assert titles == sorted(titles, key=str.lower, reverse=True)
        assert titles[0] == "Trähus i Krokom 6" and titles[7] == "Ansökan 9"
        await page.click(".pager a[rel=next]")
        await page.wait_for_load_state()
        assert "sort=-title" in page.url and "offset=25" in page.url
        assert await _titles(page) == ["Ansökan 1", "Ansökan 0"]
        await page.select_option("#sort", "title")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        assert (await _titles(page))[:3] == ["Ansökan 0", "Ansökan 1", "Ansökan 10"]

        # Values the service would refuse are left out, not an error; a page beyond the last
        # says there is nothing there and leads back.
        await page.goto(f"{listing}?level=top&municipality=Krokom&sort=x&offset=abc")
        assert await page.locator("#results-range").inner_text() == "1–25 av 27"
        await page.goto(f"{listing}?offset=50")
        assert await page.locator("main .empty").inner_text() == "Inga ansökningar matchar."
        await page.click(".pager a[rel=prev]")
        await page.wait_for_load_state()
        assert page.url == f"{listing}?offset=25"

        # Another region's list is not there for her.
        response = await page.goto(f"{platform.web}/regions/{other_region}/applications")
        assert response is not None and response.status == 404
    finally:
        await context.close()


@pytest.mark.timeout(240)
async def test_an_application_shows_its_evidence_placement_and_history(
    platform: Platform, browser: Any, region: str, other_region: str, js: Any
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await _prepare(platform, region, js, hydrogen=2, forest=0)
    assessment = platform.services["assessment"]
    found = await assessment.get(
        f"/assessment/regions/{region}/applications", params={"q": "Ansökan 1"}, headers=headers(region)
    )
    one = found.json()["data"][0]
    assert one["title"] == "Ansökan 1"
    # A process leader's override in force: its level is Bredd, with a reason.
    r = await assessment.post(
        f"/assessment/regions/{region}/applications/{one['id']}/review",
        json={
            "action": "override",
            "overrides": [{"part": "level", "value": "bredd", "reason": "Bygger på befintlig kompetens."}],
        },
        headers=headers(region),
    )
    assert r.status_code == 200, r.text
    r = await assessment.post(
        f"/assessment/regions/{other_region}/applications",
        json=application(7),
        headers=headers(other_region, "integrator"),
    )
    assert r.status_code == 201, r.text
    elsewhere = r.json()["id"]

    await platform.provider.person("maja", region, "viewer", "Maja Mattsson", locale="sv")
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        await page.goto(f"{platform.web}/regions/{region}/applications")
        await sign_in_at_provider(page, "maja")
        await page.click("main tbody a:text('Ansökan 1')")
        await page.wait_for_load_state()
        url = f"{platform.web}/regions/{region}/applications/{one['id']}"
        assert page.url == url
        assert await page.locator("h1").inner_text() == "Ansökan 1"

        # Its text with the matched terms marked (the text itself escaped, the marks real elements).
        marks = [m.lower() for m in await page.locator(".app-text mark").all_inner_texts()]
        assert "vätgas" in marks and "elektrolys" in marks
        assert await page.locator(".evidence mark").count() >= 2
        fits = await page.locator("section:has(#fits-heading)").inner_text()
        assert ENERGY in fits and "vätgas" in fits

        # The placement in Swedish: the pyramid's words and the reasons as the service words them.
        assert await page.locator("#placement-level .placed").inner_text() == "Spets"
        reasons = await page.locator("#placement-reasons").inner_text()
        assert reasons.startswith("Placerad på Spets:") and "Vätgas" in reasons
        # The outcome in force is the override's, and the override is listed with its reason.
        assert await page.locator("#effective-level").inner_text() == "Bredd"
        assert (
            await page.locator("#placement-overridden").inner_text()
            == "Vid granskningen placerades den på Bredd."
        )
        assert await page.locator(".texts").get_attribute("lang") == "sv"
        assert "ändrad vid granskning" in await page.locator("#review-state").inner_text()
        overrides = await page.locator("section:has(#overrides-heading)").inner_text()
        assert "Bygger på befintlig kompetens." in overrides and "Bredd" in overrides
        # Geography by name, Agenda 2030 as supported by the text, the rubric, history, decision.
        assert "Östersund" in await page.locator("section:has(#geography-heading)").inner_text()
        agenda = await page.locator("section:has(#agenda-heading)").inner_text()
        assert "Hållbar energi för alla" in agenda
        assert " av 5: " in await page.locator("#rubric-score").inner_text()
        assert await page.locator("section:has(#rubric-heading) tbody tr").count() >= 1
        history = await page.locator("section:has(#history-heading)").inner_text()
        assert f"{ENERGY} handlingsplan version 1" in history and "bedömningsmall version" in history
        assert "Inget beslut än." in await page.locator("section:has(#decision-heading)").inner_text()
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        # In English after switching language: the same page, worded anew by the service.
        await page.select_option("#language-choice", "en")
        await page.click(".language-form button")
        await page.wait_for_load_state()
        assert page.url == url
        assert await page.locator("#placement-level .placed").inner_text() == "Spearhead"
        reasons = await page.locator("#placement-reasons").inner_text()
        assert reasons.startswith("Placed at Spearhead:")
        assert await page.locator("#effective-level").inner_text() == "Breadth"
        assert await page.locator("h2#placement-heading").inner_text() == "Placement in the pyramid"
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-en.png"), full_page=True)
        assert await serious_violations(page) == []
        # And in Finnish.
        await page.select_option("#language-choice", "fi")
        await page.click(".language-form button")
        await page.wait_for_load_state()
        assert await page.locator("#placement-level .placed").inner_text() == "Kärki"
        assert (await page.locator("#placement-reasons").inner_text()).startswith("Sijoitettu tasolle Kärki:")
        # The rubric's reasons too, none of them marked as English.
        why = page.locator("section:has(#rubric-heading) td.criterion-reason")
        assert "hakija ei ole (vielä) alueen rekisteröity toimija" in await why.all_inner_texts()
        assert (
            await why.evaluate_all("cells => cells.filter(c => c.closest('[lang]').lang !== 'fi').length")
            == 0
        )
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-fi.png"), full_page=True)
        await page.select_option("#language-choice", "en")
        await page.click(".language-form button")
        await page.wait_for_load_state()

        # Another region's application, one that does not exist, and an id that is none: 404.
        for path in (
            f"/regions/{region}/applications/{elsewhere}",
            f"/regions/{other_region}/applications/{elsewhere}",
            f"/regions/{region}/applications/{uuid4()}",
            f"/regions/{region}/applications/not-an-id",
        ):
            response = await page.goto(f"{platform.web}{path}")
            assert response is not None and response.status == 404, path
            assert await page.locator("h1").inner_text() == "Page not found"
        assert UUID(elsewhere)
    finally:
        await context.close()
