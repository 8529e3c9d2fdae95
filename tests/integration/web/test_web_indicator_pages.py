"""Indicators in the staff web application, in a real Chromium signed in through a real OpenID
provider, the four services over real HTTP and NATS: a process leader records a sub-goal's value and
sees it in the table and the chart (a second value for the same year is a correction, and is said
to be), a value that is no number is refused at its field; a CSV of values with one bad row is
checked (the row shown by line and column, nothing written), then its valid rows are imported and
the chart changes; a viewer has no forms and a forged post is refused; another region's pages are
not there."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from helpers import (
    WEB_ARTIFACTS,
    chromium_or_skip,
    headers,
    local_only,
    post_by_hand,
    publish_action_plan,
    serious_violations,
    sign_in_at_provider,
)

Platform = Any  # tests/integration/web/conftest.py: the full_platform fixture

PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2030,
    "strength_areas": [
        {
            "code": "energi",
            "name": {"sv": "Hållbar energi", "en": "Sustainable energy", "fi": "Kestävä energia"},
        }
    ],
}
DRAFT = {
    "priorities": [
        {
            "id": "vatgas",
            "title": {"sv": "Vätgas", "en": "Hydrogen"},
            "level": "spets",
            "vocabulary": ["vätgas", "elektrolys"],
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
        }
    ],
    "sub_goals": [
        {
            "id": "el",
            "title": {"sv": "Mer förnybar el", "en": "More renewable power", "fi": "Lisää uusiutuvaa sähköä"},
            "indicator": {"name": "Förnybar elproduktion", "unit": "GWh"},
            "baseline": 100,
            "baseline_year": 2020,
            "target": 200,
            "target_year": 2030,
        },
        {
            "id": "foretag",
            "title": {"sv": "Fler företag i omställningen", "en": "More enterprises in the transition"},
            "indicator": {"name": "Stödda företag", "code": "RCO01"},
            "baseline": 10,
            "baseline_year": 2022,
            "target": 50,
            "target_year": 2027,
        },
    ],
    "next_review": (date.today() + timedelta(days=90)).isoformat(),
}
CSV_ONE_BAD_ROW = (
    "delmål;år;värde;källa\nel;2025;160,5;SCB\nel;2026;mycket;SCB\nforetag;2025;12;Tillväxtverket\n"
)


async def _prepare(platform: Platform, region: str) -> str:
    """The region named; a programme whose energy plan is published with two sub-goals (one citing
    the ERDF common indicator RCO01) and one value recorded through the API. The plan's id."""
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    plans = platform.services["plans"]
    r = await plans.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=headers(region))
    assert r.status_code == 201, r.text
    plan_id = str(r.json()["strength_areas"][0]["action_plan_id"])
    await publish_action_plan(plans, region, plan_id, DRAFT, "delmål")
    r = await plans.post(
        f"/plans/regions/{region}/action-plans/{plan_id}/measurements",
        json={"sub_goal_id": "el", "year": 2022, "value": 120},
        headers=headers(region),
    )
    assert r.status_code == 201, r.text
    return plan_id


async def _values(platform: Platform, region: str, plan_id: str) -> dict[tuple[str, int], float]:
    r = await platform.services["plans"].get(
        f"/plans/regions/{region}/action-plans/{plan_id}/measurements", headers=headers(region, "viewer")
    )
    return {(m["sub_goal_id"], m["year"]): m["value"] for m in r.json()["data"]}


async def _table(page: Any, goal: str) -> dict[str, str]:
    """A sub-goal's table of values: year → value as shown (the baseline's and target's rows too)."""
    rows = page.locator(f"section:has(h2:text-is('{goal}')) table.goal-values tbody tr")
    out = {}
    for row in await rows.all():
        out[(await row.locator("th").inner_text()).strip()] = (
            await row.locator("td").first.inner_text()
        ).strip()
    return out


async def _points(page: Any, goal: str) -> int:
    """The values drawn on a sub-goal's chart."""
    return int(await page.locator(f"section:has(h2:text-is('{goal}')) figure svg circle").count())


def _words(text: str) -> str:
    """A text with its spaces made plain (Babel and the catalogues keep numbers together with no-break
    spaces)."""
    return " ".join(text.split())


async def _csrf(page: Any) -> str:
    return str(await page.locator("input[name=csrf_token]").first.get_attribute("value"))


@pytest.mark.timeout(300)
async def test_values_recorded_one_by_one_and_from_a_file_and_who_may_record_them(
    full_platform: Platform, browser: Any, region: str, other_region: str, tmp_path: Any
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    plan_id = await _prepare(platform, region)
    await platform.provider.person("anna", region, "assessor", "Anna Andersson", locale="sv")
    await platform.provider.person("vera", region, "viewer", "Vera Viklund", locale="sv")
    plan_url = f"{platform.web}/regions/{region}/indicators/{plan_id}"
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        # The overview: the action plan by its strength area's name, linked to its page.
        await page.goto(f"{platform.web}/regions/{region}/indicators")
        await sign_in_at_provider(page, "anna")
        assert await page.locator("h1").inner_text() == "Indikatorer – Region Jämtland Härjedalen"
        assert await page.locator("nav.site-nav a[aria-current]").inner_text() == "Indikatorer"
        await page.locator("h2 a:text-is('Hållbar energi')").click()
        await page.wait_for_load_state()
        assert page.url == plan_url

        # The plan's sub-goals: each indicator by name, the ERDF one with its code and official name.
        assert await page.locator("h1").inner_text() == "Indikatorer för Hållbar energi"
        assert await page.locator("section.goal h2").all_inner_texts() == [
            "Mer förnybar el",
            "Fler företag i omställningen",
        ]
        common = page.locator("section:has(h2:text-is('Fler företag i omställningen')) dd:has(.code)")
        assert "RCO01" in await common.inner_text()
        official = common.locator("span[lang=en]")
        assert (await official.inner_text()).startswith("Enterprises supported")
        assert await _table(page, "Mer förnybar el") == {"2020": "100", "2022": "120", "2030": "200"}
        assert await _points(page, "Mer förnybar el") == 1
        chart = page.locator("section:has(h2:text-is('Mer förnybar el')) figure svg")
        assert "Utgångsvärde" in await chart.inner_html() and "Målvärde" in await chart.inner_html()
        assert await serious_violations(page) == []
        await page.screenshot(path=str(WEB_ARTIFACTS / "indicators-plan-sv.png"), full_page=True)

        # One value, in the page's format (a decimal comma): in the table and on the chart.
        await page.select_option("#record-sub_goal_id", "el")
        await page.fill("#record-year", "2024")
        await page.fill("#record-value", "150,5")
        await page.fill("#record-source", "Energimyndigheten")
        await page.click("#record-form button[type=submit]")
        await page.wait_for_load_state()
        assert page.url == plan_url
        assert await page.locator("#flash").inner_text() == "Värdet 150,5 för 2024 är sparat."
        assert (await _table(page, "Mer förnybar el"))["2024"] == "150,5"
        assert await _points(page, "Mer förnybar el") == 2
        assert (await _values(platform, region, plan_id))[("el", 2024)] == 150.5

        # The same year again: a correction, said to be one.
        await page.select_option("#record-sub_goal_id", "el")
        await page.fill("#record-year", "2024")
        await page.fill("#record-value", "1 155")
        await page.click("#record-form button[type=submit]")
        await page.wait_for_load_state()
        flash = await page.locator("#flash").inner_text()
        assert "Det fanns redan ett värde för 2024" in flash and "1\u00a0155" in flash, flash
        assert (await _table(page, "Mer förnybar el"))["2024"] == "1\u00a0155"
        assert await _points(page, "Mer förnybar el") == 2

        # A value that is no number: refused at its field, nothing sent.
        await page.fill("#record-year", "2023")
        await page.fill("#record-value", "ungefär hundra")
        async with page.expect_navigation() as sent:
            await page.click("#record-form button[type=submit]")
        assert (await sent.value).status == 422  # type: ignore[union-attr]
        value = page.locator("#record-value")
        assert await value.get_attribute("aria-invalid") == "true"
        assert "record-value-error" in str(await value.get_attribute("aria-describedby"))
        assert (
            await page.locator("#record-value-error").inner_text()
            == "Ange värdet som ett tal, till exempel 1250,5."
        )
        assert await value.input_value() == "ungefär hundra"
        assert ("el", 2023) not in await _values(platform, region, plan_id)
        assert await serious_violations(page) == []

        # A CSV with one bad row: checked, the row by line and column, nothing written.
        before = await _values(platform, region, plan_id)
        csv = tmp_path / "värden.csv"
        csv.write_text(CSV_ONE_BAD_ROW, encoding="utf-8")
        await page.goto(plan_url)
        await page.set_input_files("#import-file", str(csv))
        await page.click("#import-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("h1").inner_text() == "Kontroll av värden.csv"
        summary = await page.locator("#check-summary").inner_text()
        assert "Rader i filen: 3" in summary and "Rader som inte går att läsa in: 1" in summary, summary
        errors = page.locator("#check-errors tbody tr")
        assert await errors.count() == 1
        assert [_words(c) for c in await errors.first.locator("th, td").all_inner_texts()] == [
            "3",
            "Värde",
            "Inte ett tal (eller utanför ±1 000 000 000 000).",
        ]
        assert await page.locator("#check-rows tbody tr").count() == 2
        assert await _values(platform, region, plan_id) == before
        assert await serious_violations(page) == []
        await page.screenshot(path=str(WEB_ARTIFACTS / "indicators-import-check-sv.png"), full_page=True)

        # The valid rows imported: the tables and the chart change.
        await page.click("#confirm-import button[value=valid_rows]")
        await page.wait_for_load_state()
        assert page.url == plan_url
        flash = await page.locator("#flash").inner_text()
        assert flash == "Inläst. Nya värden: 2; rättade värden: 0; överhoppade rader: 1.", flash
        assert (await _table(page, "Mer förnybar el"))["2025"] == "160,5"
        assert await _points(page, "Mer förnybar el") == 3
        assert (await _table(page, "Fler företag i omställningen"))["2025"] == "12"
        after = await _values(platform, region, plan_id)
        assert after[("el", 2025)] == 160.5 and after[("foretag", 2025)] == 12 and ("el", 2026) not in after
        await page.screenshot(path=str(WEB_ARTIFACTS / "indicators-plan-imported-sv.png"), full_page=True)

        # A sealed file changed on its way back is not imported: the person is asked for it again.
        await page.goto(plan_url)
        await page.set_input_files("#import-file", str(csv))
        await page.click("#import-form button[type=submit]")
        await page.wait_for_load_state()
        fields = {
            name: str(await page.locator(f"#confirm-import input[name={name}]").get_attribute("value"))
            for name in ("csrf_token", "file", "media_type", "filename", "issued", "seal")
        }
        fields["file"] = "ZWw7MjAzMDs5OTk5OTkK"  # el;2030;999999
        status = await post_by_hand(page, f"{plan_url}/import/confirm", {**fields, "mode": "valid_rows"})
        assert status == 422
        assert "Välj filen igen" in await page.locator("#import-file-error").inner_text()
        assert ("el", 2030) not in await _values(platform, region, plan_id)

        # The overview, after all that.
        await page.goto(f"{platform.web}/regions/{region}/indicators")
        assert await serious_violations(page) == []
        await page.screenshot(path=str(WEB_ARTIFACTS / "indicators-sv.png"), full_page=True)
    finally:
        await context.close()

    # A viewer: the figures, no forms; a forged post is refused by the plans service.
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.route("**/*", local_only)
    try:
        await page.goto(plan_url)
        await sign_in_at_provider(page, "vera")
        assert page.url == plan_url
        assert await page.locator("section.goal").count() == 2
        assert await page.locator("#record-form").count() == 0
        assert await page.locator("#import-form").count() == 0
        before = await _values(platform, region, plan_id)
        status = await post_by_hand(
            page,
            f"{plan_url}/values",
            {"csrf_token": await _csrf(page), "sub_goal_id": "el", "year": "2027", "value": "1"},
        )
        assert status == 403
        assert await page.locator("h1").inner_text() == "Det får du inte göra"
        assert await _values(platform, region, plan_id) == before

        # Another region's indicators are not there for her; nor a plan that is not the region's.
        for path in (
            f"/regions/{other_region}/indicators",
            f"/regions/{other_region}/indicators/{plan_id}",
            f"/regions/{region}/indicators/00000000-0000-4000-8000-000000000000",
            f"/regions/{region}/indicators/not-a-plan",
        ):
            r = await page.request.get(f"{platform.web}{path}")
            assert r.status == 404, path
        r = await page.request.post(
            f"{platform.web}/regions/{other_region}/indicators/{plan_id}/values",
            form={"csrf_token": await _csrf(page), "sub_goal_id": "el", "year": "2027", "value": "1"},
        )
        assert r.status == 404
        assert re.search(r"Sidan finns inte", await r.text())
    finally:
        await context.close()
