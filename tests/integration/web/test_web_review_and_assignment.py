"""Reviewing and assigning in the staff web application, in a real Chromium signed in through a
real OpenID provider: an administrator assigns applications from the list; the assessor finds them
in their queue, overrides the strength area with a reason (and is told at the field when the reason
is missing), declares a conflict of interest; a viewer sees no forms and a forged post is refused
by the service; another region's application is not there. The same forms, and the administrator's
desk with who has what waiting, in English and in Finnish, with no English left on the Finnish
pages."""

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
    plan_event,
    post_by_hand,
    publish,
    serious_violations,
    signed_in,
)
from kraftsamla_common.events import new_id

Platform = Any  # tests/integration/web/conftest.py: the platform fixture


ENERGY = "Hållbar energi"
FOREST = "Skogsnäring"
HYDROGEN_TEXT = "Förstudie om vätgas från elektrolys i Östersund."
FOREST_TEXT = "Vi bygger trähus av skogsråvara i Krokom."


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
    admin, page = await signed_in(browser, platform.web, "anna", listing)
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
    assessor, page = await signed_in(browser, platform.web, "lisa", f"/regions/{region}")
    try:
        queue = page.locator("section:has(#queue-heading)")
        assert sorted(await queue.locator("tbody th").all_inner_texts()) == ["Ansökan 0", "Ansökan 1"]

        # She overrides Ansökan 1's strength area, first forgetting the reason: told at the field.
        await queue.locator("a:text-is('Ansökan 1')").click()
        await page.wait_for_load_state()
        url = f"{platform.web}{listing}/{ids['Ansökan 1']}"
        assert page.url == url
        assert await page.locator("#effective-strength-area").inner_text() == ENERGY
        # The rubric's reasons, in Swedish as the service words them.
        why = page.locator("section:has(#rubric-heading) td.criterion-reason")
        assert "sökanden är inte (ännu) en registrerad aktör i regionen" in await why.all_inner_texts()
        assert (
            await why.evaluate_all("cells => cells.filter(c => c.closest('[lang]').lang !== 'sv').length")
            == 0
        )
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
        assert (
            refused == "Det gick inte: user:lisa har anmält jäv för den här ansökan och kan inte granska den."
        )
        # The service's reason is in the page's language: nothing marks it as another.
        assert await page.locator("#confirm-refused-error").evaluate("e => e.closest('[lang]').lang") == "sv"
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
    context, page = await signed_in(browser, platform.web, "maja", path)
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


async def _choose_language(page: Any, language: str) -> None:
    """The language form in the page's header: the same page again, in ``language``."""
    here = page.url
    await page.select_option("#language-choice", language)
    await page.click(".language-form button")
    await page.wait_for_load_state()
    assert page.url == here
    assert await page.locator("html").get_attribute("lang") == language


def _english_only() -> set[str]:
    """The English texts of the web application's catalogue that Finnish words otherwise, or not at
    all (phrases, or words of eight letters or more; none with placeholders): on a Finnish page,
    each would be text that fell back to English."""
    from kraftsamla_common.i18n import read_catalogue

    english, finnish = read_catalogue("kraftsamla_web", "en"), read_catalogue("kraftsamla_web", "fi")
    found = set()
    for message in english:
        text = message.string
        if not message.id or not isinstance(text, str) or "{" in text:
            continue
        if " " not in text.strip() and len(text) < 8:
            continue
        other = finnish.get(message.id)
        if other is None or other.string != text:
            found.add(text)
    return found


async def _english_in(page: Any, english: set[str]) -> list[str]:
    """The catalogue's English texts found in the page's main content, leaving out what is marked
    as written in another language (``lang``: the rubric's English-only reasons)."""
    text = await page.evaluate(
        """() => {
            const main = document.querySelector('main').cloneNode(true);
            main.querySelectorAll('[lang]').forEach(e => { if (e.lang !== document.documentElement.lang) e.remove(); });
            return main.textContent.replace(/\\s+/g, ' ');
        }"""
    )
    return sorted(e for e in english if e in text)


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "overview": "Reviews by assessor",
        "today": "today",
        "reason_error": "Write why you change the assessment (at least 3 characters).",
        "saved": "Your change is saved",
        "assessor_filter": "Assessor",
        "waiting_filter": "Only those waiting for review",
    },
    "fi": {
        "overview": "Tarkastukset arvioijittain",
        "today": "tänään",
        "reason_error": "Kirjoita, miksi muutat arviota (vähintään 3 merkkiä).",
        "saved": "Muutoksesi on tallennettu",
        "assessor_filter": "Arvioija",
        "waiting_filter": "Vain tarkastusta odottavat",
    },
}


@pytest.mark.timeout(420)
async def test_the_forms_and_the_desks_overview_in_english_and_finnish(
    platform: Platform, browser: Any, region: str, js: Any
) -> None:
    """The same forms as above in English and in Finnish, chosen in the page's header: the
    administrator assigns from the list and reads the message, then finds at the desk who has how
    many waiting (each number a link to the list filtered so); the assessor's override without a
    reason is refused at the reason's field, then saved. No English on the Finnish pages."""
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ids = await _prepare(platform, region, js)
    await platform.provider.person("anna", region, "admin", "Anna Admin", locale="sv")
    await platform.provider.person("lisa", region, "assessor", "Lisa Lind", locale="sv")
    listing = f"/regions/{region}/applications"
    desk = f"{platform.web}/regions/{region}"
    english = _english_only()
    assert "Waiting for review" in english and "Your queue" in english  # the check can find a leak

    admin, page = await signed_in(browser, platform.web, "anna", listing)
    assessor, lisa = await signed_in(browser, platform.web, "lisa", listing)
    try:
        for language, ticked, flash, waiting_lisa, no_one, overridden in (
            (
                "en",
                ["Ansökan 0", "Ansökan 1"],
                "2 applications assigned to user:lisa.",
                ["Ansökan 0", "Ansökan 1"],
                "1 application waiting for review has no assessor",
                "Ansökan 1",
            ),
            (
                "fi",
                ["Trähus i Krokom"],
                "1 hakemus osoitettu: user:lisa.",
                ["Ansökan 0", "Trähus i Krokom"],
                None,  # every waiting application has an assessor now
                "Ansökan 0",
            ),
        ):
            words = WORDS[language]

            # The administrator assigns from the list, in the language chosen.
            await page.goto(f"{platform.web}{listing}")
            await _choose_language(page, language)
            for title in ticked:
                await page.check(f"#choose-{ids[title]}")
            await page.fill("#assign-many-other", "user:lisa")
            await page.click("#assign-many button[type=submit]")
            await page.wait_for_load_state()
            assert page.url == f"{platform.web}{listing}"
            assert await page.locator("#flash").inner_text() == flash
            assert await page.locator("html").get_attribute("lang") == language
            await page.screenshot(
                path=str(WEB_ARTIFACTS / f"applications-assign-{language}.png"), full_page=True
            )
            assert await serious_violations(page) == []
            if language == "fi":
                assert await _english_in(page, english) == []

            # The desk: Lisa's applications waiting for her review, assigned today; those of no one.
            await page.goto(desk)
            overview = page.locator("#assignments")
            assert await overview.locator("h2").inner_text() == words["overview"]
            row = overview.locator("tbody tr:has(th:text-is('user:lisa'))")
            assert await row.locator("td a").inner_text() == str(len(waiting_lisa))
            assert words["today"] in await row.locator("td").nth(1).inner_text()
            nobody = page.locator("#assignments-no-one")
            if no_one is None:
                assert await nobody.locator("a").count() == 0
            else:
                assert await nobody.locator("a").inner_text() == no_one
            await page.screenshot(path=str(WEB_ARTIFACTS / f"desk-admin-{language}.png"), full_page=True)
            assert await serious_violations(page) == []
            if language == "fi":
                assert await _english_in(page, english) == []
            if no_one is not None:
                await nobody.locator("a").click()
                await page.wait_for_load_state()
                assert page.url == f"{platform.web}{listing}?assigned_to=none&waiting=true"
                assert await page.locator("main tbody th").all_inner_texts() == ["Trähus i Krokom"]
                await page.go_back()
            # Lisa's number opens the list of hers that wait, its filters shown as chosen.
            await row.locator("td a").click()
            await page.wait_for_load_state()
            assert page.url == f"{platform.web}{listing}?assigned_to=user%3Alisa&waiting=true"
            assert sorted(await page.locator("main tbody th").all_inner_texts()) == waiting_lisa
            assert (
                await page.locator("label[for=filter-assigned_to]").inner_text() == words["assessor_filter"]
            )
            assert await page.locator("#filter-assigned_to").input_value() == "user:lisa"
            assert await page.locator("label[for=filter-waiting]").inner_text() == words["waiting_filter"]
            assert await page.is_checked("#filter-waiting")
            await page.screenshot(
                path=str(WEB_ARTIFACTS / f"applications-waiting-{language}.png"), full_page=True
            )
            assert await serious_violations(page) == []
            if language == "fi":
                assert await _english_in(page, english) == []

            # The assessor overrides the strength area, first without a reason: told at the field.
            url = f"{platform.web}{listing}/{ids[overridden]}"
            await lisa.goto(url)
            await _choose_language(lisa, language)
            assert await lisa.locator("#effective-strength-area").inner_text() == ENERGY
            await lisa.select_option("#override-strength_area", label=FOREST)
            await lisa.click("#override-form button[type=submit]")
            await lisa.wait_for_load_state()
            reason = lisa.locator("#override-reason")
            assert await reason.get_attribute("aria-invalid") == "true"
            assert await reason.get_attribute("aria-describedby") == "override-reason-error"
            assert await lisa.locator("#override-reason-error").inner_text() == words["reason_error"]
            assert await lisa.locator("#effective-strength-area").inner_text() == ENERGY
            await lisa.screenshot(
                path=str(WEB_ARTIFACTS / f"application-review-error-{language}.png"), full_page=True
            )
            assert await serious_violations(lisa) == []
            if language == "fi":
                assert await _english_in(lisa, english) == []
            await reason.fill(
                "The project rests on local timber."
                if language == "en"
                else "Hanke perustuu paikalliseen puuhun."
            )
            await lisa.click("#override-form button[type=submit]")
            await lisa.wait_for_load_state()
            assert lisa.url == url
            assert (await lisa.locator("#flash").inner_text()).startswith(words["saved"])
            assert await lisa.locator("#effective-strength-area").inner_text() == FOREST
            await lisa.screenshot(
                path=str(WEB_ARTIFACTS / f"application-reviewed-{language}.png"), full_page=True
            )
            assert await serious_violations(lisa) == []
            if language == "fi":
                assert await _english_in(lisa, english) == []
    finally:
        await admin.close()
        await assessor.close()
