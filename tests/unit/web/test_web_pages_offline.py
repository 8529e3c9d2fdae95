"""The web application without the platform behind it: what the service client makes of each
answer, and the pages a person sees when the provider or a service is not there."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.testclient import TestClient

from kraftsamla_web.adapters.render import _names
from kraftsamla_web.adapters.services import NotFound, Refused, Services, SignedOut, Unavailable
from kraftsamla_web.app import create_app
from kraftsamla_web.settings import WebSettings


def _settings() -> WebSettings:
    return WebSettings(
        oidc_issuer="http://127.0.0.1:9",  # nothing listens there
        session_secret="s" * 40,  # type: ignore[arg-type]
        assessment_url="http://assessment.test",
    )


@pytest.mark.parametrize(
    ("status", "error"), [(401, SignedOut), (403, NotFound), (404, NotFound), (500, Unavailable)]
)
async def test_the_client_says_what_an_answer_means(status: int, error: type[Exception]) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        services = Services(http, _settings(), "tok", "fi")
        with pytest.raises(error):
            await services.json(
                "assessment", "/assessment/regions/x1/applications", {"review": "none", "q": None}
            )
        if status in (403, 404):
            assert await services.optional("assessment", "/x") is None
    assert seen[0].url == "http://assessment.test/assessment/regions/x1/applications?review=none"
    assert seen[0].headers["authorization"] == "Bearer tok"
    assert seen[0].headers["accept-language"] == "fi"


async def test_a_service_that_cannot_be_reached_is_unavailable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        with pytest.raises(Unavailable):
            await Services(http, _settings(), "tok", "sv").json("assessment", "/x")


def test_without_the_provider_the_sign_in_page_says_so() -> None:
    with TestClient(create_app(_settings()), headers={"Accept-Language": "fi"}) as client:
        page = client.get("/signin?next=/regions/x1")
        assert page.status_code == 200 and '<html lang="fi">' in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        r = client.post("/signin", data={"csrf_token": token.group(1), "next": "/regions/x1"})
        assert r.status_code == 503
        assert "Kirjautumispalvelu ei vastaa juuri nyt." in r.text
        assert client.post("/signin", data={"next": "/"}).status_code == 403
        # Not signed in: every page sends to sign in, and back.
        r = client.get("/regions/x1", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/signin?next=/regions/x1"
        assert client.get("/static/site.css").status_code == 200
        assert client.get("/no/such/page").status_code == 404


def test_the_navigation_knows_the_application_s_own_pages() -> None:
    names = set(_names(create_app(_settings()).router.routes))
    assert {"desk", "applications", "reassessments", "application"} <= names


async def test_a_change_sends_its_method_body_and_if_match_and_reads_the_etag() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("if-match") == '"old"':
            return httpx.Response(412, json={"detail": "changed"})
        return httpx.Response(200, json={"ok": True}, headers={"ETag": '"new"'})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        services = Services(http, _settings(), "tok", "sv")
        sent = await services.send("PUT", "assessment", "/d", json={"a": 1}, if_match='"v1"')
        assert (sent.status, sent.body, sent.etag) == (200, {"ok": True}, '"new"')
        with pytest.raises(Refused) as refused:
            await services.send("PATCH", "assessment", "/d", json={}, if_match='"old"')
        assert refused.value.status == 412 and refused.value.detail == "changed"
        await services.send("POST", "assessment", "/i", content=b"a;b\n", content_type="text/csv")
    assert [r.method for r in seen] == ["PUT", "PATCH", "POST"]
    assert seen[0].headers["if-match"] == '"v1"' and seen[0].content == b'{"a":1}'
    assert seen[2].headers["content-type"] == "text/csv" and seen[2].content == b"a;b\n"
