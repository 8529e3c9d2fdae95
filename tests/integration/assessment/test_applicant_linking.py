"""Applicants linked to the registered actor they are, against real NATS JetStream and real
databases, also for applications taken in while the actor's registration is being kept: one whose
request read the region's actors before the registration was committed, and was committed after
the registration linked the applications it could see, is linked all the same."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from stdnum import luhn
from test_assessment_service import js

from helpers import actor_registered, application, headers, publish
from kraftsamla_common.events import new_id

__all__ = ["js"]

ROUNDS = 6
WORKERS = 4


def organisation_number(n: int) -> str:
    """A valid Swedish organisationsnummer of its own for each ``n`` (third digit 6: not a person)."""
    digits = f"5560{n:05d}"
    return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


async def every_application(client: httpx.AsyncClient, region: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        r = await client.get(
            f"/assessment/regions/{region}/applications?limit=500&offset={len(out)}",
            headers=headers(region, "viewer"),
        )
        assert r.status_code == 200, r.text
        out.extend(r.json()["data"])
        if len(out) >= r.json()["count"]:
            return out


async def test_applications_taken_in_while_their_applicant_registers_are_all_linked(
    client: httpx.AsyncClient, js: Any, region: str
) -> None:
    """Each round registers a new actor while applications naming it as applicant are pushed one
    request at a time by several clients, from before the registration until some after the
    service knows the actor; then every one of them is linked to it."""
    h = headers(region, "integrator")
    url = f"/assessment/regions/{region}/applications"
    actors: dict[str, str] = {}
    posted = 0
    for n in range(ROUNDS):
        identifier, actor_id = organisation_number(n), str(new_id())
        actors[identifier] = actor_id
        known = asyncio.Event()

        async def push(
            identifier: str = identifier, actor_id: str = actor_id, known: asyncio.Event = known
        ) -> None:
            nonlocal posted
            after = 0
            while after < 3:
                body = {**application(posted), "applicant_identifier": identifier}
                posted += 1
                r = await client.post(url, json=body, headers=h)
                assert r.status_code in (200, 201), r.text
                if r.json()["applicant_actor_id"] == actor_id:
                    known.set()
                after += known.is_set()

        workers = [asyncio.create_task(push()) for _ in range(WORKERS)]
        await asyncio.sleep(0.05)
        actor = actor_registered(
            region, f"Bolag {n}", subject=actor_id, actor_id=actor_id, identifier=identifier
        )
        await publish(js, actor)
        await asyncio.wait_for(asyncio.gather(*workers), timeout=60)

    stored = await every_application(client, region)
    assert len(stored) == posted
    unlinked = [
        a["external_id"] for a in stored if a["applicant_actor_id"] != actors[a["applicant_identifier"]]
    ]
    assert unlinked == [], f"{len(unlinked)} of {posted} applications not linked to their applicant"
