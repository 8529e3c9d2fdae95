"""360Giving intake through HTTP, against real NATS JetStream and real databases: org-ids of the
actors' schemes become the applicant (linked to the registered actor), geoCodes in every common
form and the names of the region's municipalities become municipalities, the funder becomes the
funding source; what cannot be mapped is answered per grant as a warning naming the field as it
was sent, and errors name the grant's fields, not ours."""

from __future__ import annotations

from typing import Any

import httpx
from test_assessment_service import apps, js

from helpers import actor_registered, envelope, eventually, headers, publish
from kraftsamla_common.events import RegionConfigured, new_id

__all__ = ["js"]

JAMTLAND = ["2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"]


def url(region: str) -> str:
    return f"/assessment/regions/{region}/applications/360giving?source=eruf"


async def known_to_the_service(client: httpx.AsyncClient, region: str, js: Any) -> str:
    """Register the applicant and the region's municipalities on the bus and wait until the
    assessment service keeps both (a probe grant maps without warnings and links its applicant)."""
    actor_id = str(new_id())
    actor = actor_registered(
        region, "Vätgasbolaget AB", subject=actor_id, actor_id=actor_id, identifier="556036-0793"
    )
    await publish(js, actor)
    await publish(js, envelope(RegionConfigured(country="SE", county="23", municipalities=JAMTLAND), region))
    probe = {
        "id": "probe",
        "title": "Probe",
        "amountAwarded": 1,
        "awardDate": "2026-05-04",
        "recipientOrganization": [{"id": "SE-BLV-5560360793", "name": "Vätgasbolaget AB"}],
        "fundingOrganization": [{"name": "Region Jämtland Härjedalen"}],
        "beneficiaryLocation": [{"name": "Åre"}],
    }

    async def ready() -> bool:
        r = await client.post(url(region), json=probe, headers=headers(region, "integrator"))
        assert r.status_code == 200, r.text
        linked = [a for a in await apps(client, region) if a["applicant_actor_id"] == actor_id]
        return r.json()["results"][0]["warnings"] == [] and bool(linked)

    await eventually(ready)
    return actor_id


async def test_grants_map_what_they_can_and_warn_of_the_rest(
    client: httpx.AsyncClient, js: Any, region: str
) -> None:
    actor_id = await known_to_the_service(client, region, js)
    package = {
        "grants": [
            {
                "id": "360G-ERUF-1",
                "title": "Vätgasdalen",
                "currency": "SEK",
                "amountAwarded": 2000000,
                "awardDate": "2026-05-04",
                "recipientOrganization": [{"id": "SE-BLV-5560360793", "name": "Vätgasbolaget AB"}],
                "fundingOrganization": [{"id": "SE-BLV-2321000016", "name": "Region Jämtland Härjedalen"}],
                "beneficiaryLocation": [
                    {"name": "Åre", "geoCode": "SE2321"},
                    {"name": "Östersunds kommun"},
                    {"name": "Hartlepool", "geoCode": "E06000001"},
                ],
            },
            {
                "id": "360G-ERUF-2",
                "title": "A charity's project",
                "currency": "SEK",
                "amountAwarded": 50000,
                "awardDate": "2026-05-04",
                "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "A Charity"}],
                "fundingOrganization": [{"id": "GB-CHC-1000147", "name": "A Foundation"}],
                "beneficiaryLocation": [{"geoCode": "SE-2380"}],
            },
            {"id": "360G-ERUF-3", "title": "No amount"},
            {"id": "360G-ERUF-4", "title": "Pounds", "amountAwarded": 10, "currency": "GBP"},
        ]
    }
    r = await client.post(url(region), json=package, headers=headers(region, "integrator"))
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["created", "created", "rejected", "rejected"]
    assert [(w["field"], w["pointer"], w["code"]) for w in results[0]["warnings"]] == [
        ("beneficiaryLocation[2].geoCode", "/grants/0/beneficiaryLocation/2/geoCode", "unmapped_location")
    ]
    assert [(w["field"], w["code"]) for w in results[1]["warnings"]] == [
        ("recipientOrganization[0].id", "unmapped_identifier"),
        ("fundingOrganization[0]", "unmapped_funder"),
    ]
    assert all(w["message"] for w in results[1]["warnings"])
    assert [e["pointer"] for e in results[2]["errors"]] == ["/grants/2/amountAwarded"]
    assert [e["pointer"] for e in results[3]["errors"]] == ["/grants/3/currency"]

    stored = {a["external_id"]: a for a in await apps(client, region)}
    assert set(stored) == {"probe", "360G-ERUF-1", "360G-ERUF-2"}
    first, second = stored["360G-ERUF-1"], stored["360G-ERUF-2"]
    assert first["applicant_identifier"] == "556036-0793" and first["applicant_actor_id"] == actor_id
    assert first["municipalities"] == ["2321", "2380"]
    assert (first["funding_source"], first["funding_programme"]) == ("regional", "Region Jämtland Härjedalen")
    assert (second["applicant_identifier"], second["applicant_name"]) == (None, "A Charity")
    assert second["municipalities"] == ["2380"]
    assert (second["funding_source"], second["funding_programme"]) == (None, "A Foundation")


async def test_errors_point_into_the_body_as_it_was_sent(client: httpx.AsyncClient, region: str) -> None:
    h = headers(region, "integrator")
    one = {"id": "360G-1", "title": "T", "amountAwarded": 5, "awardDate": "someday"}
    r = await client.post(url(region), json=one, headers=h)
    assert [e["pointer"] for e in r.json()["results"][0]["errors"]] == ["/awardDate"]
    r = await client.post(url(region), json=[{"id": "360G-2", "amountAwarded": 5}], headers=h)
    assert [e["pointer"] for e in r.json()["results"][0]["errors"]] == ["/0/title"]
    backwards = [{"startDate": "2026-02-01", "endDate": "2026-01-01"}]
    package = {"grants": [{**one, "awardDate": "2026-01-01", "plannedDates": backwards}]}
    r = await client.post(url(region), json=package, headers=h)
    assert [e["pointer"] for e in r.json()["results"][0]["errors"]] == ["/grants/0/plannedDates/0/endDate"]
    r = await client.post(url(region), json={"grants": 5}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["pointer"] == "/grants"
    assert await apps(client, region) == []
