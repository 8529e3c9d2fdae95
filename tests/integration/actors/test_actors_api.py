"""The actors service running in-process against real NATS JetStream and a real database."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import nats

from helpers import headers

EVENT_TYPE = "actors.actor.registered.v1"

MIUN = {
    "name": "Mittuniversitetet",
    "country": "SE",
    "identifier": "16202100-5752",
    "helix": "academia",
    "municipality": "2380",
    "nace": "85.42",
    "size_class": "large",
}
VOLVO = {
    "name": "AB Volvo",
    "country": "SE",
    "identifier": "556012-5790",
    "helix": "business",
    "municipality": "1480",
    "nace": "C29",
    "size_class": "large",
}
REGION_JH = {
    "name": "Region Jämtland Härjedalen",
    "country": "SE",
    "identifier": "2321000214",
    "helix": "public",
    "municipality": "2380",
}
NOKIA = {
    "name": "Nokia Oyj",
    "country": "FI",
    "identifier": "0112038-9",
    "helix": "business",
    "municipality": "049",
    "nace": "26.30",
}


async def _settled(client: httpx.AsyncClient) -> None:
    """Wait (up to 10 s) until the outbox relay has published every committed event."""
    relay = client.app.state.ctx.relay  # type: ignore[attr-defined]
    for _ in range(200):
        if not (await relay.backlog())[0]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox relay did not publish its events within 10 s")


async def _stream_messages(nats_url: str, stream: str = "ACTORS") -> list[Any]:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        state = (await js.stream_info(stream)).state
        if not state.messages:
            return []
        return [await js.get_msg(stream, seq=seq) for seq in range(state.first_seq, state.last_seq + 1)]
    finally:
        await nc.close()


def _base(region: str) -> str:
    return f"/actors/regions/{region}/actors"


async def test_register_deduplicate_announce_and_scope(
    client: httpx.AsyncClient, nats_url: str, region: str, other_region: str
) -> None:
    base = _base(region)

    # A bad identifier is refused with the field named, and nothing is stored.
    bad = await client.post(base, json={**MIUN, "identifier": "202100-5753"}, headers=headers(region))
    assert bad.status_code == 422, bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in bad.json()["errors"]] == ["/identifier"]
    assert (await client.get(base, headers=headers(region))).json() == {"data": [], "count": 0}

    # A new organisation: 201, identifier normalised.
    first = await client.post(base, json=MIUN, headers=headers(region))
    assert first.status_code == 201, first.text
    actor = first.json()
    assert actor["identifier"] == "202100-5752"
    assert actor["region"] == region
    assert {k: actor[k] for k in ("name", "country", "helix", "municipality", "nace", "size_class")} == {
        k: MIUN[k] for k in ("name", "country", "helix", "municipality", "nace", "size_class")
    }

    # The same organisation again (another spelling of its number): 200, the same actor, no event.
    again = await client.post(
        base,
        json={**MIUN, "identifier": "2021005752", "name": "Mid Sweden University"},
        headers=headers(region),
    )
    assert again.status_code == 200, again.text
    assert again.json() == actor

    listed = await client.get(base, headers=headers(region))
    assert listed.status_code == 200
    assert listed.json() == {"data": [actor], "count": 1}
    got = await client.get(f"{base}/{actor['id']}", headers=headers(region))
    assert got.status_code == 200
    assert got.json() == actor

    # Exactly one ActorRegistered left through the outbox, on the region's subject, de-duplicable.
    await _settled(client)
    messages = await _stream_messages(nats_url)
    assert len(messages) == 1
    msg = messages[0]
    assert msg.subject == f"s3.{region}.{EVENT_TYPE}"
    envelope = json.loads(msg.data)
    assert msg.headers["Nats-Msg-Id"] == envelope["id"]
    assert envelope["type"] == EVENT_TYPE
    assert envelope["source"] == "actors"
    assert envelope["region"] == region
    assert envelope["subject"] == actor["id"]
    assert envelope["data"]["actor_id"] == actor["id"]
    assert envelope["data"]["identifier"] == "202100-5752"
    assert envelope["data"]["helix"] == "academia"

    # Another region's caller sees nothing: 404 for the actor, an empty list in its own region.
    other = headers(other_region)
    assert (await client.get(f"{base}/{actor['id']}", headers=other)).status_code == 404
    assert (await client.get(base, headers=other)).status_code == 404
    assert (await client.get(f"{_base(other_region)}/{actor['id']}", headers=other)).status_code == 404
    theirs = await client.get(_base(other_region), headers=other)
    assert theirs.status_code == 200
    assert theirs.json() == {"data": [], "count": 0}

    # A viewer may read but not write.
    viewer = headers(region, "viewer")
    assert (await client.get(base, headers=viewer)).json()["count"] == 1
    assert (await client.get(f"{base}/{actor['id']}", headers=viewer)).status_code == 200
    refused = await client.post(base, json=VOLVO, headers=viewer)
    assert refused.status_code == 403
    assert (await client.get(base, headers=headers(region))).json()["count"] == 1


async def test_unknown_actor_and_bad_input(client: httpx.AsyncClient, region: str) -> None:
    base = _base(region)
    unknown = await client.get(f"{base}/0190c1a4-0000-7000-8000-000000000000", headers=headers(region))
    assert unknown.status_code == 404
    assert (await client.post(base, json=MIUN)).status_code == 401

    cases: list[tuple[dict[str, Any], str]] = [
        ({**NOKIA, "identifier": "0112038-8"}, "/identifier"),
        ({**NOKIA, "identifier": "202100-5752"}, "/identifier"),  # a Swedish number for a Finnish actor
        ({**NOKIA, "municipality": "2380"}, "/municipality"),
        ({**MIUN, "municipality": "091"}, "/municipality"),
        ({**MIUN, "nace": "6201x"}, "/nace"),
        ({**MIUN, "helix": "church"}, "/helix"),
        ({**MIUN, "country": "NO"}, "/country"),
        ({**MIUN, "size_class": "huge"}, "/size_class"),
        ({**MIUN, "founded": 1995}, "/founded"),  # extra fields are refused
    ]
    for body, pointer in cases:
        r = await client.post(base, json=body, headers=headers(region))
        assert r.status_code == 422, (body, r.text)
        assert pointer in [e["pointer"] for e in r.json()["errors"]], (body, r.text)
    assert (await client.get(base, headers=headers(region))).json()["count"] == 0


async def test_list_pages_and_filters(client: httpx.AsyncClient, region: str) -> None:
    base = _base(region)
    ids = []
    for body in (MIUN, VOLVO, REGION_JH, NOKIA):
        r = await client.post(base, json=body, headers=headers(region))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])

    page = (await client.get(base, params={"limit": 2}, headers=headers(region))).json()
    assert page["count"] == 4
    assert [a["id"] for a in page["data"]] == ids[:2]
    page = (await client.get(base, params={"limit": 2, "offset": 2}, headers=headers(region))).json()
    assert [a["id"] for a in page["data"]] == ids[2:]

    business = (await client.get(base, params={"helix": "business"}, headers=headers(region))).json()
    assert business["count"] == 2
    assert [a["name"] for a in business["data"]] == ["AB Volvo", "Nokia Oyj"]
    ostersund = (await client.get(base, params={"municipality": "2380"}, headers=headers(region))).json()
    assert [a["id"] for a in ostersund["data"]] == [ids[0], ids[2]]
    both = await client.get(base, params={"municipality": "2380", "helix": "public"}, headers=headers(region))
    assert both.json()["count"] == 1

    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"helix": "church"}):
        assert (await client.get(base, params=params, headers=headers(region))).status_code == 422


async def test_concurrent_duplicates_make_one_actor(
    client: httpx.AsyncClient, nats_url: str, region: str
) -> None:
    base = _base(region)
    responses = await asyncio.gather(
        *(client.post(base, json=NOKIA, headers=headers(region)) for _ in range(8))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 7 + [201], [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    await _settled(client)
    messages = await _stream_messages(nats_url)
    assert len(messages) == 1
    assert messages[0].subject == f"s3.{region}.{EVENT_TYPE}"


async def test_planned_cycle_is_announced(client: httpx.AsyncClient, nats_url: str, region: str) -> None:
    base = f"/actors/regions/{region}/cycles"
    steering = {
        "kind": "reference_group_meeting",
        "title": "Styrgruppsmöte smart specialisering",
        "frequency": "twice_a_year",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
    }
    # Refused plans announce nothing: an unknown strength area, a cycle ending before it starts.
    unknown_area = {**steering, "strength_area_id": "0190c1a4-0000-7000-8000-000000000000"}
    r = await client.post(base, json=unknown_area, headers=headers(region))
    assert r.status_code == 422 and [e["pointer"] for e in r.json()["errors"]] == ["/strength_area_id"]
    r = await client.post(base, json={**steering, "ends_on": "2025-12-31"}, headers=headers(region))
    assert r.status_code == 422
    assert (await client.post(base, json=steering, headers=headers(region, "viewer"))).status_code == 403

    # A process leader plans it; the cycle leaves through the outbox in the same transaction.
    r = await client.post(base, json=steering, headers=headers(region, "assessor"))
    assert r.status_code == 201, r.text
    cycle = r.json()
    await _settled(client)
    messages = await _stream_messages(nats_url)
    assert [m.subject for m in messages] == [f"s3.{region}.actors.cycle.planned.v1"]
    envelope = json.loads(messages[0].data)
    assert messages[0].headers["Nats-Msg-Id"] == envelope["id"]
    assert (envelope["type"], envelope["region"], envelope["subject"]) == (
        "actors.cycle.planned.v1",
        region,
        cycle["id"],
    )
    assert envelope["data"] == {
        "cycle_id": cycle["id"],
        "strength_area_id": None,
        "kind": "reference_group_meeting",
        "title": "Styrgruppsmöte smart specialisering",
        "frequency": "twice_a_year",
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
    }
