"""Administration in the staff web application, in a real Chromium signed in through a real OpenID
provider, over the four services: an administrator issues a funding system's key (shown once, on a
page nobody keeps), the key works over HTTP as curl would send it, is revoked after a confirmation
and is then refused; a webhook to a listener of the test is registered, pinged (failing once, sent
again from its log, then delivered) and deleted; the audit log names who issued and revoked the key;
a rubric version is published (refused at its fields first, and when someone published meanwhile);
the region's settings are changed. A viewer and an assessor see no administration and get 404 for
its pages, and the refusal page for a forged form; another region's administrator gets 404."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import subprocess
from importlib.resources import files
from typing import Any

import httpx
import pytest

from helpers import (
    WEB_ARTIFACTS,
    WebhookEndpoint,
    application,
    chromium_or_skip,
    eventually,
    headers,
    post_by_hand,
    serious_violations,
    signed_in,
)

Platform = Any  # tests/integration/web/conftest.py: the platform fixture


async def _look(page: Any, name: str) -> None:
    """A screenshot to look at, and no serious accessibility violation."""
    await page.screenshot(path=str(WEB_ARTIFACTS / f"{name}.png"), full_page=True)
    assert await serious_violations(page) == [], name


async def _submit(page: Any, selector: str) -> Any:
    """Click a form's button and wait for the page it answers; that answer (status, headers)."""
    async with page.expect_navigation() as navigation:
        await page.click(selector)
    response = await navigation.value
    assert response is not None
    return response


def _session(cookies: list[dict[str, Any]]) -> str:
    """What the session cookie holds (Starlette's signed cookie: base64 JSON, then the signature)."""
    value = next(c["value"] for c in cookies if c["name"] == "kraftsamla_session")
    data = value.split(".")[0]
    return base64.b64decode(data + "=" * (-len(data) % 4)).decode()


def _english_texts() -> list[str]:
    """The section's English texts that read otherwise in Finnish (long enough to be told apart)."""
    from kraftsamla_common.i18n import Messages

    en, fi = Messages("en", ("kraftsamla_web",)), Messages("fi", ("kraftsamla_web",))
    catalogue = files("kraftsamla_web").joinpath("locale/en/LC_MESSAGES/messages.po")
    keys = re.findall(r'^msgid "((?:admin|audit)_[a-z0-9_]+)"$', catalogue.read_text(), re.M)
    return [en(k) for k in keys if "{" not in en(k) and len(en(k)) > 12 and en(k) != fi(k)]


@pytest.mark.timeout(300)
async def _curl_post(url: str, body: dict[str, Any], key: str) -> None:
    """``body`` posted to ``url`` with the key, by the curl command where there is one (else httpx)."""
    curl = shutil.which("curl")
    if curl is None:
        async with httpx.AsyncClient(timeout=10) as http:
            r = await http.post(url, json=body, headers={"X-API-Key": key})
            assert r.status_code == 201, r.text
        return
    command = [curl, "-sS", "-o", "-", "-w", "\\n%{http_code}", "-H", f"X-API-Key: {key}"]
    command += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(body), url]
    done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=30)
    answer, _, status = done.stdout.rpartition("\n")
    assert status == "201", (done.stdout, done.stderr)
    assert json.loads(answer)["external_id"] == body["external_id"]


async def test_an_administrator_issues_and_revokes_a_key_pings_a_webhook_and_reads_the_audit_log(
    full_platform: Platform, browser: Any, region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    r = await platform.services["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=headers(region)
    )
    assert r.status_code == 200, r.text
    await platform.provider.person("anna", region, "admin", "Anna Admin", locale="sv")
    admin = f"/regions/{region}/admin"
    api = f"{platform.urls['assessment']}/assessment/regions/{region}"
    context, page = await signed_in(browser, platform.web, "anna", admin)
    try:
        # The overview: a line on each page of the section.
        assert page.url == f"{platform.web}{admin}"
        assert await page.locator("h1").inner_text() == "Administration av Region Jämtland Härjedalen"
        nav = page.locator("nav.site-nav a[aria-current]")
        assert await nav.inner_text() == "Administration"
        assert (
            "4 aktiva nycklar, 1 av dem för finansieringssystem."
            in await page.locator("#status-keys-line").inner_text()
        )
        assert await page.locator("#status-rubric-line").inner_text() == (
            "Plattformens standardmall gäller: regionen har inte publicerat någon egen."
        )
        assert await page.locator("#status-settings-line").inner_text() == (
            "Region Jämtland Härjedalen: 8 kommuner; gränsvärde för helixtyp 50 %."
        )
        await _look(page, "admin-sv")

        # Keys: a funding system's key without its funding system is refused at that field.
        await page.click("nav.section-nav a:text('API-nycklar')")
        await page.wait_for_load_state()
        assert page.url.endswith(f"{admin}/keys")
        assert await page.locator("#keys tbody tr").count() == 4  # the key file's four
        await page.fill("#key-name", "nyps-test")
        await page.select_option("#key-role", "integrator")
        response = await _submit(page, "#issue-key button[type=submit]")
        assert response.status == 422
        assert await page.locator("#key-source").get_attribute("aria-invalid") == "true"
        assert await page.locator("#key-source-error").inner_text() == (
            "Ett finansieringssystems nyckel anger sitt finansieringssystem: fyll i det här."
        )
        assert await page.locator("#key-name").input_value() == "nyps-test"
        await _look(page, "admin-keys-error-sv")
        await page.fill("#key-source", "nyps")
        response = await _submit(page, "#issue-key button[type=submit]")
        # The key, this once: in the answer to the POST, which no cache keeps, nowhere else.
        assert response.status == 200
        assert response.headers["cache-control"] == "no-store"
        key = await page.locator("#secret").input_value()
        assert len(key) >= 32 and await page.locator("#secret").get_attribute("readonly") is not None
        assert await page.locator("#secret-code").inner_text() == key
        assert "den visas inte igen" in await page.locator("#secret-once").inner_text()
        assert key not in page.url and key not in _session(await context.cookies())
        await _look(page, "admin-key-issued-sv")

        # The key works for its own funding system: with curl as an integrator would use it (where
        # curl is installed), and over HTTP.
        await _curl_post(f"{api}/applications", application(1), key)
        async with httpx.AsyncClient(timeout=10) as http:
            r = await http.get(f"{api}/applications", headers={"X-API-Key": key})
            assert r.status_code == 200 and r.json()["count"] == 1

            # Listed, never shown again: its last four characters and who issued it.
            await page.click("text=Jag har kopierat den: tillbaka till nycklarna")
            await page.wait_for_load_state()
            row = page.locator("#key-nyps-test")
            cells = await row.locator("td").all_inner_texts()
            assert cells[0] == "finansieringssystem" and cells[1] == "nyps" and cells[2] == "aktiv"
            assert "Anna Admin (du)" in cells[3]
            assert await row.locator("th").inner_text() == f"nyps-test\nSlutar med …{key[-4:]}"
            assert key not in await page.content()
            await _look(page, "admin-keys-sv")

            # Revoked after a confirmation, then refused by the service within moments.
            await row.locator("a:text('Återkalla')").click()
            await page.wait_for_load_state()
            assert await page.locator("h1").inner_text() == "Återkalla nyckeln?"
            await _look(page, "admin-key-revoke-sv")
            await _submit(page, "#confirm-form button[type=submit]")
            assert page.url.endswith(f"{admin}/keys")
            assert "Nyckeln nyps-test är återkallad" in await page.locator("#flash").inner_text()
            cells = await page.locator("#key-nyps-test td").all_inner_texts()
            assert cells[2].startswith("återkallad") and "Anna Admin (du)" in cells[2]

            async def refused() -> bool:
                r = await http.get(f"{api}/applications", headers={"X-API-Key": key})
                return r.status_code == 401

            await eventually(refused, timeout=5)

        # Webhooks: a destination inside the network is refused at the address, with the reason.
        endpoint = WebhookEndpoint(failures=1)
        try:
            await page.click("nav.section-nav a:text('Webhooks')")
            await page.wait_for_load_state()
            await page.fill("#webhook-url", "http://10.1.2.3/hooks")
            await page.check("input[name=event_types][value='application.assessed']")
            response = await _submit(page, "#register-webhook button[type=submit]")
            assert response.status == 422
            assert await page.locator("#webhook-url").get_attribute("aria-invalid") == "true"
            said = await page.locator("#webhook-url-error").inner_text()
            assert said.startswith("Webhooks får inte skickas dit:") and "private" in said
            assert await page.locator("input[value='application.assessed']").is_checked()
            await _look(page, "admin-webhooks-error-sv")
            await page.fill("#webhook-url", endpoint.url)
            await page.fill("#webhook-description", "NYPS test")
            response = await _submit(page, "#register-webhook button[type=submit]")
            assert response.status == 200 and response.headers["cache-control"] == "no-store"
            secret = await page.locator("#secret").input_value()
            assert secret and secret not in _session(await context.cookies())
            await page.click("text=Jag har kopierat den: till webhooken")
            await page.wait_for_load_state()
            assert await page.locator("h1").inner_text() == "NYPS test"
            assert await page.locator("#hook-url").inner_text() == endpoint.url

            # The test ping: the listener answers 503 the first time, the log keeps it as failed…
            await _submit(page, "#ping-form button")
            assert await page.locator("#flash").inner_text() == (
                "Testanropet misslyckades: adressen svarade 503."
            )
            first = await page.locator("#deliveries tbody tr").all_inner_texts()
            assert len(first) == 1 and "Testanrop" in first[0] and "misslyckad" in first[0]
            assert "svarade 503" in first[0]
            # … it is sent again from the log, and delivered.
            await _submit(page, "#deliveries button:text('Skicka igen')")
            assert "Leveransen skickas igen nu" in await page.locator("#flash").inner_text()

            async def delivered() -> bool:
                await page.reload()
                row = await page.locator("#deliveries tbody tr").first.inner_text()
                return "levererad" in row and "svarade 204" in row

            await eventually(delivered, timeout=20, interval=0.5)
            await _submit(page, "#ping-form button")
            flash = await page.locator("#flash").inner_text()
            assert flash.startswith("Testanropet levererades: adressen svarade 204 på ")
            assert await page.locator("#deliveries tbody tr").count() == 2
            assert len(endpoint.requests) == 3
            assert all(json.loads(body)["type"] == "webhook.ping" for _, body, _ in endpoint.requests)
            await _look(page, "admin-webhook-sv")
            await page.click("text=Ta bort webhooken …")
            await page.wait_for_load_state()
            await _look(page, "admin-webhook-delete-sv")
            await _submit(page, "#confirm-form button[type=submit]")
            assert "Webhooken är borttagen" in await page.locator("#flash").inner_text()
            assert await page.locator("#webhooks").count() == 0
        finally:
            endpoint.stop()

        # The audit log: the key's issue and revocation, by whom, filtered to the assessment service.
        await page.goto(f"{platform.web}{admin}/audit?service=assessment")
        rows = await page.locator("#audit tbody tr").all_inner_texts()
        issued = [r for r in rows if "Utfärdade en API-nyckel: nyps-test" in r]
        revoked = [r for r in rows if "Återkallade en API-nyckel: nyps-test" in r]
        assert len(issued) == 1 and len(revoked) == 1
        assert "Anna Admin (du)" in issued[0] and "Anna Admin (du)" in revoked[0]
        assert rows.index(revoked[0]) < rows.index(issued[0])  # newest first
        assert any("Registrerade en webhook" in r for r in rows)
        assert any("Skickade ett testanrop till en webhook" in r for r in rows)
        assert all("Bedömning" in r for r in rows)
        await _look(page, "admin-audit-sv")
        # What was done, and who: the revocation alone; the settings' change is the actors service's.
        await page.select_option("#audit-what", "assessment.api_key.revoked.v1")
        await _submit(page, "form[role=search] button[type=submit]")
        rows = await page.locator("#audit tbody tr").all_inner_texts()
        assert len(rows) == 1 and "Återkallade en API-nyckel: nyps-test" in rows[0]
        await page.goto(f"{platform.web}{admin}/audit?actor=user:anna&service=actors")
        assert await page.locator("#audit tbody tr").count() == 0
        await page.goto(f"{platform.web}{admin}/audit?actor=key-{region}-admin")
        rows = await page.locator("#audit tbody tr").all_inner_texts()
        assert len(rows) == 1 and "Ändrade regionens inställningar" in rows[0] and "Aktörer" in rows[0]

        # The rubric: the platform's default, its criteria by name; a new version refused at its
        # fields, then refused because someone published meanwhile, then published.
        await page.goto(f"{platform.web}{admin}/rubric")
        criteria = await page.locator("#criteria tbody tr").all_inner_texts()
        assert len(criteria) == 6 and criteria[0].startswith("Strategisk träffbild")
        await _look(page, "admin-rubric-sv")
        await page.fill("#rubric-weight_0", "femtio")
        response = await _submit(page, "#publish-rubric button[type=submit]")
        assert response.status == 422
        assert await page.locator("#rubric-weight_0").get_attribute("aria-invalid") == "true"
        await page.fill("#rubric-weight_0", "50")
        await page.fill("#rubric-strong", "30")
        response = await _submit(page, "#publish-rubric button[type=submit]")
        assert response.status == 422
        assert await page.locator("#rubric-thresholds-error").inner_text() == (
            "Gränserna måste sjunka: stark minst lika hög som måttlig, måttlig minst lika hög som svag."
        )
        await page.fill("#rubric-strong", "70")
        assessment = platform.services["assessment"]
        current = (
            await assessment.get(f"/assessment/regions/{region}/rubric", headers=headers(region))
        ).json()
        r = await assessment.post(
            f"/assessment/regions/{region}/rubric/versions",
            json={"rubric": current["rubric"]},
            headers={**headers(region), "If-Match": '"0"'},
        )
        assert r.status_code == 201, r.text
        response = await _submit(page, "#publish-rubric button[type=submit]")
        assert response.status == 412
        assert "Någon publicerade en ny version" in await page.locator("#publish-rubric-error").inner_text()
        await page.goto(f"{platform.web}{admin}/rubric")
        await page.fill("#rubric-weight_0", "50")
        await _submit(page, "#publish-rubric button[type=submit]")
        assert "Version 2 av mallen är publicerad" in await page.locator("#flash").inner_text()
        assert "Version 2" in await page.locator("#version-heading").inner_text()
        versions = await page.locator("#versions tbody tr").all_inner_texts()
        assert len(versions) == 3 and "gäller" in versions[0] and "Anna Admin (du)" in versions[0]
        await page.goto(f"{platform.web}{admin}/rubric/versions/1")
        assert "Version 2 gäller." in await page.locator("#shown-version").inner_text()

        # Settings: refused at the field, then saved.
        await page.goto(f"{platform.web}{admin}/settings")
        assert "Region Jämtland Härjedalen" in await page.locator("#current-settings").inner_text()
        assert await page.locator("#municipalities li").count() == 8
        await _look(page, "admin-settings-sv")
        await page.select_option("#settings-county", "")
        await page.fill("#settings-municipalities", "2380 9999")
        response = await _submit(page, "#settings-form button[type=submit]")
        assert response.status == 422
        assert await page.locator("#settings-municipalities").get_attribute("aria-invalid") == "true"
        assert await page.locator("#settings-municipalities-error").inner_text() == (
            "Landet har ingen kommun med koden 9999."
        )
        await _look(page, "admin-settings-error-sv")
        await page.fill("#settings-municipalities", "2380, 2361")
        await page.fill("#settings-threshold", "40")
        await _submit(page, "#settings-form button[type=submit]")
        assert await page.locator("#flash").inner_text() == "Inställningarna är sparade."
        assert await page.locator("#municipalities li").all_inner_texts() == ["Härjedalen", "Östersund"]

        # In Finnish: every page of the section, and no English text of its catalogue on them.
        await page.select_option("#language-choice", "fi")
        await _submit(page, "form.language-form button[type=submit]")
        english = _english_texts()
        for path in ("", "/keys", "/webhooks", "/rubric", "/rubric/versions/1", "/audit", "/settings"):
            await page.goto(f"{platform.web}{admin}{path}")
            assert await page.locator("html").get_attribute("lang") == "fi"
            text = await page.locator("main").inner_text()
            assert [e for e in english if e in text] == [], path
        await page.goto(f"{platform.web}{admin}/rubric")
        assert "Arviointikehikko" in await page.locator("h1").inner_text()
        await _look(page, "admin-rubric-fi")
    finally:
        await context.close()


@pytest.mark.timeout(300)
async def test_administration_is_not_there_for_other_roles_nor_for_another_region(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    await platform.provider.person("vera", region, "viewer", "Vera Viewer", locale="sv")
    await platform.provider.person("lisa", region, "assessor", "Lisa Lind", locale="sv")
    await platform.provider.person("olle", other_region, "admin", "Olle Other", locale="sv")
    await platform.provider.person("opa", "*", "operator", "Oda Operator", locale="sv")
    admin = f"/regions/{region}/admin"
    pages = ("", "/keys", "/webhooks", "/rubric", "/audit", "/settings", "/keys/nyps/revoke")

    async def keys() -> int:
        r = await platform.services["assessment"].get(
            f"/assessment/regions/{region}/api-keys", headers=headers(region)
        )
        return int(r.json()["count"])

    before = await keys()
    for sub in ("vera", "lisa"):
        context, page = await signed_in(browser, platform.web, sub, f"/regions/{region}")
        try:
            sections = await page.locator("nav.site-nav a").all_inner_texts()
            assert sections and "Administration" not in sections
            for path in pages:
                response = await page.goto(f"{platform.web}{admin}{path}")
                assert response is not None and response.status == 404, (sub, path)
            # A forged form goes to the service, which refuses it: nothing is issued.
            await page.goto(f"{platform.web}/regions/{region}")
            token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
            status = await post_by_hand(
                page,
                f"{platform.web}{admin}/keys",
                {"csrf_token": token, "name": f"forged-{sub}", "role": "admin"},
            )
            assert status == 403
            assert await page.locator("h1").inner_text() == "Det får du inte göra"
            status = await post_by_hand(
                page,
                f"{platform.web}{admin}/settings",
                {"csrf_token": token, "country": "FI", "county": "FI-19"},
            )
            assert status == 403
            await _look(page, f"admin-refused-{sub}-sv")
        finally:
            await context.close()
    assert await keys() == before
    r = await platform.services["actors"].get(f"/actors/regions/{region}/settings", headers=headers(region))
    assert r.status_code == 404  # never set: the forged settings changed nothing

    # Another region's administrator: the pages and the forms are not there.
    context, page = await signed_in(browser, platform.web, "olle", f"/regions/{other_region}")
    try:
        assert "Administration" in await page.locator("nav.site-nav").inner_text()
        for path in pages:
            response = await page.goto(f"{platform.web}{admin}{path}")
            assert response is not None and response.status == 404, path
        token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
        status = await post_by_hand(
            page, f"{platform.web}{admin}/keys/key-{region}-viewer/revoke", {"csrf_token": token}
        )
        assert status == 404
    finally:
        await context.close()
    r = await platform.services["assessment"].get(
        f"/assessment/regions/{region}/api-keys/key-{region}-viewer", headers=headers(region)
    )
    assert r.json()["state"] == "active"

    # The operator administers every region; the webhooks are the region's own, and the page says so.
    context, page = await signed_in(browser, platform.web, "opa", f"{admin}")
    try:
        assert page.url == f"{platform.web}{admin}"
        assert await page.locator("#status-webhooks-line").inner_text() == (
            "Webhooks hör till regionens administratörer och finansieringssystem: "
            "plattformsoperatören ser dem inte."
        )
        await page.goto(f"{platform.web}{admin}/webhooks")
        assert await page.locator("#webhooks-operator").count() == 1
        assert await page.locator("#register-webhook").count() == 0
        await _look(page, "admin-webhooks-operator-sv")
        await page.goto(f"{platform.web}{admin}/rubric")
        assert await page.locator("#publish-rubric").count() == 0
        await page.goto(f"{platform.web}{admin}/keys")
        assert await page.locator("#keys tbody tr").count() == before
    finally:
        await context.close()
