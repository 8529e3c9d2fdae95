"""Local plans edited in the staff web application, in a real Chromium signed in through a real OpenID
provider, over the four services (real HTTP, NATS, SQLite): an administrator registers a local plan
(its municipality chosen by name), adds an action serving the regional priority Vätgas (chosen by
name) and a financing commitment whose amount is refused at its field, saves, publishes with a note,
and the region's alignment no longer lists Vätgas as served by no local plan; the pages in Swedish
and Finnish show no English text of the section. Two people edit the same draft and the second is
shown the first's change with their own typing kept, and saves it on top; a viewer sees no form and
a forged post changes nothing; another region's local plan is not there. Every page is checked with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers import (
    ENERGY_PROGRAMME,
    WEB_ARTIFACTS,
    chromium_or_skip,
    headers,
    publish_energy_plan,
    serious_violations,
    signed_in,
)
from kraftsamla_common.i18n import Language

Platform = Any  # tests/integration/web/conftest.py: the full_platform fixture

AMOUNT_ERROR = "Skriv ett belopp från 0 till 1 000 000 000 000, t.ex. 250 000."


async def _region(platform: Platform, region: str) -> str:
    """Jämtland's municipalities, a programme with its energy plan published (the priority Vätgas,
    served by no local plan yet); the energy strength area's id."""
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    plans = platform.services["plans"]
    r = await plans.post(
        f"/plans/regions/{region}/programmes", json=ENERGY_PROGRAMME, headers=headers(region)
    )
    assert r.status_code == 201, r.text
    area = r.json()["strength_areas"][0]
    await publish_energy_plan(
        plans, region, f"/plans/regions/{region}/action-plans/{area['action_plan_id']}", "bredd"
    )
    return str(area["id"])


async def _checked(page: Any, name: str) -> None:
    """No serious or critical finding of axe on the page; its screenshot kept."""
    await page.screenshot(path=str(WEB_ARTIFACTS / f"local-plans-{name}.png"), full_page=True)
    assert await serious_violations(page) == [], name


def _english(language: Language) -> list[str]:
    """The section's English texts that read otherwise in ``language`` (long enough to be told apart)."""
    from importlib.resources import files

    from kraftsamla_common.i18n import Messages

    en, other = Messages("en", ("kraftsamla_web",)), Messages(language, ("kraftsamla_web",))
    catalogue = files("kraftsamla_web").joinpath("locale/en/LC_MESSAGES/messages.po")
    keys = re.findall(r'^msgid "((?:local_plans|plans)_[a-z0-9_]+)"$', catalogue.read_text(), re.M)
    return [en(k) for k in keys if "{" not in en(k) and len(en(k)) > 12 and en(k) != other(k)]


async def _readable(page: Any, language: str, english: list[str]) -> None:
    """The page is in ``language``: no English text of the section, no message key left unworded."""
    assert await page.locator("html").get_attribute("lang") == language
    text = await page.locator("main").inner_text()
    assert [e for e in english if e in text] == [], page.url
    assert not re.search(r"\b(local_)?plans_[a-z_]+\b", text), page.url


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.timeout(300)
async def test_a_local_plan_registered_linked_to_a_priority_financed_published_and_aligned(
    full_platform: Platform, browser: Any, region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    await _region(platform, region)
    plans = platform.services["plans"]
    await platform.provider.person("ada", region, "admin", "Ada Andersson", locale="sv")
    listed = f"/regions/{region}/local-plans"
    context, page = await signed_in(browser, platform.web, "ada", listed)
    web = platform.web
    swedish = _english("sv")
    try:
        # The region's priority Vätgas is served by no local plan; the form to register one.
        assert page.url == f"{web}{listed}"
        unserved = await page.locator("#unserved-list li").all_inner_texts()
        assert [_words(u) for u in unserved] == ["Vätgas (Hållbar energi) · Bredd"], unserved
        options = await page.locator("#new-lp-municipality option").all_inner_texts()
        assert "Östersund" in options and "Krokom" in options and "2380" not in options
        await _readable(page, "sv", swedish)
        await _checked(page, "list-sv")

        # Registered: its title, owner, municipality by name and period; to its draft's form.
        await page.fill("#new-lp-title", "Lokal energiplan för Östersund")
        await page.fill("#new-lp-owner", "Östersunds kommun")
        await page.select_option("#new-lp-municipality", label="Östersund")
        await page.fill("#new-lp-period_start", "2026")
        await page.fill("#new-lp-period_end", "2029")
        await page.click("#new-lp-submit")
        await page.wait_for_load_state()
        found = re.fullmatch(rf"{web}{listed}/([0-9a-f-]{{36}})/edit", page.url)
        assert found, page.url
        plan_id = found.group(1)
        plan_url = f"{web}{listed}/{plan_id}"
        assert "«Lokal energiplan för Östersund» är registrerad" in await page.locator("#flash").inner_text()
        assert await page.locator("#f-title").input_value() == "Lokal energiplan för Östersund"
        assert await page.is_checked("input[name='municipalities.2380']")
        await _readable(page, "sv", swedish)
        await _checked(page, "edit-new-sv")

        # An action serving Vätgas, chosen by name; a commitment whose amount is below nothing.
        targets = await page.locator("#f-actions-0-serves-0-target option").all_inner_texts()
        assert "Hållbar energi › Vätgas" in targets, targets
        assert "Hållbar energi (styrkeområdet som helhet)" in targets
        await page.fill("#f-actions-0-title", "Vätgastankstation")
        await page.fill("#f-actions-0-responsible", "Kommunen")
        await page.select_option("#f-actions-0-serves-0-target", label="Hållbar energi › Vätgas")
        await page.fill("#f-financing-0-party", "Östersunds kommun")
        await page.fill("#f-financing-0-year", "2026")
        await page.fill("#f-financing-0-amount", "-250 000")
        async with page.expect_navigation() as navigation:
            await page.click("#save")
        assert (await navigation.value).status == 422
        amount = page.locator("#f-financing-0-amount")
        assert await amount.get_attribute("aria-invalid") == "true"
        assert "f-financing-0-amount-error" in (await amount.get_attribute("aria-describedby") or "")
        assert await page.locator("#f-financing-0-amount-error").inner_text() == AMOUNT_ERROR
        assert await amount.input_value() == "-250000"
        assert await page.locator("#f-actions-0-title").input_value() == "Vätgastankstation"
        assert await page.locator("#f-actions-0-serves-0-target option:checked").inner_text() == (
            "Hållbar energi › Vätgas"
        )
        r = await plans.get(f"/plans/regions/{region}/local-plans/{plan_id}", headers=headers(region))
        assert r.json()["draft"]["actions"] == [] and r.json()["draft_revision"] == 1  # nothing saved
        await _checked(page, "edit-refused-sv")

        # Corrected and saved: the plan's page names the link and the commitment.
        await amount.fill("250 000")
        await page.click("#save")
        await page.wait_for_load_state()
        assert page.url == plan_url
        assert (await page.locator("#flash").inner_text()).startswith("Utkastet är sparat.")
        action = _words(await page.locator("#action-vatgastankstation").inner_text())
        assert "Hållbar energi › Vätgas" in action and "Kommunen" in action, action
        assert "250 000 SEK" in _words(await page.locator("section:has(#lp-financing-heading)").inner_text())
        assert _words(await page.locator("#lp-served").inner_text()) == (
            "Den bidrar till 1 gällande regional prioritering: Vätgas (Hållbar energi)."
        )
        assert await page.locator("#lp-version").inner_text() == "utkast, inte publicerad"
        await _readable(page, "sv", swedish)
        await _checked(page, "plan-sv")

        # Published with a note: version 1.
        await page.fill("#publish-note", "Antagen av kommunfullmäktige")
        await page.click("#publish-button")
        await page.wait_for_load_state()
        assert page.url == plan_url
        assert (await page.locator("#flash").inner_text()).startswith("Version 1 är publicerad.")
        assert await page.locator("#lp-version").inner_text() == "utkast; version 1 publicerad"
        r = await plans.get(
            f"/plans/regions/{region}/local-plans/{plan_id}/versions", headers=headers(region)
        )
        [version] = r.json()["data"]
        assert version["note"] == "Antagen av kommunfullmäktige" and version["published_by"] == "user:ada"
        assert version["content"]["financing"][0]["amount"] == 250000
        assert version["content"]["actions"][0]["serves"][0]["priority_id"] == "vatgas"
        await _checked(page, "plan-published-sv")

        # The alignment both ways: Vätgas is served now, by the plan's action; no action serves none.
        await page.goto(f"{web}{listed}")
        assert await page.locator("#unserved-list").count() == 0
        assert (
            "Varje gällande regional prioritering har minst en lokal plan"
            in await page.locator("#unserved").inner_text()
        )
        served = _words(await page.locator("#served-list").inner_text())
        assert served == "Vätgas (Hållbar energi): Lokal energiplan för Östersund (Vätgastankstation)", served
        row = _words(await page.locator("main tbody tr").first.inner_text())
        assert "version 1" in row and "Varje åtgärd bidrar till en regional prioritering." in row, row
        await _checked(page, "list-published-sv")

        # In Finnish: the list, the plan and its draft's form, with no English text of the section.
        await page.select_option("#language-choice", "fi")
        await page.click(".language-form button")
        await page.wait_for_load_state()
        finnish = _english("fi")
        for path, heading in (
            (listed, "Paikalliset suunnitelmat"),
            (f"{listed}/{plan_id}", "Lokal energiplan för Östersund"),
            (f"{listed}/{plan_id}/edit", "Muokkaa luonnosta"),
        ):
            await page.goto(f"{web}{path}")
            assert (await page.locator("h1").inner_text()).startswith(heading), path
            await _readable(page, "fi", finnish)
        targets = await page.locator("#f-actions-0-serves-0-target option").all_inner_texts()
        assert "Hållbar energi (vahvuusalue kokonaisuutena)" in targets, targets
        await _checked(page, "edit-fi")
    finally:
        await context.close()


@pytest.mark.timeout(300)
async def test_two_people_edit_one_local_plan_a_viewer_cannot_and_another_region_s_is_not_there(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    energy = await _region(platform, region)
    plans = platform.services["plans"]
    body = {
        "title": "Lokal energiplan för Östersund",
        "municipalities": ["2380"],
        "actions": [
            {
                "id": "vatgas",
                "title": "Vätgastankstation",
                "responsible": "Kommunen",
                "mandate": "Kommunfullmäktiges beslut",
                "serves": [{"strength_area_id": energy, "priority_id": "vatgas"}],
            }
        ],
        "financing": [{"party": "Östersunds kommun", "year": 2026, "amount": 500000}],
    }
    r = await plans.post(f"/plans/regions/{region}/local-plans", json=body, headers=headers(region))
    assert r.status_code == 201, r.text
    plan_id = r.json()["id"]
    api = f"/plans/regions/{region}/local-plans/{plan_id}"
    edit = f"/regions/{region}/local-plans/{plan_id}/edit"
    for sub, name in (("ada", "Ada Andersson"), ("bo", "Bo Berg")):
        await platform.provider.person(sub, region, "admin", name, locale="sv")
    await platform.provider.person("vera", region, "viewer", "Vera Viklund", locale="sv")
    ada_context, ada = await signed_in(browser, platform.web, "ada", edit)
    bo_context, bo = await signed_in(browser, platform.web, "bo", edit)
    try:
        # Both read the same draft. Ada gives the action to the region, with its mandate; she saves first.
        await ada.fill("#f-actions-0-responsible", "Regionen")
        await ada.fill("#f-actions-0-mandate", "Regionstyrelsens beslut")
        await ada.click("#save")
        await ada.wait_for_load_state()
        assert (await ada.locator("#flash").inner_text()).startswith("Utkastet är sparat.")

        # Bo, from the draft as it was, gives it to the municipal board and raises the commitment.
        await bo.fill("#f-actions-0-responsible", "Kommunstyrelsen")
        await bo.fill("#f-financing-0-amount", "750 000")
        async with bo.expect_navigation() as navigation:
            await bo.click("#save")
        assert (await navigation.value).status == 409
        conflict = bo.locator("#conflict")
        assert "Någon annan sparade utkastet först" in await conflict.locator("h2").inner_text()
        rows = {
            (await r.locator("th").inner_text()): await r.locator("td").all_inner_texts()
            for r in await conflict.locator("#their-changes tbody tr").all()
        }
        assert rows == {
            "Åtgärd «Vätgastankstation» › Ansvarig": ["Kommunen", "Regionen", "Kommunstyrelsen"],
            "Åtgärd «Vätgastankstation» › Mandat": [
                "Kommunfullmäktiges beslut",
                "Regionstyrelsens beslut",
                "inte ändrat av dig",
            ],
        }, rows
        # His typing is kept; where he changed nothing the form shows hers; hers beside his.
        assert await bo.locator("#f-actions-0-responsible").input_value() == "Kommunstyrelsen"
        assert await bo.locator("#f-financing-0-amount").input_value() == "750000"
        assert await bo.locator("#f-actions-0-mandate").input_value() == "Regionstyrelsens beslut"
        note = await bo.locator("#f-actions-0-responsible-note").inner_text()
        assert note == "Någon annan ändrade också detta, till: Regionen"
        draft = (await plans.get(api, headers=headers(region))).json()["draft"]
        assert draft["actions"][0]["responsible"] == "Regionen" and draft["financing"][0]["amount"] == 500000
        await _checked(bo, "conflict-sv")

        # He saves his on top of hers.
        await bo.click("#save")
        await bo.wait_for_load_state()
        assert (await bo.locator("#flash").inner_text()).startswith("Utkastet är sparat.")
        draft = (await plans.get(api, headers=headers(region))).json()["draft"]
        assert draft["actions"][0]["responsible"] == "Kommunstyrelsen"
        assert draft["actions"][0]["mandate"] == "Regionstyrelsens beslut"
        assert draft["financing"][0]["amount"] == 750000
        assert draft["actions"][0]["serves"] == [
            {"strength_area_id": energy, "priority_id": "vatgas", "sub_goal_id": None}
        ]

        # Another region's local plan is not there for her, to read or to change.
        r = await plans.post(
            f"/plans/regions/{other_region}/local-plans",
            json={**body, "actions": []},
            headers=headers(other_region),
        )
        assert r.status_code == 201, r.text
        theirs = r.json()["id"]
        token = await ada.locator("input[name=csrf_token]").first.input_value()
        for path in (
            f"/regions/{other_region}/local-plans",
            f"/regions/{region}/local-plans/{theirs}",
            f"/regions/{region}/local-plans/{theirs}/edit",
            f"/regions/{region}/local-plans/00000000-0000-4000-8000-000000000000/edit",
            f"/regions/{region}/local-plans/not-a-plan/edit",
        ):
            r = await ada.request.get(f"{platform.web}{path}")
            assert r.status == 404, path
        for path, form in (
            (f"/regions/{region}/local-plans/{theirs}/edit", {"title": "Kapad", "municipalities.2380": "on"}),
            (f"/regions/{region}/local-plans/{theirs}/publish", {"note": "kapad"}),
            (f"/regions/{other_region}/local-plans", {"title": "Kapad", "municipalities": "2380"}),
        ):
            r = await ada.request.post(f"{platform.web}{path}", form={"csrf_token": token, **form})
            assert r.status == 404, path
        r = await plans.get(
            f"/plans/regions/{other_region}/local-plans/{theirs}", headers=headers(other_region)
        )
        assert (
            r.json()["draft"]["title"] == "Lokal energiplan för Östersund"
            and r.json()["current_version"] == 0
        )
        r = await plans.get(f"/plans/regions/{other_region}/local-plans", headers=headers(other_region))
        assert r.json()["count"] == 1
    finally:
        await ada_context.close()
        await bo_context.close()

    vera_context, vera = await signed_in(browser, platform.web, "vera", f"/regions/{region}/local-plans")
    try:
        # A viewer: no form to register, edit or publish; the draft to read.
        assert await vera.locator("#new-lp-form").count() == 0
        await _checked(vera, "list-viewer-sv")
        await vera.goto(f"{platform.web}/regions/{region}/local-plans/{plan_id}")
        assert await vera.locator("#publish-form").count() == 0
        assert await vera.locator("#edit-link").count() == 0
        await vera.goto(f"{platform.web}{edit}")
        assert await vera.locator("#lp-form").count() == 0
        read = _words(await vera.locator("main").inner_text())
        assert "Vätgastankstation" in read and "Hållbar energi › Vätgas" in read, read
        await _checked(vera, "edit-viewer-sv")

        # Forged posts with her session's CSRF token and the draft's ETag: refused, nothing changed.
        token = await vera.locator("input[name=csrf_token]").first.input_value()
        before = await plans.get(api, headers=headers(region))
        form = {
            "csrf_token": token,
            "etag": before.headers["ETag"],
            "title": "Kapad",
            "municipalities.2380": "on",
            "levels.strategic": "on",
        }
        r = await vera.request.post(f"{platform.web}{edit}", form=form)
        assert r.status == 403 and "Det får du inte göra" in await r.text()
        r = await vera.request.post(
            f"{platform.web}/regions/{region}/local-plans/{plan_id}/publish",
            form={"csrf_token": token, "etag": before.headers["ETag"], "note": "forged"},
        )
        assert r.status == 403
        r = await vera.request.post(
            f"{platform.web}/regions/{region}/local-plans",
            form={"csrf_token": token, "title": "Falsk", "municipalities": "2380"},
        )
        assert r.status == 403
        after = await plans.get(api, headers=headers(region))
        assert after.headers["ETag"] == before.headers["ETag"]
        assert after.json()["current_version"] == 0
        listed = await plans.get(f"/plans/regions/{region}/local-plans", headers=headers(region))
        assert listed.json()["count"] == 1
        r = await vera.request.get(f"{platform.web}/regions/{other_region}/local-plans")
        assert r.status == 404
    finally:
        await vera_context.close()
