"""The region's settings in the actors service (real NATS, real database): GET answers an ETag; once
settings exist a change must name it in If-Match (428 without, 412 when someone saved in between),
with the problem the plans service answers for a stale draft; nothing is changed or announced by a
refused save. The demo loader, which sets settings on every load, can be run twice."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from helpers import headers, stream_messages
from kraftsamla_local.demo import put_settings

JAMTLAND = {"country": "SE", "county": "23", "dominance_threshold": 0.5}
KRONOBERG = {"country": "SE", "county": "07", "dominance_threshold": 0.4}
LAPPI = {"country": "FI", "county": "19"}


async def _settled(client: httpx.AsyncClient) -> None:
    relay = client.app.state.ctx.relay  # type: ignore[attr-defined]
    for _ in range(200):
        if not (await relay.backlog())[0]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox relay did not publish its events within 10 s")


async def _configured(client: httpx.AsyncClient, nats_url: str, region: str) -> list[Any]:
    await _settled(client)
    found = await stream_messages(nats_url, "ACTORS", f"s3.{region}.actors.region.configured.v1")
    return found


async def test_settings_are_changed_only_at_the_etag_they_were_read_at(
    client: httpx.AsyncClient, nats_url: str, region: str, other_region: str
) -> None:
    url = f"/actors/regions/{region}/settings"
    admin = headers(region)

    # The region's first settings: no ETag to name (an If-Match then matches nothing: 412).
    stale = await client.put(url, json=JAMTLAND, headers={**admin, "If-Match": '"nothing"'})
    assert stale.status_code == 412, stale.text
    assert (await client.get(url, headers=admin)).status_code == 404
    first = await client.put(url, json=JAMTLAND, headers=admin)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    read = await client.get(url, headers=admin)
    assert read.status_code == 200 and read.headers["etag"] == etag
    assert len(read.json()["municipalities"]) == 8

    # Once there, a change without If-Match: 428, nothing changed.
    blind = await client.put(url, json=KRONOBERG, headers=admin)
    assert blind.status_code == 428, blind.text
    problem = blind.json()
    assert blind.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith("/precondition-required") and problem["status"] == 428
    assert "If-Match" in problem["detail"]
    assert (await client.get(url, headers=admin)).json()["county"] == "23"

    # Two administrators read the same ETag; the first saves, the second is refused (412) and
    # overwrites nothing.
    saved = await client.put(url, json=KRONOBERG, headers={**admin, "If-Match": etag})
    assert saved.status_code == 200, saved.text
    assert saved.json()["county"] == "07"
    newer = saved.headers["etag"]
    assert newer != etag
    assert (await client.get(url, headers=admin)).headers["etag"] == newer
    late = await client.put(url, json=LAPPI, headers={**admin, "If-Match": etag, "Accept-Language": "sv"})
    assert late.status_code == 412, late.text
    problem = late.json()
    assert problem["type"].endswith("/precondition-failed") and problem["status"] == 412
    assert problem["detail"] == "Någon annan har ändrat det sedan du läste det; läs det igen."
    now = await client.get(url, headers=admin)
    assert now.json()["country"] == "SE" and now.json()["county"] == "07"
    assert now.headers["etag"] == newer

    # Only the two saves were announced; neither refusal was.
    announced = await _configured(client, nats_url, region)
    assert len(announced) == 2

    # A bad value at the current ETag: 422 at the field, the ETag unchanged.
    bad = await client.put(
        url, json={"country": "SE", "municipalities": ["9999"]}, headers={**admin, "If-Match": newer}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/municipalities/0"
    assert (await client.get(url, headers=admin)).headers["etag"] == newer

    # Another region's caller: 404, whatever the ETag.
    theirs = await client.put(url, json=LAPPI, headers={**headers(other_region), "If-Match": newer})
    assert theirs.status_code == 404


async def test_two_saves_of_the_same_etag_at_once_make_one_change(
    client: httpx.AsyncClient, nats_url: str, region: str
) -> None:
    url = f"/actors/regions/{region}/settings"
    admin = headers(region)
    etag = (await client.put(url, json=JAMTLAND, headers=admin)).headers["etag"]
    answers = await asyncio.gather(
        *(client.put(url, json=body, headers={**admin, "If-Match": etag}) for body in (KRONOBERG, LAPPI))
    )
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
    won = next(a for a in answers if a.status_code == 200).json()
    now = (await client.get(url, headers=admin)).json()
    assert (now["country"], now["county"]) == (won["country"], won["county"])
    assert len(await _configured(client, nats_url, region)) == 2


async def test_the_demo_loader_sets_settings_again_at_their_etag(
    client: httpx.AsyncClient, region: str
) -> None:
    base = f"/actors/regions/{region}"
    await put_settings(client, base, JAMTLAND, headers(region))
    await put_settings(client, base, KRONOBERG, headers(region))  # a load repeated
    assert (await client.get(f"{base}/settings", headers=headers(region))).json()["county"] == "07"
