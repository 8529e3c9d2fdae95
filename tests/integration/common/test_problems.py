"""Problem details over real HTTP (uvicorn on a port, raw bytes on the wire): a type per kind of
error, where malformed JSON broke, 415 for a body that is not JSON, the methods a path really has
in Allow, unknown regions and the operator's list of them, titles in the caller's language."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers import OPERATOR, StartService, headers, serving
from kraftsamla_common import apikeys
from kraftsamla_common.errors import PROBLEM_JSON, Kind
from kraftsamla_common.limits import Policy
from kraftsamla_common.service import create_app
from kraftsamla_common.settings import Settings
from kraftsamla_plans.app import spec as plans_spec

SQLITE = pytest.mark.parametrize("db_backend", ["sqlite"])

BASE = "https://kraftsamla.se/problems/"
PROGRAMME = {
    "title": "Program för smart specialisering 2021–2027",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi"}, "sdgs": [7]}],
}


@contextlib.asynccontextmanager
async def over_http(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the running service ``client`` talks to, through uvicorn on a real port."""
    app = client.app  # type: ignore[attr-defined]
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
        http.app = app  # type: ignore[attr-defined]
        yield http


@pytest.fixture
async def http(start_service: StartService) -> AsyncIterator[httpx.AsyncClient]:
    """The plans service on a real port, with a client of it."""
    async with start_service("plans", max_body_bytes=64 * 1024) as client, over_http(client) as http:
        yield http


def problem(r: httpx.Response, kind: Kind) -> dict[str, Any]:
    """The body of ``r``, asserted to be a problem of ``kind``."""
    assert r.status_code == kind.status, r.text
    assert r.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = r.json()
    assert body["type"] == BASE + kind.slug, body
    assert body["status"] == kind.status and body["title"], body
    return body


@SQLITE
async def test_malformed_json_is_reported_at_a_pointer_line_and_column(
    http: httpx.AsyncClient, region: str
) -> None:
    url = f"/plans/regions/{region}/programmes"
    lines = [
        "{",
        '  "title": "Program",',
        '  "period_start": 2021,',
        '  "strength_areas": [',
        '    {"code": "energi", "name": {"sv": "Energi",}}',
        "  ]",
        "}",
    ]
    sent = "\n".join(lines).encode()
    r = await http.post(url, content=sent, headers={**headers(region), "content-type": "application/json"})
    body = problem(r, Kind.MALFORMED_JSON)
    column = lines[4].index(",}") + 2
    [error] = body["errors"]
    assert error["pointer"] == "/strength_areas/0/name"
    assert (error["line"], error["column"]) == (5, column)
    assert error["position"] == sum(len(line) + 1 for line in lines[:4]) + column - 1
    assert f"line 5, column {column}" in body["detail"]

    cut = await http.post(
        url,
        content=b'{"title": "Program", "period_start": ',
        headers={**headers(region), "content-type": "application/json"},
    )
    assert problem(cut, Kind.MALFORMED_JSON)["errors"][0]["pointer"] == "/period_start"
    latin1 = await http.post(
        url,
        content='{"title": "Hållbar"}'.encode("latin-1"),
        headers={**headers(region), "content-type": "application/json"},
    )
    problem(latin1, Kind.MALFORMED_JSON)
    # Nothing was stored.
    assert (await http.get(url, headers=headers(region))).json()["count"] == 0


@SQLITE
async def test_a_body_that_is_not_json_is_415(http: httpx.AsyncClient, region: str) -> None:
    import json

    url = f"/plans/regions/{region}/programmes"
    text = json.dumps(PROGRAMME).encode()
    r = await http.post(url, content=text, headers={**headers(region), "content-type": "text/plain"})
    body = problem(r, Kind.UNSUPPORTED_MEDIA_TYPE)
    assert "text/plain" in body["detail"]
    assert r.headers["accept-post"] == "application/json"
    bare = await http.post(url, content=text, headers=headers(region))  # httpx sends no Content-Type
    assert "content-type" not in bare.request.headers
    problem(bare, Kind.UNSUPPORTED_MEDIA_TYPE)
    # Who calls is known first: no key is 401, whatever the body.
    problem(await http.post(url, content=text, headers={"content-type": "text/plain"}), Kind.UNAUTHORIZED)
    # JSON under a +json media type is JSON.
    created = await http.post(
        url, content=text, headers={**headers(region), "content-type": "application/vnd.x+json"}
    )
    assert created.status_code == 201, created.text
    assert (await http.get(url, headers=headers(region))).json()["count"] == 1


@SQLITE
async def test_an_endpoint_of_another_media_type_keeps_taking_it(
    start_service: StartService, region: str
) -> None:
    csv = "name;organisationsnummer;country;helix;kommunkod;sni\nAlvesta kommun;212000-0647;SE;public;0764;84.11\n"
    async with start_service("actors") as client, over_http(client) as http:
        base = f"/actors/regions/{region}/actors"
        r = await http.post(
            f"{base}/import", content=csv.encode(), headers={**headers(region), "content-type": "text/csv"}
        )
        assert r.status_code == 200 and r.json()["created"] == 1, r.text
        r = await http.post(
            base, content=b'{"name": "x"}', headers={**headers(region), "content-type": "text/csv"}
        )
        problem(r, Kind.UNSUPPORTED_MEDIA_TYPE)


@SQLITE
async def test_a_broken_line_of_ndjson_is_reported_at_its_item(
    start_service: StartService, region: str
) -> None:
    async with start_service("assessment") as client, over_http(client) as http:
        url = f"/assessment/regions/{region}/applications/bulk?source=nyps"
        sent = b'{"external_id": "a-1"}\n\n{"external_id": "a-2", "title": }\n'
        r = await http.post(
            url, content=sent, headers={**headers(region), "content-type": "application/x-ndjson"}
        )
        [error] = problem(r, Kind.MALFORMED_JSON)["errors"]
        assert (error["pointer"], error["line"], error["column"]) == ("/1/title", 3, 33)
        assert error["position"] == sent.index(b"}\n", 30)
        r = await http.post(url, content=b'[{"a": 1}, {"b": [}]', headers=headers(region))
        assert problem(r, Kind.MALFORMED_JSON)["errors"][0]["pointer"] == "/1/b/0"


@SQLITE
async def test_405_allows_the_methods_the_path_really_has(http: httpx.AsyncClient, region: str) -> None:
    one = f"/plans/regions/{region}/programmes/{uuid.uuid4()}"
    cases = {
        ("DELETE", one): "GET, PATCH",
        ("PUT", f"/plans/regions/{region}/programmes"): "GET, POST",
        ("GET", f"/plans/regions/{region}/action-plans/{uuid.uuid4()}/draft"): "PUT",
        ("POST", "/plans/regions"): "GET",
    }
    for (method, path), allowed in cases.items():
        r = await http.request(method, path, headers=headers(region))
        body = problem(r, Kind.METHOD_NOT_ALLOWED)
        assert r.headers["allow"] == allowed, (method, path, r.headers["allow"])
        assert allowed in body["detail"]


@SQLITE
async def test_an_unknown_region_is_404_and_the_operator_lists_the_regions(
    http: httpx.AsyncClient, region: str, other_region: str, api_keys_file: Path
) -> None:
    typo = region[:-1] + ("x" if region[-1] != "x" else "y")
    r = await http.get(f"/plans/regions/{typo}/programmes", headers=OPERATOR)
    assert problem(r, Kind.NOT_FOUND)["detail"] == f"Region {typo} was not found."
    assert (await http.get(f"/plans/regions/{region}/programmes", headers=OPERATOR)).status_code == 200
    # Writes too, and before the body is looked at.
    r = await http.post(f"/plans/regions/{typo}/programmes", json={}, headers=OPERATOR)
    problem(r, Kind.NOT_FOUND)

    # A caller of one region learns nothing about another: the same answer, existing or not.
    def same(r: httpx.Response, name: str) -> tuple[int, str]:
        return r.status_code, r.text.replace(name, "…")

    mine = headers(region)
    exists = await http.get(f"/plans/regions/{other_region}/programmes", headers=mine)
    missing = await http.get(f"/plans/regions/{typo}/programmes", headers=mine)
    assert same(exists, other_region) == same(missing, typo)
    problem(exists, Kind.NOT_FOUND)

    # The operator's list: every region the key file names, in every service the same.
    listed = await http.get("/plans/regions", headers=OPERATOR)
    assert listed.status_code == 200, listed.text
    ids = [r["id"] for r in listed.json()["data"]]
    assert region in ids and other_region in ids and typo not in ids
    assert listed.json()["count"] == len(ids)
    problem(await http.get("/plans/regions", headers=mine), Kind.FORBIDDEN)
    problem(await http.get("/plans/regions"), Kind.UNAUTHORIZED)

    # A region set up before its first key.
    apikeys.add_region(api_keys_file, typo)
    assert (await http.get(f"/plans/regions/{typo}/programmes", headers=OPERATOR)).status_code == 200
    assert typo in [r["id"] for r in (await http.get("/plans/regions", headers=OPERATOR)).json()["data"]]


@SQLITE
async def test_every_kind_of_error_has_its_type(http: httpx.AsyncClient, region: str) -> None:
    url = f"/plans/regions/{region}/programmes"
    admin = headers(region)
    created = await http.post(url, json=PROGRAMME, headers=admin)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    one = f"{url}/{pid}"
    adoption = {"adopted_on": "2021-06-01", "body": "Regionfullmäktige"}
    assert (await http.post(f"{one}/adopt", json=adoption, headers=admin)).status_code == 200
    etag = (await http.get(one, headers=admin)).headers["etag"]
    seen: dict[Kind, httpx.Response] = {
        Kind.UNAUTHORIZED: await http.get(url),
        Kind.FORBIDDEN: await http.post(url, json=PROGRAMME, headers=headers(region, "viewer")),
        Kind.NOT_FOUND: await http.get(f"{url}/{uuid.uuid4()}", headers=admin),
        Kind.METHOD_NOT_ALLOWED: await http.delete(url, headers=admin),
        Kind.CONFLICT: await http.post(f"{one}/adopt", json=adoption, headers=admin),
        Kind.PRECONDITION_REQUIRED: await http.patch(one, json={"title": "Ny"}, headers=admin),
        Kind.PRECONDITION_FAILED: await http.patch(
            one, json={"title": "Ny"}, headers={**admin, "If-Match": '"stale"'}
        ),
        Kind.PAYLOAD_TOO_LARGE: await http.post(url, json={**PROGRAMME, "x": "y" * 70_000}, headers=admin),
        Kind.UNSUPPORTED_MEDIA_TYPE: await http.post(
            url, content=b"{}", headers={**admin, "content-type": "text/plain"}
        ),
        Kind.MALFORMED_JSON: await http.post(
            url, content=b"{", headers={**admin, "content-type": "application/json"}
        ),
        Kind.VALIDATION: await http.post(url, json={**PROGRAMME, "title": 5}, headers=admin),
        Kind.UNPROCESSABLE: await http.patch(
            one, json={"period_end": 2019}, headers={**admin, "If-Match": etag}
        ),
    }
    http.app.state.limits.identity = Policy("identity", 0.001, 1)  # type: ignore[attr-defined]
    await http.get(url, headers=admin)
    seen[Kind.RATE_LIMITED] = await http.get(url, headers=admin)
    for kind, r in seen.items():
        body = problem(r, kind)
        assert body["instance"].startswith("/plans/"), body
    assert "retry-after" in seen[Kind.RATE_LIMITED].headers
    assert seen[Kind.VALIDATION].json()["errors"][0]["pointer"] == "/title"


@SQLITE
async def test_the_type_base_is_a_setting(start_service: StartService, region: str) -> None:
    async with start_service("plans", problem_base="https://errors.example.org/s3/") as client:
        r = await client.get(f"/plans/regions/{region}/programmes/{uuid.uuid4()}", headers=headers(region))
        assert r.json()["type"] == "https://errors.example.org/s3/not-found"


@SQLITE
async def test_titles_and_the_platform_s_sentences_in_the_caller_s_language(
    http: httpx.AsyncClient, region: str
) -> None:
    url = "/plans/regions/nowhere/programmes"
    sv = await http.get(url, headers={**OPERATOR, "Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"})
    body = problem(sv, Kind.NOT_FOUND)
    assert (body["title"], body["detail"]) == ("Hittades inte", "Regionen nowhere hittades inte.")
    assert sv.headers["content-language"] == "sv"
    fi = problem(await http.get(url, headers={**OPERATOR, "Accept-Language": "fi"}), Kind.NOT_FOUND)
    assert (fi["title"], fi["detail"]) == ("Ei löytynyt", "Aluetta nowhere ei löytynyt.")
    en = problem(await http.get(url, headers={**OPERATOR, "Accept-Language": "de"}), Kind.NOT_FOUND)
    assert en["title"] == "Not Found"
    # Pydantic's own messages stay as they are; the title and the platform's sentence are translated.
    invalid = await http.post(
        f"/plans/regions/{region}/programmes",
        json={**PROGRAMME, "title": 5},
        headers={**headers(region), "Accept-Language": "sv"},
    )
    body = problem(invalid, Kind.VALIDATION)
    assert body["title"] == "Ogiltig begäran" and body["detail"].startswith("Begäran stämmer inte")
    key = await http.get(url, headers={"X-API-Key": "nope", "Accept-Language": "fi"})
    assert problem(key, Kind.UNAUTHORIZED)["detail"] == "API-avain ei ole kelvollinen."


def test_the_plans_openapi_documents_the_problems_each_operation_may_answer() -> None:
    doc = create_app(plans_spec, Settings()).openapi()
    ops = {(m.upper(), p): op for p, item in doc["paths"].items() for m, op in item.items()}
    prefix = "/plans/regions/{region}"

    def statuses(method: str, path: str) -> set[str]:
        return set(ops[(method, prefix + path)]["responses"])

    must_match = [
        ("PUT", "/action-plans/{plan_id}/draft"),
        ("PUT", "/local-plans/{local_plan_id}/draft"),
        ("PATCH", "/programmes/{programme_id}"),
        ("POST", "/programmes/{programme_id}/strength-areas"),
        ("PATCH", "/strength-areas/{strength_area_id}"),
    ]
    for method, path in must_match:
        assert {"412", "428"} <= statuses(method, path), path
    for path in ("/action-plans/{plan_id}/publish", "/local-plans/{local_plan_id}/publish"):
        assert "412" in statuses("POST", path) and "428" not in statuses("POST", path)
    assert "412" not in statuses("GET", "/programmes/{programme_id}")
    assert {"400", "415"} <= statuses("POST", "/programmes")
    assert not {"400", "415"} & statuses("GET", "/programmes")
    problem_ref = {"$ref": "#/components/schemas/ProblemDetails"}
    response = ops[("PUT", prefix + "/action-plans/{plan_id}/draft")]["responses"]["428"]
    assert response["content"][PROBLEM_JSON]["schema"] == problem_ref
    assert "ProblemDetails" in doc["components"]["schemas"]
    assert re.fullmatch(r"3\.\d+\.\d+", doc["openapi"])
