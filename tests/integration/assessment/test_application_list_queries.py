"""The application list as the staff web application and integrators query it: free-text search,
sorting, ``updated_since``, strength areas by code and counts per filter value (facets), with an
integrator bound to its funding system seeing only its own, on both database backends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from helpers import (
    AREA_ID,
    application,
    eventually,
    headers,
    plan_event,
    publish,
    running,
    service_settings,
)
from kraftsamla_assessment.app import spec
from kraftsamla_assessment.usecases import applications
from kraftsamla_common import apikeys
from kraftsamla_common.auth import Role
from kraftsamla_common.events import new_id

FOREST_PLAN, FOREST_AREA = new_id(), new_id()


@pytest.fixture
async def svc(
    nats_url: str, database_factory: Callable[[str], str], api_keys_file: Path, region: str
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The service, and the headers of an integrator bound to the funding system ``nyps``."""
    key = apikeys.issue(api_keys_file, name="nyps-sync", region=region, role=Role.INTEGRATOR, source="nyps")
    settings = service_settings(
        "assessment",
        database_url=database_factory("assessment"),
        nats_url=nats_url,
        api_keys_file=api_keys_file,
    )
    async with running(spec, settings) as client:
        yield client, {"X-API-Key": key}


def base(region: str) -> str:
    return f"/assessment/regions/{region}/applications"


SEED: dict[str, dict[str, Any]] = {
    "hydrogen": {
        **application(1),
        "title": "Vätgas i ÖSTERSUND",
        "summary": "Förstudie om vätgas från elektrolys.",
        "funding_source": "erdf",
        "municipalities": ["2380"],
    },
    "forest": {
        **application(2),
        "title": "Skogsbruk 50% smartare",
        "summary": "Hållbart skogsbruk med drönare i skogen.",
        "funding_source": "regional",
        "municipalities": ["2380", "2361"],
    },
    "culture": {
        **application(3),
        "source": "eruf",
        "title": "Annat_projekt",
        "summary": "Ett kulturprojekt.",
        "description": "Musik och teater, ingen ELEKTROLYS alls.",
        "municipalities": ["2361"],
    },
    "plain": {**application(4), "title": "Annatxprojekt", "summary": "Kultur.", "municipalities": []},
}


async def seed(client: httpx.AsyncClient, js: Any, region: str) -> dict[str, str]:
    """The four applications, assessed against two published plans (energy and forestry); their ids."""
    ids = {}
    for name, body in SEED.items():
        r = await client.post(base(region), json=body, headers=headers(region, "admin"))
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    await publish(js, plan_event(region, 1))
    await publish(
        js,
        plan_event(
            region,
            1,
            level="bredd",
            vocabulary=["skogsbruk", "skogen"],
            plan_id=FOREST_PLAN,
            area=(FOREST_AREA, "skog", "Skog"),
            priority=("skogsbruk", "Hållbart skogsbruk"),
        ),
    )

    async def assessed_on_both() -> bool:
        data = await listed(client, region, "")
        return len(data) == 4 and all(
            a["assessment"] is not None and len(a["assessment"]["plan_versions"]) == 2 for a in data
        )

    await eventually(assessed_on_both)
    return ids


async def page(client: httpx.AsyncClient, region: str, query: str, h: dict[str, str] | None = None) -> Any:
    r = await client.get(f"{base(region)}?limit=100&{query}", headers=h or headers(region, "viewer"))
    assert r.status_code == 200, r.text
    return r.json()


async def listed(
    client: httpx.AsyncClient, region: str, query: str, h: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    return list((await page(client, region, query, h))["data"])


def titles(data: list[dict[str, Any]]) -> list[str]:
    return [a["title"] for a in data]


def counts(facet: list[dict[str, Any]]) -> dict[str | None, int]:
    return {f["value"]: f["count"] for f in facet}


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[Any]:
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.close()


async def test_search_sort_and_strength_area_by_code(
    svc: tuple[httpx.AsyncClient, dict[str, str]], js: Any, region: str
) -> None:
    client, _ = svc
    ids = await seed(client, js, region)

    # Title and texts, whatever the case (Ö too); % and _ are themselves, not wildcards.
    assert set(titles(await listed(client, region, "q=elektrolys"))) == {
        "Vätgas i ÖSTERSUND",
        "Annat_projekt",
    }
    assert titles(await listed(client, region, "q=%C3%B6stersund")) == ["Vätgas i ÖSTERSUND"]
    assert titles(await listed(client, region, "q=DRÖNARE")) == ["Skogsbruk 50% smartare"]
    assert titles(await listed(client, region, "q=%25")) == ["Skogsbruk 50% smartare"]
    assert titles(await listed(client, region, "q=t_p")) == ["Annat_projekt"]
    assert (await page(client, region, "q=nothing-like-this"))["count"] == 0

    # Sorting: received, title, score (each way), updated.
    received = titles(await listed(client, region, ""))
    assert received == [SEED[n]["title"] for n in ("hydrogen", "forest", "culture", "plain")]
    assert titles(await listed(client, region, "sort=-received_at")) == received[::-1]
    by_title = titles(await listed(client, region, "sort=title"))
    assert [t[0] for t in by_title] == ["A", "A", "S", "V"]
    assert titles(await listed(client, region, "sort=-title"))[:2] == [
        "Vätgas i ÖSTERSUND",
        "Skogsbruk 50% smartare",
    ]
    scores = [a["assessment"]["score"] for a in await listed(client, region, "sort=score")]
    assert scores == sorted(scores)
    scores = [a["assessment"]["score"] for a in await listed(client, region, "sort=-score")]
    assert scores == sorted(scores, reverse=True)
    updated = [a["updated_at"] for a in await listed(client, region, "sort=updated_at")]
    assert updated == sorted(updated)
    paged = await page(client, region, "sort=-received_at&limit=2&offset=1")
    assert titles(paged["data"]) == received[::-1][1:3] and paged["count"] == 4

    # Strength area by code, beside by id.
    energy = await listed(client, region, "strength_area=energi")
    assert ids["hydrogen"] in {a["id"] for a in energy}
    assert energy == await listed(client, region, f"strength_area={AREA_ID}")
    forest = await listed(client, region, "strength_area=skog")
    assert ids["forest"] in {a["id"] for a in forest}
    assert not {a["id"] for a in forest} & {a["id"] for a in energy}
    assert await listed(client, region, "strength_area=no-such-area") == []

    # Filters that are new beside the old ones.
    assert titles(await listed(client, region, "municipality=2361")) == [
        "Skogsbruk 50% smartare",
        "Annat_projekt",
    ]
    assert titles(await listed(client, region, "funding_source=erdf")) == ["Vätgas i ÖSTERSUND"]
    assert titles(await listed(client, region, "source=eruf&q=projekt")) == ["Annat_projekt"]


async def test_updated_since_returns_what_changed_after_a_review_or_an_assignment(
    svc: tuple[httpx.AsyncClient, dict[str, str]], js: Any, region: str
) -> None:
    client, _ = svc
    ids = await seed(client, js, region)
    before = max(datetime.fromisoformat(a["updated_at"]) for a in await listed(client, region, ""))
    since = (before + timedelta(microseconds=1)).isoformat()
    assert await listed(client, region, str(httpx.QueryParams({"updated_since": since}))) == []

    r = await client.post(
        f"{base(region)}/{ids['forest']}/review",
        json={"action": "confirm"},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{base(region)}/assignments",
        json={"application_ids": [ids["plain"]], "assignee": f"key-{region}-assessor"},
        headers=headers(region, "admin"),
    )
    assert r.status_code == 200, r.text

    changed = await listed(
        client, region, str(httpx.QueryParams({"updated_since": since, "sort": "updated_at"}))
    )
    assert [a["id"] for a in changed] == [ids["forest"], ids["plain"]]
    assert all(datetime.fromisoformat(a["updated_at"]) > before for a in changed)
    # The same moment in another time zone finds the same.
    there = (before + timedelta(microseconds=1)).astimezone(timezone(timedelta(hours=2)))
    assert (
        len(await listed(client, region, str(httpx.QueryParams({"updated_since": there.isoformat()})))) == 2
    )


async def test_facets_count_per_value_with_the_other_filters_and_the_integrators_scope(
    svc: tuple[httpx.AsyncClient, dict[str, str]], js: Any, region: str
) -> None:
    client, nyps = svc
    ids = await seed(client, js, region)
    everything = await listed(client, region, "")

    facets = (await page(client, region, "facets=true"))["facets"]
    assert counts(facets["status"]) == {"assessed": 4}
    assert counts(facets["review"]) == {"none": 4}
    assert counts(facets["municipality"]) == {"2380": 2, "2361": 2}
    assert counts(facets["funding_source"]) == {None: 2, "erdf": 1, "regional": 1}
    areas = {f["value"]: f for f in facets["strength_area"]}
    assert areas[str(AREA_ID)]["code"] == "energi" and areas[str(FOREST_AREA)]["code"] == "skog"
    for value, facet in areas.items():  # each count is what the filter finds
        expected = sum(1 for a in everything if a["assessment"]["strength_area_id"] == value)
        assert facet["count"] == expected, (value, facet)
    for level, n in counts(facets["level"]).items():
        assert n == sum(1 for a in everything if a["assessment"]["level"] == level)
    for rec, n in counts(facets["recommendation"]).items():
        assert n == sum(1 for a in everything if a["assessment"]["recommendation"] == rec)
    assert (await page(client, region, ""))["facets"] is None

    # Another filter narrows every facet but its own.
    narrowed = await page(client, region, "facets=true&funding_source=erdf")
    assert narrowed["count"] == 1
    assert counts(narrowed["facets"]["funding_source"]) == {None: 2, "erdf": 1, "regional": 1}
    assert counts(narrowed["facets"]["municipality"]) == {"2380": 1}
    assert counts(narrowed["facets"]["status"]) == {"assessed": 1}
    searched = await page(client, region, "facets=true&q=elektrolys&municipality=2361")
    assert titles(searched["data"]) == ["Annat_projekt"]
    assert counts(searched["facets"]["municipality"]) == {"2380": 1, "2361": 1}

    # A review shows in the review facet.
    await client.post(
        f"{base(region)}/{ids['hydrogen']}/review",
        json={"action": "confirm"},
        headers=headers(region, "assessor"),
    )
    facets = (await page(client, region, "facets=true"))["facets"]
    assert counts(facets["review"]) == {"none": 3, "confirmed": 1}

    # An integrator bound to nyps counts only nyps's applications.
    own = await page(client, region, "facets=true", nyps)
    assert own["count"] == 3 and {a["source"] for a in own["data"]} == {"nyps"}
    assert counts(own["facets"]["municipality"]) == {"2380": 2, "2361": 1}
    assert sum(counts(own["facets"]["status"]).values()) == 3
    assert (await page(client, region, "q=Annat_projekt", nyps))["count"] == 0


@pytest.mark.parametrize("db_backend", ["sqlite"])
@pytest.mark.parametrize(
    "query",
    [
        "sort=bad",
        "sort=received_at,title",
        "q=" + "x" * 201,
        "updated_since=2026-12-01T00:00:00",  # no time zone
        "updated_since=1800-01-01T00:00:00Z",
        "updated_since=yesterday",
        "municipality=abc",
        "funding_source=nobody",
        "recommendation=maybe",
        "strength_area=Not A Code",
        "assigned_to=" + "x" * 201,
        "facets=perhaps",
    ],
)
async def test_bad_list_parameters_are_refused_as_problems(
    svc: tuple[httpx.AsyncClient, dict[str, str]], region: str, query: str
) -> None:
    client, _ = svc
    r = await client.get(f"{base(region)}?{query}", headers=headers(region, "viewer"))
    assert r.status_code == 422, (query, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_the_list_is_answered_304_until_something_it_shows_changes(
    svc: tuple[httpx.AsyncClient, dict[str, str]], js: Any, region: str, other_region: str
) -> None:
    """A client polling the list sends the ETag of the page it holds: 304 without a body while
    nothing changed, the page in full (with a new ETag) after a review, an assignment, a new
    application or a plan version that reassesses them; another caller, language or query is
    another list."""
    client, nyps = svc
    ids = await seed(client, js, region)
    viewer = headers(region, "viewer")

    async def held(h: dict[str, str] | None = None, query: str = "") -> httpx.Response:
        r = await client.get(f"{base(region)}?{query}", headers=h or viewer)
        assert r.status_code == 200, r.text
        assert r.headers["etag"].startswith('W/"') and r.headers["cache-control"] == "private, no-cache"
        return r

    first = await held()
    tag = first.headers["etag"]
    again = await client.get(base(region), headers=viewer | {"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    for other, query in [
        (headers(region, "assessor"), ""),
        (nyps, ""),
        (viewer, "language=sv"),
        (viewer | {"Accept-Language": "fi"}, ""),
        (viewer, "sort=-received_at"),
        (viewer, "limit=2"),
    ]:
        r = await client.get(f"{base(region)}?{query}", headers=other | {"If-None-Match": tag})
        assert r.status_code == 200 and r.headers["etag"] != tag, (other, query)
    refused = await client.get(base(region), headers=headers(other_region, "admin") | {"If-None-Match": "*"})
    assert refused.status_code == 404

    async def changed(before: httpx.Response) -> httpx.Response:
        r = await client.get(base(region), headers=viewer | {"If-None-Match": before.headers["etag"]})
        assert r.status_code == 200, r.status_code
        assert r.headers["etag"] != before.headers["etag"] and r.json() != before.json()
        return r

    r = await client.post(
        f"{base(region)}/{ids['forest']}/review",
        json={"action": "confirm"},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text
    reviewed = await changed(first)
    r = await client.post(
        f"{base(region)}/assignments",
        json={"application_ids": [ids["plain"]], "assignee": f"key-{region}-assessor"},
        headers=headers(region, "admin"),
    )
    assert r.status_code == 200, r.text
    assigned = await changed(reviewed)
    r = await client.post(base(region), json=application(5), headers=headers(region, "admin"))
    assert r.status_code == 201, r.text
    grown = await changed(assigned)
    assert grown.json()["count"] == 5

    await publish(js, plan_event(region, 2, level="spets"))

    async def reassessed() -> httpx.Response | None:
        r = await client.get(base(region), headers=viewer | {"If-None-Match": grown.headers["etag"]})
        if r.status_code == 304:
            return None
        hydrogen = next(a for a in r.json()["data"] if a["id"] == ids["hydrogen"])
        return r if any(v["version"] == 2 for v in hydrogen["assessment"]["plan_versions"]) else None

    last = await eventually(reassessed)
    assert (
        await client.get(base(region), headers=viewer | {"If-None-Match": last.headers["etag"]})
    ).status_code == 304


async def test_cursor_paging_walks_every_sort_once_while_applications_arrive(
    svc: tuple[httpx.AsyncClient, dict[str, str]], js: Any, region: str
) -> None:
    """Page by page with ``next_cursor``, in every sort, the walk gives the list's order, each
    application once, even when one arrives in between; a cursor of another sort, with an offset,
    or not made by the list is refused."""
    client, _ = svc
    await seed(client, js, region)
    for n in (5, 6):
        r = await client.post(
            base(region), json={**application(n), "title": f"Projekt {n}"}, headers=headers(region)
        )
        assert r.status_code == 201, r.text
    sent = 10
    for sort in applications.SORTS:
        whole = [a["id"] for a in await listed(client, region, f"sort={sort}")]
        walked: list[str] = []
        cursor, newest = None, None
        while True:
            query = httpx.QueryParams({"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})})
            got = await page(client, region, str(query))
            walked += [a["id"] for a in got["data"]]
            cursor = got["next_cursor"]
            if cursor is None:
                break
            if newest is None:  # one arrives after the first page
                sent += 1
                r = await client.post(
                    base(region), json={**application(sent), "title": "Sent"}, headers=headers(region)
                )
                assert r.status_code == 201, r.text
                newest = r.json()["id"]
        # Each once, in the list's order; only the newcomer may be missed (where it sorts before the
        # page it arrived after), and every one there was is walked.
        now = [a["id"] for a in await listed(client, region, f"sort={sort}")]
        assert len(walked) == len(set(walked)) and walked == [x for x in now if x in walked], sort
        assert set(now) - set(walked) <= {newest} and set(whole) <= set(walked), sort

    first = await page(client, region, "sort=title&limit=2")
    for query, why in [
        (f"sort=-title&limit=2&cursor={first['next_cursor']}", "sort=title"),
        (f"sort=title&limit=2&offset=2&cursor={first['next_cursor']}", "without offset"),
        ("cursor=bm90LWEtY3Vyc29y", "not a cursor"),
        ("cursor=WyJ0aXRsZSIsMSwieCJd", "not a cursor"),
    ]:
        r = await client.get(f"{base(region)}?{query}", headers=headers(region))
        assert r.status_code == 422, (query, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert why in r.json()["errors"][0]["message"], r.json()
