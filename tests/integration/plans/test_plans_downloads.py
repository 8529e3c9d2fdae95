"""An action plan's indicator values as a download over real HTTP: XLSX read back with openpyxl,
CSV in the reader's locale, the list's filter."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import httpx
from openpyxl import load_workbook
from test_plans_api import DRAFT, create_programme, measurements_of, plan_of, publish

from helpers import headers
from kraftsamla_common.exports import XLSX_MEDIA_TYPE


async def test_indicator_values_download_with_their_sub_goal_and_target(
    client: httpx.AsyncClient, region: str, other_region: str
) -> None:
    prog = await create_programme(client, region)
    plan_id = plan_of(prog, "energi")
    await publish(client, region, f"/plans/regions/{region}/action-plans/{plan_id}", DRAFT)
    url = measurements_of(region, plan_id)
    for year, value, extra in (
        (2024, 68.5, {"measured_on": "2025-03-31"}),
        (2025, 72, {"note": "-preliminärt"}),
    ):
        body = {"sub_goal_id": "forny", "year": year, "value": value, "source": "Energimyndigheten", **extra}
        assert (await client.post(url, json=body, headers=headers(region))).status_code == 201
    viewer = headers(region, "viewer")

    r = await client.get(f"{url}.xlsx", params={"lang": "sv"}, headers=viewer)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_MEDIA_TYPE
    assert (
        "filename*=UTF-8''Indikatorv%C3%A4rden%20H%C3%A5llbar%20energi%20" in r.headers["content-disposition"]
    )
    sheet = load_workbook(io.BytesIO(r.content))["Indikatorvärden"]
    assert [c.value for c in sheet[1]] == [
        "Styrkeområde",
        "Delmål",
        "Indikator",
        "Indikatorkod",
        "Enhet",
        "År",
        "Värde",
        "Utgångsvärde",
        "Basår",
        "Målvärde",
        "Målår",
        "Mätdatum",
        "Källa",
        "Anteckning",
    ]
    first, second = ([c.value for c in row] for row in sheet.iter_rows(min_row=2))
    assert first == [
        "Hållbar energi",
        "Mer förnybart",
        "Andel förnybar el",
        None,
        "%",
        2024,
        68.5,
        60,
        2022,
        80,
        2027,
        datetime(2025, 3, 31),
        "Energimyndigheten",
        None,
    ]
    assert second[5:7] == [2025, 72] and second[13] == "'-preliminärt"
    assert sheet["F2"].number_format == "0" and sheet["G2"].number_format == "#,##0.00"

    # CSV in English, and in Swedish with the list's filter
    en = await client.get(f"{url}.csv", params={"lang": "en"}, headers=viewer)
    rows = list(csv.DictReader(io.StringIO(en.text.lstrip("\ufeff"))))
    assert [(r["Year"], r["Value"], r["Target"], r["Sub-goal"]) for r in rows] == [
        ("2024", "68.5", "80", "Mer förnybart"),
        ("2025", "72", "80", "Mer förnybart"),
    ]
    sv = await client.get(f"{url}.csv", params={"lang": "sv", "sub_goal_id": "annat"}, headers=viewer)
    table = list(csv.reader(io.StringIO(sv.text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:3] == ["Styrkeområde", "Delmål", "Indikator"] and len(table) == 1
    whole = await client.get(f"{url}.csv", params={"lang": "fi"}, headers=viewer)
    assert list(csv.reader(io.StringIO(whole.text.lstrip("\ufeff")), delimiter=";"))[1][6] == "68,5"
    # another region's caller finds nothing
    assert (await client.get(f"{url}.csv", headers=headers(f"{region}-x", "viewer"))).status_code in (
        401,
        404,
    )
