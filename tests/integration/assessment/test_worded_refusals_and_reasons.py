"""What the assessment service says to a person comes in the reader's language (Accept-Language):
its refusals of a review, an assignment, a decision and a status change (the problem's ``detail``,
the same problem ``type`` whatever the language), and the rubric's reason for each criterion
(``reason_parts``; ``reason`` stays English, as it always was)."""

from __future__ import annotations

from typing import Any

import httpx
import nats
import pytest

from helpers import application, eventually, headers, plan_event, publish


def base(region: str) -> str:
    return f"/assessment/regions/{region}/applications"


def said_in(language: str, region: str, role: str) -> dict[str, str]:
    return {**headers(region, role), "Accept-Language": language}


async def _assessed(client: httpx.AsyncClient, nats_url: str, region: str, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = await client.post(base(region), json=application(i), headers=headers(region, "integrator"))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    nc = await nats.connect(nats_url)
    try:
        await publish(nc.jetstream(), plan_event(region, 1))
    finally:
        await nc.close()

    async def assessed() -> bool:
        r = await client.get(f"{base(region)}?limit=100", headers=headers(region, "viewer"))
        return all(a["assessment"] is not None for a in r.json()["data"])

    await eventually(assessed)
    return ids


def _refused(r: httpx.Response, language: str) -> str:
    assert r.status_code == 409, r.text
    assert r.headers["content-language"] == language
    assert r.json()["type"].endswith("/conflict")
    return str(r.json()["detail"])


async def test_a_refusal_is_said_in_the_readers_language(
    client: httpx.AsyncClient, nats_url: str, region: str
) -> None:
    a, b = await _assessed(client, nats_url, region, 2)
    assessor = f"key-{region}-assessor"
    r = await client.post(
        f"{base(region)}/{a}/conflicts",
        json={"reason": "Min syster leder sökanden."},
        headers=headers(region, "assessor"),
    )
    assert r.status_code == 200, r.text

    # Her review of it: refused, in Swedish, in Finnish, and in English without Accept-Language.
    review = f"{base(region)}/{a}/review"
    sv = _refused(
        await client.post(review, json={"action": "confirm"}, headers=said_in("sv", region, "assessor")), "sv"
    )
    assert sv == f"{assessor} har anmält jäv för den här ansökan och kan inte granska den."
    fi = _refused(
        await client.post(review, json={"action": "confirm"}, headers=said_in("fi", region, "assessor")), "fi"
    )
    assert (
        fi
        == f"{assessor} on ilmoittanut olevansa esteellinen tämän hakemuksen suhteen eikä voi tarkastaa sitä."
    )
    en = _refused(
        await client.post(review, json={"action": "confirm"}, headers=headers(region, "assessor")), "en"
    )
    assert en == f"{assessor} declared a conflict of interest with this application and cannot review it."

    # Assigning it to her: the application by its title, and where it is in the body.
    assign = {"application_ids": [b, a], "assignee": assessor}
    r = await client.post(f"{base(region)}/assignments", json=assign, headers=said_in("fi", region, "admin"))
    assert _refused(r, "fi") == (
        f"{assessor} on ilmoittanut olevansa esteellinen hakemuksen ”Ansökan 0” suhteen, joten sitä ei voi "
        "osoittaa hänen tarkastettavakseen."
    )
    assert r.json()["errors"] == [
        {
            "pointer": "/application_ids/1",
            "message": f"{assessor} on ilmoittanut olevansa esteellinen tämän hakemuksen suhteen",
            "type": "conflict_of_interest",
        }
    ]
    r = await client.post(f"{base(region)}/assignments", json=assign, headers=said_in("sv", region, "admin"))
    assert _refused(r, "sv") == (
        f"{assessor} har anmält jäv för ansökan ”Ansökan 0” och kan inte tilldelas den för granskning."
    )

    # A decision is final; a status reached only from others.
    funder = said_in("sv", region, "integrator")
    url = f"{base(region)}/{b}"
    r = await client.post(
        f"{url}/decision", json={"outcome": "granted", "granted_amount": 1000}, headers=funder
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/decision", json={"outcome": "rejected"}, headers=funder)
    assert _refused(r, "sv") == "Ansökan är redan beslutad (”Beviljad”); ett beslut är slutgiltigt."
    r = await client.post(
        f"{url}/decision", json={"outcome": "rejected"}, headers=said_in("fi", region, "integrator")
    )
    assert _refused(r, "fi") == "Hakemus on jo ratkaistu (”Myönnetty”); päätös on lopullinen."
    r = await client.post(
        f"{url}/status", json={"status": "under_assessment"}, headers=said_in("fi", region, "integrator")
    )
    assert _refused(r, "fi") == (
        "Hakemusta, jonka tila on ”Myönnetty”, ei voi siirtää tilaan ”Arvioitavana” "
        "(vain tiloista ”Saapunut” ja ”Arvioitu”)."
    )
    r = await client.post(
        f"{url}/status", json={"status": "under_assessment"}, headers=headers(region, "integrator")
    )
    assert _refused(r, "en") == (
        "An application with the status 'Granted' cannot become 'Under assessment' "
        "(only from the statuses 'Received' and 'Assessed')."
    )


@pytest.mark.parametrize(
    ("language", "applicant"),
    [
        ("fi", "hakija ei ole (vielä) alueen rekisteröity toimija"),
        ("sv", "sökanden är inte (ännu) en registrerad aktör i regionen"),
        ("en", "the applicant is not (yet) a registered actor of the region"),
    ],
)
async def test_the_rubrics_reasons_are_said_in_the_readers_language(
    client: httpx.AsyncClient, nats_url: str, region: str, language: str, applicant: str
) -> None:
    [a] = await _assessed(client, nats_url, region, 1)
    for path in (f"{base(region)}/{a}", f"{base(region)}/{a}/assessments"):
        r = await client.get(path, headers=said_in(language, region, "viewer"))
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        assessment = body["assessment"] if "assessment" in body else body["data"][0]
        criteria = {c["measure"]: c for c in assessment["criteria"]}
        assert (
            criteria["applicant"]["reason"] == "the applicant is not (yet) a registered actor of the region"
        )
        [part] = criteria["applicant"]["reason_parts"]
        assert part == {"key": "criterion_reason_applicant_unknown", "params": {}, "text": applicant}
        fit = criteria["strategic_fit"]
        assert fit["reason"] == "'Hållbar energi' fits through elektrolys and vätgas"
        assert (
            fit["reason_parts"][0]["text"]
            == {
                "fi": "”Hållbar energi” sopii sanojen elektrolys ja vätgas perusteella",
                "sv": "”Hållbar energi” passar genom orden elektrolys och vätgas",
                "en": "'Hållbar energi' fits through elektrolys and vätgas",
            }[language]
        )
        assert all(c["reason_parts"][0]["key"].startswith("criterion_reason_") for c in criteria.values())
