"""The plans service in-process against real NATS JetStream and real databases."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from helpers import (
    DRAFT,
    PROGRAMME,
    REVIEW,
    VATGAS,
    actor_registered,
    area_of,
    create_programme,
    eventually,
    headers,
    local_plan,
    plan_of,
    stream_messages,
)
from helpers import publish_plan as publish
from helpers import save_draft as save
from kraftsamla_common.events import new_id, subject_for, utcnow
from kraftsamla_plans.persistence.tables import ActionPlan

# --------------------------------------------------------------------------- versions


async def test_programme_draft_publish_and_event_carrying_the_whole_version(
    client: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    prog = await create_programme(client, region)
    assert [sa["code"] for sa in prog["strength_areas"]] == ["digitala-losningar", "energi"]
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"

    r = await client.get(base, headers=headers(region, "viewer"))
    etag = r.headers["ETag"]
    r = await client.put(f"{base}/draft", json=DRAFT, headers={**headers(region), "If-Match": etag})
    assert r.status_code == 200, r.text
    r = await client.post(f"{base}/publish", json={"note": "Vätgas lyfts fram"}, headers=headers(region))
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1 and r.json()["published_by"] == f"key-{region}-admin"

    subject = f"s3.{region}.plans.action_plan.published.v1"
    msgs = await eventually(lambda: stream_messages(nats_url, "PLANS", subject))
    env = json.loads(msgs[0].data)
    assert msgs[0].headers["Nats-Msg-Id"] == env["id"]
    assert env["region"] == region and env["data"]["version"] == 1
    plan = env["data"]["plan"]
    assert plan["priorities"][0]["vocabulary"] == ["vätgas", "elektrolys"]
    # The whole version travels: all six steps.
    assert plan["analysis"]["challenges"] == ["Elnätens kapacitet"]
    assert plan["sub_goals"][0]["indicator"]["unit"] == "%"
    assert plan["policy_mix"]["initiatives"][0]["funding_sources"] == ["erdf", "energy_agency"]
    assert plan["evaluation"]["effect_chain"]["output"][0]["indicators"][0]["code"] == "RCO16"
    assert plan["next_review"] == REVIEW
    assert env["data"]["strength_area"]["code"] == "energi"

    # A second publish makes version 2; both stay readable and unchanged.
    changed = copy.deepcopy(DRAFT)
    changed["priorities"][0]["level"] = "bredd"
    await publish(client, region, base, changed)
    r = await client.get(f"{base}/versions", headers=headers(region, "viewer"))
    assert [v["number"] for v in r.json()["data"]] == [1, 2] and r.json()["count"] == 2
    r = await client.get(f"{base}/versions/1", headers=headers(region, "viewer"))
    assert r.json()["note"] == "Vätgas lyfts fram"
    assert r.json()["content"]["priorities"][0]["level"] == "spets"
    assert (await client.get(f"{base}/versions/3", headers=headers(region))).status_code == 404
    plan_now = (await client.get(base, headers=headers(region))).json()
    assert plan_now["current_version"] == 2
    assert plan_now["review"] == {
        "last_revised": plan_now["review"]["last_revised"],
        "next_review": REVIEW,
        "overdue": False,
        "reason": None,
    }


async def test_diff_between_versions_and_against_the_draft(client: httpx.AsyncClient, region: str) -> None:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"
    await publish(client, region, base, DRAFT)
    v2 = copy.deepcopy(DRAFT)
    v2["priorities"][0]["level"] = "bredd"
    v2["priorities"][0]["vocabulary"].append("elektrobränsle")
    v2["priorities"].append(
        {**VATGAS, "id": "sol", "title": {"sv": "Solenergi"}, "vocabulary": ["solceller"]}
    )
    v2["sub_goals"] = []
    v2["analysis"]["challenges"].append("Kompetensförsörjning")
    await publish(client, region, base, v2)

    r = await client.get(f"{base}/diff", params={"from": 1, "to": 2}, headers=headers(region, "viewer"))
    assert r.status_code == 200, r.text
    d = r.json()
    assert [p["id"] for p in d["priorities"]["added"]] == ["sol"]
    assert d["priorities"]["removed"] == []
    (changed,) = d["priorities"]["changed"]
    assert changed["id"] == "vatgas"
    assert {c["field"]: (c["before"], c["after"]) for c in changed["changes"]}["level"] == ("spets", "bredd")
    assert {c["field"] for c in changed["changes"]} == {"level", "vocabulary"}
    assert [g["id"] for g in d["sub_goals"]["removed"]] == ["forny"]
    assert d["sections_changed"] == ["analysis"]

    # Against the draft: what publishing now would change (nothing, since v2 is the draft).
    r = await client.get(f"{base}/diff", params={"from": 2}, headers=headers(region))
    assert r.json()["to_version"] == "draft"
    assert r.json()["priorities"] == {"added": [], "removed": [], "changed": []}
    r = await client.get(f"{base}/diff", params={"from": 9, "to": 2}, headers=headers(region))
    assert r.status_code == 404
    r = await client.get(f"{base}/diff", params={"from": "latest"}, headers=headers(region))
    assert r.status_code == 422


async def test_overdue_plans_are_flagged_and_filtered(
    client: httpx.AsyncClient, region: str, database_factory: Any
) -> None:
    prog = await create_programme(client, region)
    energy, digital = plan_of(prog, "energi"), plan_of(prog, "digitala-losningar")
    await publish(client, region, f"/plans/regions/{region}/action-plans/{energy}", DRAFT)
    # Seven months pass for the energy plan (the clock is the database's record of the last revision).
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    async with ctx.db.sessions() as s, s.begin():
        long_ago = utcnow() - timedelta(days=214)
        await s.execute(
            update(ActionPlan)
            .where(ActionPlan.id == energy)
            .values(last_published_at=long_ago, next_review=long_ago.date() + timedelta(days=90))
        )
    r = await client.get(
        f"/plans/regions/{region}/action-plans", params={"overdue": True}, headers=headers(region)
    )
    assert [p["id"] for p in r.json()["data"]] == [energy]
    review = r.json()["data"][0]["review"]
    assert review["overdue"] is True and "has passed" in review["reason"]
    r = await client.get(
        f"/plans/regions/{region}/action-plans", params={"overdue": False}, headers=headers(region)
    )
    assert [p["id"] for p in r.json()["data"]] == [digital]
    r = await client.get(
        f"/plans/regions/{region}/action-plans", params={"limit": 1}, headers=headers(region)
    )
    assert r.json()["count"] == 2 and len(r.json()["data"]) == 1


# --------------------------------------------------------------------------- concurrency and validation


async def test_stale_edit_gets_412_and_changes_nothing(client: httpx.AsyncClient, region: str) -> None:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{prog['strength_areas'][0]['action_plan_id']}"
    etag = (await client.get(base, headers=headers(region))).headers["ETag"]
    first = await client.put(f"{base}/draft", json=DRAFT, headers={**headers(region), "If-Match": etag})
    assert first.status_code == 200
    stale = await client.put(
        f"{base}/draft", json={"priorities": []}, headers={**headers(region), "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    missing = await client.put(f"{base}/draft", json={}, headers=headers(region))
    assert missing.status_code == 428
    now = (await client.get(base, headers=headers(region))).json()
    assert now["draft"]["priorities"][0]["id"] == "vatgas"
    assert now["draft_revision"] == 2

    # Publishing with the ETag read before the last save publishes nothing.
    late = await client.post(f"{base}/publish", headers={**headers(region), "If-Match": etag})
    assert late.status_code == 412
    assert (await client.get(base, headers=headers(region))).json()["current_version"] == 0
    fresh = (await client.get(base, headers=headers(region))).headers["ETag"]
    published = await client.post(f"{base}/publish", headers={**headers(region), "If-Match": fresh})
    assert published.status_code == 201 and published.json()["number"] == 1

    # The programme too: two editors, one wins, the other gets 412.
    url = f"/plans/regions/{region}/programmes/{prog['id']}"
    etag = (await client.get(url, headers=headers(region))).headers["ETag"]
    a = await client.patch(url, json={"title": "A"}, headers={**headers(region), "If-Match": etag})
    b = await client.patch(url, json={"title": "B"}, headers={**headers(region), "If-Match": etag})
    assert (a.status_code, b.status_code) == (200, 412)
    assert (await client.get(url, headers=headers(region))).json()["title"] == "A"


def pointers(r: httpx.Response) -> set[str]:
    return {e["pointer"] for e in r.json()["errors"]}


async def test_validation_errors_say_what_and_where(client: httpx.AsyncClient, region: str) -> None:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"

    no_validity = copy.deepcopy(DRAFT)
    del no_validity["priorities"][0]["valid_until"]
    r = await save(client, region, base, no_validity)
    assert r.status_code == 422 and pointers(r) == {"/priorities/0/valid_until"}

    no_indicator = copy.deepcopy(DRAFT)
    del no_indicator["sub_goals"][0]["indicator"]
    r = await save(client, region, base, no_indicator)
    assert r.status_code == 422 and pointers(r) == {"/sub_goals/0/indicator"}

    backwards = copy.deepcopy(DRAFT)
    backwards["sub_goals"][0]["target_year"] = 2020
    backwards["priorities"][0]["valid_until"] = "2025-01-01"
    backwards["policy_mix"]["initiatives"][0]["priority_ids"] = ["nope"]
    r = await save(client, region, base, backwards)
    assert r.status_code == 422
    assert pointers(r) == {
        "/sub_goals/0/target_year",
        "/priorities/0/valid_until",
        "/policy_mix/initiatives/0/priority_ids/0",
    }
    messages = {e["pointer"]: e["message"] for e in r.json()["errors"]}
    assert messages["/sub_goals/0/target_year"] == "the target year is before the baseline year"

    typo = {**DRAFT, "visoin": {"sv": "x"}}
    r = await save(client, region, base, typo)
    assert r.status_code == 422 and pointers(r) == {"/visoin"}

    # Nothing was saved by any of those.
    assert (await client.get(base, headers=headers(region))).json()["draft_revision"] == 1

    # Publishing needs priorities and a next review within six months.
    r = await client.post(f"{base}/publish", headers=headers(region))
    assert r.status_code == 422 and pointers(r) == {"/priorities", "/next_review"}
    late = {**DRAFT, "next_review": (date.today() + timedelta(days=300)).isoformat()}
    assert (await save(client, region, base, late)).status_code == 200
    r = await client.post(f"{base}/publish", headers=headers(region))
    assert r.status_code == 422 and "twice a year" in r.json()["errors"][0]["message"]
    assert (await client.get(base, headers=headers(region))).json()["current_version"] == 0


async def test_bad_input_gets_problem_details(client: httpx.AsyncClient, region: str) -> None:
    r = await client.post(
        f"/plans/regions/{region}/programmes", json={**PROGRAMME, "period_end": 2019}, headers=headers(region)
    )
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = await client.post(
        f"/plans/regions/{region}/programmes", json={**PROGRAMME, "owner": "x"}, headers=headers(region)
    )
    assert r.status_code == 422
    assert any("owner" in e["pointer"] for e in r.json()["errors"])
    r = await client.get(f"/plans/regions/{region}/programmes")
    assert r.status_code == 401
    r = await client.get(f"/plans/regions/{region}/programmes", headers={"X-API-Key": "nope"})
    assert r.status_code == 401
    assert (await client.get(f"/plans/regions/{region}/programmes", headers=headers(region))).json()[
        "count"
    ] == 0


# --------------------------------------------------------------------------- programme


async def test_programme_adoption_strength_areas_and_their_events(
    client: httpx.AsyncClient, region: str, nats_url: str, other_region: str
) -> None:
    prog = await create_programme(client, region)
    url = f"/plans/regions/{region}/programmes/{prog['id']}"
    adoption = {"adopted_on": "2020-11-25", "body": "Regionfullmäktige", "paragraph": "§ 128"}
    r = await client.post(f"{url}/adopt", json=adoption, headers=headers(region))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "adopted" and r.json()["adoption"] == adoption
    assert (await client.post(f"{url}/adopt", json=adoption, headers=headers(region))).status_code == 409
    # The refusal in the reader's language.
    again = await client.post(
        f"{url}/adopt", json=adoption, headers={**headers(region), "Accept-Language": "fi"}
    )
    assert again.status_code == 409 and again.headers["content-language"] == "fi"
    assert again.json()["detail"] == "Ohjelma on jo hyväksytty 2020-11-25."

    leader = str(new_id())
    r = await client.get(url, headers=headers(region))
    etag = r.headers["ETag"]
    new_area = {"code": "upplevelser", "name": {"sv": "Upplevelser"}, "process_leader_id": leader}
    r = await client.post(
        f"{url}/strength-areas", json=new_area, headers={**headers(region), "If-Match": etag}
    )
    # A process leader the actors service has not announced to this region is refused, nothing added.
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "The strength area cannot be added."
    r = await client.post(
        f"{url}/strength-areas",
        json=new_area,
        headers={**headers(region), "If-Match": etag, "Accept-Language": "sv"},
    )
    assert r.status_code == 422 and r.json()["detail"] == "Styrkeområdet kan inte läggas till."
    assert [(e["pointer"], e["type"]) for e in r.json()["errors"]] == [
        ("/process_leader_id", "unknown_reference")
    ]

    # Once announced, the plans service takes it, and names it.
    nc_js = await _publish_actor(nats_url, region, leader, "Peak Innovation")
    await nc_js.close()

    async def added() -> httpx.Response | None:
        r = await client.post(
            f"{url}/strength-areas", json=new_area, headers={**headers(region), "If-Match": etag}
        )
        return r if r.status_code == 201 else None

    r = await eventually(added)
    area = next(sa for sa in r.json()["strength_areas"] if sa["code"] == "upplevelser")
    assert area["process_leader"] == {"id": leader, "name": "Peak Innovation"}
    assert area["action_plan_id"]

    r = await client.get(url, headers=headers(region))
    r = await client.patch(
        f"/plans/regions/{region}/strength-areas/{area['id']}",
        json={"name": {"sv": "Upplevelser", "en": "Experiences"}, "sdgs": [8, 11]},
        headers={**headers(region), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    assert next(sa for sa in r.json()["strength_areas"] if sa["code"] == "upplevelser")["sdgs"] == [8, 11]
    r = await client.patch(
        f"/plans/regions/{other_region}/strength-areas/{area['id']}",
        json={"sdgs": [1]},
        headers={**headers(other_region), "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 404

    announced = [
        json.loads(m.data)
        for m in await eventually(lambda: _at_least(nats_url, f"s3.{region}.plans.programme.>", 4))
    ]
    programme_events = [e for e in announced if "checklist" not in e["type"]]
    assert [e["type"] for e in programme_events] == [
        "plans.programme.created.v1",
        "plans.programme.adopted.v1",
        "plans.programme.updated.v1",
        "plans.programme.updated.v1",
    ]
    last = programme_events[-1]["data"]
    assert last["adoption"]["paragraph"] == "§ 128"
    assert {sa["code"] for sa in last["strength_areas"]} == {"energi", "digitala-losningar", "upplevelser"}

    r = await client.get(
        f"/plans/regions/{region}/programmes", params={"year": 2030}, headers=headers(region)
    )
    assert r.json()["count"] == 0
    r = await client.get(
        f"/plans/regions/{region}/programmes", params={"status": "adopted"}, headers=headers(region)
    )
    assert r.json()["count"] == 1


async def _publish_actor(nats_url: str, region: str, actor_id: str, name: str) -> Any:
    import nats

    nc = await nats.connect(nats_url)
    env = actor_registered(region, name, subject=actor_id, actor_id=actor_id, identifier="559900-0006")
    await nc.jetstream().publish(subject_for(env.type, region), env.model_dump_json().encode())
    return nc


async def _at_least(nats_url: str, pattern: str, n: int) -> list[Any] | None:
    prefix = pattern.removesuffix(">")
    msgs = [m for m in await stream_messages(nats_url, "PLANS") if m.subject.startswith(prefix)]
    wanted = [m for m in msgs if "checklist" not in m.subject]
    return msgs if len(wanted) >= n else None


# --------------------------------------------------------------------------- local plans and alignment


async def test_local_plan_alignment_both_ways(client: httpx.AsyncClient, region: str, nats_url: str) -> None:
    prog = await create_programme(client, region)
    energy_area, digital_area = area_of(prog, "energi"), area_of(prog, "digitala-losningar")
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}", DRAFT)
    digital = copy.deepcopy(DRAFT)
    digital["priorities"] = [
        {**VATGAS, "id": "e-halsa", "title": {"sv": "E-hälsa"}, "vocabulary": ["e-hälsa"]}
    ]
    digital["policy_mix"]["initiatives"] = []
    await publish(
        client, region, f"/plans/regions/{region}/action-plans/{plan_of(prog, 'digitala-losningar')}", digital
    )

    r = await client.post(
        f"/plans/regions/{region}/local-plans",
        json=local_plan(energy_area, digital_area),
        headers=headers(region),
    )
    assert r.status_code == 201, r.text
    lp = r.json()
    assert lp["current_version"] == 0 and lp["draft"]["financing"][1]["kind"] == "letter_of_intent"

    # Not yet published: the region-wide view leaves it out unless drafts are asked for.
    r = await client.get(f"/plans/regions/{region}/alignment", headers=headers(region, "viewer"))
    assert r.json()["local_plans"] == []
    assert {p["priority_id"] for p in r.json()["unserved_priorities"]} == {"vatgas", "e-halsa"}
    r = await client.get(
        f"/plans/regions/{region}/alignment", params={"include_drafts": True}, headers=headers(region)
    )
    assert r.json()["local_plans"][0]["version"] == "draft"

    r = await client.post(f"/plans/regions/{region}/local-plans/{lp['id']}/publish", headers=headers(region))
    assert r.status_code == 201, r.text
    r = await client.get(f"/plans/regions/{region}/alignment", headers=headers(region, "viewer"))
    alignment = r.json()
    (local,) = alignment["local_plans"]
    assert local["version"] == 1
    assert local["actions_serving_no_priority"] == ["kommunikation", "fest"]
    assert local["priorities_served"] == ["vatgas"]
    assert [p["priority_id"] for p in alignment["unserved_priorities"]] == ["e-halsa"]
    served = {p["priority"]["priority_id"]: p["served_by"] for p in alignment["priorities"]}
    assert served["vatgas"] == [
        {"local_plan_id": lp["id"], "title": lp["draft"]["title"], "action_ids": ["vatgas-lokalt"]}
    ]

    r = await client.get(f"/plans/regions/{region}/local-plans/{lp['id']}/alignment", headers=headers(region))
    assert r.json()["actions_serving_no_priority"] == ["kommunikation", "fest"]

    # The energy plan drops the priority in a revision: the local link becomes stale, not silently lost.
    revised = copy.deepcopy(DRAFT)
    revised["priorities"][0]["id"] = "elektrobransle"
    revised["policy_mix"]["initiatives"][0]["priority_ids"] = ["elektrobransle"]
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}", revised)
    r = await client.get(f"/plans/regions/{region}/local-plans/{lp['id']}/alignment", headers=headers(region))
    action = next(a for a in r.json()["actions"] if a["action_id"] == "vatgas-lokalt")
    assert action["priority_ids"] == [] and action["stale_links"] == ["priority vatgas"]

    msgs = await eventually(
        lambda: stream_messages(nats_url, "PLANS", f"s3.{region}.plans.local_plan.published.v1")
    )
    data = json.loads(msgs[0].data)["data"]
    assert data["version"] == 1 and data["plan"]["actions"][0]["serves"][0]["priority_id"] == "vatgas"

    r = await client.get(
        f"/plans/regions/{region}/local-plans", params={"municipality": "2380"}, headers=headers(region)
    )
    assert r.json()["count"] == 1
    r = await client.get(
        f"/plans/regions/{region}/local-plans", params={"municipality": "0780"}, headers=headers(region)
    )
    assert r.json()["count"] == 0


async def test_local_plan_links_must_stay_in_the_region(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    ours = await create_programme(client, region)
    r = await client.post(
        f"/plans/regions/{other_region}/programmes", json=PROGRAMME, headers=headers(other_region)
    )
    theirs = r.json()
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_of(ours, 'energi')}", DRAFT)

    body = local_plan(area_of(theirs, "energi"), area_of(ours, "digitala-losningar"))
    r = await client.post(f"/plans/regions/{region}/local-plans", json=body, headers=headers(region))
    assert r.status_code == 422
    assert pointers(r) == {"/actions/0/serves/0/strength_area_id"}
    assert "no strength area" in r.json()["errors"][0]["message"]

    body = local_plan(area_of(ours, "energi"), area_of(ours, "digitala-losningar"))
    body["actions"][0]["serves"][0]["priority_id"] = "finns-inte"
    body["actions"][1]["end"], body["actions"][1]["start"] = "2025-01-01", "2026-01-01"
    r = await client.post(f"/plans/regions/{region}/local-plans", json=body, headers=headers(region))
    assert r.status_code == 422
    assert pointers(r) == {"/actions/0/serves/0/priority_id", "/actions/1/end"}
    assert (await client.get(f"/plans/regions/{region}/local-plans", headers=headers(region))).json()[
        "count"
    ] == 0


async def test_eu_1_1_checklist_shows_evidence_and_what_is_missing(
    client: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    prog = await create_programme(client, region)
    url = f"/plans/regions/{region}/programmes/{prog['id']}/checklist"
    r = await client.get(url, headers=headers(region, "viewer"))
    assert r.status_code == 200, r.text
    before = {c["number"]: c for c in r.json()["criteria"]}
    assert len(before) == 7 and r.json()["met"] == 0
    assert before[1]["status"] == "missing"
    assert before[2]["missing"][0]["key"] == "programme_not_adopted"
    assert "not recorded" in before[2]["missing"][0]["text"]

    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}", DRAFT)
    await client.post(
        f"/plans/regions/{region}/programmes/{prog['id']}/adopt",
        json={"adopted_on": "2020-11-25", "body": "Regionfullmäktige", "paragraph": "§ 128"},
        headers=headers(region),
    )
    checked = (await client.get(url, headers=headers(region))).json()
    after = {c["number"]: c for c in checked["criteria"]}
    # Analysis: evidence for energy, digital still without a published plan.
    assert after[1]["status"] == "partial"
    assert (
        after[1]["evidence"][0]["text"] == "1 of 2 action plans analyse the current state and its challenges"
    )
    assert after[1]["missing"][0]["params"] == {"areas": "Digitala lösningar"}
    assert any("§ 128" in e["text"] for e in after[2]["evidence"])
    assert any(e["key"] == "sub_goals_with_targets" and e["params"]["n"] > 0 for e in after[3]["evidence"])
    assert after[5]["status"] == "met"  # the innovation arena addresses the innovation system
    assert after[6]["status"] == "missing"  # no initiative for industrial transition
    assert after[7]["status"] == "partial"  # NACE codes, but no cooperation across borders
    # It holds until the plan falls overdue, and is announced for the report whenever it changes.
    assert checked["valid_until"] is not None
    subject = f"s3.{region}.plans.programme.checklist_evaluated.v1"

    async def announced() -> bool:
        messages = await stream_messages(nats_url, "PLANS", subject)
        return bool(messages) and json.loads(messages[-1].data)["data"]["criteria"] == checked["criteria"]

    await eventually(announced)


# --------------------------------------------------------------------------- tenancy


async def test_regions_are_isolated(client: httpx.AsyncClient, region: str, other_region: str) -> None:
    prog = await create_programme(client, region)
    plan_id = plan_of(prog, "energi")
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_id}", DRAFT)
    lp = (
        await client.post(
            f"/plans/regions/{region}/local-plans",
            json=local_plan(area_of(prog, "energi"), area_of(prog, "digitala-losningar")),
            headers=headers(region),
        )
    ).json()
    other = headers(other_region)
    assert (await client.get(f"/plans/regions/{region}/programmes", headers=other)).status_code == 404
    for path in (
        f"programmes/{prog['id']}",
        f"programmes/{prog['id']}/checklist",
        f"action-plans/{plan_id}",
        f"action-plans/{plan_id}/versions",
        f"action-plans/{plan_id}/versions/1",
        f"action-plans/{plan_id}/diff?from=1",
        f"local-plans/{lp['id']}",
        f"local-plans/{lp['id']}/alignment?version=draft",
    ):
        r = await client.get(f"/plans/regions/{other_region}/{path}", headers=other)
        assert r.status_code == 404, path
    r = await client.post(f"/plans/regions/{other_region}/action-plans/{plan_id}/publish", headers=other)
    assert r.status_code == 404
    r = await client.post(f"/plans/regions/{other_region}/local-plans/{lp['id']}/publish", headers=other)
    assert r.status_code == 404
    r = await client.post(
        f"/plans/regions/{other_region}/programmes/{prog['id']}/adopt",
        json={"adopted_on": "2020-01-01", "body": "x"},
        headers=other,
    )
    assert r.status_code == 404
    assert (await client.get(f"/plans/regions/{other_region}/programmes", headers=other)).json()["count"] == 0
    assert (await client.get(f"/plans/regions/{other_region}/local-plans", headers=other)).json()[
        "count"
    ] == 0
    assert (await client.get(f"/plans/regions/{other_region}/alignment", headers=other)).json() == {
        "local_plans": [],
        "priorities": [],
        "unserved_priorities": [],
    }
    # A viewer of the region may read but not write.
    viewer = headers(region, "viewer")
    assert (
        await client.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=viewer)
    ).status_code == 403
    r = await client.post(f"/plans/regions/{region}/action-plans/{plan_id}/publish", headers=viewer)
    assert r.status_code == 403
    assert (
        await client.get(f"/plans/regions/{region}/action-plans/{plan_id}", headers=viewer)
    ).status_code == 200
    assert (
        await client.get(f"/plans/regions/{region}/programmes", headers=headers(region, "integrator"))
    ).status_code == 403


# --------------------------------------------------------------------------- indicator measurements


def measurements_of(region: str, plan_id: str) -> str:
    return f"/plans/regions/{region}/action-plans/{plan_id}/measurements"


async def test_indicator_values_recorded_corrected_withdrawn_and_announced(
    client: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    prog = await create_programme(client, region)
    plan_id = plan_of(prog, "energi")
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_id}", DRAFT)
    url = measurements_of(region, plan_id)
    leader = headers(region, "assessor")  # a process leader records the values

    body = {"sub_goal_id": "forny", "year": 2024, "value": 68.5, "source": "Energimyndigheten"}
    r = await client.post(url, json=body, headers=leader)
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["sub_goal_id"], first["year"], first["value"], first["measured_on"]) == (
        "forny",
        2024,
        68.5,
        None,
    )
    assert first["strength_area_id"] == area_of(prog, "energi")
    assert first["recorded_by"] == f"key-{region}-assessor"

    # A second value for the same year corrects the first: the same measurement, 200, no duplicate.
    r = await client.post(
        url, json={**body, "value": 69.1, "measured_on": "2025-03-31", "note": "Reviderad"}, headers=leader
    )
    assert r.status_code == 200, r.text
    assert r.json()["id"] == first["id"] and r.json()["value"] == 69.1
    assert r.json()["created_at"] == first["created_at"]
    r = await client.post(url, json={**body, "year": 2025, "value": 72}, headers=headers(region))
    assert r.status_code == 201, r.text
    later = r.json()

    listed = (await client.get(url, headers=headers(region, "viewer"))).json()
    assert listed["count"] == 2
    assert [(m["year"], m["value"]) for m in listed["data"]] == [(2024, 69.1), (2025, 72.0)]
    only = await client.get(url, params={"sub_goal_id": "forny", "limit": 1}, headers=headers(region))
    assert only.json()["count"] == 2 and len(only.json()["data"]) == 1
    none = await client.get(url, params={"sub_goal_id": "annat"}, headers=headers(region))
    assert none.json() == {"data": [], "count": 0}

    # A correction by id replaces value, date, source and note; sub-goal and year stay.
    r = await client.put(f"{url}/{later['id']}", json={"value": 71.5, "source": "SCB"}, headers=leader)
    assert r.status_code == 200, r.text
    assert (r.json()["year"], r.json()["value"], r.json()["source"], r.json()["note"]) == (
        2025,
        71.5,
        "SCB",
        "",
    )
    r = await client.put(f"{url}/{later['id']}", json={"value": 1, "year": 2026}, headers=leader)
    assert r.status_code == 422 and pointers(r) == {"/year"}

    # Withdrawn: gone from the list, and announced as deleted.
    assert (await client.delete(f"{url}/{later['id']}", headers=leader)).status_code == 204
    assert (await client.get(f"{url}/{later['id']}", headers=leader)).status_code == 404
    assert (await client.delete(f"{url}/{later['id']}", headers=leader)).status_code == 404
    got = (await client.get(f"{url}/{first['id']}", headers=headers(region, "viewer"))).json()
    assert got["value"] == 69.1 and got["measured_on"] == "2025-03-31"
    assert (await client.get(url, headers=leader)).json()["count"] == 1

    subject = f"s3.{region}.plans.indicator.measured.v1"
    msgs = await eventually(lambda: _at_least(nats_url, subject, 5))
    envs = [json.loads(m.data) for m in msgs]
    assert all(m.headers["Nats-Msg-Id"] == e["id"] for m, e in zip(msgs, envs, strict=True))
    assert [(e["subject"], e["data"]["year"], e["data"]["value"], e["data"]["deleted"]) for e in envs] == [
        (first["id"], 2024, 68.5, False),
        (first["id"], 2024, 69.1, False),
        (later["id"], 2025, 72.0, False),
        (later["id"], 2025, 71.5, False),
        (later["id"], 2025, 71.5, True),
    ]
    data = envs[1]["data"]
    assert data["action_plan_id"] == plan_id and data["strength_area_id"] == area_of(prog, "energi")
    assert (data["sub_goal_id"], data["measured_on"], data["note"], data["source"]) == (
        "forny",
        "2025-03-31",
        "Reviderad",
        "Energimyndigheten",
    )
    assert data["recorded_by"] == f"key-{region}-assessor"


async def test_measurements_only_for_sub_goals_of_the_published_version(
    client: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    prog = await create_programme(client, region)
    plan_id = plan_of(prog, "energi")
    base = f"/plans/regions/{region}/action-plans/{plan_id}"
    url = measurements_of(region, plan_id)
    body = {"sub_goal_id": "forny", "year": 2024, "value": 68.5}

    # No published version yet: its draft's sub-goals are not measured.
    assert (await save(client, region, base, DRAFT)).status_code == 200
    r = await client.post(url, json=body, headers=headers(region))
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert pointers(r) == {"/sub_goal_id"}
    assert "no published version" in r.json()["errors"][0]["message"]

    # Published: only the published version's sub-goals, not those added to the draft since.
    await publish(client, region, base, DRAFT)
    later = copy.deepcopy(DRAFT)
    later["sub_goals"].append({**DRAFT["sub_goals"][0], "id": "vatgas-mal"})
    assert (await save(client, region, base, later)).status_code == 200
    for sub_goal in ("vatgas-mal", "finns-inte"):
        r = await client.post(url, json={**body, "sub_goal_id": sub_goal}, headers=headers(region))
        assert r.status_code == 422 and pointers(r) == {"/sub_goal_id"}, r.text
        assert f"no sub-goal {sub_goal!r}" in r.json()["errors"][0]["message"]
        assert "'forny'" in r.json()["errors"][0]["message"]

    # The schema: a year in range, a number, nothing unknown, a sub-goal id.
    r = await client.post(
        url, json={**body, "year": 1800, "value": "mycket", "unit": "%"}, headers=headers(region)
    )
    assert r.status_code == 422 and pointers(r) == {"/year", "/value", "/unit"}
    r = await client.post(url, json={"year": 2024, "value": 1}, headers=headers(region))
    assert r.status_code == 422 and pointers(r) == {"/sub_goal_id"}
    r = await client.get(url, params={"sub_goal_id": "Inte Ett Id"}, headers=headers(region))
    assert r.status_code == 422

    # A viewer reads but does not record; nothing was stored or announced by any of those.
    assert (await client.post(url, json=body, headers=headers(region, "viewer"))).status_code == 403
    assert (await client.get(url, headers=headers(region, "viewer"))).json() == {"data": [], "count": 0}
    r = await client.post(url, json=body, headers=headers(region))
    assert r.status_code == 201, r.text
    msgs = await eventually(
        lambda: stream_messages(nats_url, "PLANS", f"s3.{region}.plans.indicator.measured.v1")
    )
    assert len(msgs) == 1


async def test_measurements_of_another_region_or_plan_are_not_found(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    prog = await create_programme(client, region)
    plan_id, digital = plan_of(prog, "energi"), plan_of(prog, "digitala-losningar")
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_id}", DRAFT)
    await publish(client, region, f"/plans/regions/{region}/action-plans/{digital}", DRAFT)
    body = {"sub_goal_id": "forny", "year": 2024, "value": 68.5}
    r = await client.post(measurements_of(region, plan_id), json=body, headers=headers(region))
    m = r.json()
    correction = {"value": 1}

    for role in ("admin", "assessor", "viewer"):
        other = headers(other_region, role)
        theirs = measurements_of(other_region, plan_id)
        assert (await client.get(theirs, headers=other)).status_code == 404, role
        assert (await client.get(f"{theirs}/{m['id']}", headers=other)).status_code == 404, role
        expected = 403 if role == "viewer" else 404
        assert (await client.post(theirs, json=body, headers=other)).status_code == expected, role
        r = await client.put(f"{theirs}/{m['id']}", json=correction, headers=other)
        assert r.status_code == expected, role
        assert (await client.delete(f"{theirs}/{m['id']}", headers=other)).status_code == expected, role
        # Their key on our region's path: the region itself is not found.
        ours = measurements_of(region, plan_id)
        assert (await client.get(ours, headers=other)).status_code == 404, role
        assert (await client.post(ours, json=body, headers=other)).status_code == 404, role

    # An unknown plan, and a measurement asked for under another plan of the region.
    assert (
        await client.post(measurements_of(region, str(new_id())), json=body, headers=headers(region))
    ).status_code == 404
    elsewhere = f"{measurements_of(region, digital)}/{m['id']}"
    assert (await client.get(elsewhere, headers=headers(region))).status_code == 404
    assert (await client.put(elsewhere, json=correction, headers=headers(region))).status_code == 404
    assert (await client.delete(elsewhere, headers=headers(region))).status_code == 404

    mine = (await client.get(f"{measurements_of(region, plan_id)}/{m['id']}", headers=headers(region))).json()
    assert mine["value"] == 68.5
