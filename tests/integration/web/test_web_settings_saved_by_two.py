"""Two administrators change the region's settings at once, each in a Chromium context of their own
signed in through a real OpenID provider, the actors service over real HTTP: the first saves; the
second, whose form was made before, is refused (412) and shown what the first saved, by name, with
the form holding their own change on top of it; nothing of the first's is overwritten until the
second saves again, knowing."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import WEB_ARTIFACTS, chromium_or_skip, headers, serious_violations, signed_in

Platform = Any  # tests/integration/web/conftest.py: the platform fixture


async def _submit(page: Any) -> Any:
    async with page.expect_navigation() as navigation:
        await page.click("#settings-form button[type=submit]")
    response = await navigation.value
    assert response is not None
    return response


@pytest.mark.timeout(240)
async def test_the_second_of_two_administrators_is_shown_the_first_ones_settings_not_overwriting_them(
    platform: Platform, browser: Any, region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    actors = platform.services["actors"]
    url = f"/actors/regions/{region}/settings"
    r = await actors.put(url, json={"country": "SE", "county": "23"}, headers=headers(region))
    assert r.status_code == 200, r.text

    async def saved() -> dict[str, Any]:
        return dict((await actors.get(url, headers=headers(region))).json())

    await platform.provider.person("anna", region, "admin", "Anna Admin", locale="sv")
    await platform.provider.person("bo", region, "admin", "Bo Admin", locale="sv")
    settings = f"/regions/{region}/admin/settings"
    first, anna = await signed_in(browser, platform.web, "anna", settings)
    second, bo = await signed_in(browser, platform.web, "bo", settings)
    try:
        # Both have the form; the first saves a threshold of 40 %.
        assert await bo.locator("#settings-threshold").input_value() == "50"
        await anna.fill("#settings-threshold", "40")
        assert (await _submit(anna)).status == 200
        assert await anna.locator("#flash").inner_text() == "Inställningarna är sparade."
        assert (await saved())["dominance_threshold"] == 0.4

        # The second, from the form made before, chooses another county: refused, nothing saved.
        await bo.select_option("#settings-county", "SE-24")
        response = await _submit(bo)
        assert response.status == 412
        assert (await saved())["county"] == "23" and (await saved())["dominance_threshold"] == 0.4
        alert = bo.locator("#settings-form-error")
        assert (await alert.inner_text()).startswith(
            "Någon annan sparade regionens inställningar medan du ändrade dem. Inget av dina ändringar är sparat än."
        )
        assert await alert.get_attribute("role") == "alert"
        assert await bo.locator("#settings-changed li").all_inner_texts() == [
            "Gränsvärde för helixtyp är nu: 40 %"
        ]
        assert "40 %" in await bo.locator("#current-settings").inner_text()
        # The form holds both: the first's threshold, the second's own county.
        assert await bo.locator("#settings-threshold").input_value() == "40"
        assert await bo.locator("#settings-county").input_value() == "SE-24"
        await bo.screenshot(path=str(WEB_ARTIFACTS / "admin-settings-conflict-sv.png"), full_page=True)
        assert await serious_violations(bo) == []

        # Saved again, knowing: now at the settings as they are, so both changes stand.
        response = await _submit(bo)
        assert response.status == 200
        assert await bo.locator("#flash").inner_text() == "Inställningarna är sparade."
        now = await saved()
        assert (now["county"], now["dominance_threshold"]) == ("24", 0.4)
        assert "Region Västerbotten" in await bo.locator("#current-settings").inner_text()

        # The first, still on the page of their save, is refused in turn: Bo's county is named.
        await anna.fill("#settings-threshold", "30")
        assert (await _submit(anna)).status == 412
        assert await anna.locator("#settings-changed li").all_inner_texts() == [
            "Län (efter regionen) är nu: Region Västerbotten"
        ]
        assert (await saved())["dominance_threshold"] == 0.4
    finally:
        await first.close()
        await second.close()
