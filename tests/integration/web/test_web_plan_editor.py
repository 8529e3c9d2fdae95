"""The action plan editor of the staff web application, in a real Chromium signed in through a real
OpenID provider, over the four services (real HTTP, NATS, SQLite): an administrator moves a
priority from Bredd to Spets in the priorities step, is told at the field what is missing in
another step, sees the difference say it moved, previews the three applications that would move
(by title), publishes with a note and follows the version to the reassessment that moved them and
to the report built from it; two people edit the same draft and the second is shown the first's
change with their own typing kept, and saves it on top; a viewer sees no edit controls and a forged
post changes nothing; another region's plan is not there. Every page is checked with axe."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from helpers import (
    ENERGY_PROGRAMME,
    WEB_ARTIFACTS,
    application,
    chromium_or_skip,
    eventually,
    headers,
    local_only,
    publish_energy_plan,
    serious_violations,
    sign_in_at_provider,
)

Platform = Any  # tests/integration/web/conftest.py: the full_platform fixture

TITLES = ["Ansökan 0", "Ansökan 1", "Ansökan 2"]


async def _plan(platform: Platform, region: str) -> str:
    """The region named, a programme with its energy plan published (hydrogen at Bredd); the plan's id."""
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    plans = platform.services["plans"]
    r = await plans.post(
        f"/plans/regions/{region}/programmes", json=ENERGY_PROGRAMME, headers=headers(region)
    )
    assert r.status_code == 201, r.text
    plan_id = str(r.json()["strength_areas"][0]["action_plan_id"])
    await publish_energy_plan(plans, region, f"/plans/regions/{region}/action-plans/{plan_id}", "bredd")
    return plan_id


async def _applications_at_bredd(platform: Platform, region: str) -> tuple[dict[str, str], int]:
    """Three applications on hydrogen, assessed at Bredd by the plan, and the report that names
    them; their ids by title and that report's number."""
    assessment = platform.services["assessment"]
    apps = f"/assessment/regions/{region}/applications"

    async def plan_known() -> bool:
        r = await assessment.get(
            f"/assessment/regions/{region}/reassessments", headers=headers(region, "viewer")
        )
        return bool(r.json()["count"] >= 1)

    await eventually(plan_known, timeout=60)
    for n in range(3):
        r = await assessment.post(apps, json=application(n), headers=headers(region, "integrator"))
        assert r.status_code == 201, r.text

    async def at_bredd() -> bool:
        r = await assessment.get(apps, params={"level": "bredd"}, headers=headers(region, "viewer"))
        return bool(r.json()["count"] == 3)

    await eventually(at_bredd, timeout=60)

    async def reported() -> int | None:
        r = await platform.services["reporting"].get(
            f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer")
        )
        if r.status_code != 200 or r.json()["content"]["assessments"]["current"] != 3:
            return None
        return int(r.json()["number"])

    number = await eventually(reported, timeout=60)
    r = await assessment.get(apps, headers=headers(region, "viewer"))
    return {a["title"]: a["id"] for a in r.json()["data"]}, number


async def _signed_in(browser: Any, platform: Platform, sub: str, path: str) -> tuple[Any, Any]:
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    await page.goto(f"{platform.web}{path}")
    await sign_in_at_provider(page, sub)
    return context, page


async def _checked(page: Any, name: str) -> None:
    """No serious or critical finding of axe on the page; its screenshot kept."""
    await page.screenshot(path=str(WEB_ARTIFACTS / f"plans-{name}.png"), full_page=True)
    assert await serious_violations(page) == [], name


async def _followed(page: Any, link: str, pattern: str) -> str:
    """Follow a version's link to what followed it; while it is not there yet, look again (bounded)."""
    await page.click(link)
    await page.wait_for_load_state()
    for _ in range(90):
        if re.fullmatch(pattern, page.url):
            return str(page.url)
        assert await page.locator("#pending-text").count() == 1, page.url
        await asyncio.sleep(0.5)
        await page.click("#look-again")
        await page.wait_for_load_state()
    raise AssertionError(f"{link}: still not there at {page.url}")


@pytest.mark.timeout(300)
async def test_a_priority_moved_previewed_published_and_followed_to_its_reassessment(
    full_platform: Platform, browser: Any, region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    plan_id = await _plan(platform, region)
    ids, first_report = await _applications_at_bredd(platform, region)
    assert sorted(ids) == TITLES
    await platform.provider.person("ada", region, "admin", "Ada Andersson", locale="sv")
    plans_url = f"/regions/{region}/plans"
    context, page = await _signed_in(browser, platform, "ada", plans_url)
    web = platform.web
    try:
        # The list: the strength area by name, its version and date, the draft as published, the next review.
        assert page.url == f"{web}{plans_url}"
        assert await page.locator("h1").inner_text() == "Handlingsplaner – Region Jämtland Härjedalen"
        row = await page.locator("table.plans-table tbody tr").inner_text()
        assert "Hållbar energi" in row and "Version 1, " in row and "Som publicerad" in row
        assert "Försenad" not in row
        assert await page.locator("#new-plan-form").count() == 1
        await _checked(page, "list-sv")

        # The plan.
        await page.click("table.plans-table a:text-is('Hållbar energi')")
        await page.wait_for_load_state()
        plan_url = f"{web}{plans_url}/{plan_id}"
        assert page.url == plan_url
        assert await page.locator("h1").inner_text() == "Handlingsplan: Hållbar energi"
        assert "1 prioritering: Bredd 1" in await page.locator("ol.steps").inner_text()
        await _checked(page, "plan-sv")

        # Step 4: Vätgas from Bredd to Spets, saved.
        await page.click("ol.steps a:text-is('Prioriteringar')")
        await page.wait_for_load_state()
        assert page.url == f"{plan_url}/steps/4"
        level = page.locator("#f-priorities-0-level")
        assert await level.input_value() == "bredd"
        await _checked(page, "step-4-sv")
        await level.select_option("spets")
        await page.click("#save")
        await page.wait_for_load_state()
        assert page.url == f"{plan_url}/steps/4"
        assert "Utkastet är sparat (Prioriteringar)." in await page.locator("#flash").inner_text()
        assert await page.locator("#f-priorities-0-level").input_value() == "spets"

        # Step 3: a sub-goal with a target and no year is refused, and said so at the field.
        await page.click("nav.step-nav a:text-is('3. Vision och delmål')")
        await page.wait_for_load_state()
        await page.fill("#f-sub_goals-0-title-sv", "Fler vätgasföretag")
        await page.fill("#f-sub_goals-0-indicator-name", "Företag som får stöd")
        # The code is written, or picked from the ERDF common indicators (a <datalist>: no script).
        code = page.locator("#f-sub_goals-0-indicator-code")
        assert await code.get_attribute("list") == "erdf-indicators"
        assert await page.locator("#erdf-indicators option[value=RCO01]").count() == 1
        assert await page.locator("#erdf-indicators option").count() > 100
        await code.fill("rco01")
        await page.fill("#f-sub_goals-0-target", "12")
        await page.click("#save")
        await page.wait_for_load_state()
        year = page.locator("#f-sub_goals-0-target_year")
        assert await year.get_attribute("aria-invalid") == "true"
        assert await year.get_attribute("aria-describedby") == "f-sub_goals-0-target_year-error"
        said = await page.locator("#f-sub_goals-0-target_year-error").inner_text()
        assert said == "Ett målvärde behöver året då det ska nås."
        assert await page.locator("#f-sub_goals-0-title-sv").input_value() == "Fler vätgasföretag"
        assert await page.locator("#f-sub_goals-0-indicator-code").input_value() == "RCO01"
        await _checked(page, "step-3-refused-sv")
        await year.fill("2028")
        await page.click("#save")
        await page.wait_for_load_state()
        assert "Utkastet är sparat" in await page.locator("#flash").inner_text()

        # Every step, read and checked.
        for number in range(1, 7):
            await page.goto(f"{plan_url}/steps/{number}")
            assert await page.locator("#step-form").count() == 1
            await _checked(page, f"step-{number}-sv")

        # The difference from version 1 to the draft says the priority moved, by name.
        await page.goto(plan_url)
        changes = await page.locator("#draft-changes").inner_text()
        assert "Prioriteringen «Vätgas» flyttades i pyramiden från Bredd till Spets." in changes
        assert "Ändringar som inte publicerats" in await page.locator("#plan-draft").inner_text()
        await page.click("text=Se vad som ändrats")
        await page.wait_for_load_state()
        assert page.url == f"{plan_url}/diff"
        diff = await page.locator("#diff").inner_text()
        assert "Prioriteringen «Vätgas» flyttades i pyramiden från Bredd till Spets." in diff
        assert (
            "Delmålet «Fler vätgasföretag» lades till, mäts med RCO01 Företag som får stöd, mål 12 till 2028."
            in diff
        )
        await _checked(page, "diff-sv")

        # The preview: the three applications would rise from Bredd to Spets, each by its title.
        await page.goto(plan_url)
        await page.click("#preview-link")
        await page.wait_for_load_state()
        assert page.url == f"{plan_url}/preview"
        group = page.locator(".move-group")
        assert await group.count() == 1
        heading = await group.locator("h3").inner_text()
        assert heading.startswith("3 ansökningar skulle stiga från Bredd till Spets"), heading
        assert await group.locator("ul.moved a").all_inner_texts() == TITLES
        for title, ident in ids.items():
            href = await group.locator(f"a:text-is('{title}')").get_attribute("href")
            assert href == f"/regions/{region}/applications/{ident}"
        levels = [
            await r.locator("th, td").all_inner_texts()
            for r in await page.locator("table.levels tbody tr").all()
        ]
        assert levels == [["Bas", "0", "0"], ["Bredd", "3", "0"], ["Spets", "0", "3"]]
        await _checked(page, "preview-sv")

        # Published with a note: version 2, and the page leads to what follows.
        await page.fill("#publish-note", "Vätgas lyfts till Spets")
        await page.click("#publish-button")
        await page.wait_for_load_state()
        assert page.url == plan_url
        assert (await page.locator("#flash").inner_text()).startswith("Version 2 är publicerad.")
        newest = await page.locator("#versions tbody tr").first.inner_text()
        assert "Version 2" in newest and "Vätgas lyfts till Spets" in newest and "user:ada" in newest
        assert "Som publicerad" in await page.locator("#plan-draft").inner_text()
        await _checked(page, "plan-published-sv")

        reassessment = await _followed(
            page, "#versions a.follow-reassessment", rf"{web}/regions/{region}/reassessments/[0-9a-f-]{{36}}"
        )
        assert reassessment
        moved = page.locator(".move-group")

        async def all_listed() -> bool:
            await page.reload()
            return await moved.locator("ul.moved a").count() == 3

        await eventually(all_listed, timeout=60, interval=0.5)
        heading = await moved.first.locator("h3").inner_text()
        assert heading.startswith("3 ansökningar steg från Bredd till Spets"), heading
        assert await moved.locator("ul.moved a").all_inner_texts() == TITLES

        await page.goto(plan_url)
        report = await _followed(page, "#versions a.follow-report", rf"{web}/regions/{region}/reports/\d+")
        assert int(report.rsplit("/", 1)[1]) > first_report
    finally:
        await context.close()


@pytest.mark.timeout(240)
async def test_two_people_edit_one_draft_a_viewer_cannot_and_another_region_s_plan_is_not_there(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    plan_id = await _plan(platform, region)
    await platform.provider.person("ada", region, "admin", "Ada Andersson", locale="sv")
    await platform.provider.person("bo", region, "admin", "Bo Berg", locale="sv")
    await platform.provider.person("vera", region, "viewer", "Vera Viklund", locale="sv")
    step = f"/regions/{region}/plans/{plan_id}/steps/4"
    plans = platform.services["plans"]
    api = f"/plans/regions/{region}/action-plans/{plan_id}"
    ada_context, ada = await _signed_in(browser, platform, "ada", f"/regions/{region}/plans")
    bo_context, bo = await _signed_in(browser, platform, "bo", step)
    try:
        # Ada starts a new plan: a new strength area of the programme, its code made from its name.
        await ada.fill("#new-name-sv", "Digitala lösningar")
        await ada.click("#new-plan-form button[type=submit]")
        await ada.wait_for_load_state()
        assert re.fullmatch(rf"{platform.web}/regions/{region}/plans/[0-9a-f-]{{36}}", ada.url), ada.url
        assert (
            "Handlingsplanen för Digitala lösningar är påbörjad" in await ada.locator("#flash").inner_text()
        )
        assert await ada.locator("#plan-version").inner_text() == "Inte publicerad ännu"
        await _checked(ada, "plan-new-sv")
        # The same name again: its code is taken, said at the field, the name kept.
        await ada.goto(f"{platform.web}/regions/{region}/plans")
        await ada.fill("#new-name-sv", "Digitala lösningar")
        await ada.click("#new-plan-form button[type=submit]")
        await ada.wait_for_load_state()
        code = ada.locator("#new-code")
        assert await code.get_attribute("aria-invalid") == "true"
        said = await ada.locator("#new-code-error").inner_text()
        assert said == "Programmet har redan ett styrkeområde med koden digitala-losningar: skriv en annan."
        assert await ada.locator("#new-name-sv").input_value() == "Digitala lösningar"
        await _checked(ada, "list-refused-sv")
        listed = await plans.get(f"/plans/regions/{region}/action-plans", headers=headers(region))
        assert listed.json()["count"] == 2
        await ada.goto(f"{platform.web}{step}")

        # Both read the same draft. Ada moves Vätgas to Spets and describes it; she saves first.
        await ada.select_option("#f-priorities-0-level", "spets")
        await ada.fill("#f-priorities-0-description", "Från förstudie till pilot.")
        await ada.click("#save")
        await ada.wait_for_load_state()
        assert "Utkastet är sparat" in await ada.locator("#flash").inner_text()

        # Bo, from the draft as it was, names it in English and puts it at Bas.
        await bo.fill("#f-priorities-0-title-en", "Green hydrogen")
        await bo.select_option("#f-priorities-0-level", "bas")
        await bo.click("#save")
        await bo.wait_for_load_state()
        conflict = bo.locator("#conflict")
        assert await conflict.count() == 1
        assert "Någon annan sparade utkastet först" in await conflict.locator("h2").inner_text()
        rows = {
            (await r.locator("th").inner_text()): await r.locator("td").all_inner_texts()
            for r in await conflict.locator("#their-changes tbody tr").all()
        }
        assert rows == {
            "Prioritering «Vätgas» › Nivå i pyramiden": ["Bredd", "Spets", "Bas"],
            "Prioritering «Vätgas» › Beskrivning": ["–", "Från förstudie till pilot.", "inte ändrat av dig"],
        }, rows
        # His typing is kept; where he did not change a field it shows hers; hers beside his level.
        assert await bo.locator("#f-priorities-0-title-en").input_value() == "Green hydrogen"
        assert await bo.locator("#f-priorities-0-level").input_value() == "bas"
        assert await bo.locator("#f-priorities-0-description").input_value() == "Från förstudie till pilot."
        note = await bo.locator("#f-priorities-0-level-note").inner_text()
        assert note == "Någon annan ändrade också detta, till: Spets"
        draft = (await plans.get(api, headers=headers(region))).json()["draft"]
        assert draft["priorities"][0]["level"] == "spets" and "en" in draft["priorities"][0]["title"]
        assert draft["priorities"][0]["title"]["en"] == "Hydrogen"
        await _checked(bo, "conflict-sv")

        # He saves his on top of hers.
        await bo.click("#save")
        await bo.wait_for_load_state()
        assert "Utkastet är sparat" in await bo.locator("#flash").inner_text()
        vatgas = (await plans.get(api, headers=headers(region))).json()["draft"]["priorities"][0]
        assert vatgas["level"] == "bas" and vatgas["title"]["en"] == "Green hydrogen"
        assert vatgas["description"] == "Från förstudie till pilot."
    finally:
        await ada_context.close()
        await bo_context.close()

    vera_context, vera = await _signed_in(browser, platform, "vera", f"/regions/{region}/plans")
    try:
        # A viewer: no form to start a plan, no preview or publish, the steps to read only.
        assert await vera.locator("#new-plan").count() == 0
        await _checked(vera, "list-viewer-sv")
        await vera.goto(f"{platform.web}/regions/{region}/plans/{plan_id}")
        assert await vera.locator("#preview-link").count() == 0
        await vera.goto(f"{platform.web}{step}")
        assert await vera.locator("#step-form").count() == 0
        assert await vera.locator("button").filter(has_text="Spara").count() == 0
        read = await vera.locator("main").inner_text()
        assert "Vätgas" in read and "Från förstudie till pilot." in read and "Nivå i pyramiden\nBas" in read
        await _checked(vera, "step-4-viewer-sv")

        # A forged post, with her session's CSRF token and the draft's ETag: refused, nothing changed.
        token = await vera.locator("input[name=csrf_token]").first.input_value()
        before = await plans.get(api, headers=headers(region))
        form = {
            "csrf_token": token,
            "etag": before.headers["ETag"],
            "priorities.0.id": "vatgas",
            "priorities.0.title.sv": "Vätgas",
            "priorities.0.level": "spets",
            "priorities.0.vocabulary": "vätgas",
            "priorities.0.valid_from": "2026-01-01",
            "priorities.0.valid_until": "2030-12-31",
        }
        r = await vera.request.post(f"{platform.web}{step}", form=form)
        assert r.status == 403 and "Det får du inte göra" in await r.text()
        r = await vera.request.post(
            f"{platform.web}/regions/{region}/plans/{plan_id}/publish",
            form={"csrf_token": token, "note": "forged"},
        )
        assert r.status == 403
        r = await vera.request.post(
            f"{platform.web}/regions/{region}/plans",
            form={"csrf_token": token, "programme_id": before.json()["programme_id"], "name.sv": "Falsk"},
        )
        assert r.status == 403
        after = await plans.get(api, headers=headers(region))
        assert after.headers["ETag"] == before.headers["ETag"]
        assert after.json()["current_version"] == 1
        listed = await plans.get(f"/plans/regions/{region}/action-plans", headers=headers(region))
        assert listed.json()["count"] == 2

        # The list in Finnish, as the viewer reads it.
        await vera.goto(f"{platform.web}/regions/{region}/plans")
        await vera.select_option("#language-choice", "fi")
        await vera.click(".language-form button")
        await vera.wait_for_load_state()
        assert (await vera.locator("h1").inner_text()).startswith("Toimenpidesuunnitelmat – ")
        rows = await vera.locator("table.plans-table tbody").inner_text()
        assert "Versio 1, " in rows and "Julkaisemattomia muutoksia" in rows and "Ei vielä julkaistu" in rows
        await _checked(vera, "list-viewer-fi")

        # Another region's plan is not there; nor one that does not exist, nor a seventh step.
        r = await plans.post(
            f"/plans/regions/{other_region}/programmes", json=ENERGY_PROGRAMME, headers=headers(other_region)
        )
        assert r.status_code == 201, r.text
        theirs = r.json()["strength_areas"][0]["action_plan_id"]
        for path in (
            f"/regions/{other_region}/plans",
            f"/regions/{other_region}/plans/{theirs}",
            f"/regions/{region}/plans/{theirs}",
            f"/regions/{region}/plans/{theirs}/steps/4",
            f"/regions/{region}/plans/{theirs}/diff",
            f"/regions/{region}/plans/00000000-0000-4000-8000-000000000000",
            f"/regions/{region}/plans/not-a-plan",
            f"/regions/{region}/plans/{plan_id}/steps/7",
        ):
            r = await vera.request.get(f"{platform.web}{path}")
            assert r.status == 404, path
    finally:
        await vera_context.close()
