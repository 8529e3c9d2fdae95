"""The application list as a download over real HTTP: XLSX read back with openpyxl, CSV in the
reader's locale, the list's filters, the row bound."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import nats
import pytest
from openpyxl import load_workbook

from helpers import application, eventually, headers, plan_event, publish
from kraftsamla_common import exports


@pytest.fixture
async def js(nats_url: str) -> AsyncIterator[Any]:
    nc = await nats.connect(nats_url)
    yield nc.jetstream()
    await nc.close()


async def seeded(client: httpx.AsyncClient, js: Any, region: str) -> str:
    base = f"/assessment/regions/{region}"
    await publish(js, plan_event(region, 1))

    async def plan_known() -> list[Any]:
        r = await client.get(f"{base}/reassessments?status=completed", headers=headers(region, "viewer"))
        return list(r.json()["data"])

    await eventually(plan_known)
    r = await client.post(f"{base}/applications", json=application(1), headers=headers(region, "integrator"))
    assert r.status_code == 201 and r.json()["assessment"] is not None, r.text
    formula = {**application(2, "Ett projekt om kulturarv."), "title": '=HYPERLINK("http://x")'}
    formula["municipalities"] = ["2361", "2380"]
    r = await client.post(f"{base}/applications", json=formula, headers=headers(region, "integrator"))
    assert r.status_code == 201, r.text
    return base


async def test_the_application_list_downloads_as_xlsx_and_csv_with_its_filters(
    client: httpx.AsyncClient, js: Any, region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = await seeded(client, js, region)
    viewer = headers(region, "viewer")

    r = await client.get(f"{base}/applications.xlsx", params={"lang": "sv"}, headers=viewer)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == exports.XLSX_MEDIA_TYPE
    assert f"filename*=UTF-8''Ans%C3%B6kningar%20{region}%20" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    sheet = book["Ansökningar"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "Titel",
        "Sökande",
        "Sökandes organisationsnummer",
        "Kommuner",
        "Styrkeområde",
        "Nivå",
        "Poäng",
        "Rekommendation",
    ]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 2
    first = {h: c for h, c in zip(header, rows["Ansökan 1"], strict=True)}
    assert first["Kommuner"].value == "Östersund"
    assert first["Styrkeområde"].value == "Hållbar energi" and first["Nivå"].value == "Spets"
    assert first["Rekommendation"].value in {"Stark", "Måttlig", "Svag"}
    assert isinstance(first["Poäng"].value, float)
    assert first["Sökt belopp"].value == 100001 and first["Sökt belopp"].number_format == '#,##0 "SEK"'
    assert first["Status"].value == "Bedömd" and first["Granskning"].value == "Ej granskad"
    assert first["Bedömd mot handlingsplanens version"].value == 1
    assert first["Inkommen"].is_date and first["Inkommen"].value.date() == datetime.now(UTC).date()
    assert first["Id i finansieringssystemet"].value == "2026-0001"
    # a title that reads like a formula stays text
    assert '\'=HYPERLINK("http://x")' in rows
    assert rows['\'=HYPERLINK("http://x")'][3].value == "Härjedalen, Östersund"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:S{sheet.max_row}"

    # CSV in Finnish: ';' and a decimal comma; the list's filter applies
    fi = await client.get(
        f"{base}/applications.csv", params={"lang": "fi", "external_id": "2026-0001"}, headers=viewer
    )
    assert fi.status_code == 200 and fi.headers["content-type"].startswith("text/csv")
    assert fi.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(fi.text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:5] == ["Otsikko", "Hakija", "Hakijan Y-tunnus", "Kunnat", "Vahvuusala"]
    assert len(table) == 2 and table[1][0] == "Ansökan 1" and table[1][5] == "Kärki"
    assert table[1][8] == "100001,00" and "," in table[1][6]  # amounts and score with a decimal comma
    # CSV in English from Accept-Language: ',' and a decimal point
    en = await client.get(f"{base}/applications.csv", headers={**viewer, "Accept-Language": "en-GB,en;q=0.9"})
    rows_en = list(csv.DictReader(io.StringIO(en.text.lstrip("\ufeff"))))
    assert {r["Title"] for r in rows_en} == {"Ansökan 1", '\'=HYPERLINK("http://x")'}
    assert next(r for r in rows_en if r["Title"] == "Ansökan 1")["Requested amount"] == "100001.00"

    # an integrator downloads its own funding system's only; another region's caller sees nothing
    mine = await client.get(f"{base}/applications.csv", headers=headers(region, "integrator"))
    assert mine.status_code == 200
    assert (await client.get(f"{base}/applications.pdf", headers=viewer)).status_code == 422

    # over the bound: a problem, not a silent cut
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    over = await client.get(f"{base}/applications.xlsx", headers=viewer)
    assert over.status_code == 422 and over.headers["content-type"] == "application/problem+json"
    assert "at most 1" in over.json()["detail"]
