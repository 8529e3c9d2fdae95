"""Registering an actor with ``dry_run=true`` (real NATS, real database): the checks of a post, and
nothing written — no actor, no event, no audit row. A wrong check digit is the same 422 a post
answers; a good number says it would be registered; a registered one names the actor it is."""

from __future__ import annotations

import asyncio

import httpx

from helpers import headers, stream_messages

JAMTKRAFT = {
    "name": "Jämtkraft AB",
    "country": "SE",
    "identifier": "556012-5790",
    "helix": "business",
    "municipality": "2380",
    "nace": "3511",
}


async def _settled(client: httpx.AsyncClient) -> None:
    relay = client.app.state.ctx.relay  # type: ignore[attr-defined]
    for _ in range(200):
        if not (await relay.backlog())[0]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox relay did not publish its events within 10 s")


async def _written(client: httpx.AsyncClient, nats_url: str, region: str) -> tuple[int, int, int]:
    """How many actors, events and audit rows the region has."""
    base = f"/actors/regions/{region}"
    actors = (await client.get(f"{base}/actors", headers=headers(region))).json()["count"]
    await _settled(client)
    events = [m for m in await stream_messages(nats_url, "ACTORS") if m.subject.startswith(f"s3.{region}.")]
    audit = (await client.get(f"{base}/audit", headers=headers(region))).json()["count"]
    return actors, len(events), audit


async def test_a_dry_run_checks_as_a_post_does_and_writes_nothing(
    client: httpx.AsyncClient, nats_url: str, region: str, other_region: str
) -> None:
    url = f"/actors/regions/{region}/actors"
    admin = headers(region)

    # A wrong check digit: the very 422 a post answers, at the identifier; nothing written.
    wrong = {**JAMTKRAFT, "identifier": "556012-5791", "nace": "99.99"}
    checked = await client.post(url, params={"dry_run": "true"}, json=wrong, headers=admin)
    posted = await client.post(url, json=wrong, headers=admin)
    assert checked.status_code == posted.status_code == 422, checked.text
    assert checked.headers["content-type"].startswith("application/problem+json")
    problem = checked.json()
    assert problem == posted.json()
    assert [e["pointer"] for e in problem["errors"]] == ["/identifier", "/nace"]
    assert "check digit" in problem["errors"][0]["message"]
    # A body the schema refuses: the same 422 as a post's, too.
    unnamed = {k: v for k, v in JAMTKRAFT.items() if k != "helix"}
    checked = await client.post(url, params={"dry_run": "true"}, json=unnamed, headers=admin)
    assert checked.status_code == 422 and [e["pointer"] for e in checked.json()["errors"]] == ["/helix"]
    assert await _written(client, nats_url, region) == (0, 0, 0)

    # A good number: it would be registered, normalised; still nothing written.
    would = await client.post(
        url, params={"dry_run": "true"}, json={**JAMTKRAFT, "identifier": "5560125790"}, headers=admin
    )
    assert would.status_code == 200, would.text
    assert would.json() == {
        "dry_run": True,
        "outcome": "would_register",
        "identifier": "556012-5790",
        "nace": "35.11",
        "actor": None,
    }
    assert await _written(client, nats_url, region) == (0, 0, 0)

    # Registered: the dry run (another spelling of the number) names the actor it already is.
    actor = (await client.post(url, json=JAMTKRAFT, headers=admin)).json()
    written = await _written(client, nats_url, region)
    assert written == (1, 1, 1)
    known = await client.post(
        url,
        params={"dry_run": "true"},
        json={**JAMTKRAFT, "identifier": "16556012-5790", "name": "Jämtkraft"},
        headers=admin,
    )
    assert known.status_code == 200, known.text
    assert known.json()["outcome"] == "already_registered"
    assert known.json()["actor"] == actor
    assert await _written(client, nats_url, region) == written

    # Another region does not see it; a viewer may not register, so may not check either.
    theirs = await client.post(
        f"/actors/regions/{other_region}/actors",
        params={"dry_run": "true"},
        json=JAMTKRAFT,
        headers=headers(other_region),
    )
    assert theirs.status_code == 200 and theirs.json()["outcome"] == "would_register"
    viewer = await client.post(
        url, params={"dry_run": "true"}, json=JAMTKRAFT, headers=headers(region, "viewer")
    )
    assert viewer.status_code == 403
