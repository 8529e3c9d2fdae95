"""The actor list and the engagements as downloads over real HTTP: XLSX read back with openpyxl,
CSV in the reader's locale, the lists' filters."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from openpyxl import load_workbook
from test_partnerships_api import FOREST, TOURISM, Api, announce_programme

from helpers import StartService, eventually, headers
from kraftsamla_common.exports import XLSX_MEDIA_TYPE


@pytest.fixture
async def api(start_service: StartService, nats_url: str, region: str) -> AsyncIterator[Api]:
    async with start_service("actors") as client:
        await announce_programme(nats_url, region)

        async def areas_known() -> bool:
            r = await client.get(f"/actors/regions/{region}/strength-areas", headers=headers(region))
            return len(r.json()) == 2

        await eventually(areas_known)
        yield Api(client, region)


def rows_of(response: httpx.Response, delimiter: str) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv") and response.content.startswith(
        b"\xef\xbb\xbf"
    )
    return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=delimiter))


async def test_actors_download_with_names_in_the_readers_language(api: Api, region: str) -> None:
    ids = await api.actors()
    await api.call(
        "PATCH",
        f"/actors/{ids['stuga']}",
        200,
        json={"size_class": "micro", "name": "+46 Sjöstugan Åsnen AB"},
    )
    viewer = headers(region, "viewer")
    r = await api.client.get(f"{api.base}/actors.xlsx", params={"lang": "sv"}, headers=viewer)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_MEDIA_TYPE
    assert f'filename="Aktorer {region} ' in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content))["Aktörer"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Namn",
        "Organisationsnummer",
        "Land",
        "Aktörstyp (helix)",
        "Kommun",
        "Kommunkod",
        "SNI-kod (NACE)",
        "Bransch (SNI-avdelning)",
        "Storleksklass",
        "Registrerad",
    ]
    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 6
    assert rows["Alvesta kommun"][1:7] == [
        "212000-0647",
        "Sverige",
        "Offentlig sektor",
        "Alvesta",
        "0764",
        "84.11",
    ]
    # The industry by its section's name in the reader's language (84.11 is in section O).
    assert rows["Alvesta kommun"][7] == "Offentlig förvaltning och försvar; obligatorisk socialförsäkring"
    assert rows["Linnéuniversitetet"][3:5] == ["Akademi", "Växjö"]
    stuga = rows["'+46 Sjöstugan Åsnen AB"]  # a name that reads like a formula stays text
    assert stuga[4] == "Tingsryd" and stuga[8] == "Mikroföretag (färre än 10 anställda)"
    assert isinstance(stuga[9], datetime)
    # the list's filters, in Finnish: ';'
    fi = rows_of(
        await api.client.get(
            f"{api.base}/actors.csv", params={"helix": "public", "lang": "fi"}, headers=viewer
        ),
        ";",
    )
    assert fi[0][:4] == ["Nimi", "Y-tunnus", "Maa", "Toimijatyyppi (heliksi)"]
    assert sorted(r[0] for r in fi[1:]) == ["Alvesta kommun", "Tingsryds kommun", "Växjö kommun"]
    assert {r[3] for r in fi[1:]} == {"Julkinen sektori"} and {r[2] for r in fi[1:]} == {"Ruotsi"}


async def test_engagements_download_with_strength_areas_by_name(api: Api, region: str) -> None:
    ids = await api.actors()
    meeting = {"kind": "actor_meeting", "title": "Aktörsmöte", "strength_area_ids": [str(TOURISM)]}
    await api.call(
        "POST", "/engagements", 201,
        json={**meeting, "held_on": "2026-01-20", "municipality": "0763", "participants": [{"actor_id": ids["alvesta"]}], "head_count": 4},
    )  # fmt: skip
    await api.call(
        "POST", "/engagements", 201,
        json={"kind": "survey", "title": "=Enkät", "held_on": "2026-03-01", "strength_area_ids": [str(FOREST), str(TOURISM)], "head_count": 40},
    )  # fmt: skip
    viewer = headers(region, "viewer")
    r = await api.client.get(
        f"{api.base}/engagements.xlsx", params={"from": "2026-01-01", "to": "2026-12-31"}, headers=viewer
    )
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None and sheet.title == "Engagements"  # no lang, no Accept-Language: English
    assert [c.value for c in sheet[1]][:6] == [
        "Date",
        "Title",
        "Kind",
        "Strength areas",
        "Municipality",
        "Participants",
    ]
    first, second = ([c.value for c in row] for row in sheet.iter_rows(min_row=2))
    assert first == [
        datetime(2026, 1, 20),
        "Aktörsmöte",
        "Actor meeting",
        "Besöksnäring",
        "Tingsryd",
        5,
        1,
        4,
    ]
    assert second[1:4] == ["'=Enkät", "Survey", "Skog och trä, Besöksnäring"] and second[5] == 40
    assert sheet["F2"].data_type == "n" and sheet["A2"].number_format == "yyyy-mm-dd"
    # the list's filters, in Swedish from Accept-Language
    sv = rows_of(
        await api.client.get(
            f"{api.base}/engagements.csv",
            params={"from": "2026-01-01", "to": "2026-12-31", "kind": "survey"},
            headers={**viewer, "Accept-Language": "sv-SE,sv;q=0.9"},
        ),
        ";",
    )
    assert sv[0][:3] == ["Datum", "Titel", "Typ"]
    assert sv[1:] == [["2026-03-01", "'=Enkät", "Enkät", "Skog och trä, Besöksnäring", "", "40", "0", "40"]]
