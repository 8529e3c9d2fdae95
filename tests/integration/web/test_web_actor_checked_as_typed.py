"""The actor registration form checked as one types, in a real Chromium signed in through a real
OpenID provider, the actors service over real HTTP: a wrong organisationsnummer is said at its
field before anything is posted (aria-invalid, described by the message, said in the live region)
and cleared once it is right; a wrong NACE code likewise; an organisation registered already is
named, linked to its page. Nothing is registered by the checks; the form then registers as before.
Without script the form is checked when it is sent, as before."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import WEB_ARTIFACTS, chromium_or_skip, headers, serious_violations, signed_in

Platform = Any  # tests/integration/web/conftest.py: the platform fixture

JAMTKRAFT = {
    "name": "Jämtkraft AB",
    "country": "SE",
    "identifier": "556012-5790",
    "helix": "business",
    "municipality": "2380",
}
WRONG = "556677-8890"  # its check digit should be 9
RIGHT = "556677-8899"


async def _actors(platform: Platform, region: str) -> list[dict[str, Any]]:
    r = await platform.services["actors"].get(f"/actors/regions/{region}/actors", headers=headers(region))
    return list(r.json()["data"])


async def _described_by(page: Any, selector: str) -> list[str]:
    return ((await page.locator(selector).get_attribute("aria-describedby")) or "").split()


@pytest.mark.timeout(240)
async def test_the_registration_form_says_what_is_wrong_as_one_types(
    platform: Platform, browser: Any, region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    actors = platform.services["actors"]
    base = f"/actors/regions/{region}"
    r = await actors.put(f"{base}/settings", json={"country": "SE", "county": "23"}, headers=headers(region))
    assert r.status_code == 200, r.text
    r = await actors.post(f"{base}/actors", json=JAMTKRAFT, headers=headers(region))
    assert r.status_code == 201, r.text
    jamtkraft = r.json()
    await platform.provider.person("ada", region, "assessor", "Ada Assessor", locale="sv")
    new = f"/regions/{region}/actors/new"
    context, page = await signed_in(browser, platform.web, "ada", new)
    try:
        assert page.url == platform.web + new
        await page.fill("#actor-name", "Destination Östersund AB")

        # A wrong check digit, typed: the message at the field, before anything is posted.
        await page.locator("#actor-identifier").press_sequentially(WRONG, delay=20)
        error = page.locator("#actor-identifier-error")
        await error.wait_for()
        assert (await error.inner_text()).startswith("Inte ett giltigt organisationsnummer: tio siffror")
        field = page.locator("#actor-identifier")
        assert await field.get_attribute("aria-invalid") == "true"
        assert await _described_by(page, "#actor-identifier") == [
            "actor-identifier-hint",
            "actor-identifier-error",
        ]
        assert (await page.locator("#register-live").inner_text()).startswith(
            "Inte ett giltigt organisationsnummer"
        )
        assert page.url == platform.web + new  # nothing was sent but the check
        await page.screenshot(path=str(WEB_ARTIFACTS / "actor-checked-as-typed.png"), full_page=True)
        assert await serious_violations(page) == []

        # Made right: the message goes, and the live region says so.
        await page.fill("#actor-identifier", RIGHT)
        await error.wait_for(state="detached")
        assert await field.get_attribute("aria-invalid") is None
        assert await _described_by(page, "#actor-identifier") == ["actor-identifier-hint"]
        assert await page.locator("#register-live").inner_text() == "Organisationsnummer: rätt nu."

        # A NACE code that is none: said at its field; then a right one.
        await page.fill("#actor-nace", "99.99")
        nace = page.locator("#actor-nace-error")
        await nace.wait_for()
        assert await nace.inner_text() == "Inte en branschkod i SNI 2007 (NACE rev. 2), t.ex. 62.01."
        assert await page.locator("#actor-nace").get_attribute("aria-invalid") == "true"
        assert await page.locator("#actor-identifier-error").count() == 0
        await page.fill("#actor-nace", "79.90")
        await nace.wait_for(state="detached")
        assert await page.locator("#actor-nace").get_attribute("aria-invalid") is None

        # An organisation registered already (another spelling of its number): named, linked.
        await page.fill("#actor-identifier", "5560125790")
        note = page.locator("#actor-identifier-registered")
        await note.wait_for()
        assert await note.inner_text() == (
            "Redan registrerad som Jämtkraft AB. Att registrera den igen lägger inte till någon ny aktör."
        )
        link = note.locator("a")
        assert await link.inner_text() == "Jämtkraft AB"
        assert await link.get_attribute("href") == f"/regions/{region}/actors/{jamtkraft['id']}"
        assert "actor-identifier-registered" in await _described_by(page, "#actor-identifier")
        assert await field.get_attribute("aria-invalid") is None
        assert "Redan registrerad som Jämtkraft AB" in await page.locator("#register-live").inner_text()
        assert await serious_violations(page) == []

        # The checks registered nothing; the form registers as before.
        assert [a["name"] for a in await _actors(platform, region)] == ["Jämtkraft AB"]
        await page.fill("#actor-identifier", RIGHT)
        await note.wait_for(state="detached")
        await page.select_option("#actor-helix", "business")
        await page.fill("#actor-municipality", "Östersund")
        await page.click("#register-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Destination Östersund AB är registrerad."
        listed = await _actors(platform, region)
        assert sorted(a["name"] for a in listed) == ["Destination Östersund AB", "Jämtkraft AB"]
    finally:
        await context.close()

    # Without script: nothing is said as one types; the post says it, at the field, as before.
    context = await browser.new_context(locale="sv-SE", java_script_enabled=False)
    try:
        from helpers import local_only, sign_in_at_provider

        page = await context.new_page()
        await page.route("**/*", local_only)
        await page.goto(platform.web + new)
        await sign_in_at_provider(page, "ada")
        await page.fill("#actor-name", "Fel Kontrollsiffra AB")
        await page.fill("#actor-identifier", "556677-8891")
        await page.select_option("#actor-helix", "business")
        await page.wait_for_timeout(800)
        assert await page.locator("#actor-identifier-error").count() == 0
        async with page.expect_navigation() as sent:
            await page.click("#register-form button[type=submit]")
        assert (await sent.value).status == 422
        assert await page.locator("#actor-identifier").get_attribute("aria-invalid") == "true"
        assert (await page.locator("#actor-identifier-error").inner_text()).startswith(
            "Inte ett giltigt organisationsnummer"
        )
    finally:
        await context.close()
    assert len(await _actors(platform, region)) == 2
