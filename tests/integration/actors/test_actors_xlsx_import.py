"""The actors import from an Excel workbook (XLSX) beside CSV, and its dry run: in-process against
real NATS JetStream and real databases."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import httpx
from openpyxl import Workbook

from helpers import headers
from kraftsamla_common.imports import XLSX

ROWS: list[list[Any]] = [
    ["Namn", "Organisationsnummer", "Land", "Helix", "Kommunkod", "SNI"],
    ["Destination Småland AB", "556677-8899", "SE", "business", "0780", "79.90"],
    ["Linnéuniversitetet", "202100-6255", "SE", "academia", "0780", "85.42"],
    [None, None, None, None, None, None],
    ["Fel AB", "556677-8890", "SE", "business", "0780", None],  # line 5: check digit
    ["Formel AB", '=CONCAT("559000","-0005")', "SE", "business", "0763", None],  # line 6: a formula
    ["Datum AB", "559000-0005", "SE", "business", datetime(2024, 1, 1), None],  # line 7: a date, no kommunkod
]


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def actors(client: httpx.AsyncClient, region: str) -> list[str]:
    r = await client.get(f"/actors/regions/{region}/actors", headers=headers(region))
    return sorted(a["name"] for a in r.json()["data"])


async def test_xlsx_import_with_a_dry_run_that_reports_every_bad_row_and_writes_nothing(
    client: httpx.AsyncClient, region: str
) -> None:
    url = f"/actors/regions/{region}/actors/import"
    book = workbook(ROWS)
    h = {**headers(region, "assessor"), "Content-Type": XLSX}

    r = await client.post(url, params={"dry_run": "true"}, content=book, headers=h)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] is True
    assert (report["rows"], report["created"], report["existing"], report["rejected"]) == (5, 2, 0, 3)
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (5, "identifier"),
        (6, "identifier"),
        (7, "municipality"),
    ]
    assert "formula" in report["errors"][1]["message"]
    assert [i["actor_id"] for i in report["imported"]] == [None, None]
    assert await actors(client, region) == []

    r = await client.post(url, content=book, headers=h)
    assert r.status_code == 422 and {e["line"] for e in r.json()["errors"]} == {5, 6, 7}
    assert await actors(client, region) == []

    r = await client.post(url, params={"mode": "valid_rows"}, content=book, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["dry_run"] is False and r.json()["created"] == 2
    assert await actors(client, region) == ["Destination Småland AB", "Linnéuniversitetet"]

    # A dry run of the same file now finds them registered, with their ids.
    r = await client.post(url, params={"dry_run": "true", "mode": "valid_rows"}, content=book, headers=h)
    assert r.json()["existing"] == 2 and all(i["actor_id"] for i in r.json()["imported"])


async def test_csv_dry_run_and_bounds_of_an_import(client: httpx.AsyncClient, region: str) -> None:
    url = f"/actors/regions/{region}/actors/import"
    h = {**headers(region), "Content-Type": "text/csv"}
    csv = "name,identifier,country,helix\nLinnéuniversitetet,202100-6255,SE,academia\n"
    r = await client.post(url, params={"dry_run": "true"}, content=csv.encode(), headers=h)
    assert r.status_code == 200 and r.json()["created"] == 1
    assert await actors(client, region) == []

    r = await client.post(url, content=b"PK\x03\x04not a workbook", headers={**h, "Content-Type": XLSX})
    assert r.status_code == 422
    big = workbook([["name", "identifier", "country", "helix"]] + [["A", "1", "SE", "public"]] * 10_001)
    r = await client.post(url, content=big, headers={**h, "Content-Type": XLSX})
    assert r.status_code == 413
    r = await client.post(url, content=b"x" * (5 * 1024 * 1024 + 1), headers=h)
    assert r.status_code == 413
    r = await client.post(
        url, content=csv.encode(), headers={**headers(region, "viewer"), "Content-Type": "text/csv"}
    )
    assert r.status_code == 403
