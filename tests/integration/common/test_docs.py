"""Every service's API documentation opens in a real Chromium with no network beyond the platform:
Swagger UI's scripts and styles come from the service itself, never from a CDN."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import StartService, chromium_or_skip

SERVICES = ("plans", "actors", "assessment", "reporting")


@pytest.mark.parametrize("name", SERVICES)
async def test_the_docs_render_offline(name: str, start_service: StartService, browser: Any) -> None:
    chromium_or_skip()
    async with start_service(name) as client:
        page = await browser.new_page()
        elsewhere: list[str] = []

        async def platform_only(route: Any) -> None:
            """Requests to the service are answered by it; anything else would leave the platform."""
            url = route.request.url
            if not url.startswith("http://platform/"):
                elsewhere.append(url)
                await route.abort()
                return
            r = await client.get(url.removeprefix("http://platform"))
            await route.fulfill(status=r.status_code, headers=dict(r.headers), body=r.content)

        try:
            await page.route("**/*", platform_only)
            await page.goto(f"http://platform/{name}/docs")
            await page.wait_for_selector(".opblock", timeout=30_000)
            operations = await page.locator(".opblock").count()
            title = await page.locator(".info .title").first.inner_text()
        finally:
            await page.close()
    assert elsewhere == []
    assert operations >= 5, operations
    assert name in title.lower()
