"""Reviewing and assigning in the staff web application, in a real Chromium signed in through a
real OpenID provider: an administrator assigns applications from the list; the assessor finds them
in their queue, overrides the strength area with a reason (and is told at the field when the reason
is missing), declares a conflict of interest; a viewer sees no forms and a forged post is refused
by the service; another region's application is not there."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers import (
    WEB_ARTIFACTS,
    application,
    chromium_or_skip,
    eventually,
    headers,
    local_only,
    plan_event,
    post_by_hand,
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


async def _signed_in(browser: Any, platform: Platform, sub: str, path: str) -> tuple[Any, Any]:
    """A browser context of its own, signed in as ``sub`` through the provider, at ``path``."""
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    await page.goto(f"{platform.web}{path}")
    await sign_in_at_provider(page, sub)
    return context, page


async def _prepare(platform: Platform, region: str, js: Any) -> dict[str, str]:
    """Three applications (two on hydrogen, one on timber houses), two strength areas with published
    plans, all assessed, and a report that names both; the applications' ids by title."""
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    assessment = platform.services["assessment"]
    bodies = [application(n, HYDROGEN_TEXT) for n in range(2)]
    bodies.append({**application(100, FOREST_TEXT), "title": "Trähus i Krokom", "municipalities": ["2309"]})
    for body in bodies:
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
        return areas == {"energi": 2, "skog": 1}

    await eventually(assessed, timeout=60)

    async def named() -> bool:
        r = await platform.services["reporting"].get(
            f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer")
        )
        if r.status_code != 200:
            return False
        names = {(p["strength_area_name"] or {}).get("sv") for p in r.json()["content"]["plans"]}
        return {ENERGY, FOREST} <= names

    await eventually(named, timeout=30)
    r = await assessment.get(f"/assessment/regions/{region}/applications", headers=headers(region, "viewer"))
    return {a["title"]: a["id"] for a in r.json()["data"]}


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.timeout(300)
async def test_an_admin_assigns_and_the_assessor_reviews_and_declares_a_conflict(
    platform: Platform, browser: Any, region: str, other_region: str, js: Any
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ids = await _prepare(platform, region, js)
    await platform.provider.person("anna", region, "admin", "Anna Admin", locale="sv")
    await platform.provider.person("lisa", region, "assessor", "Lisa Lind", locale="sv")
    listing = f"/regions/{region}/applications"

    # The administrator ticks two applications in the list and assigns them to Lisa by her name.
    admin, page = await _signed_in(browser, platform, "anna", listing)
    try:
        assert page.url == f"{platform.web}{listing}"
        # Nothing ticked: the service's 422 is shown at the boxes, the name typed in is kept.
        await page.fill("#assign-many-other", "user:lisa")
        await page.click("#assign-many button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#assign-many-ids-error").inner_text() == "Kryssa för minst en ansökan."
        assert await page.locator("#assign-many-other").input_value() == "user:lisa"
        boxes = page.locator("main tbody input[type=checkbox]")
        assert await boxes.first.get_attribute("aria-invalid") == "true"
        # A name the service refuses (a space in it) is shown at the name's field.
        await page.check(f"#choose-{ids['Ansökan 0']}")
        await page.fill("#assign-many-other", "user: lisa")
        await page.click("#assign-many button[type=submit]")
        await page.wait_for_load_state()
        assert "user:<id>" in await page.locator("#assign-many-other-error").inner_text()
        assert await page.locator("#assign-many-other").get_attribute("aria-invalid") == "true"
        assert await page.is_checked(f"#choose-{ids['Ansökan 0']}")  # the box ticked stays ticked
        # Now properly: two ticked, the name written right.
        await page.check(f"#choose-{ids['Ansökan 1']}")
        await page.fill("#assign-many-other", "user:lisa")
        await page.click("#assign-many button[type=submit]")
        await page.wait_for_load_state()
        assert page.url == f"{platform.web}{listing}"
        assert await page.locator("#flash").inner_text() == "2 ansökningar tilldelade user:lisa."
        for title in ("Ansökan 0", "Ansökan 1"):
            row = page.locator(f"main tbody tr:has(a:text-is('{title}'))")
            assert "user:lisa" in await row.locator("td.assignees").inner_text()
        row = page.locator("main tbody tr:has(a:text-is('Trähus i Krokom'))")
        assert await row.locator("td.assignees").inner_text() == "–"
        # Lisa is now offered by name in the list's choice of assessors.
        assert "user:lisa" in await page.locator("#assign-many-assignee option").all_inner_texts()
        await page.screenshot(path=str(WEB_ARTIFACTS / "applications-assign-sv.png"), full_page=True)
        assert await serious_violations(page) == []
        # One by one on an application's page: assigned to her, then taken back.
        await page.goto(f"{platform.web}{listing}/{ids['Trähus i Krokom']}")
        await page.select_option("#assign-assignee", "user:lisa")
        await page.click("#assign-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Tilldelad user:lisa."
        assert await page.locator("#assignees").inner_text() == "user:lisa"
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-admin-sv.png"), full_page=True)
        assert await serious_violations(page) == []
        await page.click("#assignment button:text('Ta tillbaka från user:lisa')")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Tagen tillbaka från user:lisa."
        assert await page.locator("#assignees").count() == 0
    finally:
        await admin.close()

    # Lisa finds the two in her queue on the desk.
    assessor, page = await _signed_in(browser, platform, "lisa", f"/regions/{region}")
    try:
        queue = page.locator("section:has(#queue-heading)")
        assert sorted(await queue.locator("tbody th").all_inner_texts()) == ["Ansökan 0", "Ansökan 1"]

        # She overrides Ansökan 1's strength area, first forgetting the reason: told at the field.
        await queue.locator("a:text-is('Ansökan 1')").click()
        await page.wait_for_load_state()
        url = f"{platform.web}{listing}/{ids['Ansökan 1']}"
        assert page.url == url
        assert await page.locator("#effective-strength-area").inner_text() == ENERGY
        options = await page.locator("#override-strength_area option").all_inner_texts()
        assert FOREST in options and ENERGY in options
        await page.select_option("#override-strength_area", label=FOREST)
        await page.click("#override-form button[type=submit]")
        await page.wait_for_load_state()
        reason = page.locator("#override-reason")
        assert await reason.get_attribute("aria-invalid") == "true"
        assert await reason.get_attribute("aria-describedby") == "override-reason-error"
        assert await page.locator("#override-reason-error").inner_text() == (
            "Skriv varför du ändrar bedömningen (minst 3 tecken)."
        )
        # The choice she made is kept; nothing changed yet.
        chosen = page.locator("#override-strength_area option:checked")
        assert await chosen.inner_text() == FOREST
        assert await page.locator("#effective-strength-area").inner_text() == ENERGY
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-review-error-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        await reason.fill("Projektet bygger på lokal skogsråvara.")
        await page.click("#override-form button[type=submit]")
        await page.wait_for_load_state()
        assert page.url == url  # POST, redirect, GET
        assert (await page.locator("#flash").inner_text()).startswith("Din ändring är sparad")
        assert await page.locator("#effective-strength-area").inner_text() == FOREST
        assert "ändrad vid granskning" in await page.locator("#review-state").inner_text()
        overrides = _words(await page.locator("section:has(#overrides-heading)").inner_text())
        assert "Projektet bygger på lokal skogsråvara." in overrides and FOREST in overrides
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-reviewed-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        # Ansökan 0: she declares a conflict of interest; the review form is gone and the page says why.
        await page.goto(f"{platform.web}{listing}/{ids['Ansökan 0']}")
        assert await page.locator("#override-form").count() == 1
        await page.fill("#conflict-reason", "Min bror driver företaget.")
        await page.click("#conflict-form button[type=submit]")
        await page.wait_for_load_state()
        assert (await page.locator("#flash").inner_text()).startswith("Din jäv är registrerad")
        for form in ("#override-form", "#confirm-form", "#conflict-form"):
            assert await page.locator(form).count() == 0
        why = await page.locator("#review-unavailable").inner_text()
        assert "jäv" in why and "Min bror driver företaget." in why
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-conflict-sv.png"), full_page=True)
        assert await serious_violations(page) == []
        # The service refuses her review of it even when posted anyway, and says why at the form.
        token = await page.locator("input[name=csrf_token]").first.input_value()
        status = await post_by_hand(
            page, f"{listing}/{ids['Ansökan 0']}/review", {"csrf_token": token, "action": "confirm"}
        )
        assert status == 409
        refused = _words(await page.locator("#confirm-refused-error").inner_text())
        assert refused.startswith("Det gick inte: ") and "user:lisa" in refused
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-conflict-refused-sv.png"), full_page=True)
        # Her queue no longer lists it.
        await page.goto(f"{platform.web}/regions/{region}")
        queue = page.locator("section:has(#queue-heading)")
        assert await queue.locator("tbody th").all_inner_texts() == ["Ansökan 1"]

        # Another region's application and forms are not there for her.
        response = await page.goto(f"{platform.web}/regions/{other_region}/applications/{ids['Ansökan 1']}")
        assert response is not None and response.status == 404
        answer = await page.request.post(
            f"{platform.web}/regions/{other_region}/applications/{ids['Ansökan 1']}/review",
            form={"csrf_token": token, "action": "confirm"},
            max_redirects=0,
        )
        assert answer.status == 404
    finally:
        await assessor.close()


@pytest.mark.timeout(240)
async def test_a_viewer_sees_no_forms_and_a_forged_post_is_refused(
    platform: Platform, browser: Any, region: str, js: Any
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ids = await _prepare(platform, region, js)
    await platform.provider.person("maja", region, "viewer", "Maja Mattsson", locale="sv")
    path = f"/regions/{region}/applications/{ids['Ansökan 1']}"
    context, page = await _signed_in(browser, platform, "maja", path)
    try:
        assert page.url == f"{platform.web}{path}"
        assert await page.locator("h1").inner_text() == "Ansökan 1"
        for form in ("#override-form", "#confirm-form", "#conflict-form", "#assign-form"):
            assert await page.locator(form).count() == 0
        assert await page.locator("main form[method=post]").count() == 0
        await page.goto(f"{platform.web}/regions/{region}/applications")
        assert await page.locator("#assign-many").count() == 0
        assert await page.locator("main tbody input[type=checkbox]").count() == 0

        # A post made by hand, with her own session's valid CSRF token: the service refuses it and
        # the page says she may not; nothing changed.
        token = await page.locator("input[name=csrf_token]").first.input_value()
        for action, form in (
            ("/review", {"action": "override", "level": "bas", "reason": "Jag vill ändra."}),
            ("/conflicts", {"reason": "Test"}),
            ("/assignments", {"action": "assign", "assignee_other": "user:maja"}),
        ):
            answer = await page.request.post(
                f"{platform.web}{path}{action}", form={"csrf_token": token, **form}, max_redirects=0
            )
            assert answer.status == 403, action
            text = await answer.text()
            assert "Det får du inte göra" in text and "Inget ändrades." in text
        answer = await page.request.post(
            f"{platform.web}/regions/{region}/applications/assignments",
            form={"csrf_token": token, "application_id": ids["Ansökan 0"], "assignee_other": "user:maja"},
            max_redirects=0,
        )
        assert answer.status == 403
        status = await post_by_hand(page, path + "/review", {"csrf_token": token, "action": "confirm"})
        assert status == 403
        assert await page.locator("h1").inner_text() == "Det får du inte göra"
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-viewer-refused-sv.png"), full_page=True)
        await page.goto(f"{platform.web}{path}")
        assert re.search(r"Ej granskad|granskad", await page.locator("#review-state").inner_text(), re.I)
        assert "ändrad" not in await page.locator("#review-state").inner_text()
        assert await page.locator("#assignees").count() == 0
        await page.screenshot(path=str(WEB_ARTIFACTS / "application-viewer-sv.png"), full_page=True)
        assert await serious_violations(page) == []
    finally:
        await context.close()
