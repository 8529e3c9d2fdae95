"""The plans section's programme pages in a real Chromium, signed in through a real OpenID provider,
against the four services: an administrator renames a strength area and finds its NACE code by
searching "skog" (as one types, and by the search button), is told at the field when a value is
refused and what someone else changed when the programme changed meanwhile (412); the local plans
page names the regional priority no local plan serves; the 1.1 checklist links a gap to the form
that fixes it; this year's RIS3 self-assessment is recorded and drawn over last year's. A viewer
sees no edit controls and a forged post is refused; another region's pages are not there."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import httpx
import pytest

from helpers import (
    DRAFT,
    VATGAS,
    WEB_ARTIFACTS,
    area_of,
    chromium_or_skip,
    create_programme,
    headers,
    local_plan,
    plan_of,
    post_by_hand,
    publish_plan,
    serious_violations,
    signed_in,
)
from kraftsamla_common.events import WHEEL_FACTORS

Platform = Any  # tests/integration/web/conftest.py: the platform fixture

YEAR = date.today().year


async def _seed(platform: Platform, region: str) -> dict[str, Any]:
    """The region's name, a programme with two strength areas whose action plans are published (the
    digital one's priority "E-hälsa" served by no local plan), Östersund's local plan published, and
    last year's self-assessment; the programme as the plans service answers it."""
    plans: httpx.AsyncClient = platform.services["plans"]
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    prog = await create_programme(plans, region)
    base = f"/plans/regions/{region}/action-plans"
    await publish_plan(plans, region, f"{base}/{plan_of(prog, 'energi')}", DRAFT)
    digital = copy.deepcopy(DRAFT)
    digital["priorities"] = [
        {**VATGAS, "id": "e-halsa", "title": {"sv": "E-hälsa"}, "vocabulary": ["e-hälsa"]}
    ]
    digital["policy_mix"]["initiatives"] = []
    await publish_plan(plans, region, f"{base}/{plan_of(prog, 'digitala-losningar')}", digital)
    r = await plans.post(
        f"/plans/regions/{region}/local-plans",
        json=local_plan(area_of(prog, "energi"), area_of(prog, "digitala-losningar")),
        headers=headers(region),
    )
    assert r.status_code == 201, r.text
    r = await plans.post(
        f"/plans/regions/{region}/local-plans/{r.json()['id']}/publish", headers=headers(region)
    )
    assert r.status_code == 201, r.text
    last_year = {f: {"score": 2, "comment": "Förra året."} for f in WHEEL_FACTORS}
    last_year["regional_assets"] = {"score": 4, "comment": "Analysen är bred."}
    r = await plans.put(
        f"/plans/regions/{region}/programmes/{prog['id']}/self-assessments/{YEAR - 1}",
        json={"scores": last_year},
        headers=headers(region),
    )
    assert r.status_code == 201, r.text
    return prog


def _words(text: str) -> str:
    return " ".join(text.split())


async def _look(page: Any, name: str) -> None:
    """A screenshot to look at, and axe-core finding nothing serious."""
    await page.screenshot(path=str(WEB_ARTIFACTS / f"{name}.png"), full_page=True)
    assert await serious_violations(page) == [], name


@pytest.mark.timeout(300)
async def test_programme_local_plans_checklist_and_self_assessment(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    platform = full_platform
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prog = await _seed(platform, region)
    plans: httpx.AsyncClient = platform.services["plans"]
    digital = next(a for a in prog["strength_areas"] if a["code"] == "digitala-losningar")
    await platform.provider.person("anna", region, "admin", "Anna Admin", locale="sv")
    await platform.provider.person("vera", region, "viewer", "Vera Viewer", locale="sv")
    programme_page = f"/regions/{region}/programme"
    programme_url = f"{programme_page}/{prog['id']}"
    area_url = f"{programme_url}/strength-areas/{digital['id']}"

    admin, page = await signed_in(browser, platform.web, "anna", programme_page)
    try:
        # The programme with its strength areas, NACE and goals by name.
        assert page.url == f"{platform.web}{programme_page}"
        assert await page.locator("h1").inner_text() == prog["title"]
        energy = page.locator(f"#area-{area_of(prog, 'energi')}")
        assert "D35 Försörjning av el, gas, värme och kyla" in _words(await energy.inner_text())
        assert "7 Hållbar energi för alla" in _words(await energy.inner_text())
        tabs = await page.locator(".section-nav a").all_inner_texts()
        assert {
            "Program och styrkeområden",
            "Lokala planer",
            "Nödvändigt villkor 1.1",
            "Självvärdering",
        } <= set(tabs)
        await _look(page, "programme-sv")

        # A strength area's form: the Swedish name changed, "skog" searched as one types and by the
        # search button, Skogsbruk ticked, saved; the programme page names it.
        await page.click(f"a[href='{area_url}']")
        await page.wait_for_load_state()
        await page.fill("#area-name_sv", "Digitala lösningar och tjänster")
        await page.locator("#area-nace_q").press_sequentially("skog", delay=40)
        await page.wait_for_function(
            "() => [...document.querySelectorAll('#nace-list option')].some(o => o.value === 'A02')"
            " && document.querySelectorAll('#nace-list option').length < 50"
        )
        await page.click("#nace-search-button")
        await page.wait_for_load_state()
        assert await page.locator("#area-name_sv").input_value() == "Digitala lösningar och tjänster"
        found = await page.locator("#nace-found label").all_inner_texts()
        assert "A02 Skogsbruk" in found, found
        await page.check("#nace-found-A02")
        await _look(page, "strength-area-search-sv")
        await page.fill("#area-nace_q", "")
        await page.click("#area-save")
        await page.wait_for_load_state()
        assert page.url.startswith(f"{platform.web}{programme_url}")
        assert await page.locator("#flash").inner_text() == (
            "Styrkeområdet Digitala lösningar och tjänster är sparat."
        )
        card = page.locator(f"#area-{digital['id']}")
        assert await card.locator("h3").inner_text() == "Digitala lösningar och tjänster"
        assert "A02 Skogsbruk" in _words(await card.inner_text())
        r = await plans.get(f"/plans/regions/{region}/programmes/{prog['id']}", headers=headers(region))
        saved = next(a for a in r.json()["strength_areas"] if a["id"] == digital["id"])
        assert saved["name"]["sv"] == "Digitala lösningar och tjänster" and saved["nace_codes"] == ["A02"]

        # A code the service refuses is told at the NACE field; nothing is saved.
        await page.goto(f"{platform.web}{area_url}")
        await page.fill("#area-nace_q", "skogsbruk")
        await page.click("#area-save")
        await page.wait_for_load_state()
        assert await page.locator("#area-nace_q").get_attribute("aria-invalid") == "true"
        assert (await page.locator("#area-nace_q-error").inner_text()).startswith("Inte en NACE-kod")
        assert await page.locator("#area-nace_q").input_value() == "skogsbruk"  # left where it was typed
        assert await page.locator("#nace-chosen input[value=skogsbruk]").count() == 0
        await _look(page, "strength-area-error-sv")

        # Someone else changes the vision while the form is open: the title saved over it is refused,
        # and the form says what changed; saving again then keeps the person's title.
        await page.goto(f"{platform.web}{programme_url}")
        r = await plans.get(f"/plans/regions/{region}/programmes/{prog['id']}", headers=headers(region))
        r = await plans.patch(
            f"/plans/regions/{region}/programmes/{prog['id']}",
            json={"vision": {"sv": "Ett län där idéer blir företag."}},
            headers={**headers(region), "If-Match": r.headers["ETag"]},
        )
        assert r.status_code == 200, r.text
        await page.fill("#programme-title-field", "Smart specialisering i Jämtland Härjedalen")
        await page.click("#programme-form button[type=submit]")
        await page.wait_for_load_state()
        assert (await page.locator("#programme-error").inner_text()).startswith("Någon annan sparade")
        changed = await page.locator("#programme-changed li").all_inner_texts()
        assert changed == ["Vision på svenska är nu: Ett län där idéer blir företag."], changed
        assert await page.locator("#programme-title-field").input_value() == (
            "Smart specialisering i Jämtland Härjedalen"
        )
        await _look(page, "programme-changed-sv")
        await page.click("#programme-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Programmet är sparat."
        assert await page.locator("h1").inner_text() == "Smart specialisering i Jämtland Härjedalen"
        assert await page.locator("#programme-vision").inner_text() == "Ett län där idéer blir företag."
        # A year that is none is told at its field.
        await page.fill("#programme-period_end", "tjugotjugosju")
        await page.click("#programme-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#programme-period_end").get_attribute("aria-invalid") == "true"
        assert await page.locator("#programme-period_end").get_attribute("aria-describedby") == (
            "programme-period_end-error"
        )

        # The local plans: the priority no local plan serves, by name, and the actions serving none.
        await page.goto(f"{platform.web}/regions/{region}/local-plans")
        unserved = await page.locator("#unserved-list li").all_inner_texts()
        assert [_words(u) for u in unserved] == ["E-hälsa (Digitala lösningar och tjänster) · Spets"], (
            unserved
        )
        assert _words(await page.locator("#unserved-sentence").inner_text()) == (
            "1 av regionens 2 gällande prioriteringar saknar en lokal plan som bidrar till den:"
        )
        row = _words(await page.locator("main tbody tr").first.inner_text())
        assert "Östersund" in row and "Kommunikationsplan, Stadsfest" in row, row
        await _look(page, "local-plans-sv")
        await page.click("main tbody a")
        await page.wait_for_load_state()
        assert await page.locator("h1").inner_text() == "Lokal energiplan för Östersund"
        assert await page.locator("#lp-municipalities").inner_text() == "Östersund"
        action = _words(await page.locator("#action-vatgas-lokalt").inner_text())
        assert "Hållbar energi › Vätgas och elektrobränslen" in action, action
        assert (
            "bidrar inte till någon regional prioritering" in await page.locator("#action-fest").inner_text()
        )
        assert _words(await page.locator("#lp-served").inner_text()) == (
            "Den bidrar till 1 gällande regional prioritering: Vätgas och elektrobränslen (Hållbar energi)."
        )
        assert "500 000 SEK" in _words(await page.locator("section:has(#lp-financing-heading)").inner_text())
        await _look(page, "local-plan-sv")

        # The 1.1 checklist: the programme is not adopted, and the gap links to the form that records it.
        await page.goto(f"{platform.web}/regions/{region}/checklist")
        institution = page.locator("#criterion-2")
        assert "programmet är inte antaget" in (await institution.inner_text()).lower()
        step_links = await page.locator("#criterion-6 .fixes a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert f"/regions/{region}/plans/{plan_of(prog, 'digitala-losningar')}/steps/5" in step_links
        await _look(page, "checklist-sv")
        await institution.locator("a:text('Registrera antagandet på programsidan')").click()
        await page.wait_for_load_state()
        assert page.url == f"{platform.web}{programme_page}#adoption"
        await page.fill("#adopt-adopted_on", "2020-11-25")
        await page.fill("#adopt-body", "Regionfullmäktige")
        await page.fill("#adopt-paragraph", "§ 128")
        await page.click("#adopt-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Programmets antagande är registrerat."
        assert "Regionfullmäktige" in await page.locator("#programme-status").inner_text()
        await page.goto(f"{platform.web}/regions/{region}/checklist")
        assert "inte antaget" not in (await page.locator("#criterion-2").inner_text()).lower()
        assert "Regionfullmäktige" in await page.locator("#criterion-2").inner_text()

        # This year's self-assessment: one factor left unscored is marked at its field; then recorded
        # and drawn over last year's.
        await page.goto(f"{platform.web}/regions/{region}/self-assessment")
        assert "4 – stark" in await page.locator("#score-regional_assets-before").inner_text()
        for n, factor in enumerate(WHEEL_FACTORS):
            if factor != "strategy_update":
                await page.select_option(f"#score-{factor}", str(3 + n % 2))
        await page.fill("#comment-regional_assets", "Analysen uppdaterad i år.")
        await page.click("#self-assessment-save")
        await page.wait_for_load_state()
        field = page.locator("#score-strategy_update")
        assert await field.get_attribute("aria-invalid") == "true"
        assert (
            await page.locator("#score-strategy_update-error").inner_text() == "Välj ett värde från 0 till 5."
        )
        assert await page.locator("#score-roadmap").input_value() in ("3", "4")  # kept as chosen
        await _look(page, "self-assessment-error-sv")
        await page.select_option("#score-strategy_update", "5")
        await page.click("#self-assessment-save")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == f"Självvärderingen {YEAR} är registrerad."
        chart = page.locator("figure svg[role=img]")
        assert await chart.locator("polygon[fill-opacity]").count() == 2  # this year and last year
        assert {str(YEAR), str(YEAR - 1)} <= set(await chart.locator("text").all_text_contents())
        heads = await page.locator("#wheel-scores thead th").all_inner_texts()
        assert heads[1:3] == [str(YEAR), str(YEAR - 1)], heads
        assets = await page.locator(
            "#wheel-scores tr:has(th:text-is('Regionens tillgångar')) td"
        ).all_inner_texts()
        assert assets == ["3", "4", "Analysen uppdaterad i år."], assets
        await _look(page, "self-assessment-sv")
        wheel = page.locator("section:has(#wheel-heading)")
        await wheel.screenshot(path=str(WEB_ARTIFACTS / "self-assessment-chart-sv.png"))
    finally:
        await admin.close()

    # A viewer: the same pages without a form; a post made by hand is refused by the service.
    viewer, page = await signed_in(browser, platform.web, "vera", programme_page)
    try:
        assert await page.locator("#programme-form").count() == 0
        assert await page.locator(f"a[href='{area_url}']").count() == 0
        assert await page.locator("#adopt-form").count() == 0
        await _look(page, "programme-viewer-sv")
        await page.goto(f"{platform.web}{area_url}")
        assert await page.locator("#area-form").count() == 0
        await page.goto(f"{platform.web}/regions/{region}/self-assessment")
        assert await page.locator("#self-assessment-form").count() == 0
        assert await page.locator("#wheel-scores").count() == 1
        token = await page.locator("input[name=csrf_token]").first.input_value()
        status = await post_by_hand(
            page,
            area_url,
            {"csrf_token": token, "action": "save", "name_sv": "Kapad", "etag": "", "base": ""},
        )
        assert status == 403
        assert await page.locator("h1").inner_text() == "Det får du inte göra"
        answer = await page.request.post(
            f"{platform.web}/regions/{region}/self-assessment",
            form={"csrf_token": token, "programme_id": prog["id"], "year": str(YEAR), "score_roadmap": "0"},
            max_redirects=0,
        )
        assert answer.status == 403
        r = await plans.get(f"/plans/regions/{region}/programmes/{prog['id']}", headers=headers(region))
        assert "Kapad" not in str(r.json())
        r = await plans.get(
            f"/plans/regions/{region}/programmes/{prog['id']}/self-assessments/{YEAR}",
            headers=headers(region),
        )
        assert r.json()["scores"]["roadmap"]["score"] != 0

        # Another region's pages are not there.
        for path in ("programme", "local-plans", "checklist", "self-assessment", f"programme/{prog['id']}"):
            response = await page.goto(f"{platform.web}/regions/{other_region}/{path}")
            assert response is not None and response.status == 404, path
    finally:
        await viewer.close()
