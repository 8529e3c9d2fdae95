"""A person signs in to the staff web application through a real OpenID provider, in a real
Chromium, and works at their region's desk: the waiting applications, the region's name, the
language they choose; another region's desk is not there for them; forms without the session's
CSRF token are refused; nothing sends them off-site; sign-out ends the session."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from helpers import (
    AXE,
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

Platform = Any  # tests/integration/web/conftest.py: the platform fixture

AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
"""axe-core 4.14.1's axe.min.js from the npm registry's axe-core-4.14.1.tgz, for the tests only."""


def test_the_accessibility_checker_is_the_pinned_one() -> None:
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


async def _prepare_region(platform: Platform, region: str, js: Any) -> None:
    """The region's name (its county) in actors, three applications assessed against a plan, a report."""
    actors = platform.services["actors"]
    r = await actors.put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    assessment = platform.services["assessment"]
    for n in range(3):
        r = await assessment.post(
            f"/assessment/regions/{region}/applications",
            json=application(n),
            headers=headers(region, "integrator"),
        )
        assert r.status_code == 201, r.text
    await publish(js, plan_event(region, 1))

    async def assessed() -> bool:
        r = await assessment.get(
            f"/assessment/regions/{region}/applications",
            params={"review": "none", "status": "assessed"},
            headers=headers(region, "viewer"),
        )
        return bool(r.json()["count"] == 3)

    await eventually(assessed)

    async def reported() -> bool:
        r = await platform.services["reporting"].get(
            f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer")
        )
        return r.status_code == 200

    await eventually(reported)


async def _csrf(page: Any) -> str:
    return str(await page.locator("input[name=csrf_token]").first.get_attribute("value"))


async def _session_cookie(context: Any) -> str | None:
    for cookie in await context.cookies():
        if cookie["name"] == "kraftsamla_session":
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            return str(cookie["value"])
    return None


@pytest.mark.timeout(180)
async def test_sign_in_the_desk_and_sign_out(
    platform: Platform, browser: Any, region: str, other_region: str, js: Any
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await _prepare_region(platform, region, js)
    anna = await platform.provider.person("anna", region, "assessor", "Anna Andersson", locale="sv")
    # An administrator assigns her the first application (a person is ``user:<sub>`` to the services).
    assessment = platform.services["assessment"]
    listed = await assessment.get(
        f"/assessment/regions/{region}/applications", params={"q": "Ansökan 0"}, headers=headers(region)
    )
    first = listed.json()["data"][0]
    assert first["title"] == "Ansökan 0"
    r = await assessment.post(
        f"/assessment/regions/{region}/applications/assignments",
        json={"application_ids": [first["id"]], "assignee": f"user:{anna}"},
        headers=headers(region),
    )
    assert r.status_code == 200, r.text
    context = await browser.new_context(locale="en-GB")
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        # Not signed in: the desk sends to the sign-in page, which says where to come back.
        desk = f"{platform.web}/regions/{region}"
        await page.goto(desk)
        assert page.url == f"{platform.web}/signin?next=/regions/{region}"
        assert await page.locator("h1").inner_text() == "Sign in"
        await page.screenshot(path=str(WEB_ARTIFACTS / "signin.png"), full_page=True)
        assert await serious_violations(page) == []
        before = await _session_cookie(context)
        csrf_before = await _csrf(page)

        await sign_in_at_provider(page, anna)
        assert page.url == desk
        # The token's locale (sv) chooses the language; the header names the region and the person.
        assert await page.locator("html").get_attribute("lang") == "sv"
        assert await page.locator("h1").inner_text() == "Översikt – Region Jämtland Härjedalen"
        header = await page.locator("header").inner_text()
        assert "Region Jämtland Härjedalen" in header
        assert "Anna Andersson" in header and "handläggare" in header
        queue = page.locator("section:has(#queue-heading)")
        assert "Din kö" in await queue.locator("h2").inner_text()
        assert await queue.locator("tbody th").all_inner_texts() == ["Ansökan 0"]
        waiting = await page.locator("#waiting-heading").inner_text()
        assert "Väntar på granskning" in waiting and "3" in waiting
        body = await page.locator("main").inner_text()
        for n in range(3):
            assert f"Ansökan {n}" in body
        assert "Spets" in body  # the level, in Swedish
        # The last reassessment, summed up in Swedish as the assessment service words it.
        r = await platform.services["assessment"].get(
            f"/assessment/regions/{region}/reassessments",
            headers={**headers(region, "viewer"), "Accept-Language": "sv"},
        )
        summary = " ".join(p["text"] for p in r.json()["data"][0]["summary_parts"])
        assert "omprövades" in summary
        reassessments = await page.locator("ul.reassessments").inner_text()
        assert summary in reassessments and "klar" in reassessments
        await page.screenshot(path=str(WEB_ARTIFACTS / "desk-sv.png"), full_page=True)
        assert await serious_violations(page) == []

        # The latest report is linked (the reporting service may have made a newer one since) and opens.
        link = page.locator(f"a[href^='/regions/{region}/reports/']")
        href = str(await link.get_attribute("href"))
        number = int(href.rsplit("/", 1)[1])
        assert await link.inner_text() == f"Öppna rapport {number}"
        r = await platform.services["reporting"].get(
            f"/reporting/regions/{region}/reports/latest", headers=headers(region, "viewer")
        )
        assert r.status_code == 200 and 1 <= number <= r.json()["number"]
        report = await page.request.get(f"{platform.web}{href}")
        assert report.status == 200 and "<html" in (await report.text()).lower()

        # The session was made anew at sign-in: a new cookie, a new CSRF token.
        after = await _session_cookie(context)
        assert after is not None and after != before
        assert len(after) < 4000  # a browser keeps a cookie of up to 4 kB
        assert await _csrf(page) != csrf_before
        # The cookie from before the sign-in opens nothing.
        stale = await browser.new_context()
        try:
            await stale.add_cookies(
                [{"name": "kraftsamla_session", "value": before, "url": platform.web}] if before else []
            )
            r = await stale.request.get(desk, max_redirects=0)
            assert r.status == 303 and r.headers["location"].startswith("/signin")
        finally:
            await stale.close()

        # Another region's desk is not there for her.
        response = await page.goto(f"{platform.web}/regions/{other_region}")
        assert response is not None and response.status == 404
        assert await page.locator("h1").inner_text() == "Sidan finns inte"
        assert await serious_violations(page) == []
        r = await page.request.get(f"{platform.web}/regions/{other_region}/reports/1")
        assert r.status == 404
        response = await page.goto(f"{platform.web}/regions/{region}/nothing-here")
        assert response is not None and response.status == 404

        # A form without the session's token (or with another) is refused.
        r = await page.request.post(f"{platform.web}/language", form={"language": "en", "next": "/"})
        assert r.status == 403
        r = await page.request.post(
            f"{platform.web}/signout", form={"csrf_token": csrf_before}, max_redirects=0
        )
        assert r.status == 403

        # Nothing sends her off-site.
        token = await _csrf(page.locator("body").page)
        r = await page.request.post(
            f"{platform.web}/language",
            form={"csrf_token": token, "language": "sv", "next": "https://evil.example/"},
            max_redirects=0,
        )
        assert r.status == 303 and r.headers["location"] == "/"
        for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
            r = await page.request.get(f"{platform.web}/signin", params={"next": target}, max_redirects=0)
            assert r.status == 303 and r.headers["location"] == f"/regions/{region}", target

        # The language switch: English, Finnish, Swedish, remembered from page to page.
        await page.goto(desk)
        for language, heading, waiting_words in (
            ("en", "Desk – Region Jämtland Härjedalen", "Waiting for review"),
            ("fi", "Työpöytä – Region Jämtland Härjedalen", "Odottaa tarkastusta"),
            ("sv", "Översikt – Region Jämtland Härjedalen", "Väntar på granskning"),
        ):
            await page.select_option("#language-choice", language)
            await page.click(".language-form button")
            await page.wait_for_load_state()
            assert page.url == desk
            assert await page.locator("html").get_attribute("lang") == language
            assert await page.locator("h1").inner_text() == heading
            assert waiting_words in await page.locator("#waiting-heading").inner_text()
            if language != "sv":
                await page.screenshot(path=str(WEB_ARTIFACTS / f"desk-{language}.png"), full_page=True)
            await page.reload()
            assert await page.locator("html").get_attribute("lang") == language

        # Sign-out ends the session here and at the provider, and comes back to say so.
        await page.click(".signout-form button")
        await page.wait_for_load_state()
        assert page.url.startswith(platform.provider.url)
        await page.click("button[type=submit]")
        await page.wait_for_url(f"{platform.web}/signed-out")
        assert await page.locator("h1").inner_text() == "Du är utloggad"
        await page.goto(desk)
        assert page.url.startswith(f"{platform.web}/signin")
    finally:
        await context.close()


async def test_a_sign_in_never_lands_off_site(platform: Platform, browser: Any, region: str) -> None:
    """``next`` from beyond the site is dropped at the start of the sign-in: the person lands at
    home, whatever the link they followed said."""
    chromium_or_skip()
    await platform.provider.person("bo", region, "viewer", "Bo Berg", locale="en")
    context = await browser.new_context()
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        await page.goto(f"{platform.web}/signin?next=https://evil.example/phish")
        assert await page.locator("form[action='/signin'] input[name=next]").get_attribute("value") == "/"
        await sign_in_at_provider(page, "bo")
        assert page.url == f"{platform.web}/regions/{region}"
        assert await page.locator("html").get_attribute("lang") == "en"
        assert "viewer" in await page.locator("header").inner_text()
        assert await page.locator("#queue-heading").count() == 0  # a queue is an assessor's
    finally:
        await context.close()


async def test_a_token_without_a_role_is_refused(platform: Platform, browser: Any, region: str) -> None:
    chromium_or_skip()
    await platform.provider.person("nobody", region, None, "No Body")
    context = await browser.new_context()
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        await page.goto(f"{platform.web}/signin")
        await page.click("form[action='/signin'] button")
        await page.wait_for_selector("input[name=sub]")
        await page.fill("input[name=sub]", "nobody")
        await page.click("form:has(input[name=sub]) button[type=submit]")
        await page.wait_for_load_state()
        assert page.url.startswith(f"{platform.web}/signin/callback")
        assert "no region or role" in await page.locator("[role=alert]").inner_text()
        r = await page.request.get(f"{platform.web}/regions/{region}", max_redirects=0)
        assert r.status == 303
    finally:
        await context.close()


async def test_the_operator_chooses_a_region(
    platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    await platform.provider.person("olle", "*", "operator", "Olle Operatör", locale="fi")
    context = await browser.new_context()
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        await page.goto(f"{platform.web}/signin")
        await sign_in_at_provider(page, "olle")
        assert page.url == f"{platform.web}/regions"
        assert await page.locator("h1").inner_text() == "Valitse alue"
        await page.click(f"a[href='/regions/{other_region}']")
        await page.wait_for_load_state()
        assert page.url == f"{platform.web}/regions/{other_region}"
        # No county configured for it: the region is named by its id.
        assert await page.locator("h1").inner_text() == f"Työpöytä – {other_region}"
        assert "Kaikki arvioidut hakemukset on tarkastettu." in await page.locator("main").inner_text()
        # A region the platform does not have: the services say 404, and so does the page.
        response = await page.goto(f"{platform.web}/regions/nowhere-region")
        assert response is not None and response.status == 404
    finally:
        await context.close()


async def test_readiness_names_what_does_not_answer(platform: Platform) -> None:
    """The provider and three services answer; plans (not started here) does not: the pages still
    serve (200, "degraded"), since every replica shares that service and none could do better."""
    import httpx

    async with httpx.AsyncClient() as http:
        r = await http.get(f"{platform.web}/readyz")
        assert (await http.get(f"{platform.web}/healthz")).status_code == 200
    assert r.status_code == 200 and r.json()["status"] == "degraded"
    assert r.json()["checks"] == {
        "identity": "ok",
        "plans": "failing",
        "actors": "ok",
        "assessment": "ok",
        "reporting": "ok",
    }
