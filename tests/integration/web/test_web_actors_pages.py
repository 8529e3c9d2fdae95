"""The actors section of the staff web application in a real Chromium, signed in through a real
OpenID provider, the four services over real HTTP and NATS: actors searched and filtered; one
registered with a bad organisation number (the error at its field), then a good one; a CSV file
with two bad rows checked (both shown by line and field, nothing written) and its valid rows
imported; two duplicates merged; a person's data erased; a steering group's quadruple-helix chart
and its gaps as sentences; the annual cycle's calendar with a planned and a held meeting and the
participation per strength area. A viewer sees no edit controls and a forged erasure is refused;
another region's pages and actors are not there. Axe on every page, a screenshot of each."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook
from stdnum import luhn

from helpers import (
    WEB_ARTIFACTS,
    chromium_or_skip,
    eventually,
    headers,
    post_by_hand,
    serious_violations,
    signed_in,
)

Platform = Any  # tests/integration/web/conftest.py: the full_platform fixture
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2030,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi", "en": "Sustainable energy"}}],
}


def orgnr(n: int, prefix: str = "5590") -> str:
    """A fictitious organisationsnummer with a valid check digit."""
    base = f"{prefix}{n:05d}"
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


ACTORS = {
    "region": ("Region Jämtland Härjedalen", "232100-0214", "public", "2380", "84.11"),
    "miun": ("Mittuniversitetet", "202100-5752", "academia", "2380", "85.42"),
    "miun_copy": ("Mittuniversitetet (MIUN)", orgnr(1, "2021"), "academia", "2380", None),
    "kraft": ("Jämtkraft AB", "556012-5790", "business", "2380", "35.11"),
    "skog": ("Krokoms Skog AB", orgnr(2), "business", "2309", "02.10"),
}


async def _call(client: Any, method: str, path: str, expect: int, region: str, **kw: Any) -> Any:
    r = await client.request(method, path, headers=headers(region), **kw)
    assert r.status_code == expect, (method, path, r.status_code, r.text)
    return r.json() if r.content else None


async def _prepare(platform: Platform, region: str, other_region: str) -> dict[str, Any]:
    """The region (Jämtland's municipalities) with its programme's strength area known to actors;
    five actors, two people; a steering group whose academic member left; a quarterly cycle with
    one meeting held in it and a survey of no strength area counted by heads only. Another region
    with an actor of its own."""
    actors, plans = platform.services["actors"], platform.services["plans"]
    base = f"/actors/regions/{region}"
    await _call(actors, "PUT", f"{base}/settings", 200, region, json={"country": "SE", "county": "23"})
    programme = await _call(plans, "POST", f"/plans/regions/{region}/programmes", 201, region, json=PROGRAMME)
    area = programme["strength_areas"][0]["id"]

    async def area_known() -> bool:
        r = await actors.get(f"{base}/strength-areas", headers=headers(region))
        return [a["id"] for a in r.json()] == [area]

    await eventually(area_known)
    ids: dict[str, Any] = {"area": area}
    for key, (name, number, helix, municipality, nace) in ACTORS.items():
        body = {
            "name": name,
            "country": "SE",
            "identifier": number,
            "helix": helix,
            "municipality": municipality,
        }
        if nace:
            body["nace"] = nace
        ids[key] = (await _call(actors, "POST", f"{base}/actors", 201, region, json=body))["id"]
    person = {"name": "Anna Andersson", "role": "Energistrateg", "email": "anna@example.org"}
    ids["anna"] = (
        await _call(actors, "POST", f"{base}/actors/{ids['kraft']}/people", 201, region, json=person)
    )["id"]
    ids["bo"] = (
        await _call(
            actors, "POST", f"{base}/actors/{ids['region']}/people", 201, region, json={"name": "Bo Berg"}
        )
    )["id"]
    group = await _call(
        actors,
        "POST",
        f"{base}/groups",
        201,
        region,
        json={"kind": "steering_group", "name": "Styrgrupp Hållbar energi", "strength_area_id": area},
    )
    ids["group"] = group["id"]
    for member in (
        {"actor_id": ids["region"], "role": "chair", "joined_on": "2024-01-01"},
        {"actor_id": ids["miun"], "joined_on": "2024-02-01", "left_on": "2025-06-01"},
        {"actor_id": ids["kraft"], "person_id": ids["anna"], "joined_on": "2025-01-01"},
    ):
        await _call(actors, "POST", f"{base}/groups/{group['id']}/members", 201, region, json=member)
    today = date.today()
    year = today.year
    cycle = await _call(
        actors,
        "POST",
        f"{base}/cycles",
        201,
        region,
        json={
            "title": "Styrgruppsmöte energi",
            "frequency": "quarterly",
            "starts_on": f"{year}-01-01",
            "strength_area_id": area,
            "kind": "actor_meeting",
        },
    )
    held_on = max(date(year, 1, 2), min(today, date(year, 1, 2)))
    ids["held_on"] = held_on
    await _call(
        actors,
        "POST",
        f"{base}/engagements",
        201,
        region,
        json={
            "kind": "actor_meeting",
            "title": "Styrgruppsmöte om vätgas",
            "held_on": held_on.isoformat(),
            "strength_area_ids": [area],
            "cycle_id": cycle["id"],
            "participants": [{"person_id": ids["anna"]}, {"person_id": ids["bo"]}, {"actor_id": ids["miun"]}],
        },
    )
    await _call(
        actors,
        "POST",
        f"{base}/engagements",
        201,
        region,
        json={
            "kind": "survey",
            "title": "Enkät om energiomställning",
            "held_on": held_on.isoformat(),
            "head_count": 40,
        },
    )
    other = await _call(
        actors,
        "POST",
        f"/actors/regions/{other_region}/actors",
        201,
        other_region,
        json={"name": "Annan region AB", "country": "SE", "identifier": orgnr(3), "helix": "business"},
    )
    ids["other_actor"] = other["id"]
    return ids


def _workbook(rows: list[tuple[str, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _count(platform: Platform, region: str) -> int:
    r = await platform.services["actors"].get(f"/actors/regions/{region}/actors", headers=headers(region))
    return int(r.json()["count"])


def _words(text: str) -> str:
    return " ".join(text.split())


async def _checked(page: Any, name: str) -> None:
    """The page passes axe (no serious or critical violation) and is kept as a screenshot."""
    await page.screenshot(path=str(WEB_ARTIFACTS / f"actors-{name}.png"), full_page=True)
    assert await serious_violations(page) == [], name


@pytest.mark.timeout(420)
async def test_the_actors_section_from_search_to_import_merge_erasure_partnerships_and_calendar(
    full_platform: Platform, browser: Any, region: str, other_region: str
) -> None:
    chromium_or_skip()
    WEB_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    platform = full_platform
    ids = await _prepare(platform, region, other_region)
    await platform.provider.person("adam", region, "admin", "Adam Admin", locale="sv")
    await platform.provider.person("vera", region, "viewer", "Vera Viewer", locale="sv")
    listing = f"/regions/{region}/actors"
    context, page = await signed_in(browser, platform.web, "adam", listing)
    try:
        # The list: every actor by name, its sector, municipality and industry by name.
        assert await page.locator("h1").inner_text() == "Aktörer – Region Jämtland Härjedalen"
        assert await page.locator(".section-nav a[aria-current=page]").inner_text() == "Aktörer"
        assert await page.locator("#actor-count").inner_text() == "5"
        row = _words(await page.locator("#actor-table tbody tr", has_text="Jämtkraft AB").inner_text())
        assert "Näringsliv" in row and "Östersund" in row and "Försörjning av el, gas, värme och kyla" in row
        await _checked(page, "list")

        # Search by name, then filter by sector, municipality by its name and industry by its name.
        await page.fill("#filter-q", "mittuni")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        names = await page.locator("#actor-table tbody th").all_inner_texts()
        assert sorted(names) == ["Mittuniversitetet", "Mittuniversitetet (MIUN)"]
        await page.click("a:text('Rensa filter')")
        await page.select_option("#filter-helix", label="Näringsliv")
        await page.select_option("#filter-municipality", label="Krokom")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        assert "helix=business" in page.url and "municipality=2309" in page.url
        assert await page.locator("#actor-table tbody th").all_inner_texts() == ["Krokoms Skog AB"]
        await page.click("a:text('Rensa filter')")
        await page.select_option("#filter-industry", label="Försörjning av el, gas, värme och kyla")
        await page.click(".filters button[type=submit]")
        await page.wait_for_load_state()
        assert "industry=35" in page.url
        assert await page.locator("#actor-table tbody th").all_inner_texts() == ["Jämtkraft AB"]
        await _checked(page, "list-filtered")

        # Register one: a wrong check digit is refused at the identifier field, nothing stored.
        await page.goto(platform.web + listing)
        await page.click("#register-link")
        await page.wait_for_load_state()
        good = orgnr(7, "5567")
        await page.fill("#actor-name", "Destination Östersund AB")
        await page.fill("#actor-identifier", wrong_check_digit(good))
        await page.select_option("#actor-helix", "business")
        await page.fill("#actor-municipality", "Östersund")
        await page.fill("#actor-nace", "79.90")
        async with page.expect_navigation() as sent:
            await page.click("#register-form button[type=submit]")
        assert (await sent.value).status == 422
        field = page.locator("#actor-identifier")
        assert await field.get_attribute("aria-invalid") == "true"
        assert "actor-identifier-error" in (await field.get_attribute("aria-describedby") or "")
        error = await page.locator("#actor-identifier-error").inner_text()
        assert error.startswith("Inte ett giltigt organisationsnummer: tio siffror")
        assert await page.locator("#actor-name").input_value() == "Destination Östersund AB"
        assert await page.locator("#actor-name").get_attribute("aria-invalid") is None
        assert await _count(platform, region) == 5
        await _checked(page, "register-refused")
        # … and a good one: registered, its page with the municipality and industry by name.
        await page.fill("#actor-identifier", good)
        await page.click("#register-form button[type=submit]")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Destination Östersund AB är registrerad."
        facts = _words(await page.locator(".facts").first.inner_text())
        assert good in facts and "Östersund" in facts and "Resebyrå- och researrangörsverksamhet" in facts
        assert await _count(platform, region) == 6

        # Import a CSV file with two bad rows: both shown by line and field, nothing written.
        rows = [
            ("Alfa Skog AB", orgnr(11), "business", "2309", "02.10"),
            ("Fel Kontrollsiffra AB", wrong_check_digit(orgnr(12)), "business", "2380", ""),
            ("Beta Energi AB", orgnr(13), "business", "2380", "35.11"),
            ("Gamma Bygdeförening", orgnr(14, "8020"), "civil_society", "2361", ""),
            ("Okänd Kommun AB", orgnr(15), "business", "9999", ""),
            ("Delta Forskning AB", orgnr(16), "academia", "2380", "72.19"),
        ]
        csv = "namn;organisationsnummer;land;helix;kommunkod;sni\n" + "\n".join(
            f"{n};{o};SE;{h};{m};{s}" for n, o, h, m, s in rows
        )
        await page.goto(platform.web + listing)
        await page.click("#import-link")
        await page.wait_for_load_state()
        await _checked(page, "import")
        await page.set_input_files(
            "#import-file", files=[{"name": "aktörer.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
        )
        await page.click("#import-form button[type=submit]")
        await page.wait_for_load_state()
        bad = [
            [_words(c) for c in await tr.locator("th, td").all_inner_texts()]
            for tr in await page.locator("#import-errors tbody tr").all()
        ]
        assert bad == [
            ["3", "Organisationsnummer", bad[0][2]],
            ["6", "Kommun", "Inte en kommunkod i radens land (4 siffror i Sverige, 3 i Finland)."],
        ]
        assert bad[0][2].startswith("Inte ett giltigt organisationsnummer (NNNNNN-NNNN) eller Y-tunnus")
        summary = _words(await page.locator("#import-summary").inner_text())
        assert summary == (
            "Rader 6 Korrekta rader 4 Felaktiga rader 2 Nya aktörer som importen skulle registrera 4 "
            "Redan registrerade 0"
        )
        assert await page.locator("#import-bad-count").inner_text() == "2 rader är felaktiga:"
        assert await page.locator("#import-nothing-written").inner_text() == "Inget har importerats ännu."
        assert await page.locator("#import-all").count() == 0
        assert await _count(platform, region) == 6
        await _checked(page, "import-checked")
        # The valid rows only: the same file, sent again from the page.
        await page.click("#import-valid-rows")
        await page.wait_for_load_state()
        assert page.url == platform.web + listing
        assert await page.locator("#flash").inner_text() == (
            "Importen är klar. Nya aktörer: 4; redan registrerade: 0; felaktiga rader som lämnades utanför: 2."
        )
        assert await page.locator("#actor-count").inner_text() == "10"
        listed = await page.locator("#actor-table tbody th").all_inner_texts()
        assert {"Alfa Skog AB", "Beta Energi AB", "Gamma Bygdeförening", "Delta Forskning AB"} <= set(listed)
        assert "Okänd Kommun AB" not in listed and "Fel Kontrollsiffra AB" not in listed

        # An Excel workbook with no bad row: checked, then all of it imported (one row is known).
        await page.click("#import-link")
        await page.wait_for_load_state()
        await page.set_input_files(
            "#import-file",
            files=[{"name": "aktörer.xlsx", "mimeType": XLSX, "buffer": _workbook(
                [("Namn", "Organisationsnummer", "Land", "Helix", "Kommunkod"),
                 ("Epsilon Turism AB", orgnr(17), "SE", "business", "2321"),
                 ("Alfa Skog AB", orgnr(11), "SE", "business", "2309")]
            )}],
        )  # fmt: skip
        await page.click("#import-form button[type=submit]")
        await page.wait_for_load_state()
        summary = _words(await page.locator("#import-summary").inner_text())
        assert summary.endswith("Nya aktörer som importen skulle registrera 1 Redan registrerade 1")
        assert await page.locator("#import-errors, #import-valid-rows").count() == 0
        assert await _count(platform, region) == 10
        await page.click("#import-all")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == (
            "Importen är klar. Nya aktörer: 1; redan registrerade: 1; felaktiga rader som lämnades utanför: 0."
        )
        assert await page.locator("#actor-count").inner_text() == "11"
        # A file above the import's bound is refused by the web application itself, as a sentence.
        await page.click("#import-link")
        await page.wait_for_load_state()
        too_large = b"namn;organisationsnummer;land;helix\n" + b"x" * (5 * 1024 * 1024)
        await page.set_input_files(
            "#import-file", files=[{"name": "stor.csv", "mimeType": "text/csv", "buffer": too_large}]
        )
        async with page.expect_navigation() as sent:
            await page.click("#import-form button[type=submit]")
        assert (await sent.value).status == 413
        assert (await page.locator("#import-file-error").inner_text()).startswith("Filen är för stor")
        assert await page.locator("#import-file").get_attribute("aria-invalid") == "true"

        # Merge two duplicates: from the university's page, choose its copy, keep the original.
        await page.goto(f"{platform.web}{listing}/{ids['miun']}")
        await _checked(page, "actor")
        await page.click("#merge-link")
        await page.wait_for_load_state()
        assert await page.locator("#merge-q").input_value() == "Mittuniversitetet"
        await _checked(page, "merge-choose")
        await page.check(f"#other-{ids['miun_copy']}")
        await page.check("#keep-this")
        await page.click("#merge-next")
        await page.wait_for_load_state()
        assert "Mittuniversitetet (MIUN)" in await page.locator("#merge-duplicate").inner_text()
        what = await page.locator("#merge-what").inner_text()
        assert what.startswith(
            "Kontaktpersoner, gruppmedlemskap och deltaganden hos Mittuniversitetet (MIUN)"
        )
        await _checked(page, "merge-confirm")
        await page.click("#merge-confirm-button")
        await page.wait_for_load_state()
        assert page.url == f"{platform.web}{listing}/{ids['miun']}"
        assert (
            await page.locator("#flash").inner_text()
            == "Sammanslaget: dubbletten ingår nu i Mittuniversitetet."
        )
        copy = await platform.services["actors"].get(
            f"/actors/regions/{region}/actors/{ids['miun_copy']}", headers=headers(region)
        )
        assert copy.json()["merged_into_id"] == ids["miun"]
        assert await _count(platform, region) == 10
        # The duplicate's own page says where it went, and offers no second merge.
        await page.goto(f"{platform.web}{listing}/{ids['miun_copy']}")
        assert _words(await page.locator("#merged-into").inner_text()) == (
            "Aktören har slagits ihop med Mittuniversitetet"
        )
        assert await page.locator("#merge-link").count() == 0
        await page.click("#merged-into a")
        await page.wait_for_load_state()
        # The university's groups: the steering group it left.
        groups = _words(await page.locator("#actor-groups tbody").inner_text())
        assert "Styrgrupp Hållbar energi" in groups and "1 juni 2025" in groups

        # Erase a person: the page says what erasing does, then the data is gone; the row says so.
        await page.goto(f"{platform.web}{listing}/{ids['kraft']}")
        await page.click("#actor-people a.erase-link")
        await page.wait_for_load_state()
        assert "för gott" in await page.locator("#erase-what").inner_text()
        await _checked(page, "erase")
        await page.click("#erase-confirm")
        await page.wait_for_load_state()
        assert await page.locator("#flash").inner_text() == "Personuppgifterna om Anna Andersson är raderade."
        assert "Anna Andersson" not in await page.locator("#actor-people").inner_text()
        assert "personuppgifter har raderats" in await page.locator("#actor-people").inner_text()
        anna = await platform.services["actors"].get(
            f"/actors/regions/{region}/people/{ids['anna']}", headers=headers(region)
        )
        assert anna.json()["erased"] is True and anna.json()["name"] is None

        # The steering group: the quadruple-helix chart with its table, the gaps as sentences.
        await page.click(".section-nav a:text('Partnerskap')")
        await page.wait_for_load_state()
        assert "Styrgrupper" in await page.locator("main").inner_text()
        await _checked(page, "partnerships")
        await page.click("a:text('Styrgrupp Hållbar energi')")
        await page.wait_for_load_state()
        assert await page.locator("figure svg.chart title").text_content() == (
            "Medlemmar per sektor i den fyrfaldiga helixen (2 aktörer)"
        )
        helix = {
            _words(r.split("\t")[0]): r.split("\t")[1]
            for r in await page.locator("#group-helix-table tbody tr").all_inner_texts()
        }
        assert helix == {
            "Offentlig sektor": "1",
            "Näringsliv": "1",
            "Akademi": "0",
            "Civilsamhälle": "0",
            "Statliga myndigheter": "0",
        }
        gaps = await page.locator("#group-gaps li").all_inner_texts()
        assert "Ingen medlem från akademin." in gaps and "Ingen medlem från Krokom." in gaps
        members = _words(await page.locator("#group-members").inner_text())
        assert "Mittuniversitetet" in members and "Fortfarande med" in members
        await _checked(page, "partnership")

        # The annual cycle: the meeting held in its month, the cycle's planned slots, participation.
        await page.click(".section-nav a:text('Möten och årshjul')")
        await page.wait_for_load_state()
        held_on = ids["held_on"]
        month = page.locator(f"#calendar section:has(#month-{held_on.month})")
        held = _words(await month.locator("li.meeting", has_text="Styrgruppsmöte om vätgas").inner_text())
        assert "Styrgruppsmöte om vätgas" in held and "Aktörsmöte" in held and "Hållbar energi" in held
        planned = await page.locator("#calendar li.planned").all_inner_texts()
        assert len(planned) == 4 and all("Styrgruppsmöte energi" in p for p in planned)
        assert "Genomfört" in planned[0] and "planerat till januari–mars" in planned[0]
        assert any(p.startswith("Planerat") for p in planned)
        follow_up = _words(await page.locator("#follow-up tbody tr").inner_text())
        assert follow_up.startswith("Styrgruppsmöte energi Hållbar energi Varje kvartal")
        participation = {
            _words(r.split("\t")[0]): [_words(c) for c in r.split("\t")[1:]]
            for r in await page.locator("#participation tbody tr").all_inner_texts()
        }
        assert participation == {
            "Hållbar energi": ["1", "3", "2", "3"],
            "Inget styrkeområde": ["1", "40", "Inte registrerat", "Inte registrerat"],
        }
        await _checked(page, "engagements")

        # In Finnish: the months, the cycle's slots and the figures not registered in Finnish words.
        await page.select_option("#language-choice", "fi")
        await page.click(".language-form button")
        await page.wait_for_load_state()
        assert await page.locator("h1").inner_text() == (
            f"Tapaamiset ja vuosikello {held_on.year} – Region Jämtland Härjedalen"
        )
        assert await page.locator(f"#month-{held_on.month}").inner_text() == f"Tammikuu {held_on.year}"
        assert "Ei kirjattu" in await page.locator("#participation").inner_text()
        assert "suunniteltu ajalle tammikuu–maaliskuu" in await page.locator("#calendar").inner_text()
        await _checked(page, "engagements-fi")

        # Another region's pages and actors are not there.
        for path in (
            f"/regions/{other_region}/actors",
            f"/regions/{other_region}/partnerships",
            f"/regions/{other_region}/engagements",
            f"{listing}/{ids['other_actor']}",
            f"/regions/{region}/partnerships/{ids['other_actor']}",
        ):
            response = await page.goto(platform.web + path)
            assert response is not None and response.status == 404, path
    finally:
        await context.close()

    # A viewer: the same pages without a form to change anything; a forged erasure is refused.
    context, page = await signed_in(browser, platform.web, "vera", listing)
    try:
        assert await page.locator("#actor-count").inner_text() == "10"
        assert await page.locator("#register-link, #import-link").count() == 0
        await page.goto(f"{platform.web}{listing}/{ids['region']}")
        assert "Bo Berg" in await page.locator("#actor-people").inner_text()
        assert await page.locator("a.erase-link, #merge-link, main form").count() == 0
        await _checked(page, "actor-viewer")
        response = await page.goto(f"{platform.web}{listing}/new")
        assert response is not None and response.status == 403
        await page.goto(f"{platform.web}{listing}/{ids['region']}")
        token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
        assert token
        status = await post_by_hand(
            page, f"{listing}/{ids['region']}/people/{ids['bo']}/erase", {"csrf_token": token}
        )
        assert status == 403
        bo = await platform.services["actors"].get(
            f"/actors/regions/{region}/people/{ids['bo']}", headers=headers(region)
        )
        assert bo.json()["name"] == "Bo Berg"
    finally:
        await context.close()
