"""The demo's follow-up report as a regional officer reads it: the page through the gateway in real
Chromium and the PDF, in Swedish, English and Finnish.

What a person reads names things (no strength-area slug, region id, municipality code or UUID), is in
the reader's language, keeps each heading with what it introduces when printed, and states the
figures the demo recorded: industries (NACE sections) of the partnerships, the annual cycle planned
against held, and participants. The expected figures are computed here from the demo's YAML, the
way a person would count them from what the demo sent."""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from kraftsamla_common.i18n import read_catalogue
from kraftsamla_local.demo_content import PARTNERSHIPS, REGIONS
from kraftsamla_reporting.adapters.labels import Labels
from kraftsamla_reporting.adapters.pdf import chromium_args, find_chromium

from .test_up import Launcher, launcher, wait_for

__all__ = ["launcher"]  # the launcher with its demo, as test_up starts it

LANGUAGES = ("sv", "en", "fi")
READ = ("jamtland-harjedalen", "lappi")
"""The regions whose report is read in every language: a Swedish one and the Finnish one."""
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
ENGLISH_WORDS = ("the", "and", "of", "with", "for", "was", "were", "after", "from", "to", "is", "none")
ENGLISH_WORDS += ("which", "has", "have", "not", "this", "that", "moved", "unchanged")
"""English function words, looked for as whole words on the Swedish and Finnish pages."""
FOOTER = re.compile(r"^\d+ / \d+$")
SECTIONS = (
    ("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
    ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
    ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
    ("S", 94, 96), ("T", 97, 98), ("U", 99, 99),
)  # fmt: skip
"""NACE Rev. 2: the divisions of each section."""
FREQUENCY_MONTHS = {"monthly": 1, "every_two_months": 2, "quarterly": 3, "twice_a_year": 6, "yearly": 12}


# --------------------------------------------------------------------------- what the demo recorded


def months_back(today: date, months: int) -> date:
    """The day the demo holds a meeting ``months`` months back: the 15th of that month."""
    total = today.year * 12 + today.month - 1 - months
    return date(total // 12, total % 12 + 1, 15)


def month_start(day: date, months: int = 0) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def section_of(nace: str) -> str:
    division = int(nace.replace(".", "")[:2])
    return next(s for s, lo, hi in SECTIONS if lo <= division <= hi)


@dataclass
class Expected:
    """One demo region's figures, counted from its YAML."""

    region: dict[str, Any]
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    """Strength area code → its name by language."""
    industries: dict[str, Counter[str]] = field(default_factory=dict)
    """Strength area code → business members by NACE section."""
    engagements: dict[str, list[tuple[date, list[str], list[str], int]]] = field(default_factory=dict)
    """Strength area code → meetings held: (day, people, organisations, participations)."""
    cycles: dict[str, tuple[str, int, int, list[str]]] = field(default_factory=dict)
    """Meeting title → (area code, planned, held, missed slots)."""

    @property
    def rid(self) -> str:
        return str(self.region["region"])

    def in_period(self, start: date, end: date) -> dict[str, list[tuple[date, list[str], list[str], int]]]:
        return {a: [e for e in held if start <= e[0] <= end] for a, held in self.engagements.items()}


def slots(months: int, lo: date, hi: date) -> list[tuple[str, date, date]]:
    """Calendar slots of ``months`` months from the one holding ``lo`` to the one holding ``hi``."""
    start = date(lo.year, (lo.month - 1) // months * months + 1, 1)
    out = []
    while start <= hi:
        nxt = month_start(start, months)
        label = {
            1: f"{start:%Y-%m}",
            3: f"{start.year}-Q{(start.month - 1) // 3 + 1}",
            6: f"{start.year}-H{(start.month - 1) // 6 + 1}",
            12: str(start.year),
        }.get(months, f"{start:%Y-%m}/{start.month + months - 1:02d}")
        out.append((label, start, nxt - timedelta(days=1)))
        start = nxt
    return out


def expected(region: dict[str, Any], today: date, period: tuple[date, date]) -> Expected:
    rid = region["region"]
    part = PARTNERSHIPS[rid]
    actors = {a["identifier"]: a for a in region["actors"]}
    people = {p["name"]: p["organisation"] for p in part.get("people", [])}
    out = Expected(region)
    for sa in region["programme"]["strength_areas"]:
        out.names[sa["code"]] = sa["name"]
        members = {
            m["identifier"] for g in part["groups"] if g["strength_area"] == sa["code"] for m in g["members"]
        }
        out.industries[sa["code"]] = Counter(
            section_of(actors[i]["nace"])
            for i in members
            if actors[i]["helix"] == "business" and actors[i].get("nace")
        )
        out.engagements[sa["code"]] = []
    for m in part["meetings"]:
        code = m["cycle"]["strength_area"]
        names = list(m.get("people", []))
        organisations = [people[n] for n in names] + list(m.get("actors", []))
        listed = len(names) + len(m.get("actors", []))
        held = [months_back(today, n) for n in m["held_months_ago"]]
        out.engagements[code] += [(d, names, organisations, listed + m["head_count"]) for d in held]
        # The cycle is planned from the first of the month a year back; the report counts its slots
        # in the report's period up to today. A slot still running is planned only once it is held:
        # the current, unfinished one is never missed.
        start = month_start(today, -12)
        counted = slots(
            FREQUENCY_MONTHS[m["cycle"]["frequency"]], max(start, period[0]), min(period[1], today)
        )
        hit = {label for label, lo, hi in counted if any(lo <= d <= hi for d in held)}
        ended = {label for label, _, hi in counted if hi < today}
        missed = [label for label, _, _ in counted if label in ended and label not in hit]
        out.cycles[m["cycle"]["title"]] = (code, len(ended | hit), len(hit), missed)
    return out


# --------------------------------------------------------------------------- what a person reads


@dataclass
class Read:
    """One report in one language: the page's text as Chromium shows it, its headings, the PDF's pages."""

    language: str
    page: str
    headings: list[str]
    pdf_pages: list[str]
    reassessments: list[str] = field(default_factory=list)
    """The reassessment blocks: sentences written by the assessment service."""

    @property
    def texts(self) -> dict[str, str]:
        pdf = " ".join(self.pdf_pages)
        return {
            "page": self.page,
            "pdf": re.sub(r"\s+", " ", pdf),
            "pdf (joined)": re.sub(r"-\s*\n", "-", pdf),
        }


async def read_reports(launcher: Launcher, keys: dict[str, str]) -> dict[tuple[str, str], Read]:
    from playwright.async_api import async_playwright

    base = f"http://127.0.0.1:{launcher.gateway_port}/reporting/regions"
    out: dict[tuple[str, str], Read] = {}
    async with async_playwright() as p, httpx.AsyncClient(timeout=120) as http:
        browser = await p.chromium.launch(executable_path=find_chromium(), args=chromium_args())
        try:
            for rid in READ:
                key = keys[f"{rid}-viewer"]
                context = await browser.new_context(http_credentials={"username": "officer", "password": key})
                page = await context.new_page()
                for lang in LANGUAGES:
                    r = await page.goto(f"{base}/{rid}/reports/latest/html?lang={lang}")
                    assert r is not None and r.status == 200, (rid, lang)
                    await page.eval_on_selector_all("details", "els => els.forEach(e => { e.open = true })")
                    text = await page.inner_text("body")
                    headings = await page.eval_on_selector_all("h2, h3", "els => els.map(e => e.innerText)")
                    moved = await page.eval_on_selector_all(
                        ".reassessment", "els => els.map(e => e.innerText)"
                    )
                    pdf = await http.get(
                        f"{base}/{rid}/reports/latest/pdf?lang={lang}", auth=("officer", key)
                    )
                    assert pdf.status_code == 200, pdf.text[:300]
                    pages = [pg.extract_text() for pg in PdfReader(io.BytesIO(pdf.content)).pages]
                    out[rid, lang] = Read(lang, text, [h.strip() for h in headings], pages, moved)
                await context.close()
        finally:
            await browser.close()
    return out


def whole(word: str) -> re.Pattern[str]:
    """``word`` alone, not inside a longer word or slug."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def without(text: str, parts: list[str]) -> str:
    """``text`` with each of ``parts`` cut out where it stands as whole words (a short part such as
    "v" of "v2" is not cut out of "rättvis")."""
    for part in sorted(set(parts), key=len, reverse=True):
        text = (
            whole(part).sub(" ", text)
            if part[:1].isalnum() and part[-1:].isalnum()
            else text.replace(part, " ")
        )
    return text


def catalogue_texts(language: str) -> dict[str, list[str]]:
    """Each message's fixed words in ``language`` (its placeholders cut out), by key."""
    out: dict[str, list[str]] = {}
    for m in read_catalogue("kraftsamla_reporting", language):  # type: ignore[arg-type]
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        strings = m.string if isinstance(m.string, (list, tuple)) else [m.string]
        out[key] = [p.strip() for s in strings if s for p in re.split(r"\{[^}]*\}", s) if p.strip()]
    return out


def english_in(text: str, language: str, own_texts: list[str]) -> list[str]:
    """English on a page in ``language``: the English catalogue's words where they differ from the
    page's language, and English function words; the page's own messages and the region's own texts
    written in the page's language are set aside first."""
    english, own = catalogue_texts("en"), catalogue_texts(language)
    mine = [p for parts in own.values() for p in parts] + own_texts
    rest = without(text, mine)
    found = {
        part
        for key, parts in english.items()
        if own.get(key) != parts
        for part in parts
        if len(part) >= 4 and whole(part).search(rest) and not any(part in m for m in mine)
    }
    found |= {w for w in ENGLISH_WORDS if whole(w).search(rest)}
    for w in found:
        for m in whole(w).finditer(rest):
            print("CONTEXT", language, repr(rest[max(0, m.start() - 80) : m.end() + 80]))
    return sorted(found)


def region_texts(region: dict[str, Any], language: str) -> list[str]:
    """The region's own texts written in ``language`` (names of strength areas, titles of sub-goals…)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get(language), str):
                found.append(value[language])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(region)
    return found


def stranded_headings(read: Read) -> list[str]:
    """Pages whose last line is a heading: the heading printed apart from what it introduces."""
    headings = {" ".join(h.split()) for h in read.headings}
    out = []
    for n, page in enumerate(read.pdf_pages, start=1):
        lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        lines = [line for line in lines if not FOOTER.match(line)]
        if lines and (lines[-1] in headings or " ".join(lines[-2:]) in headings):
            out.append(f"page {n} ends with {lines[-1]!r}")
    return out


def row(cells: list[Any]) -> str:
    """A table row as Chromium's innerText gives it: cells separated by tabs."""
    return "\t".join(str(c) for c in cells)


# --------------------------------------------------------------------------- the test


def test_the_demo_report_names_things_in_the_readers_language_and_counts_what_the_demo_recorded(
    launcher: Launcher,
) -> None:
    if find_chromium() is None:
        pytest.skip("no Chromium to read the report with")
    launcher.start()
    read_the_demo_report(launcher)


def own_language(rid: str) -> str:
    return "fi" if PARTNERSHIPS[rid]["settings"]["country"] == "FI" else "sv"


def recent_engagements(exp: Expected, today: date) -> list[tuple[date, list[str], list[str], int]]:
    """The engagements of the past twelve months (EU criterion 4's evidence)."""
    return [e for held in exp.engagements.values() for e in held if e[0] >= today - timedelta(days=365)]


def read_the_demo_report(launcher: Launcher) -> None:
    """Everything the test asserts, on a running launcher with its demo."""
    keys = launcher.keys()
    today = date.today()
    regions = {r["region"]: r for r in REGIONS}

    with launcher.client() as http:

        def report(rid: str) -> dict[str, Any]:
            r = http.get(
                f"/reporting/regions/{rid}/reports/latest", headers={"X-API-Key": keys[f"{rid}-viewer"]}
            )
            assert r.status_code in (200, 404), r.text
            return r.json() if r.status_code == 200 else {}

        def complete(rid: str) -> dict[str, Any] | None:
            """The report once it holds every demo engagement of the period and the decisions."""
            found = report(rid)
            if not found:
                return None
            c = found["content"]
            period = date.fromisoformat(c["period"]["start"]), date.fromisoformat(c["period"]["end"])
            exp = expected(regions[rid], today, period)
            held = exp.in_period(*period)
            done = c["activities"] and c["activities"]["engagements"] == sum(map(len, held.values()))
            stakeholders = [cr for cr in c["eu_criteria"] if cr["key"] == "stakeholders"]
            evaluated = stakeholders and any(
                e["params"].get("n") == len(recent_engagements(exp, today))
                for e in stakeholders[0]["evidence"]
                if e["key"].startswith("engagements")
            )
            return found if done and c["portfolio"]["total"]["decided"] and evaluated else None

        reports = {rid: wait_for(lambda rid=rid: complete(rid), timeout=180) for rid in regions}

    check_figures(reports, regions, today)
    check_pages(launcher, keys, reports, regions, today)


def check_figures(reports: dict[str, Any], regions: dict[str, dict[str, Any]], today: date) -> None:
    """The figures, counted from the demo's YAML, as the report's JSON states them."""
    for rid, found in reports.items():
        c = found["content"]
        period = date.fromisoformat(c["period"]["start"]), date.fromisoformat(c["period"]["end"])
        exp = expected(regions[rid], today, period)
        held = exp.in_period(*period)
        by_code = {a["strength_area_code"]: a for a in c["activities"]["by_strength_area"]}
        for code, meetings in held.items():
            got = by_code[code]
            people = {p for _, names, _, _ in meetings for p in names}
            assert (got["engagements"], got["participations"]) == (
                len(meetings),
                sum(n for *_, n in meetings),
            ), (rid, code)
            assert got["unique_people"] == (len(people) if meetings else None) or (
                not meetings and not got["unique_people"]
            ), (rid, code, got)
            assert got["unique_actors"] == len({o for _, _, orgs, _ in meetings for o in orgs}), (rid, code)
        everyone = {p for meetings in held.values() for _, names, _, _ in meetings for p in names}
        assert c["activities"]["unique_people"] == len(everyone) > 0, rid
        partnerships = {p["strength_area_code"]: p for p in c["partnerships"]}
        for code, sections in exp.industries.items():
            assert partnerships[code]["by_industry"] == dict(sorted(sections.items())), (rid, code)
        cycles = {cy["title"]: cy for cy in c["activities"]["cycles"]}
        for title, (code, planned, held_slots, missed) in exp.cycles.items():
            got = cycles[title]
            assert (got["strength_area_code"], got["planned"], got["held"], got["missed"]) == (
                code,
                planned,
                held_slots,
                missed,
            ), (rid, title)
        # EU criterion 4 counts the engagements of the past twelve months, with their participations.
        stakeholders = next(cr for cr in c["eu_criteria"] if cr["key"] == "stakeholders")
        recent = recent_engagements(exp, today)
        assert {
            "key": "engagements",
            "params": {"n": len(recent), "participations": sum(e[3] for e in recent)},
        } in [{"key": e["key"], "params": e["params"]} for e in stakeholders["evidence"]], (
            rid,
            stakeholders["evidence"],
        )


def check_pages(
    launcher: Launcher,
    keys: dict[str, str],
    reports: dict[str, Any],
    regions: dict[str, dict[str, Any]],
    today: date,
) -> None:
    """The page and the PDF in every language: names, the reader's language, print, figures."""
    read = asyncio.run(read_reports(launcher, keys))
    problems: list[str] = []
    outside: list[str] = []
    for (rid, lang), r in read.items():
        region = regions[rid]
        c = reports[rid]["content"]
        t = Labels(lang, origin=own_language(rid))  # type: ignore[arg-type]
        period = date.fromisoformat(c["period"]["start"]), date.fromisoformat(c["period"]["end"])
        exp = expected(region, today, period)
        where = f"{rid} {lang}"

        # Names, not codes: no slug, region id, municipality code or UUID anywhere a person reads.
        all_names = [n for names in exp.names.values() for n in names.values()]
        codes = {m["code"] for m in c["geography"]["municipalities"]}
        shown_codes = {code for code in codes if len(code) == 4 or code.startswith("0")}
        for what, text in r.texts.items():
            text = without(text, all_names)
            problems += [f"{where} {what}: slug {s!r}" for s in exp.names if whole(s).search(text)]
            problems += [f"{where} {what}: region id {i!r}" for i in regions if whole(i).search(text)]
            problems += [
                f"{where} {what}: municipality code {m}" for m in sorted(shown_codes) if whole(m).search(text)
            ]
            problems += [f"{where} {what}: UUID {u}" for u in UUID.findall(text)[:3]]
        # The region by its name, as it names itself in its own language.
        if lang == own_language(rid) and region["name"].split(" – ")[0] not in r.page:
            problems.append(f"{where}: the region's name {region['name']!r} not shown")

        outside += [f"{where}: {p}" for p in words_outside_reassessments(r, region, exp)]

        # The reader's language: no English on the Swedish and Finnish pages.
        if lang != "en":
            own = region_texts(region, lang)
            for what, text in r.texts.items():
                problems += [f"{where} {what}: English {e!r}" for e in english_in(text, lang, own)]

        # Print: no page ends with a heading whose content went to the next page.
        problems += [f"{where} pdf: {s}" for s in stranded_headings(r)]

        # Participants, per strength area and in all, as the page states them.
        held = exp.in_period(*period)
        for code, meetings in held.items():
            name = t.text(exp.names[code])
            if not meetings:
                continue
            people = {p for _, names, _, _ in meetings for p in names}
            organisations = {o for _, _, orgs, _ in meetings for o in orgs}
            cells = [
                name,
                len(meetings),
                t.number(sum(n for *_, n in meetings)),
                len(people),
                len(organisations),
            ]
            if row(cells) not in r.page:
                problems.append(f"{where}: no activity row {row(cells)!r}")
        everyone = {p for meetings in held.values() for _, names, _, _ in meetings for p in names}
        if f"{t('unique_people')}: {len(everyone)}" not in r.page:
            problems.append(f"{where}: unique participants {len(everyone)} not stated")
        # The annual cycle, planned against held.
        for title, (_, planned, held_slots, missed) in exp.cycles.items():
            line = next((ln for ln in r.page.splitlines() if ln.startswith(f"{title}\t")), "")
            cells = line.split("\t")
            shown = [str(planned), str(held_slots), " ".join(t.slot(m) for m in missed) or t("none")]
            if [c.strip() for c in cells[3:6]] != shown:
                problems.append(f"{where}: cycle {title!r} reads {cells[3:6]}, not {shown}")
        # Industries of the partnerships' businesses, by the section's name.
        for code, sections in exp.industries.items():
            for section, n in sections.items():
                if f"{t.industry(section)} ({n})" not in r.page:
                    problems.append(f"{where}: industry {section} ({n}) of {code} not stated")
        # Municipalities by name, in the reader's alphabetical order.
        names = [m["name"] for m in c["geography"]["municipalities"] if m["in_region"]]
        shown = [line.split("\t")[0] for line in r.page.splitlines() if line.split("\t")[0] in names]
        if shown[-len(names) :] != sorted(names, key=collation(lang)):
            problems.append(f"{where}: municipalities not in alphabetical order: {shown[-len(names) :]}")

    # Where only the assessment service's sentences are left (what moved at a reassessment, and why),
    # the report's own part is done: say so, and fail all the same until those are in the reader's
    # language too.
    assert problems == [], "\n".join(
        [
            *problems,
            "",
            "of which outside the reassessment sentences of the assessment service:",
            *(outside or ["none"]),
        ]
    )


def words_outside_reassessments(r: Read, region: dict[str, Any], exp: Expected) -> list[str]:
    """Slugs and English on the page once the reassessment blocks are set aside."""
    text = without(
        without(r.page, r.reassessments), [n for names in exp.names.values() for n in names.values()]
    )
    found = [f"slug {s!r}" for s in exp.names if whole(s).search(text)]
    if r.language != "en":
        found += [f"English {e!r}" for e in english_in(text, r.language, region_texts(region, r.language))]
    return found


def collation(language: str) -> Any:
    """Alphabetical order: Å, Ä, Ö after Z in Swedish and Finnish; with their base letters in English."""
    if language in ("sv", "fi"):
        return lambda name: name.casefold().translate(str.maketrans("åäöü", "{|}y"))
    return lambda name: "".join(
        c for c in unicodedata.normalize("NFD", name.casefold()) if not unicodedata.combining(c)
    )
