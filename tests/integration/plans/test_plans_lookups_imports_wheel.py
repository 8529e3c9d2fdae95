"""The plans service's reference lists (ERDF common indicators, NACE), the bulk import of indicator
values from CSV and XLSX, and the RIS3 self-assessment, in-process against real NATS JetStream and
real databases."""

from __future__ import annotations

import copy
import io
import json
from datetime import date, datetime
from typing import Any

import httpx
from openpyxl import Workbook
from test_plans_api import DRAFT, create_programme, plan_of, publish, save

from helpers import eventually, headers, stream_messages
from kraftsamla_common.events import WHEEL_FACTORS, subject_for
from kraftsamla_common.imports import XLSX

CSV = {"Content-Type": "text/csv"}


# --------------------------------------------------------------------------- reference lists


async def test_indicators_searched_by_code_and_name_in_the_readers_language(
    client: httpx.AsyncClient, region: str
) -> None:
    url = f"/plans/regions/{region}/indicators"
    r = await client.get(url, params={"q": "rco 16"}, headers=headers(region, "viewer"))
    assert r.status_code == 200, r.text
    first = r.json()["data"][0]
    assert first["code"] == "RCO16" and first["kind"] == "output"
    assert "entrepreneurial discovery" in first["name"]
    assert first["unit"] == "participations of institutional stakeholders"

    r = await client.get(url, params={"q": "RCR", "limit": 5}, headers=headers(region, "viewer"))
    body = r.json()
    assert [i["code"] for i in body["data"]] == ["RCR01", "RCR02", "RCR03", "RCR04", "RCR05"]
    assert body["count"] == 65

    r = await client.get(url, params={"q": "jobs created", "kind": "result"}, headers=headers(region))
    assert {i["code"] for i in r.json()["data"]} == {"RCR01", "RCR102"}
    r = await client.get(url, params={"q": "jobs created", "kind": "output"}, headers=headers(region))
    assert r.json() == {"data": [], "count": 0}

    # No official Swedish wording in the data: the name comes in English and says so.
    r = await client.get(url, params={"q": "RCO01"}, headers={**headers(region), "Accept-Language": "sv"})
    assert r.json()["data"][0]["language"] == "en"

    r = await client.get(url, params={"kind": "input"}, headers=headers(region))
    assert r.status_code == 422
    r = await client.get(url, params={"limit": 0}, headers=headers(region))
    assert r.status_code == 422


async def test_nace_searched_by_code_and_by_words_in_three_languages(
    client: httpx.AsyncClient, region: str
) -> None:
    url = f"/plans/regions/{region}/nace"
    r = await client.get(
        url, params={"q": "62", "limit": 3}, headers={**headers(region), "Accept-Language": "sv"}
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [d["code"] for d in data] == ["J62", "J62.0", "J62.01"]
    assert data[0] == {
        "code": "J62",
        "level": "division",
        "name": "Dataprogrammering, datakonsultverksamhet o.d.",
        "language": "sv",
    }
    assert data[2]["language"] == "en"  # classes have English names only

    for q, lang in (("skog", "sv"), ("forestry", "en"), ("metsätalous", "fi")):
        r = await client.get(url, params={"q": q}, headers={**headers(region), "Accept-Language": lang})
        assert "A02" in [d["code"] for d in r.json()["data"]], q
    r = await client.get(url, params={"q": "A02"}, headers={**headers(region), "Accept-Language": "fi"})
    assert r.json()["data"][0]["name"] == "Metsätalous ja puunkorjuu"
    r = await client.get(url, params={"q": "6201"}, headers=headers(region))
    assert [d["code"] for d in r.json()["data"]] == ["J62.01"]


async def test_a_sub_goal_may_cite_a_common_indicator_or_none_but_no_unknown_code(
    client: httpx.AsyncClient, region: str
) -> None:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"
    draft = copy.deepcopy(DRAFT)
    draft["sub_goals"][0]["indicator"] = {"name": "Jobb", "code": "RCR01", "unit": "annual FTEs"}
    assert (await save(client, region, base, draft)).status_code == 200

    before = (await client.get(f"{base}/draft", headers=headers(region))).json()
    draft["sub_goals"][0]["indicator"]["code"] = "RCO999"
    r = await save(client, region, base, draft)
    assert r.status_code == 422, r.text
    assert any(e["pointer"] == "/sub_goals/0/indicator/code" for e in r.json()["errors"])
    assert (await client.get(f"{base}/draft", headers=headers(region))).json() == before

    draft["sub_goals"][0]["indicator"] = {"name": "Andel förnybar el", "unit": "%"}
    assert (await save(client, region, base, draft)).status_code == 200


# --------------------------------------------------------------------------- indicator values imported


def xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def published_plan(client: httpx.AsyncClient, region: str) -> str:
    prog = await create_programme(client, region)
    base = f"/plans/regions/{region}/action-plans/{plan_of(prog, 'energi')}"
    await publish(client, region, base, DRAFT)
    return base


async def values(client: httpx.AsyncClient, region: str, base: str) -> list[tuple[str, int, float]]:
    r = await client.get(f"{base}/measurements", headers=headers(region))
    return [(m["sub_goal_id"], m["year"], m["value"]) for m in r.json()["data"]]


async def test_values_imported_from_csv_dry_run_first_then_all_or_nothing(
    client: httpx.AsyncClient, region: str, nats_url: str
) -> None:
    base = await published_plan(client, region)
    url = f"{base}/measurements/import"
    good = "delmål;år;värde;källa\nforny;2023;64,5;SCB\nforny;2024;1 070\n"
    bad = good + "okänd;2024;3\nforny;tjugo;4\nforny;2023;65\n"

    r = await client.post(
        url, params={"dry_run": "true"}, content=bad.encode(), headers={**headers(region), **CSV}
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] is True and report["rows"] == 5 and report["rejected"] == 3
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(4, "sub_goal_id"), (5, "year"), (6, None)]
    assert report["created"] == 2 and all(i["measurement_id"] is None for i in report["imported"])
    assert await values(client, region, base) == []

    r = await client.post(url, content=bad.encode(), headers={**headers(region, "assessor"), **CSV})
    assert r.status_code == 422, r.text
    assert {e["line"] for e in r.json()["errors"]} == {4, 5, 6}
    assert await values(client, region, base) == []

    r = await client.post(url, content=good.encode(), headers={**headers(region, "assessor"), **CSV})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2 and r.json()["rejected"] == 0
    assert await values(client, region, base) == [("forny", 2023, 64.5), ("forny", 2024, 1070.0)]

    async def announced() -> list[Any] | None:
        found = await stream_messages(nats_url, "PLANS", subject_for("plans.indicator.measured.v1", region))
        return found if len(found) >= 2 else None

    events = [json.loads(m.data)["data"] for m in await eventually(announced)]
    assert {(e["year"], e["value"], e["source"]) for e in events} == {(2023, 64.5, "SCB"), (2024, 1070.0, "")}

    # valid_rows: the good rows are recorded (a second value for 2023 corrects it), the bad reported.
    r = await client.post(
        url, params={"mode": "valid_rows"}, content=bad.encode(), headers={**headers(region), **CSV}
    )
    assert r.status_code == 200, r.text
    assert r.json()["corrected"] == 2 and r.json()["rejected"] == 3

    r = await client.post(url, content=good.encode(), headers={**headers(region, "viewer"), **CSV})
    assert r.status_code == 403


async def test_values_imported_from_xlsx_with_dates_numbers_and_formulas(
    client: httpx.AsyncClient, region: str
) -> None:
    base = await published_plan(client, region)
    url = f"{base}/measurements/import"
    book = xlsx(
        [
            ["sub_goal_id", "year", "value", "measured_on", "note"],
            ["forny", 2022, 61.25, datetime(2023, 3, 31), "årsskifte"],
            [None, None, None, None, None],
            ["forny", 2023, "=B2*2", date(2024, 3, 31), None],
            ["forny", 2024, 70, "not a date", None],
        ]
    )
    r = await client.post(
        url, params={"dry_run": "true"}, content=book, headers={**headers(region), "Content-Type": XLSX}
    )
    assert r.status_code == 200, r.text
    errors = [(e["line"], e["field"]) for e in r.json()["errors"]]
    assert errors == [(4, "value"), (5, "measured_on")]
    assert "formula" in r.json()["errors"][0]["message"]

    r = await client.post(
        url, params={"mode": "valid_rows"}, content=book, headers={**headers(region), "Content-Type": XLSX}
    )
    assert r.status_code == 200, r.text
    m = (await client.get(f"{base}/measurements", headers=headers(region))).json()["data"]
    assert [(x["year"], x["value"], x["measured_on"], x["note"]) for x in m] == [
        (2022, 61.25, "2023-03-31", "årsskifte")
    ]

    # Not a workbook, an unknown column, too many rows.
    r = await client.post(
        url, content=b"PK\x03\x04garbage", headers={**headers(region), "Content-Type": XLSX}
    )
    assert r.status_code == 422
    r = await client.post(url, content=b"sub_goal;year;value;colour\n", headers={**headers(region), **CSV})
    assert r.status_code == 422 and "colour" in r.json()["detail"]
    many = "sub_goal_id,year,value\n" + "forny,2024,1\n" * 10_001
    r = await client.post(url, content=many.encode(), headers={**headers(region), **CSV})
    assert r.status_code == 413
    assert len(await values(client, region, base)) == 1


async def test_import_into_another_regions_plan_is_not_found(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    base = await published_plan(client, region)
    plan_id = base.rsplit("/", 1)[1]
    r = await client.post(
        f"/plans/regions/{other_region}/action-plans/{plan_id}/measurements/import",
        content=b"sub_goal_id,year,value\nforny,2024,1\n",
        headers={**headers(other_region), **CSV},
    )
    assert r.status_code == 404


# --------------------------------------------------------------------------- RIS3 self-assessment


def wheel(score: int, comment: str = "") -> dict[str, Any]:
    return {"scores": {f: {"score": score, "comment": comment} for f in WHEEL_FACTORS}}


async def test_self_assessment_once_a_year_written_by_leads_read_by_viewers_and_announced(
    client: httpx.AsyncClient, region: str, other_region: str, nats_url: str
) -> None:
    prog = await create_programme(client, region)
    url = f"/plans/regions/{region}/programmes/{prog['id']}/self-assessments"

    body = wheel(3, "Analysen uppdaterad 2024")
    body["scores"]["critical_mass"] = {"score": 1, "comment": "För många prioriteringar"}
    r = await client.put(f"{url}/2024", json=body, headers=headers(region, "assessor"))
    assert r.status_code == 201, r.text
    got = r.json()
    assert [s["key"] for s in got["steps"]] == [
        "analysis",
        "governance",
        "shared_vision",
        "priorities",
        "policy_mix",
        "monitoring",
    ]
    priorities = got["steps"][3]
    assert [f["key"] for f in priorities["factors"]] == [
        "critical_mass",
        "horizontal_priorities",
        "revision_mechanism",
    ]
    assert priorities["mean"] == round(7 / 3, 2)

    r = await client.put(f"{url}/2025", json=wheel(4), headers=headers(region))
    assert r.status_code == 201
    r = await client.put(f"{url}/2025", json=wheel(5), headers=headers(region))
    assert r.status_code == 200 and r.json()["steps"][0]["mean"] == 5

    r = await client.get(url, headers=headers(region, "viewer"))
    assert [a["year"] for a in r.json()["data"]] == [2025, 2024] and r.json()["count"] == 2
    r = await client.get(f"{url}/2024", headers=headers(region, "viewer"))
    assert r.json()["scores"]["critical_mass"] == {"score": 1, "comment": "För många prioriteringar"}
    assert (await client.get(f"{url}/2023", headers=headers(region))).status_code == 404

    # Bounded and whole; a viewer may not write; another region sees nothing.
    short = wheel(3)
    del short["scores"]["strategy_update"]
    too_high = wheel(3)
    too_high["scores"]["roadmap"]["score"] = 6
    long = wheel(3, "x" * 2001)
    odd = wheel(3)
    odd["scores"]["charisma"] = {"score": 1}
    for bad in (short, too_high, long, odd):
        r = await client.put(f"{url}/2026", json=bad, headers=headers(region))
        assert r.status_code == 422, bad
    assert (await client.put(f"{url}/1999", json=wheel(3), headers=headers(region))).status_code == 422
    assert (
        await client.put(f"{url}/2026", json=wheel(3), headers=headers(region, "viewer"))
    ).status_code == 403
    assert (await client.get(f"{url}/2026", headers=headers(region))).status_code == 404
    other = f"/plans/regions/{other_region}/programmes/{prog['id']}/self-assessments"
    assert (await client.get(other, headers=headers(other_region))).status_code == 404
    assert (
        await client.put(f"{other}/2026", json=wheel(3), headers=headers(other_region))
    ).status_code == 404

    async def announced() -> list[Any] | None:
        found = await stream_messages(
            nats_url, "PLANS", subject_for("plans.self_assessment.recorded.v1", region)
        )
        return found if len(found) >= 3 else None

    events = [json.loads(m.data)["data"] for m in await eventually(announced)]
    assert [(e["year"], e["scores"]["regional_assets"]["score"]) for e in events] == [
        (2024, 3),
        (2025, 4),
        (2025, 5),
    ]
    assert events[0]["programme_id"] == prog["id"]
