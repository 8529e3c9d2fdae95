"""The groups an actor is and was a member of, in one call: each membership with its group's name
and kind, joined and left, whether it holds today; another region's actor is not there; a merged
duplicate's memberships are its survivor's."""

from __future__ import annotations

from typing import Any

import httpx

from helpers import headers


async def _call(client: httpx.AsyncClient, method: str, path: str, expect: int, **kw: Any) -> Any:
    r = await client.request(method, path, **kw)
    assert r.status_code == expect, (method, path, r.status_code, r.text)
    return r.json() if r.content else None


async def test_an_actor_s_memberships_name_their_groups_past_and_present(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    base, admin = f"/actors/regions/{region}", headers(region)
    miun = await _call(
        client,
        "POST",
        f"{base}/actors",
        201,
        json={"name": "Mittuniversitetet", "country": "SE", "identifier": "202100-5752", "helix": "academia"},
        headers=admin,
    )
    copy = await _call(
        client,
        "POST",
        f"{base}/actors",
        201,
        json={
            "name": "Mittuniversitetet (MIUN)",
            "country": "SE",
            "identifier": "556012-5790",
            "helix": "academia",
        },
        headers=admin,
    )
    steering = await _call(
        client,
        "POST",
        f"{base}/groups",
        201,
        json={"kind": "steering_group", "name": "Styrgrupp energi"},
        headers=admin,
    )
    broad = await _call(
        client,
        "POST",
        f"{base}/groups",
        201,
        json={"kind": "partnership", "name": "Partnerskap energi"},
        headers=admin,
    )
    for group, body in (
        (
            steering,
            {"actor_id": miun["id"], "role": "chair", "joined_on": "2023-01-01", "left_on": "2024-01-01"},
        ),
        (broad, {"actor_id": miun["id"], "joined_on": "2024-02-01"}),
        (steering, {"actor_id": copy["id"], "joined_on": "2024-03-01"}),
    ):
        await _call(client, "POST", f"{base}/groups/{group['id']}/members", 201, json=body, headers=admin)

    found = await _call(
        client, "GET", f"{base}/actors/{miun['id']}/memberships", 200, headers=headers(region, "viewer")
    )
    assert found["count"] == 2
    rows = [
        (m["group_name"], m["group_kind"], m["role"], m["joined_on"], m["left_on"], m["active"])
        for m in found["data"]
    ]
    assert rows == [
        ("Styrgrupp energi", "steering_group", "chair", "2023-01-01", "2024-01-01", False),
        ("Partnerskap energi", "partnership", "member", "2024-02-01", None, True),
    ]
    assert {m["actor_name"] for m in found["data"]} == {"Mittuniversitetet"}

    # The duplicate merged into it: its membership is now the survivor's too.
    await _call(
        client,
        "POST",
        f"{base}/actors/{copy['id']}/merge",
        200,
        json={"into_actor_id": miun["id"]},
        headers=admin,
    )
    after = await _call(client, "GET", f"{base}/actors/{miun['id']}/memberships", 200, headers=admin)
    assert [m["group_name"] for m in after["data"]] == [
        "Styrgrupp energi",
        "Partnerskap energi",
        "Styrgrupp energi",
    ]
    assert (await _call(client, "GET", f"{base}/actors/{copy['id']}/memberships", 200, headers=admin))[
        "count"
    ] == 0

    # Another region's actor is not there; neither is one that never was.
    await _call(
        client,
        "GET",
        f"/actors/regions/{other_region}/actors/{miun['id']}/memberships",
        404,
        headers=headers(other_region),
    )
    await _call(
        client, "GET", f"{base}/actors/0190c1a4-0000-7000-8000-000000000000/memberships", 404, headers=admin
    )
