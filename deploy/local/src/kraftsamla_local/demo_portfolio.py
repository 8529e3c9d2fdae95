"""A portfolio of demo applications per region: several hundred, with their own texts in Swedish
(Swedish regions) and Finnish (Lapland), built from the words of each region's own action plans so
that they fit (or do not fit) its strength areas as real applications do. Deterministic: the same
region always gets the same portfolio, so loading the demo twice changes nothing.

Organisations and people are fictitious; applicants are the region's demo actors.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from kraftsamla_common.municipalities import municipalities_of

Json = dict[str, Any]

PER_REGION = 300

HUBS = {"jamtland-harjedalen": "2380", "norrbotten": "2580", "kronoberg": "0780", "lappi": "698"}
COUNTIES = {
    "jamtland-harjedalen": ("SE", "23"),
    "norrbotten": ("SE", "25"),
    "kronoberg": ("SE", "07"),
    "lappi": ("FI", "19"),
}
PROGRAMMES = {
    "jamtland-harjedalen": [
        ("ERUF Mellersta Norrland", "erdf"),
        ("Regionala projektmedel 1:1", "regional"),
        ("Företagsstöd, Region JH", "growth_agency"),
    ],
    "norrbotten": [
        ("ERUF Övre Norrland", "erdf"),
        ("Fonden för en rättvis omställning", "jtf"),
        ("Regionala projektmedel 1:1", "regional"),
    ],
    "kronoberg": [
        ("ERUF Småland och öarna", "erdf"),
        ("Regionala projektmedel 1:1", "regional"),
        ("Företagsstöd, Region Kronoberg", "growth_agency"),
    ],
    "lappi": [("EAKR Pohjois-Suomi", "erdf"), ("JTF Lappi", "jtf"), ("Business Finland", "business_finland")],
}
# Plan vocabulary that is a stem rather than a word, as it would be written in a text.
WORD_FORMS = {"saamelais": "saamelaiskulttuuri", "revontul": "revontulet", "kylmä": "kylmätestaus"}

SV: Json = {
    "titles": [
        "Förstudie: {T} i {place}",
        "{T} – från idé till marknad",
        "Utveckling av {t} i {place}",
        "Kompetenslyft inom {t}",
        "Testbädd för {t}",
        "Nätverk för {t} i hela länet",
        "{T} och {t2} i samverkan",
    ],
    "lead": [
        "Projektet utvecklar {t} och {t2} tillsammans med små och medelstora företag i {place}.",
        "Förstudien kartlägger behovet av {t} hos länets företag och föreslår hur {t2} kan utvecklas.",
        "Insatsen stärker {t} genom samverkan mellan näringsliv, akademi och offentlig sektor.",
        "Företaget investerar i {t} för att kunna erbjuda nya tjänster inom {t2}.",
    ],
    "more": [
        "Satsningen når företag i flera kommuner och sprider resultaten i nätverk och kluster.",
        "Arbetet bygger på forskning vid regionens lärosäten och siktar på en internationell marknad.",
        "Bredband och grundläggande förutsättningar på landsbygden är en del av arbetet.",
        "En testbädd gör det möjligt att pröva nya lösningar i verklig miljö.",
        "Målgruppen är unga och nyanlända som vill starta företag.",
        "Projektet ger nya arbetstillfällen och ökad lönsamhet.",
    ],
    "off": [
        "Ett projekt om lokal service och föreningsliv i byarna.",
        "Upprustning av en bygdegård för möten och kurser.",
        "En studie om ungas fritidsvanor i kommunen.",
    ],
    "conflict": "Etableringen av vindkraft berör renbete och samebyns marker, och samråd pågår.",
    "sustainability": {
        "economic": "Projektet förväntas ge nya arbetstillfällen och ökad lönsamhet hos de deltagande företagen.",
        "social": "Jämställdhet och inkludering beaktas i urval och genomförande, och insatsen stärker delaktighet.",
        "environmental": "Insatsen minskar utsläppen av växthusgaser och bidrar till fossilfri produktion.",
    },
}
FI: Json = {
    "titles": [
        "Esiselvitys: {T}, {place}",
        "{T} – ideasta markkinoille",
        "{T} ja {t2} yhteistyössä",
        "Osaamisen kehittäminen: {t}",
        "Testialusta: {t}",
        "Verkosto: {t} koko maakunnassa",
    ],
    "lead": [
        "Hanke kehittää teemoja {t} ja {t2} yhdessä pk-yritysten kanssa, painopisteenä {place}.",
        "Esiselvitys kartoittaa yritysten tarpeet (teema: {t}) ja ehdottaa, miten {t2} kehitetään.",
        "Hanke vahvistaa alaa ({t}) yritysten, korkeakoulujen ja julkisen sektorin yhteistyöllä.",
        "Yritys investoi uuteen palveluun, jonka teemoja ovat {t} ja {t2}.",
    ],
    "more": [
        "Hanke tavoittaa yrityksiä useassa kunnassa ja levittää tuloksia verkostoissa.",
        "Työ perustuu alueen korkeakoulujen tutkimukseen ja tähtää kansainvälisille markkinoille.",
        "Laajakaista ja saavutettavuus ovat työn perusedellytys.",
        "Hanke luo uusia työpaikkoja ja parantaa kannattavuutta.",
        "Testialusta mahdollistaa uusien ratkaisujen kokeilun todellisissa olosuhteissa.",
    ],
    "off": [
        "Hanke kunnostaa kylätalon kokoontumisia ja kursseja varten.",
        "Selvitys nuorten vapaa-ajan harrastuksista kunnassa.",
    ],
    "conflict": "Tuulivoimapuiston rakentaminen koskee poronhoitoaluetta, ja paliskunnan kanssa neuvotellaan.",
    "sustainability": {
        "economic": "Hankkeen odotetaan luovan uusia työpaikkoja ja parantavan osallistuvien yritysten kannattavuutta.",
        "social": "Tasa-arvo ja osallisuus otetaan huomioon toteutuksessa, ja hanke vahvistaa hyvinvointia.",
        "environmental": "Hanke vähentää päästöjä ja edistää kiertotaloutta ja uusiutuvaa energiaa.",
    },
}
GOALS = [4, 5, 7, 8, 9, 11, 12, 13, 15]


def _form(term: str) -> str:
    return WORD_FORMS.get(term, term)


def portfolio(region: Json, count: int = PER_REGION) -> list[Json]:
    """``count`` applications for one demo region (without ``source``); the first ``PER_REGION``
    are the demo's, more are made the same way (the benchmarks ask for tens of thousands)."""
    rid = region["region"]
    rng = random.Random(f"kraftsamla-demo-{rid}")
    lang = FI if rid == "lappi" else SV
    country, county = COUNTIES[rid]
    places = municipalities_of(country, county)
    hub = next(m for m in places if m.code == HUBS[rid])
    areas = [
        (code, sorted({_form(t) for p in plan["priorities"] for t in p["vocabulary"]}))
        for code, plan in region["plans"].items()
    ]
    actors = region["actors"]
    out: list[Json] = []
    for n in range(count):
        _, terms = rng.choice(areas)
        t, t2 = rng.sample(terms, 2) if len(terms) > 1 else (terms[0], terms[0])
        reach = (
            [hub, *rng.sample(places, rng.randint(0, 3))]
            if rng.random() < 0.6
            else rng.sample(places, rng.randint(1, 3))
        )
        codes = list(dict.fromkeys(m.code for m in reach))
        place = reach[0].name
        if rng.random() < 0.08:
            summary = rng.choice(lang["off"])
            title = summary.split(" ", 3)[-1].rstrip(".").capitalize()
        else:
            title = rng.choice(lang["titles"]).format(T=t.capitalize(), t=t, t2=t2, place=place)
            sentences = [rng.choice(lang["lead"]).format(t=t, t2=t2, place=place)]
            sentences += rng.sample(lang["more"], rng.randint(0, 2))
            if ("vindkraft" in terms and rng.random() < 0.3) or (
                rid == "lappi" and "kaivos" in terms and rng.random() < 0.1
            ):
                sentences.append(lang["conflict"])
            summary = " ".join(sentences)
        feasibility = rng.random() < 0.35
        requested = rng.choice([150, 250, 400, 600, 900, 1200, 1800, 2500, 4000, 6500]) * 1000
        if rid == "lappi":
            requested = requested // 10
        start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 900))
        body: Json = {
            "external_id": f"DEMO-{start.year}-{n + 1:04d}",
            "kind": "business_support" if rng.random() < 0.2 else "project",
            "stage": "feasibility_study" if feasibility else "implementation",
            "title": title[:500],
            "summary": summary,
            "requested_amount": requested,
            "total_budget": round(requested * rng.choice([1.0, 1.25, 1.5, 2.0])),
            "currency": "EUR" if rid == "lappi" else "SEK",
            "period_start": start.isoformat(),
            "period_end": (start + timedelta(days=rng.choice([180, 365, 730, 1095]))).isoformat(),
            "municipalities": codes,
            "goals": sorted(rng.sample(GOALS, rng.randint(0, 3))),
        }
        programme, source = rng.choice(PROGRAMMES[rid])
        body["funding_programme"], body["funding_source"] = programme, source
        if rng.random() < 0.7:
            applicant = rng.choice(actors)
            body["applicant_identifier"], body["applicant_name"] = applicant["identifier"], applicant["name"]
            others = [a for a in actors if a is not applicant]
            body["partners"] = [
                {"identifier": a["identifier"], "name": a["name"]}
                for a in rng.sample(others, min(len(others), rng.randint(0, 3)))
            ]
        if rng.random() < 0.6:
            dims = rng.sample(list(lang["sustainability"]), rng.randint(1, 3))
            body["sustainability"] = {d: lang["sustainability"][d] for d in dims}
        out.append(body)
    return out


def decisions(applications: list[Json]) -> dict[str, Json]:
    """Decisions on part of a portfolio, by external id: about a quarter granted, a tenth rejected."""
    out: dict[str, Json] = {}
    for i, a in enumerate(applications):
        if i % 4 == 1:
            out[a["external_id"]] = {
                "outcome": "granted",
                "granted_amount": round(a["requested_amount"] * 0.8),
            }
        elif i % 10 == 7:
            out[a["external_id"]] = {"outcome": "rejected"}
    return out
