"""Partnerships, engagements and composition through the actors API, running in-process against
real NATS JetStream and a real database; the reporting service beside it receives the events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import nats
import pytest

from helpers import StartService, eventually, headers, stream_messages
from kraftsamla_common.events import (
    Envelope,
    EventData,
    LocalizedText,
    ProgrammeCreated,
    StrengthAreaSnapshot,
    new_id,
    service_of,
    subject_for,
    utcnow,
)

TOURISM = UUID("0190c1a4-0000-7000-8000-00000000a001")
FOREST = UUID("0190c1a4-0000-7000-8000-00000000a002")

# Fictitious organisation numbers with valid check digits; Kronoberg's municipalities.
ACTORS = {
    "destination": ("Destination Småland AB", "556677-8899", "business", "0780", "79.90"),
    "alvesta": ("Alvesta kommun", "212000-0647", "public", "0764", "84.11"),
    "tingsryd": ("Tingsryds kommun", "212000-0654", "public", "0763", "84.11"),
    "vaxjo": ("Växjö kommun", "212000-0662", "public", "0780", "84.11"),
    "lnu": ("Linnéuniversitetet", "202100-6255", "academia", "0780", "85.42"),
    "stuga": ("Sjöstugan Åsnen AB", "559000-0005", "business", "0763", "55.20"),
}


def programme_event(region: str) -> Envelope[EventData]:
    data = ProgrammeCreated(
        programme_id=new_id(),
        title="Smart specialisering Kronoberg",
        period_start=2021,
        period_end=2027,
        strength_areas=[
            StrengthAreaSnapshot(id=TOURISM, code="besoksnaring", name=LocalizedText(sv="Besöksnäring")),
            StrengthAreaSnapshot(id=FOREST, code="skog", name=LocalizedText(sv="Skog och trä")),
        ],
    )
    return Envelope[EventData](
        id=new_id(),
        type=data.event_type,
        source=service_of(data.event_type),
        region=region,
        subject=str(data.programme_id),
        time=utcnow(),
        correlation_id=new_id(),
        data=data,
    )


async def announce_programme(nats_url: str, region: str) -> None:
    env = programme_event(region)
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(
            subject_for(env.type, region),
            env.model_dump_json(serialize_as_any=True).encode(),
            headers={"Nats-Msg-Id": str(env.id)},
        )
    finally:
        await nc.close()


@pytest.fixture
async def clients(
    start_service: StartService, nats_url: str, region: str
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with (
        start_service("actors", relay_poll_seconds=0.1) as actors,
        start_service("reporting", relay_poll_seconds=0.1, report_debounce_seconds=0.1) as reporting,
    ):
        await announce_programme(nats_url, region)

        async def areas_known() -> bool:
            r = await actors.get(f"/actors/regions/{region}/strength-areas", headers=headers(region))
            return len(r.json()) == 2

        await eventually(areas_known)
        yield actors, reporting


class Api:
    def __init__(self, client: httpx.AsyncClient, region: str, role: str = "admin") -> None:
        self.client, self.base, self.h = client, f"/actors/regions/{region}", headers(region, role)

    async def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        r = await self.client.request(
            method, self.base + path, headers={**self.h, **kw.pop("headers", {})}, **kw
        )
        assert r.status_code == expect, (method, path, r.status_code, r.text)
        return r.json() if r.content else None

    async def actors(self) -> dict[str, str]:
        ids = {}
        for key, (name, orgnr, helix, municipality, nace) in ACTORS.items():
            body = {
                "name": name, "country": "SE", "identifier": orgnr, "helix": helix,
                "municipality": municipality, "nace": nace,
            }  # fmt: skip
            ids[key] = (await self.call("POST", "/actors", 201, json=body))["id"]
        return ids


async def test_steering_group_composition_at_a_date_with_its_gaps(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient], region: str, other_region: str
) -> None:
    api = Api(clients[0], region)
    settings = await api.call(
        "PUT", "/settings", 200, json={"country": "SE", "county": "07", "dominance_threshold": 0.5}
    )
    assert len(settings["municipalities"]) == 8
    ids = await api.actors()
    group = await api.call(
        "POST",
        "/groups",
        201,
        json={"kind": "steering_group", "name": "Styrgrupp Åsnen", "strength_area_id": str(TOURISM)},
    )
    g = f"/groups/{group['id']}"
    for key, role, joined, left in [
        ("destination", "chair", "2021-01-01", None),
        ("alvesta", "member", "2021-01-01", None),
        ("tingsryd", "member", "2021-01-01", None),
        ("vaxjo", "member", "2021-01-01", "2024-01-01"),
        ("lnu", "member", "2024-01-01", None),
    ]:
        await api.call(
            "POST",
            f"{g}/members",
            201,
            json={"actor_id": ids[key], "role": role, "joined_on": joined, "left_on": left},
        )

    # 2023: Växjö still in, the university not yet: public sector dominates, academia missing.
    then = await api.call("GET", f"{g}/composition", 200, params={"at": "2023-06-01"})
    assert then["actors"] == 4
    assert then["by_helix"] == {
        "public": 3,
        "business": 1,
        "academia": 0,
        "civil_society": 0,
        "state_agency": 0,
    }
    gaps = {(x["kind"], x["helix"] or x["municipality"]) for x in then["gaps"]}
    assert ("helix_missing", "academia") in gaps and ("helix_missing", "civil_society") in gaps
    assert ("helix_dominant", "public") in gaps
    assert {m for k, m in gaps if k == "municipality_uncovered"} == {"0760", "0761", "0765", "0767", "0781"}

    # 2025: Växjö left (the day it left it is no longer counted), the university joined.
    now = await api.call("GET", f"{g}/composition", 200, params={"at": "2025-06-01"})
    assert now["by_helix"]["public"] == 2 and now["by_helix"]["academia"] == 1
    assert not [x for x in now["gaps"] if x["kind"] == "helix_dominant"]
    assert {c["code"]: c["actors"] for c in now["by_municipality"]} == {"0764": 1, "0763": 1, "0780": 2}
    assert {c["code"]: c["name"] for c in now["by_industry"]}["85"] == "Education"
    members_2023 = await api.call("GET", f"{g}/members", 200, params={"at": "2023-06-01"})
    assert members_2023["count"] == 4

    # The strength area's view is the union of its groups, each actor once.
    partnership = await api.call(
        "POST",
        "/groups",
        201,
        json={"kind": "partnership", "name": "Brett partnerskap", "strength_area_id": str(TOURISM)},
    )
    for key in ("destination", "stuga"):
        await api.call(
            "POST",
            f"/groups/{partnership['id']}/members",
            201,
            json={"actor_id": ids[key], "joined_on": "2022-01-01"},
        )
    area = await api.call("GET", f"/strength-areas/{TOURISM}/composition", 200, params={"at": "2025-06-01"})
    assert (area["groups"], area["actors"]) == (2, 5)
    assert (await api.call("GET", "/actors", 200, params={"group_id": group["id"], "at": "2023-06-01"}))[
        "count"
    ] == 4

    # Bad input changes nothing: a membership ending before it starts, one overlapping, unknown refs.
    before = await api.call("GET", f"{g}/members", 200)
    bad = await api.call(
        "POST",
        f"{g}/members",
        422,
        json={"actor_id": ids["stuga"], "joined_on": "2025-01-01", "left_on": "2024-01-01"},
    )
    assert bad["errors"][0]["pointer"] == "/left_on" and "before it starts" in bad["errors"][0]["message"]
    await api.call("POST", f"{g}/members", 409, json={"actor_id": ids["alvesta"], "joined_on": "2025-01-01"})
    unknown = await api.call(
        "POST", "/groups", 422, json={"kind": "working_group", "name": "X", "strength_area_id": str(new_id())}
    )
    assert unknown["errors"][0]["pointer"] == "/strength_area_id"
    assert (await api.call("GET", f"{g}/members", 200)) == before

    # Another region: 404 for the group, its composition and members; its own region is empty.
    other = Api(clients[0], other_region)
    other.base = api.base
    await other.call("GET", g, 404)
    await other.call("GET", f"{g}/composition", 404)
    theirs = Api(clients[0], other_region)
    await theirs.call("GET", g, 404)
    await theirs.call("GET", f"{g}/members", 404)
    await theirs.call("POST", f"{g}/members", 404, json={"actor_id": ids["lnu"], "joined_on": "2025-01-01"})
    assert (await theirs.call("GET", "/groups", 200))["count"] == 0
    # A viewer reads, but does not build groups.
    viewer = Api(clients[0], region, "viewer")
    await viewer.call("GET", f"{g}/composition", 200)
    await viewer.call("POST", "/groups", 403, json={"kind": "working_group", "name": "X"})


async def test_engagements_counted_against_the_annual_cycle_and_erasure_keeps_counts(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient], region: str, nats_url: str
) -> None:
    api = Api(clients[0], region)
    ids = await api.actors()
    anna = await api.call(
        "POST",
        f"/actors/{ids['destination']}/people",
        201,
        json={"name": "Anna Exempel", "role": "processledare", "email": "anna@example.org"},
    )
    bo = await api.call("POST", f"/actors/{ids['lnu']}/people", 201, json={"name": "Bo Exempel"})
    await api.call("POST", f"/actors/{ids['lnu']}/people", 422, json={"name": "C", "email": "not-an-address"})
    cycle = await api.call(
        "POST", "/cycles", 201,
        json={"strength_area_id": str(TOURISM), "kind": "actor_meeting", "title": "Månadsmöte", "frequency": "monthly", "starts_on": "2026-01-01"},
    )  # fmt: skip

    meeting = {
        "kind": "actor_meeting",
        "title": "Aktörsmöte",
        "strength_area_ids": [str(TOURISM)],
        "municipality": "0763",
    }
    everyone = [{"person_id": anna["id"]}, {"person_id": bo["id"]}, {"actor_id": ids["alvesta"]}]
    for held_on, participants in [
        ("2026-01-20", everyone),
        ("2026-02-17", everyone[:2]),
        ("2026-02-24", everyone[:1]),
        ("2026-04-21", everyone),
    ]:
        e = await api.call(
            "POST", "/engagements", 201, json={**meeting, "held_on": held_on, "participants": participants}
        )
        assert e["cycle_id"] == cycle["id"]  # linked to the one cycle of that kind and area
    survey = await api.call(
        "POST", "/engagements", 201,
        json={"kind": "survey", "title": "Enkät", "held_on": "2026-03-01", "strength_area_ids": [str(FOREST)], "head_count": 40},
    )  # fmt: skip
    assert survey["cycle_id"] is None and survey["participations"] == 40
    await api.call("POST", "/engagements", 422, json={**meeting, "held_on": "2026-05-01"})  # nobody took part
    await api.call(
        "POST",
        "/engagements",
        422,
        json={**meeting, "held_on": "2026-05-01", "municipality": "9999", "head_count": 3},
    )

    period = {"from": "2026-01-01", "to": "2026-06-30"}
    p = await api.call("GET", "/participation", 200, params=period)
    assert (p["total"]["engagements"], p["total"]["participations"], p["total"]["unique_people"]) == (
        5,
        49,
        2,
    )
    assert p["total"]["unique_actors"] == 3
    tourism = next(a for a in p["by_strength_area"] if a["strength_area_id"] == str(TOURISM))
    assert (tourism["engagements"], tourism["participations"], tourism["unique_people"]) == (4, 9, 2)
    follow = await api.call("GET", "/cycles/follow-up", 200, params=period)
    assert {k: follow["cycles"][0][k] for k in ("planned", "held", "meetings", "missed")} == {
        "planned": 6, "held": 3, "meetings": 4, "missed": ["2026-03", "2026-05", "2026-06"],
    }  # fmt: skip

    # Erasure: the personal data is gone, the counts stay; the erased person cannot take part again.
    await api.call("DELETE", f"/people/{anna['id']}", 204)
    await api.call("DELETE", f"/people/{anna['id']}", 204)
    erased = await api.call("GET", f"/people/{anna['id']}", 200)
    assert (erased["name"], erased["role"], erased["email"], erased["erased"]) == (None, None, None, True)
    assert (await api.call("GET", "/participation", 200, params=period))["total"] == p["total"]
    listed = await api.call("GET", "/people", 200)
    assert [x["id"] for x in listed["data"]] == [bo["id"]]
    again = await api.call(
        "POST",
        "/engagements",
        422,
        json={**meeting, "held_on": "2026-05-05", "participants": [{"person_id": anna["id"]}]},
    )
    assert again["errors"][0]["pointer"] == "/participants/0/person_id"

    # No personal data ever went onto the bus.
    await eventually(lambda: _relayed(clients[0]))
    stream = b"".join(m.data for m in await stream_messages(nats_url, "ACTORS"))
    assert b"Anna" not in stream and b"anna@example.org" not in stream
    types = {json.loads(m.data)["type"] for m in await stream_messages(nats_url, "ACTORS")}
    assert {"actors.person.added.v1", "actors.person.erased.v1", "actors.engagement.recorded.v1"} <= types

    # The events reach reporting: the report counts the year's engagements.
    reporting = clients[1]

    async def counted() -> Any:
        r = await reporting.get(f"/reporting/regions/{region}/reports/latest", headers=headers(region))
        if r.status_code != 200:
            return None
        activities = r.json()["content"]["activities"]
        return activities if activities and activities["engagements"] == 5 else None

    activities = await eventually(counted)
    assert (activities["participations"], activities["unique_people"]) == (49, 2)


async def _relayed(client: httpx.AsyncClient) -> bool:
    relay = client.app.state.ctx.relay  # type: ignore[attr-defined]
    return not (await relay.backlog())[0]


CSV_GOOD = "name;organisationsnummer;country;helix;kommunkod;sni\n" + "\n".join(
    f"{name};{orgnr};SE;{helix};{m};{nace}" for name, orgnr, helix, m, nace in ACTORS.values()
)


async def test_csv_import_reports_every_bad_row_and_is_all_or_nothing_by_choice(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient], region: str
) -> None:
    api = Api(clients[0], region)
    bad_rows = (
        "\nFel AB;556677-8890;SE;business;0780;79.90"  # line 8: check digit
        "\nOkänd kommun AB;559000-0005;SE;business;9999;"  # line 9: no such municipality (and a duplicate)
        "\nKyrkan;802000-0008;SE;church;0780;"  # line 10: unknown helix
        "\nFel SNI AB;556036-0793;SE;business;0780;99.99"  # line 11: no such NACE class
    )
    csv = (CSV_GOOD + bad_rows).encode()
    refused = await api.call(
        "POST", "/actors/import", 422, content=csv, headers={**api.h, "content-type": "text/csv"}
    )
    assert sorted({e["line"] for e in refused["errors"]}) == [8, 9, 10, 11]
    fields = {(e["line"], e["field"]) for e in refused["errors"]}
    assert {(8, "identifier"), (9, "municipality"), (10, "helix"), (11, "nace")} <= fields
    assert (await api.call("GET", "/actors", 200))["count"] == 0  # all or nothing: nothing

    report = await api.call(
        "POST",
        "/actors/import",
        200,
        params={"mode": "valid_rows"},
        content=csv,
        headers={**api.h, "content-type": "text/csv"},
    )
    assert (report["rows"], report["created"], report["existing"], report["rejected"]) == (10, 6, 0, 4)
    assert (await api.call("GET", "/actors", 200))["count"] == 6
    # Importing the list again duplicates nothing.
    again = await api.call(
        "POST",
        "/actors/import",
        200,
        content=CSV_GOOD.encode(),
        headers={**api.h, "content-type": "text/csv"},
    )
    assert (again["created"], again["existing"]) == (0, 6)
    unreadable = await api.call(
        "POST",
        "/actors/import",
        422,
        content=b"colour;shape\nred;round",
        headers={**api.h, "content-type": "text/csv"},
    )
    assert "unknown column" in unreadable["detail"]
    filtered = await api.call("GET", "/actors", 200, params={"industry": "84", "municipality": "0763"})
    assert [a["name"] for a in filtered["data"]] == ["Tingsryds kommun"]


async def test_merging_a_duplicate_moves_its_memberships(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient], region: str
) -> None:
    api = Api(clients[0], region)
    ids = await api.actors()
    duplicate = (await api.call("POST", "/actors", 201, json={"name": "Destination Småland (gammal)", "country": "SE", "identifier": "556036-0793", "helix": "business"}))["id"]  # fmt: skip
    group = await api.call("POST", "/groups", 201, json={"kind": "working_group", "name": "Arbetsgrupp"})
    await api.call(
        "POST", f"/groups/{group['id']}/members", 201, json={"actor_id": duplicate, "joined_on": "2024-01-01"}
    )
    survivor = await api.call(
        "POST", f"/actors/{duplicate}/merge", 200, json={"into_actor_id": ids["destination"]}
    )
    assert survivor["id"] == ids["destination"]
    members = await api.call("GET", f"/groups/{group['id']}/members", 200)
    assert [m["actor_id"] for m in members["data"]] == [ids["destination"]]
    merged = await api.call("GET", f"/actors/{duplicate}", 200)
    assert merged["merged_into_id"] == ids["destination"]
    # Registering the merged organisation again answers the survivor; lists leave the duplicate out.
    again = await api.call(
        "POST",
        "/actors",
        200,
        json={"name": "X", "country": "SE", "identifier": "556036-0793", "helix": "business"},
    )
    assert again["id"] == ids["destination"]
    assert duplicate not in [
        a["id"] for a in (await api.call("GET", "/actors", 200, params={"limit": 100}))["data"]
    ]
    await api.call("POST", f"/actors/{duplicate}/merge", 422, json={"into_actor_id": ids["lnu"]})
    await api.call("PATCH", f"/actors/{ids['stuga']}", 200, json={"size_class": "micro", "nace": "55.2"})
    await api.call("PATCH", f"/actors/{ids['stuga']}", 422, json={"municipality": "091"})
