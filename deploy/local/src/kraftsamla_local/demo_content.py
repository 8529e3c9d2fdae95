"""Demo content: four regions' S3 work, drawn from public documents and marked as demo data.

Sources: Region Jämtland Härjedalen's S3 programme 2021–2027 (RUN/430/2018) and its follow-up
report 2024 (RUN/12/2024); Destination Jokkmokk's plan for smart specialisation in the
destination; Destination Åsnen's long-term operating organisation; the Regional Council of
Lapland's strategy renewal (FOKUS). Where those documents are silent (sub-goal figures,
vocabularies, most application texts, the Norrbotten, Kronoberg and Lapland strength areas),
the content is written for the demo. Organisation identifiers are fictitious numbers with valid
check digits; no person is named.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

DEMO_NOTE = "Demodata – illustrativt innehåll."


def priority(
    pid: str,
    title: str,
    level: str,
    vocabulary: list[str],
    *,
    lang: str = "sv",
    valid_from: str = "2025-01-01",
    valid_until: str = "2027-12-31",
) -> Json:
    return {
        "id": pid,
        "title": {lang: title},
        "level": level,
        "vocabulary": vocabulary,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def sub_goal(
    gid: str,
    title: str,
    indicator: str,
    baseline: float,
    baseline_year: int,
    target: float,
    target_year: int,
    *,
    lang: str = "sv",
) -> Json:
    return {
        "id": gid,
        "title": {lang: title},
        "indicator": {"name": indicator},
        "baseline": baseline,
        "baseline_year": baseline_year,
        "target": target,
        "target_year": target_year,
    }


def effect_chain(
    inputs: list[str],
    activities: list[str],
    outputs: list[str],
    outcomes: list[str],
    impact: list[str],
    *,
    indicators: list[Json] = (),  # type: ignore[assignment]
) -> Json:
    """An effect chain; ERDF output indicators (RCO) measure the first output, result indicators
    (RCR) the first outcome, others the impact."""
    chain = {
        "input": inputs,
        "activity": activities,
        "output": outputs,
        "outcome": outcomes,
        "impact": impact,
    }
    steps: Json = {
        step: [{"description": d, "indicators": []} for d in texts] for step, texts in chain.items()
    }
    for indicator in indicators:
        code = indicator.get("code", "")
        step = "output" if code.startswith("RCO") else "outcome" if code.startswith("RCR") else "impact"
        steps[step][0]["indicators"].append(indicator)
    return steps


def initiative(
    iid: str,
    title: str,
    *,
    target_groups: list[str],
    funding: list[str],
    addresses: list[str] = (),  # type: ignore[assignment]
    priorities: list[str] = (),  # type: ignore[assignment]
) -> Json:
    return {
        "id": iid,
        "title": title,
        "target_groups": target_groups,
        "funding_sources": funding,
        "addresses": list(addresses),
        "priority_ids": list(priorities),
    }


# --------------------------------------------------------------------------- Jämtland Härjedalen

JH_GOVERNANCE = {
    "description": "Styrgrupp med regionala nyckelaktörer från offentlig sektor, näringsliv, akademi och "
    "organisationer, och ett brett partnerskap av länets aktörer inom styrkeområdet, öppet för alla som vill bidra.",
    "roles": [
        {
            "role": "processledare",
            "mandate": "Driver styrkeområdets sexstegsprocess på uppdrag av Region Jämtland Härjedalen.",
            "responsibility": "Handlingsplanen, aktörsmöten, strategiska bedömningar av ansökningar.",
        },
        {
            "role": "samordnare",
            "mandate": "Håller ihop arbetet med smart specialisering för alla fyra styrkeområden.",
            "responsibility": "Uppföljning, årshjul för aktörsmöten, återrapportering till regionala utvecklingsnämnden.",
        },
    ],
}

JH_EVIDENCE = [
    {
        "title": "Program för smart specialisering i Jämtland Härjedalen 2021–2027",
        "reference": "RUN/430/2018",
    },
    {"title": "Uppföljningsrapport Smart specialisering (S3) 2024", "reference": "RUN/12/2024"},
]

JH_PLANS: dict[str, Json] = {
    "jord-skog-vatten": {
        "analysis": {
            "current_state": "Länets areella näringar – jordbruk, skogsbruk, vattenbruk och livsmedelsförädling – finns i hela länet och bär mycket av landsbygdens sysselsättning.",
            "challenges": [
                "Låg förädlingsgrad: råvara lämnar länet oförädlad.",
                "Generationsväxling och kompetensförsörjning i de gröna näringarna.",
                "Klimatanpassning av skogs- och jordbruk.",
            ],
            "evidence": JH_EVIDENCE,
        },
        "governance": JH_GOVERNANCE,
        "vision": {
            "sv": "Jämtland Härjedalen är känt för hållbart brukade skogar, marker och vatten som förädlas i länet."
        },
        "sub_goals": [
            sub_goal(
                "foradling",
                "Mer av råvaran förädlas i länet",
                "Antal livsmedelsförädlande företag",
                145,
                2022,
                180,
                2027,
            ),
            sub_goal(
                "kompetens",
                "Fler unga väljer de gröna näringarna",
                "Antal elever på naturbruksprogram",
                210,
                2022,
                260,
                2027,
            ),
        ],
        "priorities": [
            priority(
                "lokal-livsmedelsforadling",
                "Lokal livsmedelsförädling",
                "bredd",
                ["livsmedel", "förädling", "mathantverk", "lokalproducerad", "mejeri", "slakteri"],
            ),
            priority(
                "hallbart-skogsbruk",
                "Hållbart skogsbruk och skogens nya produkter",
                "spets",
                ["skogsbruk", "skogsnäring", "biobaserad", "trä", "träbyggande", "bioekonomi"],
            ),
            priority(
                "vattenbruk", "Vattenbruk och fiske", "bredd", ["vattenbruk", "fiskodling", "fiske", "röding"]
            ),
            priority(
                "grona-naringar-kompetens",
                "Kompetensförsörjning i de gröna näringarna",
                "bas",
                ["naturbruk", "lantbruk", "jordbruk", "landsbygdsutveckling", "kompetensförsörjning"],
            ),
        ],
        "policy_mix": {
            "initiatives": [
                initiative(
                    "landsbygdsutvecklare",
                    "Regelbundna möten med kommunernas landsbygdsutvecklare",
                    target_groups=["developers"],
                    funding=["regional"],
                    priorities=["grona-naringar-kompetens"],
                ),
                initiative(
                    "forstudier-naturbruk",
                    "Förstudier om smart specialisering inom naturbruk",
                    target_groups=["performers"],
                    funding=["erdf"],
                    addresses=["innovation_system"],
                    priorities=["lokal-livsmedelsforadling", "hallbart-skogsbruk"],
                ),
            ],
            "portfolio": [
                {
                    "title": "Förstudie: naturbruk och livsmedelsförädling",
                    "year": 2026,
                    "funding_source": "erdf",
                    "budget": 620000,
                    "initiative_id": "forstudier-naturbruk",
                },
                {
                    "title": "Genomförandeprojekt: lokal förädling",
                    "year": 2027,
                    "funding_source": "erdf",
                    "initiative_id": "forstudier-naturbruk",
                },
            ],
        },
        "evaluation": {
            "effect_chain": effect_chain(
                ["projektmedel", "processledning"],
                ["aktörsmöten", "förstudier"],
                ["nya samverkansprojekt"],
                ["ökad förädlingsgrad"],
                ["fler arbetstillfällen på landsbygden"],
                indicators=[
                    {"code": "RCO01", "name": "Företag som får stöd"},
                    {"name": "Förädlingsvärde i livsmedelsindustrin", "unit": "MSEK"},
                ],
            ),
        },
    },
    "hallbar-energi": {
        "analysis": {
            "current_state": "Länet producerar mer förnybar el än det använder (vattenkraft och vindkraft) och har forskning och innovationsmiljöer kring energi.",
            "challenges": [
                "Elnätens kapacitet begränsar nya etableringar.",
                "Lokal förädling av överskottsel, t.ex. vätgas genom elektrolys.",
                "Energieffektivisering i små och medelstora företag.",
            ],
            "evidence": [
                *JH_EVIDENCE,
                {
                    "title": "Peak Innovations förstudie: Innovationsarena för Hållbar Energi i Jämtlands län",
                    "reference": "förstudie 2023",
                },
            ],
        },
        "governance": JH_GOVERNANCE,
        "vision": {
            "sv": "Jämtland Härjedalen är ett föregångslän där förnybar energi skapar nya företag och arbetstillfällen."
        },
        "sub_goals": [
            sub_goal(
                "effektivisering",
                "Energieffektivare företag",
                "Andel SMF med energikartläggning (%)",
                12,
                2022,
                30,
                2027,
            ),
            sub_goal(
                "innovationsarena",
                "En innovationsarena för hållbar energi är etablerad",
                "Antal aktörer i innovationsarenan",
                8,
                2023,
                40,
                2027,
            ),
        ],
        "priorities": [
            priority(
                "vatgas",
                "Vätgas och elektrobränslen",
                "spets",
                ["vätgas", "elektrolys", "elektrobränsle", "vätgasproduktion"],
            ),
            priority(
                "energiomstallning",
                "Energiomställning i industri och transporter",
                "bredd",
                ["energiomställning", "elektrifiering", "laddinfrastruktur", "fossilfri"],
            ),
            priority(
                "energieffektivisering",
                "Energieffektivisering",
                "bas",
                ["energieffektivisering", "energikartläggning", "energibesparing"],
            ),
            priority(
                "fornybar-produktion",
                "Förnybar elproduktion och lagring",
                "bredd",
                ["vindkraft", "solenergi", "solceller", "energilagring", "vattenkraft"],
            ),
        ],
        "policy_mix": {
            "initiatives": [
                initiative(
                    "innovationsarena",
                    "Innovationsarena för Hållbar Energi",
                    target_groups=["developers", "performers"],
                    funding=["erdf", "energy_agency"],
                    addresses=["innovation_system", "industrial_transition"],
                    priorities=["vatgas", "energiomstallning"],
                ),
                initiative(
                    "aktorsmoten-energi",
                    "Aktörsmöten med nyckelaktörer",
                    target_groups=["decision_makers"],
                    funding=["regional"],
                ),
                initiative(
                    "originn",
                    "ORIGINN – policyutveckling för smart specialisering (Interreg Europe)",
                    target_groups=["decision_makers"],
                    funding=["interreg"],
                    addresses=["international_cooperation"],
                ),
            ],
            "portfolio": [
                {
                    "title": "Förstudie: Innovationsarena för Hållbar Energi",
                    "year": 2026,
                    "funding_source": "erdf",
                    "budget": 1450000,
                    "initiative_id": "innovationsarena",
                },
                {
                    "title": "Testbädd för vätgas och energilagring",
                    "year": 2027,
                    "funding_source": "energy_agency",
                    "initiative_id": "innovationsarena",
                },
            ],
        },
        "evaluation": {
            "effect_chain": effect_chain(
                ["projektmedel", "forskningsmiljöer"],
                ["innovationsarena", "testbäddar"],
                ["nya energiprojekt", "energikartläggningar"],
                ["minskad energianvändning i SMF"],
                ["fossilfritt län"],
                indicators=[
                    {
                        "code": "RCO16",
                        "name": "Deltagande institutionella aktörer i entreprenöriell upptäcktsprocess",
                    },
                    {"code": "RCR29", "name": "Beräknade utsläpp av växthusgaser", "unit": "ton CO2e"},
                ],
            ),
        },
    },
    "upplevelser": {
        "analysis": {
            "current_state": "Besöksnäring, kultur, friluftsliv och kulturella och kreativa branscher är stora i länet, med fjällen, Storsjön och en levande sydsamisk kultur.",
            "challenges": [
                "Säsongsberoende och svårighet att bygga helårsverksamhet.",
                "Tillgänglighet och transporter till och inom länet.",
                "Kompetensförsörjning i besöksnäringen.",
            ],
            "evidence": JH_EVIDENCE,
        },
        "governance": JH_GOVERNANCE,
        "vision": {
            "sv": "Jämtland Härjedalen är en hållbar helårsdestination med upplevelser av internationell klass."
        },
        "sub_goals": [
            sub_goal(
                "helarsturism",
                "Fler gästnätter utanför högsäsong",
                "Gästnätter maj–november (tusental)",
                820,
                2022,
                1000,
                2027,
            ),
            sub_goal(
                "kkb",
                "Fler företag i kulturella och kreativa branscher",
                "Antal KKB-företag",
                1150,
                2022,
                1300,
                2027,
            ),
        ],
        "priorities": [
            priority(
                "hallbar-destination",
                "Hållbar destinationsutveckling",
                "bredd",
                ["destinationsutveckling", "besöksnäring", "turism", "hållbar destination", "helårsturism"],
            ),
            priority(
                "natur-och-friluftsliv",
                "Natur- och friluftsupplevelser",
                "spets",
                ["naturturism", "friluftsliv", "fjäll", "vandring", "skidåkning", "cykling"],
            ),
            priority(
                "samisk-kultur",
                "Sydsamisk kultur och kulturarv",
                "spets",
                ["samisk", "sydsamisk", "kulturarv", "renskötsel"],
            ),
            priority(
                "kkb",
                "Kulturella och kreativa branscher",
                "bredd",
                ["kultur", "kreativa", "musik", "film", "design", "konsthantverk"],
            ),
        ],
        "policy_mix": {
            "initiatives": [
                initiative(
                    "kkb-plan",
                    "Plan för kulturella och kreativa branscher",
                    target_groups=["developers", "performers"],
                    funding=["erdf", "regional"],
                    priorities=["kkb"],
                ),
                initiative(
                    "moten-upplevelser",
                    "Möten inom Upplevelser efter behov",
                    target_groups=["performers"],
                    funding=[],
                    priorities=["hallbar-destination"],
                ),
            ],
            "portfolio": [
                {
                    "title": "Sydsamiska upplevelser året runt",
                    "year": 2026,
                    "funding_source": "erdf",
                    "budget": 2300000,
                },
                {"title": "Helårsdestination fjäll", "year": 2027, "funding_source": "growth_agency"},
            ],
        },
        "evaluation": {
            "effect_chain": effect_chain(
                ["projektmedel", "destinationsbolag"],
                ["produktutveckling", "kompetensinsatser"],
                ["nya helårserbjudanden"],
                ["fler gästnätter utanför säsong"],
                ["fler helårsarbetstillfällen"],
                indicators=[{"code": "RCR77", "name": "Besökare på kultur- och turistplatser som fått stöd"}],
            ),
        },
    },
    "digitala-losningar": {
        "analysis": {
            "current_state": "Länet har en växande IT-bransch, e-hälsa och digitala tjänster för glesbygd, och stående möten för styrkeområdet varje månad.",
            "challenges": [
                "Kompetensbrist inom IT och systemutveckling.",
                "Bredband och digital tillgänglighet i glesbygd.",
                "Digital omställning i små företag.",
            ],
            "evidence": JH_EVIDENCE,
        },
        "governance": JH_GOVERNANCE,
        "vision": {
            "sv": "Digitala lösningar från Jämtland Härjedalen gör det lätt att leva och verka i hela länet."
        },
        "sub_goals": [
            sub_goal(
                "digital-omstallning",
                "Fler SMF har genomfört digital omställning",
                "Antal SMF i digitaliseringsinsatser",
                60,
                2022,
                200,
                2027,
            ),
        ],
        "priorities": [
            priority(
                "digital-omstallning",
                "Cirkulär och digital omställning i företag",
                "bredd",
                ["digital omställning", "digitalisering", "cirkulär", "automation"],
            ),
            priority(
                "e-halsa",
                "Digitala tjänster för välfärd och glesbygd",
                "spets",
                ["e-hälsa", "välfärdsteknik", "distansoberoende", "glesbygd"],
            ),
            priority(
                "it-kompetens",
                "IT-kompetens och digital infrastruktur",
                "bas",
                ["bredband", "it-kompetens", "systemutveckling", "programmering"],
            ),
        ],
        "policy_mix": {
            "initiatives": [
                initiative(
                    "twin-peak",
                    "Twin Peak – subkommitté för cirkulär och digital omställning",
                    target_groups=["performers"],
                    funding=["erdf"],
                    addresses=["digitalisation", "industrial_transition"],
                    priorities=["digital-omstallning"],
                ),
                initiative(
                    "s3-cop",
                    "S3 Community of Practice – policyexpert",
                    target_groups=["decision_makers"],
                    funding=["other"],
                    addresses=["international_cooperation"],
                ),
            ],
            "portfolio": [
                {
                    "title": "Twin Peak",
                    "year": 2026,
                    "funding_source": "erdf",
                    "budget": 4800000,
                    "initiative_id": "twin-peak",
                }
            ],
        },
        "evaluation": {
            "effect_chain": effect_chain(
                ["projektmedel"],
                ["digitaliseringscheckar", "rådgivning"],
                ["företag med digitaliseringsplan"],
                ["ökad produktivitet"],
                ["konkurrenskraftiga företag i hela länet"],
                indicators=[
                    {
                        "code": "RCO13",
                        "name": "Värde av digitala tjänster, produkter och processer som utvecklats för företag",
                        "unit": "EUR",
                    }
                ],
            ),
        },
    },
}

# --------------------------------------------------------------------------- the regions

REGIONS: list[Json] = [
    {
        "region": "jamtland-harjedalen",
        "name": "Region Jämtland Härjedalen",
        "programme": {
            "title": "Program för smart specialisering i Jämtland Härjedalen 2021–2027",
            "reference": "RUN/430/2018",
            "period_start": 2021,
            "period_end": 2027,
            "vision": {
                "sv": "Jämtland Härjedalen 2050: ett hållbart län där människor och företag växer i hela länet."
            },
            "strength_areas": [
                {
                    "code": "jord-skog-vatten",
                    "name": {"sv": "Jord, skog och vatten", "en": "Soil, forest and water"},
                    "description": {
                        "sv": "Areella näringar – jordbruk, skogsbruk, rennäring, fiske och vattenbruk – och "
                        "förädlingen av deras råvaror: mat och dryck, mathantverk, trävaror och träbyggande, bioekonomi.",
                        "en": "Land- and water-based industries – farming, forestry, reindeer husbandry, fishing and "
                        "aquaculture – and the refining of their raw materials: food and drink, food craft, wood "
                        "products and timber construction, the bioeconomy.",
                    },
                    "nace_codes": ["A01", "A02", "A03", "C10", "C11", "C16"],
                    "sdgs": [2, 12, 15],
                },
                {
                    "code": "hallbar-energi",
                    "name": {"sv": "Hållbar energi", "en": "Sustainable energy"},
                    "description": {
                        "sv": "Förnybar energiproduktion (vind, sol, vatten, bioenergi), vätgas och elektrobränslen, "
                        "energilagring, energieffektivisering, elektrifiering av industri och transporter och "
                        "laddinfrastruktur – länets energiomställning.",
                        "en": "Renewable energy (wind, solar, hydro, bioenergy), hydrogen and electrofuels, energy "
                        "storage, energy efficiency, electrification of industry and transport, charging "
                        "infrastructure – the county's energy transition.",
                    },
                    "nace_codes": ["D35", "C27", "M72"],
                    "sdgs": [7, 9, 13],
                },
                {
                    "code": "upplevelser",
                    "name": {"sv": "Upplevelser", "en": "Experiences"},
                    "description": {
                        "sv": "Besöksnäring och destinationer, friluftsliv, sport- och idrottsevenemang, kultur och "
                        "kulturarv som upplevelser (också sydsamisk kultur) och kulturella och kreativa branscher.",
                        "en": "The visitor economy and destinations, outdoor life, sport and outdoor events, culture "
                        "and heritage as experiences (South Sami culture too) and the cultural and creative industries.",
                    },
                    "nace_codes": ["I55", "N79", "R90", "R93"],
                    "sdgs": [8, 11, 12],
                },
                {
                    "code": "digitala-losningar",
                    "name": {"sv": "Digitala lösningar", "en": "Digital solutions"},
                    "description": {
                        "sv": "IT-tjänster och mjukvara, företagens digitala omställning, e-hälsa och välfärdsteknik, "
                        "digitala tjänster för glesbygden, bredband och IT-kompetens.",
                        "en": "IT services and software, the digital transformation of firms, e-health and welfare "
                        "technology, digital services for sparsely populated areas, broadband and IT skills.",
                    },
                    "nace_codes": ["J62", "J63", "Q86"],
                    "sdgs": [4, 9],
                },
            ],
        },
        "adoption": {"adopted_on": "2020-11-25", "body": "Regionfullmäktige", "paragraph": "§ 128"},
        "plans": JH_PLANS,
        "local_plans": [],
        "actors": [
            {
                "name": "Region Jämtland Härjedalen",
                "country": "SE",
                "identifier": "232100-0008",
                "helix": "public",
                "municipality": "2380",
                "nace": "84.11",
            },
            {
                "name": "Peak Innovation",
                "country": "SE",
                "identifier": "559900-0006",
                "helix": "business",
                "municipality": "2380",
                "nace": "70.22",
                "size_class": "small",
            },
            {
                "name": "Mittuniversitetet",
                "country": "SE",
                "identifier": "202100-0001",
                "helix": "academia",
                "municipality": "2380",
                "nace": "85.42",
            },
            {
                "name": "Torsta",
                "country": "SE",
                "identifier": "232100-0016",
                "helix": "public",
                "municipality": "2309",
                "nace": "85.32",
            },
            {
                "name": "IUC Z-GROUP",
                "country": "SE",
                "identifier": "559900-0014",
                "helix": "business",
                "municipality": "2380",
                "nace": "70.22",
                "size_class": "small",
            },
            {
                "name": "Coompanion Jämtlands län",
                "country": "SE",
                "identifier": "769600-0004",
                "helix": "civil_society",
                "municipality": "2380",
                "nace": "70.22",
                "size_class": "micro",
            },
            {
                "name": "Stiftelsen Gaaltije",
                "country": "SE",
                "identifier": "802400-0005",
                "helix": "civil_society",
                "municipality": "2380",
                "nace": "91.02",
                "size_class": "micro",
            },
            {
                "name": "Ragunda kommun",
                "country": "SE",
                "identifier": "212000-0001",
                "helix": "public",
                "municipality": "2303",
                "nace": "84.11",
            },
            {
                "name": "Länsstyrelsen Jämtlands län",
                "country": "SE",
                "identifier": "202100-0019",
                "helix": "state_agency",
                "municipality": "2380",
                "nace": "84.11",
            },
            {
                "name": "Fjällvärme AB",
                "country": "SE",
                "identifier": "559900-0022",
                "helix": "business",
                "municipality": "2321",
                "nace": "35.30",
                "size_class": "medium",
            },
        ],
        "applications": [
            {
                "external_id": "20230114",
                "stage": "feasibility_study",
                "title": "Förstudie: Innovationsarena för Hållbar Energi i Jämtlands län",
                "summary": "Förstudien kartlägger behovet av en innovationsarena för hållbar energi: vätgas från elektrolys med länets överskottsel, energiomställning i industrin och testbäddar för energilagring.",
                "applicant_identifier": "559900-0006",
                "funding_programme": "ERUF Mellersta Norrland",
                "requested_amount": 1_450_000,
                "municipalities": ["2380", "2309", "2321"],
            },
            {
                "external_id": "20230877",
                "stage": "implementation",
                "title": "Twin Peak – cirkulär och digital omställning",
                "summary": "Stöd till små och medelstora företag i digital omställning och cirkulära affärsmodeller: digitalisering av produktion, automation och nya tjänster.",
                "applicant_identifier": "559900-0006",
                "funding_programme": "ERUF Mellersta Norrland",
                "requested_amount": 4_800_000,
                "municipalities": ["2380", "2361", "2313"],
            },
            {
                "external_id": "20230412",
                "stage": "implementation",
                "title": "Sydsamiska upplevelser året runt",
                "summary": "Genomförandeprojekt i ERUF 1:4 som utvecklar sydsamiska kulturupplevelser och naturturism tillsammans med renskötande samebyar, för en hållbar helårsturism.",
                "applicant_identifier": "802400-0005",
                "funding_programme": "ERUF Mellersta Norrland 1:4",
                "requested_amount": 2_300_000,
                "municipalities": ["2380", "2326", "2361"],
            },
            {
                "external_id": "20230301",
                "stage": "feasibility_study",
                "title": "Förstudie smart specialisering: naturbruk och lokal livsmedelsförädling",
                "summary": "Torsta undersöker hur naturbruksutbildning, lantbruk och lokal livsmedelsförädling kan samverka med länets företag inom mejeri och mathantverk.",
                "applicant_identifier": "232100-0016",
                "funding_programme": "ERUF Mellersta Norrland",
                "requested_amount": 620_000,
                "municipalities": ["2309"],
            },
            {
                "external_id": "20230302",
                "stage": "feasibility_study",
                "title": "Förstudie smart specialisering: industrins kompetensförsörjning",
                "summary": "IUC kartlägger tillverkande företags behov av automation och kompetens och hur de kan nås genom digitalisering.",
                "applicant_identifier": "559900-0014",
                "funding_programme": "ERUF Mellersta Norrland",
                "requested_amount": 540_000,
                "municipalities": ["2380", "2305"],
            },
            {
                "external_id": "20230303",
                "stage": "feasibility_study",
                "title": "Förstudie smart specialisering: social ekonomi på landsbygden",
                "summary": "Coompanion undersöker hur kooperativ och sociala företag kan bidra till landsbygdsutveckling och lokal service i hela länet.",
                "applicant_identifier": "769600-0004",
                "funding_programme": "ERUF Mellersta Norrland",
                "requested_amount": 480_000,
                "municipalities": ["2303", "2313", "2326"],
            },
            {
                "external_id": "FS-2024-0042",
                "kind": "business_support",
                "title": "Solceller och energilagring för värmeverk",
                "summary": "Företagsstöd för investering i solceller och energilagring som minskar energianvändningen och ger fossilfri drift.",
                "applicant_identifier": "559900-0022",
                "funding_programme": "Regionalt företagsstöd",
                "requested_amount": 350_000,
                "municipalities": ["2321"],
            },
            {
                "external_id": "FS-2024-0057",
                "kind": "business_support",
                "title": "Marknadsföring av butik",
                "summary": "Stöd till ny skyltning och annonsering för en butik i centrum.",
                "funding_programme": "Regionalt företagsstöd",
                "requested_amount": 90_000,
                "municipalities": ["2380"],
            },
        ],
    },
    {
        "region": "norrbotten",
        "name": "Region Norrbotten",
        "programme": {
            "title": "Smart specialisering i Norrbotten (demo)",
            "reference": None,
            "period_start": 2021,
            "period_end": 2027,
            "vision": {
                "sv": "Norrbotten – en arktisk region där gröna industrier och upplevelser växer tillsammans."
            },
            "strength_areas": [
                {
                    "code": "upplevelser",
                    "name": {"sv": "Upplevelsenäring", "en": "Experience industry"},
                    "description": {
                        "sv": "Besöksnäringen i Swedish Lapland: destinationsutveckling, natur- och "
                        "kulturupplevelser, samisk kultur, norrsken, vinterturism, friluftsliv och evenemang.",
                        "en": "The visitor economy of Swedish Lapland: destination development, nature and culture "
                        "experiences, Sami culture, northern lights, winter tourism, outdoor life and events.",
                    },
                    "nace_codes": ["I55", "N79", "R93"],
                    "sdgs": [8, 12, 15],
                },
                {
                    "code": "gron-industri",
                    "name": {"sv": "Grön industriell omställning", "en": "Green industrial transition"},
                    "description": {
                        "sv": "Fossilfritt stål, vätgas och elektrolys, gruvor och mineral (prospektering, "
                        "innovationskritiska metaller, gruvavfall), batterier, processindustrin och dess "
                        "leverantörer, industriell cirkulär ekonomi och kompetensförsörjning för de nya industrierna.",
                        "en": "Fossil-free steel, hydrogen and electrolysis, mining and minerals (exploration, critical "
                        "raw materials, mine waste), batteries, the process industry and its suppliers, industrial "
                        "circular economy and skills for the new industries.",
                    },
                    "nace_codes": ["C24", "B07", "B08", "D35", "C20", "C27", "E38"],
                    "sdgs": [7, 9, 13],
                },
            ],
        },
        "plans": {
            "upplevelser": {
                "analysis": {
                    "current_state": "Besöksnäringen är den bransch med störst utvecklingspotential i flera inlandskommuner, visar 100 intervjuer i Jokkmokks kommun (2019).",
                    "challenges": ["Ingen naturlig 'koncernledning' för en destination.", "Säsongsberoende."],
                    "evidence": [
                        {
                            "title": "Swedish Lapland Visitors Boards nulägesanalys (2019)",
                            "reference": "WSP 2019",
                        }
                    ],
                },
                "governance": {
                    "description": "Swedish Lapland Visitors Board med destinationerna som delägare; destinationernas företagskluster, kommuner och regionen.",
                },
                "vision": {"sv": "Swedish Lapland är en hållbar, exportmogen destination året runt."},
                "sub_goals": [
                    sub_goal(
                        "exportmogna",
                        "Fler exportmogna upplevelseföretag",
                        "Antal exportmogna företag",
                        120,
                        2020,
                        200,
                        2027,
                    ),
                ],
                "priorities": [
                    priority(
                        "hallbar-destination",
                        "Hållbar destinationsutveckling",
                        "bredd",
                        ["destinationsutveckling", "besöksnäring", "destination", "turism", "samverkan"],
                    ),
                    priority(
                        "arktiska-upplevelser",
                        "Arktiska natur- och kulturupplevelser",
                        "spets",
                        ["naturturism", "samisk", "norrsken", "vinterturism", "kulturupplevelser"],
                    ),
                ],
                "policy_mix": {
                    "initiatives": [
                        initiative(
                            "lokala-strategier",
                            "Lokala destinationsstrategier kopplade till smart specialisering",
                            target_groups=["decision_makers", "developers"],
                            funding=["erdf", "regional"],
                            priorities=["hallbar-destination"],
                        ),
                        initiative(
                            "aurora",
                            "Gränsöverskridande destinationsutveckling (Interreg Aurora)",
                            target_groups=["developers"],
                            funding=["interreg"],
                            addresses=["international_cooperation"],
                        ),
                    ],
                },
                "evaluation": {
                    "effect_chain": effect_chain(
                        ["projektmedel"],
                        ["strategiarbete"],
                        ["lokala strategier"],
                        ["samordnad destination"],
                        ["fler arbetstillfällen"],
                    ),
                },
            },
            "gron-industri": {
                "analysis": {
                    "current_state": "Stora investeringar i fossilfritt stål och vätgas förändrar länets arbetsmarknad.",
                    "challenges": ["Kompetensförsörjning och bostäder."],
                },
                "governance": {"description": "Regional styrgrupp för industriell omställning."},
                "vision": {"sv": "Norrbotten leder den gröna industriella omställningen."},
                "sub_goals": [
                    sub_goal(
                        "leverantorer",
                        "Fler leverantörer till de nya industrierna",
                        "Antal leverantörsföretag",
                        300,
                        2022,
                        450,
                        2027,
                    )
                ],
                "priorities": [
                    priority(
                        "fossilfritt-stal",
                        "Fossilfritt stål och vätgas",
                        "spets",
                        ["fossilfritt", "stål", "vätgas", "elektrolys"],
                    ),
                    priority(
                        "leverantorsutveckling",
                        "Leverantörsutveckling",
                        "bredd",
                        ["leverantör", "underleverantör", "industri", "kompetensförsörjning"],
                    ),
                ],
            },
        },
        "local_plans": [
            {
                "title": "Smart specialisering i destinationen Jokkmokk – strategisk och taktisk hållbar utvecklingsplan",
                "owner": "Destination Jokkmokk ek. förening",
                "owner_identifier": "769600-0012",
                "municipalities": ["2510"],
                "levels": ["strategic", "tactical"],
                "period_start": 2020,
                "period_end": 2030,
                "vision": "Leader Polaris (där Jokkmokks kommun ingår) är ett smart, tillgängligt och tillåtande område där människor vill leva, verka och bo.",
                "goals": [
                    "En bred lokal arbetsmarknad och ett differentierat, konkurrenskraftigt näringsliv.",
                    "Hög delaktighet, samverkan och kompetens hos individer och aktörer i området.",
                    "Attraktiva och tillgängliga livsmiljöer där människor vill leva och bo.",
                ],
                "target_groups": ["decision_makers", "developers", "performers"],
                "actions": [
                    {
                        "id": "besoksnaringsstrategi-2030",
                        "title": "Delta i framtagandet av Regional besöksnäringsstrategi 2030",
                        "level": "strategic",
                        "target_groups": ["decision_makers"],
                        "responsible": "Destination Jokkmokk (lokalt destinationsvarumärke och företagskluster)",
                        "responsible_identifier": "769600-0012",
                        "mandate": "Delägare i Swedish Lapland Visitors Board",
                        "start": "2020-01-01",
                        "end": "2020-12-31",
                        "serves": [{"strength_area": "upplevelser", "priority_id": "hallbar-destination"}],
                    },
                    {
                        "id": "s3-swedish-lapland",
                        "title": "Delta i Smart specialisering inom destinationen Swedish Lapland",
                        "level": "strategic",
                        "target_groups": ["decision_makers", "developers"],
                        "responsible": "Destination Jokkmokk ek. förening",
                        "responsible_identifier": "769600-0012",
                        "serves": [{"strength_area": "upplevelser", "priority_id": "hallbar-destination"}],
                    },
                    {
                        "id": "lokal-nulagesanalys",
                        "title": "Lokal nulägesanalys: utvecklingsmöjligheter, utmaningar, resurser och brister",
                        "level": "tactical",
                        "target_groups": ["developers"],
                        "responsible": "Strukturum i Jokkmokk AB",
                        "responsible_identifier": "559900-0030",
                        "serves": [{"strength_area": "upplevelser"}],
                    },
                    {
                        "id": "samverkansorganisation",
                        "title": "En transparent samverkansorganisation med ansvar, mandat och rollfördelning på alla nivåer",
                        "level": "tactical",
                        "target_groups": ["decision_makers", "developers"],
                        "responsible": "Destination Jokkmokk ek. förening",
                        "responsible_identifier": "769600-0012",
                        "serves": [{"strength_area": "upplevelser", "priority_id": "hallbar-destination"}],
                    },
                    {
                        "id": "produktutveckling",
                        "title": "Varumärkesplattform, produktutveckling och kommunikation med medlemsföretagen",
                        "level": "tactical",
                        "target_groups": ["performers"],
                        "responsible": "Destination Jokkmokk ek. förening",
                        "serves": [{"strength_area": "upplevelser", "priority_id": "arktiska-upplevelser"}],
                    },
                    {
                        "id": "workshops",
                        "title": "Workshoppar med föreläsningar och praktiska övningar i blandade grupper",
                        "level": "tactical",
                        "target_groups": ["decision_makers", "developers", "performers"],
                        "responsible": "Destination Jokkmokk ek. förening",
                    },
                ],
            }
        ],
        "actors": [
            {
                "name": "Destination Jokkmokk ek. förening",
                "country": "SE",
                "identifier": "769600-0012",
                "helix": "business",
                "municipality": "2510",
                "nace": "79.90",
                "size_class": "micro",
            },
            {
                "name": "Jokkmokks kommun",
                "country": "SE",
                "identifier": "212000-0019",
                "helix": "public",
                "municipality": "2510",
                "nace": "84.11",
            },
            {
                "name": "Strukturum i Jokkmokk AB",
                "country": "SE",
                "identifier": "559900-0030",
                "helix": "public",
                "municipality": "2510",
                "nace": "70.22",
                "size_class": "micro",
            },
            {
                "name": "Swedish Lapland Visitors Board",
                "country": "SE",
                "identifier": "559900-0048",
                "helix": "business",
                "municipality": "2580",
                "nace": "79.90",
                "size_class": "small",
            },
            {
                "name": "Luleå tekniska universitet",
                "country": "SE",
                "identifier": "202100-0027",
                "helix": "academia",
                "municipality": "2580",
                "nace": "85.42",
            },
        ],
        "applications": [
            {
                "external_id": "20190921",
                "kind": "project",
                "title": "Smart specialisering i destinationen Jokkmokk",
                "summary": "En strategisk och taktisk hållbar utvecklingsplan för den lokala destinationen Jokkmokk, kopplad till regional smart specialisering och Regional besöksnäringsstrategi 2030.",
                "description": "Destination Jokkmokk ek. förening tar fram en lokal strategi med handlingsplaner för besöksnäringen: lokal nulägesanalys, en transparent samverkansorganisation, tydligt ansvar, mandat och rollfördelning, och workshops med beslutsfattare, utvecklare och utförare. Projektet bidrar till en bred lokal arbetsmarknad, hög delaktighet och attraktiva livsmiljöer.",
                "applicant_identifier": "769600-0012",
                "funding_programme": "Regionala projektmedel",
                "requested_amount": 750_000,
                "municipalities": ["2510"],
            },
        ],
    },
    {
        "region": "kronoberg",
        "name": "Region Kronoberg",
        "programme": {
            "title": "Smart specialisering i Kronoberg (demo)",
            "reference": None,
            "period_start": 2021,
            "period_end": 2027,
            "vision": {"sv": "Gröna Kronoberg: hållbar tillväxt ur skogen, industrin och upplevelserna."},
            "strength_areas": [
                {
                    "code": "skog-och-tra",
                    "name": {"sv": "Skog och trä", "en": "Forest and wood"},
                    "description": {
                        "sv": "Skogsbruket och skogens värdekedja: sågverk, trävaror, industriellt träbyggande, "
                        "möbler och inredning i trä, bioekonomi och skogsbaserad forskning.",
                        "en": "Forestry and the forest value chain: sawmills, wood products, industrial timber "
                        "construction, furniture and interiors in wood, the bioeconomy and forest research.",
                    },
                    "nace_codes": ["A02", "C16", "C31", "F41"],
                    "sdgs": [9, 12, 15],
                },
                {
                    "code": "besoksnaring",
                    "name": {"sv": "Besöksnäring och upplevelser", "en": "Visitor economy"},
                    "description": {
                        "sv": "Natur- och kulturbaserad turism: Åsnens nationalpark och destination, Glasriket, "
                        "kanot, fiske, cykel och vandring, evenemang och värdskap.",
                        "en": "Nature- and culture-based tourism: Åsnen national park and destination, the Kingdom "
                        "of Crystal, canoeing, fishing, cycling and hiking, events and hospitality.",
                    },
                    "nace_codes": ["I55", "N79"],
                    "sdgs": [8, 14, 15],
                },
            ],
        },
        "plans": {
            "skog-och-tra": {
                "analysis": {
                    "current_state": "Skogen är länets viktigaste råvara; träbyggande och förädling växer.",
                    "challenges": ["Högre förädlingsvärde."],
                },
                "governance": {
                    "description": "Styrgrupp för skog och trä med näringsliv, Linnéuniversitetet och kommunerna."
                },
                "vision": {"sv": "Kronoberg är ledande inom hållbart träbyggande."},
                "sub_goals": [
                    sub_goal(
                        "trabyggande",
                        "Mer träbyggande",
                        "Andel nya flerbostadshus i trä (%)",
                        20,
                        2022,
                        40,
                        2027,
                    )
                ],
                "priorities": [
                    priority(
                        "trabyggande",
                        "Industriellt träbyggande",
                        "spets",
                        ["träbyggande", "trähus", "massivträ", "trä"],
                    ),
                    priority(
                        "skogens-foradling",
                        "Skogens förädling",
                        "bredd",
                        ["skogsbruk", "förädling", "bioekonomi", "sågverk"],
                    ),
                ],
            },
            "besoksnaring": {
                "analysis": {
                    "current_state": "Åsnens nationalpark och sjösystemet ger en destination med växande internationellt intresse.",
                    "challenges": ["Långsiktig finansiering av destinationsarbetet."],
                },
                "governance": {
                    "description": "Strategisk organisationsgrupp; referensgrupp; Advisory Board.",
                    "roles": [
                        {
                            "role": "huvudman",
                            "mandate": "AB Destination Småland har utökat ägaruppdrag som huvudman för destinationsutvecklingen i Åsnen.",
                            "responsibility": "Årliga handlingsplaner i samråd med företagsnätverket och kommunerna.",
                        }
                    ],
                },
                "vision": {"sv": "Åsnen är en exportmogen destination enligt VisitSwedens kriterier."},
                "sub_goals": [
                    sub_goal(
                        "exportmogen",
                        "Exportmogna företag kring Åsnen",
                        "Antal exportmogna företag",
                        5,
                        2020,
                        15,
                        2027,
                    )
                ],
                "priorities": [
                    priority(
                        "exportmogen-destination",
                        "Exportmogen destination",
                        "spets",
                        ["exportmogen", "destination", "destinationsutveckling", "nationalpark"],
                    ),
                    priority(
                        "naturturism",
                        "Natur- och sjöupplevelser",
                        "bredd",
                        ["naturturism", "kanot", "fiske", "cykling", "vandring"],
                    ),
                ],
            },
        },
        "local_plans": [
            {
                "title": "Destination Åsnen – långsiktig driftsorganisation och utvecklingsplan",
                "owner": "AB Destination Småland (huvudman)",
                "owner_identifier": "559900-0055",
                "municipalities": ["0764", "0763", "0780"],
                "levels": ["strategic", "tactical"],
                "period_start": 2020,
                "period_end": 2027,
                "vision": "Åsnen är en exportmogen destination enligt VisitSwedens kriterier.",
                "goals": [
                    "En förankrad plan för den långsiktiga utvecklingen utifrån uppdrag, huvudmannaskap och finansiering."
                ],
                "target_groups": ["decision_makers", "developers", "performers"],
                "actions": [
                    {
                        "id": "huvudman",
                        "title": "AB Destination Småland är huvudman för destinationsutvecklingen i Åsnen",
                        "level": "strategic",
                        "target_groups": ["decision_makers"],
                        "responsible": "AB Destination Småland",
                        "responsible_identifier": "559900-0055",
                        "mandate": "Utökat ägaruppdrag som huvudman för destinationsutvecklingen i Åsnen",
                        "start": "2020-10-01",
                        "serves": [
                            {"strength_area": "besoksnaring", "priority_id": "exportmogen-destination"}
                        ],
                    },
                    {
                        "id": "arliga-handlingsplaner",
                        "title": "Årliga handlingsplaner i samråd med företagsnätverket och kommunerna",
                        "level": "tactical",
                        "target_groups": ["developers"],
                        "responsible": "AB Destination Småland",
                        "responsible_identifier": "559900-0055",
                        "serves": [
                            {"strength_area": "besoksnaring", "priority_id": "exportmogen-destination"}
                        ],
                    },
                    {
                        "id": "foretagsnatverket",
                        "title": "Företagsnätverket ger input till handlingsplanerna och utvecklar natur- och sjöupplevelser",
                        "level": "tactical",
                        "target_groups": ["performers"],
                        "responsible": "Företagsnätverket kring Åsnen",
                        "responsible_identifier": "802400-0013",
                        "serves": [{"strength_area": "besoksnaring", "priority_id": "naturturism"}],
                    },
                    {
                        "id": "advisory-board",
                        "title": "Advisory Board med akademin, handelskammaren, landshövdingen, en bankstiftelse och näringsliv utanför Åsnenområdet",
                        "level": "strategic",
                        "target_groups": ["decision_makers"],
                        "responsible": "AB Destination Småland",
                        "serves": [{"strength_area": "besoksnaring"}],
                    },
                ],
                "financing": [
                    {
                        "party": "Alvesta kommun",
                        "party_identifier": "212000-0027",
                        "year": 2020,
                        "kind": "decision",
                        "note": "Basfinansiering enligt kommunalt beslut",
                    },
                    {
                        "party": "Tingsryds kommun",
                        "party_identifier": "212000-0035",
                        "year": 2020,
                        "kind": "decision",
                        "note": "Basfinansiering enligt kommunalt beslut",
                    },
                    {
                        "party": "Växjö kommun",
                        "party_identifier": "212000-0043",
                        "year": 2020,
                        "kind": "decision",
                        "note": "Basfinansiering enligt kommunalt beslut",
                    },
                    {
                        "party": "Alvesta kommun",
                        "party_identifier": "212000-0027",
                        "year": 2021,
                        "kind": "letter_of_intent",
                        "note": "Avsiktsförklaring om långsiktigt engagemang",
                    },
                    {
                        "party": "Tingsryds kommun",
                        "party_identifier": "212000-0035",
                        "year": 2021,
                        "kind": "letter_of_intent",
                        "note": "Avsiktsförklaring om långsiktigt engagemang",
                    },
                    {
                        "party": "Växjö kommun",
                        "party_identifier": "212000-0043",
                        "year": 2021,
                        "kind": "letter_of_intent",
                        "note": "Avsiktsförklaring om långsiktigt engagemang",
                    },
                ],
                "serves": [{"strength_area": "besoksnaring"}],
            }
        ],
        "actors": [
            {
                "name": "AB Destination Småland",
                "country": "SE",
                "identifier": "559900-0055",
                "helix": "public",
                "municipality": "0780",
                "nace": "79.90",
                "size_class": "small",
            },
            {
                "name": "Alvesta kommun",
                "country": "SE",
                "identifier": "212000-0027",
                "helix": "public",
                "municipality": "0764",
                "nace": "84.11",
            },
            {
                "name": "Tingsryds kommun",
                "country": "SE",
                "identifier": "212000-0035",
                "helix": "public",
                "municipality": "0763",
                "nace": "84.11",
            },
            {
                "name": "Växjö kommun",
                "country": "SE",
                "identifier": "212000-0043",
                "helix": "public",
                "municipality": "0780",
                "nace": "84.11",
            },
            {
                "name": "Linnéuniversitetet",
                "country": "SE",
                "identifier": "202100-0035",
                "helix": "academia",
                "municipality": "0780",
                "nace": "85.42",
            },
            {
                "name": "Länsstyrelsen i Kronobergs län",
                "country": "SE",
                "identifier": "202100-0043",
                "helix": "state_agency",
                "municipality": "0780",
                "nace": "84.11",
            },
            {
                "name": "Företagsnätverket kring Åsnen",
                "country": "SE",
                "identifier": "802400-0013",
                "helix": "civil_society",
                "municipality": "0763",
                "nace": "94.11",
                "size_class": "micro",
            },
        ],
        "applications": [
            {
                "external_id": "KRO-2019-031",
                "kind": "project",
                "title": "Destination Åsnen – långsiktig driftsorganisation",
                "summary": "En förankrad plan för den långsiktiga utvecklingen av destinationen Åsnen: uppdrag, verksamhetsform, rollfördelning och långsiktig finansiering, för en exportmogen destination enligt VisitSwedens kriterier.",
                "description": "Djupintervjuer, seminarier med en strategisk organisationsgrupp, referensgruppsmöten och ett Advisory Board. Alvesta, Tingsryd och Växjö kommuner bidrar med basfinansiering och en avsiktsförklaring.",
                "applicant_identifier": "559900-0055",
                "funding_programme": "ERUF Småland och öarna",
                "requested_amount": 1_900_000,
                "municipalities": ["0764", "0763", "0780"],
            },
            {
                "external_id": "KRO-2024-112",
                "stage": "implementation",
                "title": "Trähus i flera våningar – industriell produktion",
                "summary": "Utveckling av industriellt träbyggande med massivträ för flerbostadshus.",
                "funding_programme": "ERUF Småland och öarna",
                "requested_amount": 3_200_000,
                "municipalities": ["0780", "0765"],
            },
        ],
    },
    {
        "region": "lappi",
        "name": "Lapin liitto – Regional Council of Lapland",
        "programme": {
            "title": "Lapin älykkään erikoistumisen strategia (demo)",
            "reference": None,
            "period_start": 2023,
            "period_end": 2027,
            "vision": {
                "fi": "Lappi on arktisen osaamisen ja kestävän elinkeinoelämän edelläkävijä.",
                "en": "Lapland leads in arctic know-how and sustainable business.",
            },
            "strength_areas": [
                {
                    "code": "arktiset-luonnonvarat",
                    "name": {"fi": "Arktiset luonnonvarat", "en": "Arctic natural resources"},
                    "description": {
                        "fi": "Lapin luonnonvarojen kestävä käyttö ja jalostus: metsä- ja biotalous, puutuotteet, "
                        "bioenergia, kaivostoiminta ja malminetsintä, kiertotalous ja sivuvirrat, luonnontuotteet "
                        "ja jalostava teollisuus.",
                        "en": "Sustainable use and refining of Lapland's natural resources: forest bioeconomy, wood "
                        "products, bioenergy, mining and ore exploration, circular economy and side streams, "
                        "natural products and the refining industry.",
                    },
                    "nace_codes": ["A02", "B07", "B08", "C16", "C17", "C24", "E38"],
                    "sdgs": [9, 12, 15],
                },
                {
                    "code": "arktinen-matkailu",
                    "name": {
                        "fi": "Arktinen matkailu ja elämystalous",
                        "en": "Arctic tourism and experience economy",
                    },
                    "description": {
                        "fi": "Ympärivuotinen ja kestävä matkailu: luontomatkailu, revontulet, saamelaiskulttuuri "
                        "vastuullisesti, tapahtumat ja urheilumatkailu, majoitus ja elämyspalvelut.",
                        "en": "Year-round sustainable tourism: nature tourism, northern lights, Sami culture "
                        "responsibly, events and sport tourism, hospitality and experience services.",
                    },
                    "nace_codes": ["I55", "N79", "R90", "R93"],
                    "sdgs": [8, 12],
                },
                {
                    "code": "arktinen-testaus",
                    "name": {"fi": "Arktinen testaus ja teknologia", "en": "Arctic testing and technology"},
                    "description": {
                        "fi": "Kylmän ilmaston ja talviolosuhteiden testaus (ajoneuvot, renkaat, laitteet), arktisen "
                        "liikenteen ja tienpidon tutkimus, testiympäristöt ja niiden data, arktinen teknologia ja "
                        "datakeskukset.",
                        "en": "Cold-climate and winter testing (vehicles, tyres, equipment), research on arctic "
                        "traffic and road maintenance, test environments and their data, arctic technology and "
                        "data centres.",
                    },
                    "nace_codes": ["M71", "M72", "J63"],
                    "sdgs": [9],
                },
            ],
        },
        "plans": {
            "arktiset-luonnonvarat": {
                "analysis": {
                    "current_state": "Metsä- ja kaivosteollisuus sekä biotalous ovat Lapin vientivetoisen talouden perusta."
                },
                "vision": {"fi": "Lapin luonnonvarat jalostetaan kestävästi ja vastuullisesti."},
                "sub_goals": [
                    sub_goal(
                        "jalostus",
                        "Jalostusarvon kasvu",
                        "Jalostusarvo (milj. €)",
                        1200,
                        2022,
                        1500,
                        2027,
                        lang="fi",
                    )
                ],
                "priorities": [
                    priority(
                        "biotalous",
                        "Kestävä biotalous",
                        "bredd",
                        ["biotalous", "metsä", "puu", "kiertotalous"],
                        lang="fi",
                    ),
                    priority(
                        "kaivannaiset",
                        "Vastuullinen kaivostoiminta",
                        "spets",
                        ["kaivos", "mineraali", "akkumineraali"],
                        lang="fi",
                    ),
                ],
            },
            "arktinen-matkailu": {
                "analysis": {
                    "current_state": "Matkailu kasvaa ympärivuotisesti, mutta kausivaihtelu on suuri."
                },
                "vision": {"fi": "Lappi on kestävän arktisen matkailun kärkikohde."},
                "sub_goals": [
                    sub_goal(
                        "yopymiset",
                        "Ympärivuotinen matkailu",
                        "Kesäkauden yöpymiset (tuhatta)",
                        900,
                        2022,
                        1200,
                        2027,
                        lang="fi",
                    )
                ],
                "priorities": [
                    priority(
                        "kestava-matkailu",
                        "Kestävä ympärivuotinen matkailu",
                        "bredd",
                        ["matkailu", "ympärivuotinen", "elämys", "luontomatkailu"],
                        lang="fi",
                    ),
                    priority(
                        "saamelaiskulttuuri",
                        "Saamelaiskulttuuri ja revontulet",
                        "spets",
                        ["saamelais", "revontul", "kulttuuri"],
                        lang="fi",
                    ),
                ],
            },
            "arktinen-testaus": {
                "analysis": {
                    "current_state": "Lapissa on kansainvälisesti tunnettuja talvitestauskeskuksia."
                },
                "vision": {"fi": "Lappi on maailman johtava arktisen testauksen alue."},
                "sub_goals": [
                    sub_goal(
                        "testaus",
                        "Testausliiketoiminnan kasvu",
                        "Testauksen liikevaihto (milj. €)",
                        150,
                        2022,
                        220,
                        2027,
                        lang="fi",
                    )
                ],
                "priorities": [
                    priority(
                        "talvitestaus",
                        "Talvitestaus",
                        "spets",
                        ["testaus", "talvitestaus", "ajoneuvo", "kylmä"],
                        lang="fi",
                    ),
                    priority(
                        "digitalisaatio",
                        "Digitalisaatio ja innovaatiosprintit",
                        "bas",
                        ["digitalisaatio", "innovaatio", "datakeskus"],
                        lang="fi",
                    ),
                ],
            },
        },
        "actors": [
            {
                "name": "Lapin liitto",
                "country": "FI",
                "identifier": "9900001-8",
                "helix": "public",
                "municipality": "698",
                "nace": "84.11",
            },
            {
                "name": "Lapin yliopisto",
                "country": "FI",
                "identifier": "9900002-6",
                "helix": "academia",
                "municipality": "698",
                "nace": "85.42",
            },
            {
                "name": "Lapin ammattikorkeakoulu",
                "country": "FI",
                "identifier": "9900003-4",
                "helix": "academia",
                "municipality": "698",
                "nace": "85.42",
            },
            {
                "name": "Lapin kauppakamari",
                "country": "FI",
                "identifier": "9900004-2",
                "helix": "civil_society",
                "municipality": "698",
                "nace": "94.11",
            },
            {
                "name": "Arctic Testing Oy (demo)",
                "country": "FI",
                "identifier": "9900005-0",
                "helix": "business",
                "municipality": "148",
                "nace": "71.20",
                "size_class": "small",
            },
        ],
        "applications": [
            {
                "external_id": "LAP-2023-07",
                "kind": "project",
                "title": "FOKUS – Lapin älykkään erikoistumisen strategian uudistaminen",
                "summary": "Osallistava strategiatyö: työpajat, kyselyt ja innovaatiosprintit yritysten, kuntien, korkeakoulujen ja kauppakamarin kanssa sekä toimeenpanosuunnitelma ja klusteritoiminnan kriteerit.",
                "applicant_identifier": "9900001-8",
                "funding_programme": "EAKR Itä- ja Pohjois-Suomi",
                "requested_amount": 380_000,
                "currency": "EUR",
                "municipalities": ["698"],
            },
            {
                "external_id": "LAP-2024-19",
                "stage": "implementation",
                "title": "Talvitestauksen datakeskus",
                "summary": "Ajoneuvojen talvitestauksen data ja digitalisaatio kylmissä olosuhteissa.",
                "applicant_identifier": "9900005-0",
                "funding_programme": "EAKR Itä- ja Pohjois-Suomi",
                "requested_amount": 650_000,
                "currency": "EUR",
                "municipalities": ["148", "261"],
            },
            {
                "external_id": "LAP-2024-22",
                "kind": "project",
                "title": "Ympärivuotinen luontomatkailu Itä-Lapissa",
                "summary": "Kestävän luontomatkailun ja elämysten kehittäminen ympärivuotisesti.",
                "funding_programme": "EAKR Itä- ja Pohjois-Suomi",
                "requested_amount": 240_000,
                "currency": "EUR",
                "municipalities": ["758"],
            },
        ],
    },
]

INTEGRATOR_SOURCES = {
    "jamtland-harjedalen": "nyps2020",
    "norrbotten": "nyps2020",
    "kronoberg": "nyps2020",
    "lappi": "eura2021",
}
"""The funding system each demo region's applications come from (its ``source``)."""


# --------------------------------------------------------------------------- partnerships and engagement
#
# Groups name their members by organisation identifier and strength areas by code. Recurring
# meetings (``cycles``) are planned for the past year, and ``meetings`` are held in the months
# listed (counted back from the month the demo is loaded), with the organisations listed and a
# head count of others. Contact people are left out: the demo holds no personal data.


def group(
    kind: str, name: str, area: str | None, members: list[tuple[str, str]], joined: str = "2021-01-01"
) -> Json:
    return {
        "kind": kind,
        "name": name,
        "strength_area": area,
        "members": [{"identifier": i, "role": role, "joined_on": joined} for i, role in members],
    }


def meetings(
    area: str, kind: str, title: str, frequency: str, months_ago: list[int], actors: list[str], others: int
) -> Json:
    return {
        "cycle": {"strength_area": area, "kind": kind, "title": title, "frequency": frequency},
        "held_months_ago": months_ago,
        "actors": actors,
        "head_count": others,
    }


PARTNERSHIPS: dict[str, Json] = {
    "jamtland-harjedalen": {
        "settings": {"country": "SE", "county": "23", "dominance_threshold": 0.5},
        "groups": [
            group(
                "steering_group",
                "Styrgrupp Digitala lösningar",
                "digitala-losningar",
                [
                    ("232100-0008", "chair"),
                    ("559900-0006", "member"),
                    ("202100-0001", "member"),
                    ("769600-0004", "member"),
                ],
            ),
            group(
                "partnership",
                "Brett partnerskap Digitala lösningar",
                "digitala-losningar",
                [
                    ("559900-0006", "coordinator"),
                    ("559900-0014", "member"),
                    ("212000-0001", "member"),
                    ("202100-0001", "member"),
                ],
            ),
            group(
                "steering_group",
                "Styrgrupp Upplevelser",
                "upplevelser",
                [
                    ("232100-0008", "chair"),
                    ("802400-0005", "member"),
                    ("232100-0016", "member"),
                    ("202100-0019", "member"),
                ],
            ),
            group(
                "partnership",
                "Brett partnerskap Hållbar energi",
                "hallbar-energi",
                [("559900-0022", "member"), ("232100-0008", "coordinator"), ("202100-0001", "member")],
            ),
            group(
                "steering_group",
                "Styrgrupp Hållbar energi",
                "hallbar-energi",
                [
                    ("232100-0008", "chair"),
                    ("559900-0022", "member"),
                    ("202100-0001", "member"),
                    ("202100-0019", "member"),
                ],
            ),
            group(
                "steering_group",
                "Styrgrupp Jord, skog och vatten",
                "jord-skog-vatten",
                [
                    ("232100-0008", "chair"),
                    ("232100-0016", "member"),
                    ("202100-0019", "member"),
                    ("769600-0004", "member"),
                ],
            ),
            group(
                "partnership",
                "Brett partnerskap Jord, skog och vatten",
                "jord-skog-vatten",
                [
                    ("232100-0016", "coordinator"),
                    ("559900-0014", "member"),
                    ("212000-0001", "member"),
                    ("802400-0005", "member"),
                ],
            ),
            group(
                "partnership",
                "Brett partnerskap Upplevelser",
                "upplevelser",
                [
                    ("802400-0005", "member"),
                    ("559900-0006", "member"),
                    ("212000-0001", "member"),
                    ("769600-0004", "member"),
                ],
            ),
        ],
        "meetings": [
            meetings(
                "digitala-losningar",
                "actor_meeting",
                "Stående möte Digitala lösningar",
                "monthly",
                [1, 2, 3, 4, 5, 7, 8, 9, 10, 11],
                ["559900-0006", "559900-0014", "202100-0001"],
                6,
            ),
            meetings(
                "hallbar-energi",
                "actor_meeting",
                "Öppet aktörsmöte om färdplanen",
                "twice_a_year",
                [2, 8],
                ["559900-0022", "232100-0008", "202100-0001", "212000-0001"],
                25,
            ),
            meetings(
                "upplevelser",
                "workshop",
                "Workshop Upplevelser",
                "quarterly",
                [1, 4, 10],
                ["802400-0005", "232100-0016"],
                12,
            ),
        ],
    },
    "norrbotten": {
        "settings": {"country": "SE", "county": "25", "dominance_threshold": 0.5},
        "groups": [
            group(
                "partnership",
                "Partnerskap upplevelsenäring",
                "upplevelser",
                [
                    ("769600-0012", "coordinator"),
                    ("212000-0019", "member"),
                    ("559900-0030", "member"),
                    ("559900-0048", "member"),
                    ("202100-0027", "member"),
                ],
            ),
            group(
                "steering_group",
                "Styrgrupp upplevelsenäring",
                "upplevelser",
                [("212000-0019", "chair"), ("769600-0012", "member"), ("202100-0027", "member")],
            ),
            group(
                "partnership",
                "Partnerskap grön industriell omställning",
                "gron-industri",
                [("202100-0027", "coordinator"), ("559900-0030", "member"), ("212000-0019", "member")],
            ),
        ],
        "meetings": [
            meetings(
                "upplevelser",
                "dialogue_meeting",
                "Dialogmöte destinationsutveckling Jokkmokk",
                "quarterly",
                [2, 5, 8, 11],
                ["769600-0012", "212000-0019", "559900-0030"],
                9,
            ),
            meetings(
                "upplevelser",
                "workshop",
                "Workshop året-runt-utbud",
                "twice_a_year",
                [4, 10],
                ["769600-0012", "559900-0048"],
                7,
            ),
            meetings(
                "gron-industri",
                "actor_meeting",
                "Aktörsmöte grön industriell omställning",
                "quarterly",
                [1, 4, 7, 10],
                ["202100-0027", "559900-0030", "212000-0019"],
                14,
            ),
        ],
    },
    "kronoberg": {
        "settings": {"country": "SE", "county": "07", "dominance_threshold": 0.5},
        "groups": [
            group(
                "steering_group",
                "Styrgrupp Destination Åsnen",
                "besoksnaring",
                [
                    ("559900-0055", "chair"),
                    ("212000-0027", "member"),
                    ("212000-0035", "member"),
                    ("212000-0043", "member"),
                ],
            ),
            group(
                "advisory_board",
                "Advisory Board Åsnen",
                "besoksnaring",
                [("202100-0035", "member"), ("202100-0043", "member"), ("802400-0013", "member")],
            ),
            group(
                "partnership",
                "Brett partnerskap Skog och trä",
                "skog-och-tra",
                [
                    ("202100-0035", "coordinator"),
                    ("212000-0043", "member"),
                    ("212000-0027", "member"),
                    ("802400-0013", "member"),
                ],
            ),
            group(
                "steering_group",
                "Styrgrupp Skog och trä",
                "skog-och-tra",
                [("212000-0043", "chair"), ("202100-0035", "member"), ("202100-0043", "member")],
            ),
        ],
        "meetings": [
            meetings(
                "besoksnaring",
                "actor_meeting",
                "Företagsnätverket kring Åsnen",
                "every_two_months",
                [1, 3, 5, 7, 9, 11],
                ["802400-0013", "559900-0055"],
                20,
            ),
            meetings(
                "besoksnaring",
                "reference_group_meeting",
                "Advisory Board Åsnen",
                "twice_a_year",
                [3, 9],
                ["202100-0035", "202100-0043", "802400-0013"],
                0,
            ),
            meetings(
                "skog-och-tra",
                "actor_meeting",
                "Aktörsmöte Skog och trä",
                "quarterly",
                [2, 5, 8, 11],
                ["202100-0035", "212000-0043", "802400-0013"],
                11,
            ),
        ],
    },
    "lappi": {
        "settings": {"country": "FI", "county": "19", "dominance_threshold": 0.5},
        "groups": [
            group(
                "partnership",
                "Arktisen testauksen kumppanuus",
                "arktinen-testaus",
                [
                    ("9900001-8", "coordinator"),
                    ("9900002-6", "member"),
                    ("9900003-4", "member"),
                    ("9900005-0", "member"),
                ],
            ),
            group(
                "steering_group",
                "Arktisen testauksen ohjausryhmä",
                "arktinen-testaus",
                [("9900001-8", "chair"), ("9900004-2", "member"), ("9900002-6", "member")],
            ),
            group(
                "partnership",
                "Arktisten luonnonvarojen kumppanuus",
                "arktiset-luonnonvarat",
                [("9900001-8", "coordinator"), ("9900002-6", "member"), ("9900004-2", "member")],
            ),
            group(
                "partnership",
                "Arktisen matkailun kumppanuus",
                "arktinen-matkailu",
                [("9900003-4", "member"), ("9900004-2", "coordinator"), ("9900001-8", "member")],
            ),
        ],
        "meetings": [
            meetings(
                "arktinen-testaus",
                "innovation_sprint",
                "Innovaatiosprintti",
                "twice_a_year",
                [3, 9],
                ["9900005-0", "9900003-4"],
                15,
            ),
            meetings(
                "arktiset-luonnonvarat",
                "actor_meeting",
                "Luonnonvarakumppanuuden tapaaminen",
                "quarterly",
                [1, 4, 7, 10],
                ["9900001-8", "9900002-6", "9900004-2"],
                10,
            ),
            meetings(
                "arktinen-matkailu",
                "workshop",
                "Matkailun työpaja",
                "twice_a_year",
                [2, 8],
                ["9900003-4", "9900004-2"],
                18,
            ),
        ],
    },
}


# --------------------------------------------------------------------------- indicator measurements
#
# Values of the published plans' sub-goal indicators in the years since their baselines, as a
# process leader records them for the follow-up. The figures are written for the demo.


def measured(area: str, sub_goal_id: str, values: dict[int, float], source: str) -> list[Json]:
    return [
        {
            "strength_area": area,
            "sub_goal_id": sub_goal_id,
            "year": year,
            "value": value,
            "measured_on": f"{year + 1}-03-31",
            "source": source,
            "note": DEMO_NOTE,
        }
        for year, value in values.items()
    ]


MEASUREMENTS: dict[str, list[Json]] = {
    "jamtland-harjedalen": [
        *measured(
            "jord-skog-vatten",
            "foradling",
            {2023: 151, 2024: 158},
            "Jordbruksverket, livsmedelsföretag per län",
        ),
        *measured("hallbar-energi", "effektivisering", {2023: 16, 2024: 19}, "Energimyndigheten"),
        *measured("upplevelser", "helarsturism", {2023: 861, 2024: 905}, "Tillväxtverket/SCB, gästnätter"),
        *measured(
            "digitala-losningar", "digital-omstallning", {2023: 95, 2024: 132}, "Projektuppföljning, regionen"
        ),
    ],
    "norrbotten": [
        *measured("upplevelser", "exportmogna", {2023: 138, 2024: 151}, "Swedish Lapland Visitors Board"),
        *measured(
            "gron-industri", "leverantorer", {2023: 325, 2024: 348}, "Region Norrbotten, företagsregister"
        ),
    ],
    "kronoberg": [
        *measured(
            "skog-och-tra", "trabyggande", {2023: 24, 2024: 27}, "Boverket/SCB, nybyggda flerbostadshus"
        ),
        *measured("besoksnaring", "exportmogen", {2023: 7, 2024: 9}, "Destination Åsnen"),
    ],
    "lappi": [
        *measured("arktiset-luonnonvarat", "jalostus", {2023: 1260, 2024: 1310}, "Tilastokeskus"),
        *measured("arktinen-matkailu", "yopymiset", {2023: 960, 2024: 1015}, "Visit Finland, Rudolf"),
        *measured("arktinen-testaus", "testaus", {2023: 168, 2024: 181}, "Lapin liitto, yritysrekisteri"),
    ],
}
"""Per region: values of sub-goal indicators, the strength area named by code."""
