"""Reports in the staff web application, in a real Chromium signed in through a real OpenID provider,
the four services over real HTTP and NATS: the latest report inside the application, its versions
and why each was made, two versions compared and read in Swedish and in Finnish (words and figures,
no internal keys, no English), the PDF and a workbook downloaded through the application with the
person's session, a period's follow-up, the opt-in to the cross-region view by an administrator and
the partner region it suggests by name; a viewer cannot change the sharing (no control, a forged
post refused); another region's reports are not there."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from helpers import (
    WEB_ARTIFACTS,
    chromium_or_skip,
    english_texts,
    eventually,
    headers,
    local_only,
    post_by_hand,
    publish_action_plan,
    serious_violations,
    sign_in_at_provider,
    visible,
)
from kraftsamla_common import nace
from kraftsamla_common.i18n import Language, read_catalogue

Platform = Any  # tests/integration/web/conftest.py: the full_platform fixture

ENERGY = {"sv": "Hållbar energi", "en": "Sustainable energy", "fi": "Kestävä energia"}
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def _programme(code: str) -> dict[str, Any]:
    return {
        "title": "Program för smart specialisering",
        "period_start": 2021,
        "period_end": 2030,
        "strength_areas": [{"code": code, "name": ENERGY, "nace_codes": ["D35", "C27"], "sdgs": [7, 9]}],
    }


def _draft(level: str) -> dict[str, Any]:
    return {
        "priorities": [
            {
                "id": "vatgas",
                "title": {"sv": "Vätgas", "en": "Hydrogen", "fi": "Vety"},
                "level": level,
                "vocabulary": ["vätgas", "elektrolys"],
                "valid_from": "2026-01-01",
                "valid_until": "2030-12-31",
            }
        ],
        "next_review": (date.today() + timedelta(days=90)).isoformat(),
    }


async def _reports(platform: Platform, region: str) -> dict[str, Any]:
    r = await platform.services["reporting"].get(
        f"/reporting/regions/{region}/reports", headers=headers(region, "viewer")
    )
    return dict(r.json()) if r.status_code == 200 else {"data": [], "count": 0}


async def _prepare(platform: Platform, region: str, other_region: str) -> int:
    """The region (Jämtland Härjedalen) with its energy plan published twice, so that its report has
    versions that name plan version 1 and then 2; another region (Lapland) with an energy strength
    area too, opted in to the cross-region view. The latest version's number."""
    actors, plans = platform.services["actors"], platform.services["plans"]
    for r_, country, county in ((region, "SE", "23"), (other_region, "FI", "19")):
        r = await actors.put(
            f"/actors/regions/{r_}/settings", json={"country": country, "county": county}, headers=headers(r_)
        )
        assert r.status_code == 200, r.text
    r = await plans.post(
        f"/plans/regions/{other_region}/programmes", json=_programme("energia"), headers=headers(other_region)
    )
    assert r.status_code == 201, r.text
    r = await platform.services["reporting"].put(
        f"/reporting/regions/{other_region}/sharing", json={"opted_in": True}, headers=headers(other_region)
    )
    assert r.status_code == 200, r.text
    r = await plans.post(
        f"/plans/regions/{region}/programmes", json=_programme("energi"), headers=headers(region)
    )
    assert r.status_code == 201, r.text
    plan_id = str(r.json()["strength_areas"][0]["action_plan_id"])
    await publish_action_plan(plans, region, plan_id, _draft("spets"), "first")

    async def names_version(n: int) -> Any:
        found = await _reports(platform, region)
        newest = found["data"][0] if found["data"] else None
        refs = newest["built_from"]["plan_versions"] if newest else []
        return newest["number"] if refs and refs[0]["version"] == n else None

    await eventually(lambda: names_version(1), timeout=60)
    await publish_action_plan(plans, region, plan_id, _draft("bredd"), "second")
    return int(await eventually(lambda: names_version(2), timeout=60))


def _plain(text: str) -> str:
    return " ".join(text.split())


def _readable(text: str, language: Language) -> None:
    """Words and figures in ``language``: no key-looking strings, none of the report's or the
    application's English texts."""
    assert not SNAKE.search(text), SNAKE.search(text)
    packages = ("kraftsamla_reporting", "kraftsamla_web")
    english = set().union(*(english_texts(p, language) for p in packages))
    # a word the language shares with English ("Status", "Region") is the language's own
    english -= {m.string for p in packages for m in read_catalogue(p, language) if isinstance(m.string, str)}
    found = [e for e in english if re.search(rf"(?<!\w){re.escape(e)}(?!\w)", text)]
    assert not found, (language, found)


async def _checked(page: Any, frame_id: str | None = None) -> None:
    """axe on the page, and on the report's own page in its frame first (axe then reads both)."""
    if frame_id:
        handle = await page.query_selector(f"#{frame_id}")
        frame = await handle.content_frame()
        await frame.wait_for_load_state()
        assert await serious_violations(frame) == []
    assert await serious_violations(page) == []


async def _choose_language(page: Any, language: str) -> None:
    await page.select_option("#language-choice", language)
    await page.click(".language-form button")
    await page.wait_for_load_state()


@pytest.mark.timeout(400)
async def test_the_report_its_versions_compared_its_files_a_period_and_the_cooperation_view(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    latest = await _prepare(platform, region, other_region)
    await platform.provider.person("astrid", region, "admin", "Astrid Admin", locale="sv")
    await platform.provider.person("vera", region, "viewer", "Vera Viklund", locale="sv")
    base = f"{platform.web}/regions/{region}/reports"
    # The reporting service's pages come with a policy that runs no script: axe is let in regardless.
    context = await browser.new_context(locale="sv-SE", accept_downloads=True, bypass_csp=True)
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        # The latest report inside the application, as the reporting service renders it.
        await page.goto(base)
        await sign_in_at_provider(page, "astrid")
        assert page.url == base
        assert await page.locator("h1").inner_text() == "Uppföljningsrapport – Region Jämtland Härjedalen"
        assert await page.locator("nav.site-nav a[aria-current]").inner_text() == "Rapporter"
        assert await page.locator(".page-nav a[aria-current=page]").inner_text() == "Senaste rapporten"
        shown = int(re.findall(r"\d+", await page.locator("#version-line").inner_text())[0])
        assert shown >= latest
        frame = page.frame_locator("#report-frame")
        assert await frame.locator("h1").inner_text() == "Uppföljningsrapport smart specialisering"
        assert await frame.locator("#report-number").inner_text() == str(shown)
        await _checked(page, "report-frame")
        await page.screenshot(path=str(WEB_ARTIFACTS / "reports-sv.png"), full_page=True)

        # Its files through the application, with the person's session: the PDF and a workbook.
        r = await page.request.get(f"{base}/{shown}/pdf")
        assert r.status == 200 and r.headers["content-type"] == "application/pdf"
        assert (await r.body()).startswith(b"%PDF")
        assert r.headers["content-disposition"].startswith("attachment; filename=")
        r = await page.request.get(f"{base}/{shown}/tables.xlsx")
        assert r.status == 200
        assert (
            r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert (await r.body()).startswith(b"PK")
        assert ".xlsx" in r.headers["content-disposition"]
        r = await page.request.get(f"{base}/{shown}/portfolio.csv")
        assert r.status == 200 and r.headers["content-type"].startswith("text/csv")
        async with page.expect_download() as download:
            await page.click("#download-workbook")
        saved = await download.value
        assert saved.suggested_filename.endswith(".xlsx"), saved.suggested_filename
        assert (await page.request.get(f"{base}/{shown}/nothing.csv")).status == 404
        # The reporting service's own links in its page lead here too (its language, its versions).
        doc = await page.request.get(f"{base}/{shown}/html?lang=fi")
        assert doc.status == 200 and '<html lang="fi">' in await doc.text()
        assert "frame-ancestors 'self'" in doc.headers["content-security-policy"]

        # The versions: when, which plan versions each names, why it was made.
        await page.click(".page-nav a:text-is('Versioner och jämförelser')")
        await page.wait_for_load_state()
        assert page.url == f"{base}/versions"
        rows = page.locator("#versions tbody tr")
        assert await rows.count() >= 2
        newest = await rows.first.inner_text()
        assert "Hållbar energi version 2" in newest
        reasons = " ".join(await page.locator("#versions tbody td ul").all_inner_texts())
        assert "Hållbar energi: handlingsplanens version 2 publicerades" in reasons
        # Version 1 is a version's reason of its own, unless it came while the first report was
        # being gathered (the first report then names it already).
        first = await rows.last.inner_text()
        assert "Hållbar energi: handlingsplanens version 1 publicerades" in reasons or (
            "Hållbar energi version 1" in first
        ), (reasons, first)
        assert await rows.last.locator("td ul").inner_text() == "Regionens första rapport"
        await _checked(page)
        await page.screenshot(path=str(WEB_ARTIFACTS / "report-versions-sv.png"), full_page=True)

        # One version inside the application: the first, with its own files.
        await rows.last.locator("th a").click()
        await page.wait_for_load_state()
        assert page.url == f"{base}/1"
        assert await page.locator("h1").inner_text() == "Uppföljningsrapport, version 1"
        assert await page.frame_locator("#report-frame").locator("#report-number").inner_text() == "1"
        assert (
            await page.locator("#download-pdf").get_attribute("href")
            == f"/regions/{region}/reports/1/pdf?lang=sv"
        )
        await _checked(page, "report-frame")
        await page.goto(f"{base}/versions")

        # Two versions compared: the first against the latest, read in Swedish...
        await page.fill("#compare-before", "1")
        await page.fill("#compare-after", str(shown))
        await page.click(".compare-form button[type=submit]")
        await page.wait_for_load_state()
        assert page.url == f"{base}/compare?before=1&after={shown}"
        assert await page.locator("h1").inner_text() == f"Version 1 jämförd med {shown}"
        assert re.fullmatch(
            r"\d+ skillnad(er)?, \d+ uppgift(er)? oförändrade?\.",
            await page.locator("#compare-summary").inner_text(),
        )
        cells = page.locator("#plan-changes tbody tr").first.locator("th, td")
        plan_change = [_plain(c) for c in await cells.all_inner_texts()]
        assert plan_change[0] == "Hållbar energi" and plan_change[2] == "v2", plan_change
        text = visible(await page.locator("#comparison").inner_html())
        assert "Program och styrkeområden" in text
        _readable(text, "sv")
        await _checked(page)
        await page.screenshot(path=str(WEB_ARTIFACTS / "report-compare-sv.png"), full_page=True)
        document = await page.request.get(f"{base}/compare/html?before=1&after={shown}&lang=sv")
        assert document.status == 200
        _readable(visible(await document.text()), "sv")

        # ... and in Finnish.
        await _choose_language(page, "fi")
        assert page.url == f"{base}/compare?before=1&after={shown}"
        assert await page.locator("h1").inner_text() == f"Versio 1 verrattuna versioon {shown}"
        text = visible(await page.locator("#comparison").inner_html())
        assert "Kestävä energia" in text
        _readable(text, "fi")
        await _checked(page)
        await page.screenshot(path=str(WEB_ARTIFACTS / "report-compare-fi.png"), full_page=True)
        document = await page.request.get(f"{base}/compare/html?before=1&after={shown}&lang=fi")
        # (the region is called by its own name, Region Jämtland Härjedalen, in Finnish too)
        _readable(visible(await document.text()).replace("Region Jämtland Härjedalen", ""), "fi")
        # A version that is not there is said to be so.
        r = await page.goto(f"{base}/compare?before=1&after=99999")
        assert r is not None and r.status == 404
        assert await page.locator("#compare-error").is_visible()
        await _choose_language(page, "sv")

        # Any period's follow-up: the period chosen in a form, its figures, its files, its page.
        await page.goto(f"{base}/follow-up")
        start = (date.today() - timedelta(days=30)).isoformat()
        end = date.today().isoformat()
        await page.fill("#period-start", start)
        await page.fill("#period-end", end)
        await page.click(".period-form button[type=submit]")
        await page.wait_for_load_state()
        assert page.url == f"{base}/follow-up?start={start}&end={end}"
        figures = await page.locator("#period-figures").inner_text()
        assert "Ansökningar" in figures and "Beviljat belopp" in figures
        frame = page.frame_locator("#follow-up-frame")
        assert await frame.locator("h1").inner_text() == "Uppföljning för en vald period"
        r = await page.request.get(f"{platform.web}/regions/{region}/follow-up/pdf?start={start}&end={end}")
        assert r.status == 200 and (await r.body()).startswith(b"%PDF")
        await _checked(page, "follow-up-frame")
        await page.screenshot(path=str(WEB_ARTIFACTS / "report-follow-up-sv.png"), full_page=True)
        r = await page.goto(f"{base}/follow-up?start={end}&end={start}")
        assert r is not None and r.status == 422
        assert await page.locator("#period-start").get_attribute("aria-invalid") == "true"

        # The cross-region view: the administrator opts in, and sees the partner region by name.
        await page.goto(f"{base}/cooperation")
        assert "delar inte" in await page.locator("#sharing-state").inner_text()
        await page.click("#sharing-form button")
        await page.wait_for_load_state()
        assert page.url == f"{base}/cooperation"
        assert "delar nu" in await page.locator("#flash").inner_text()
        partner = page.locator("#partner-regions tbody tr")
        assert await partner.count() == 1
        cells = await partner.first.locator("th, td").all_inner_texts()
        assert cells[0] == "Lapplands förbund" and other_region not in " ".join(cells)
        assert cells[2] == "; ".join(nace.by_code()[c].name("sv") for c in ("C27", "D35")), cells
        await _checked(page)
        await page.screenshot(path=str(WEB_ARTIFACTS / "report-cooperation-sv.png"), full_page=True)
    finally:
        await context.close()

    # A viewer: the view, but no control of the sharing; a forged post is refused by the service.
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        await page.goto(f"{base}/cooperation")
        await sign_in_at_provider(page, "vera")
        assert await page.locator("#sharing-form").count() == 0
        assert await page.locator("#sharing-admins-only").is_visible()
        assert await page.locator("#partner-regions th").first.is_visible()
        await _checked(page)
        token = str(await page.locator("input[name=csrf_token]").first.get_attribute("value"))
        status = await post_by_hand(page, f"{base}/sharing", {"csrf_token": token, "opted_in": "false"})
        assert status == 403
        assert await page.locator("h1").inner_text() == "Det får du inte göra"
        r = await platform.services["reporting"].get(
            f"/reporting/regions/{region}/sharing", headers=headers(region, "viewer")
        )
        assert r.json()["opted_in"] is True

        # Another region's reports, files and comparisons are not there for her.
        for path in (
            f"/regions/{other_region}/reports",
            f"/regions/{other_region}/reports/versions",
            f"/regions/{other_region}/reports/1",
            f"/regions/{other_region}/reports/1/html",
            f"/regions/{other_region}/reports/1/pdf",
            f"/regions/{other_region}/reports/1/tables.xlsx",
            f"/regions/{other_region}/reports/compare?before=1&after=2",
            f"/regions/{other_region}/reports/follow-up",
            f"/regions/{other_region}/reports/cooperation",
            f"/regions/{other_region}/follow-up/html?start=2026-01-01&end=2026-02-01",
        ):
            r = await page.request.get(f"{platform.web}{path}")
            assert r.status == 404, path
    finally:
        await context.close()
