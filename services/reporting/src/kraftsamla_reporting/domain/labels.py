"""Labels and headings of the report in Swedish, English and Finnish; the region's own texts are
shown as written. ``{name}`` fields are filled from the figures an entry carries."""

from __future__ import annotations

from collections.abc import Mapping

from kraftsamla_common.municipalities import municipality_by_code

from .content import Language

# key: (sv, en, fi)
LABELS: dict[str, tuple[str, str, str]] = {
    # the document
    "report_title": (
        "Uppföljningsrapport smart specialisering",
        "Smart specialisation follow-up report",
        "Älykkään erikoistumisen seurantaraportti",
    ),
    "version": ("Version", "Version", "Versio"),
    "generated": ("Skapad", "Generated", "Luotu"),
    "period": ("Period", "Period", "Kausi"),
    "built_from": ("Underlag", "Built from", "Lähtötiedot"),
    "plan_versions": (
        "Handlingsplaner (version)",
        "Action plans (version)",
        "Toimenpidesuunnitelmat (versio)",
    ),
    "last_events": (
        "Senaste händelse per tjänst",
        "Last event per service",
        "Viimeisin tapahtuma palveluittain",
    ),
    "contents": ("Innehåll", "Contents", "Sisältö"),
    "downloads": ("Ladda ned", "Download", "Lataa"),
    "language": ("Språk", "Language", "Kieli"),
    "versions": ("Versioner", "Versions", "Versiot"),
    "compare": ("Jämför", "Compare", "Vertaa"),
    "compare_title": (
        "Jämförelse av rapportversioner",
        "Comparison of report versions",
        "Raporttiversioiden vertailu",
    ),
    "no_changes": ("Inga skillnader.", "No differences.", "Ei eroja."),
    "before": ("Före", "Before", "Ennen"),
    "after": ("Efter", "After", "Jälkeen"),
    "figure": ("Uppgift", "Figure", "Tieto"),
    "portfolio_csv": ("Portfölj (CSV)", "Portfolio (CSV)", "Salkku (CSV)"),
    "municipalities_csv": ("Kommuner (CSV)", "Municipalities (CSV)", "Kunnat (CSV)"),
    "pdf": ("PDF", "PDF", "PDF"),
    "json": ("JSON", "JSON", "JSON"),
    "none": ("–", "–", "–"),
    "yes": ("ja", "yes", "kyllä"),
    "no": ("nej", "no", "ei"),
    "total": ("Totalt", "Total", "Yhteensä"),
    "other": ("Övrigt", "Other", "Muut"),
    "no_strength_area": ("Utan styrkeområde", "No strength area", "Ei vahvuusalaa"),
    "no_data_yet": ("Inga uppgifter ännu.", "No data yet.", "Ei vielä tietoja."),
    # sections
    "s1": ("Program och styrkeområden", "Programme and strength areas", "Ohjelma ja vahvuusalat"),
    "s2": ("Aktiviteter", "Activities", "Toiminta"),
    "s3": ("Partnerskap och styrgrupper", "Partnerships and steering groups", "Kumppanuudet ja ohjausryhmät"),
    "s4": ("Portfölj", "Portfolio", "Hankesalkku"),
    "s5": ("Geografiskt utfall", "Geographic outcome", "Alueellinen jakautuminen"),
    "s6": ("Agenda 2030 och hållbarhet", "Agenda 2030 and sustainability", "Agenda 2030 ja kestävyys"),
    "s7": ("Delmål och indikatorer", "Sub-goals and indicators", "Välitavoitteet ja indikaattorit"),
    "s8": ("EU:s nödvändiga villkor 1.1", "EU enabling condition 1.1", "EU:n mahdollistava edellytys 1.1"),
    "s9": ("Lokala planer", "Local plans", "Paikalliset suunnitelmat"),
    # 1
    "programme": ("Program", "Programme", "Ohjelma"),
    "adopted": ("Antaget", "Adopted", "Hyväksytty"),
    "not_adopted": ("Ej antaget", "Not adopted", "Ei hyväksytty"),
    "strength_area": ("Styrkeområde", "Strength area", "Vahvuusala"),
    "action_plan": ("Handlingsplan", "Action plan", "Toimenpidesuunnitelma"),
    "published": ("Publicerad", "Published", "Julkaistu"),
    "priorities": ("Prioriteringar", "Priorities", "Priorisoinnit"),
    "revisions_last_year": (
        "Revideringar senaste året",
        "Revisions in the last year",
        "Päivityksiä viime vuonna",
    ),
    "next_review": ("Nästa revidering", "Next review", "Seuraava päivitys"),
    "status": ("Status", "Status", "Tila"),
    "overdue": ("Försenad", "Overdue", "Myöhässä"),
    "up_to_date": ("Aktuell", "Up to date", "Ajan tasalla"),
    "no_plan": ("Ingen plan publicerad", "No plan published", "Ei julkaistua suunnitelmaa"),
    # 2
    "engagements": ("Aktiviteter", "Engagements", "Tilaisuudet"),
    "participations": ("Deltaganden", "Participations", "Osallistumiset"),
    "unique_people": ("Unika deltagare", "Unique participants", "Eri osallistujia"),
    "unique_actors": ("Unika aktörer", "Unique actors", "Eri toimijoita"),
    "annual_cycle": (
        "Årshjul: planerade möten mot hållna",
        "Annual cycle: meetings planned against held",
        "Vuosikello: suunnitellut ja pidetyt tapaamiset",
    ),
    "meeting": ("Möte", "Meeting", "Tapaaminen"),
    "frequency": ("Intervall", "Frequency", "Tiheys"),
    "planned": ("Planerade", "Planned", "Suunniteltu"),
    "held": ("Hållna", "Held", "Pidetty"),
    "missed": ("Missade", "Missed", "Väliin jääneet"),
    "monthly": ("varje månad", "monthly", "kuukausittain"),
    "every_two_months": ("varannan månad", "every two months", "joka toinen kuukausi"),
    "quarterly": ("kvartalsvis", "quarterly", "neljännesvuosittain"),
    "twice_a_year": ("två gånger per år", "twice a year", "kahdesti vuodessa"),
    "yearly": ("årligen", "yearly", "vuosittain"),
    # 3
    "groups": ("Grupper", "Groups", "Ryhmät"),
    "steering_groups": ("Styrgrupper", "Steering groups", "Ohjausryhmät"),
    "actors": ("Aktörer", "Actors", "Toimijat"),
    "gaps": ("Luckor", "Gaps", "Puutteet"),
    "municipalities_of_members": ("Medlemmarnas kommuner", "Members' municipalities", "Jäsenten kunnat"),
    "industries": ("Branscher (NACE)", "Industries (NACE)", "Toimialat (NACE)"),
    "helix_public": ("Offentlig sektor", "Public sector", "Julkinen sektori"),
    "helix_business": ("Näringsliv", "Business", "Elinkeinoelämä"),
    "helix_academia": ("Akademi", "Academia", "Korkeakoulut ja tutkimus"),
    "helix_civil_society": ("Civilsamhälle", "Civil society", "Kansalaisyhteiskunta"),
    "helix_state_agency": ("Statliga myndigheter", "State agencies", "Valtion virastot"),
    # 4
    "applications": ("Ansökningar", "Applications", "Hakemukset"),
    "decided": ("Beslutade", "Decided", "Päätetyt"),
    "granted": ("Beviljade", "Granted", "Myönnetyt"),
    "rejected": ("Avslagna", "Rejected", "Hylätyt"),
    "requested_amount": ("Sökt belopp", "Requested", "Haettu summa"),
    "granted_amount": ("Beviljat belopp", "Granted amount", "Myönnetty summa"),
    "level": ("Nivå", "Level", "Taso"),
    "funding_source": ("Finansieringskälla", "Funding source", "Rahoituslähde"),
    "currency": ("Valuta", "Currency", "Valuutta"),
    "pyramid": (
        "Pyramiden Bas – Bredd – Spets",
        "The pyramid Base – Breadth – Spearhead",
        "Pyramidi perusta – laajuus – kärki",
    ),
    "level_bas": ("Bas", "Base", "Perusta"),
    "level_bredd": ("Bredd", "Breadth", "Laajuus"),
    "level_spets": ("Spets", "Spearhead", "Kärki"),
    "level_none": ("Ingen nivå", "No level", "Ei tasoa"),
    "by_strength_area": ("Per styrkeområde", "By strength area", "Vahvuusaloittain"),
    "assessments": ("Bedömningar", "Assessments", "Arvioinnit"),
    "current": ("mot gällande planer", "against current plans", "voimassa olevia suunnitelmia vasten"),
    "outdated": ("mot äldre planer", "against older plans", "vanhempia suunnitelmia vasten"),
    "not_assessed": ("ej bedömda", "not assessed", "arvioimatta"),
    "recommendation_strong": ("stark", "strong", "vahva"),
    "recommendation_moderate": ("måttlig", "moderate", "kohtalainen"),
    "recommendation_weak": ("svag", "weak", "heikko"),
    "recommendation_none": ("ingen", "none", "ei suositusta"),
    "reassessments": (
        "Senaste omprövningarna – vad som flyttade och varför",
        "Last reassessments – what moved and why",
        "Viimeisimmät uudelleenarvioinnit – mikä siirtyi ja miksi",
    ),
    "reassessed": ("omprövade", "reassessed", "uudelleenarvioitu"),
    "unchanged": ("oförändrade", "unchanged", "ennallaan"),
    "moved": ("flyttade", "moved", "siirtyi"),
    "needs_review": ("behöver granskas", "need review", "vaatii tarkistusta"),
    "rubric_version": ("bedömningsmall version", "rubric version", "arviointikehikon versio"),
    "source_erdf": ("Regionalfonden (ERUF)", "ERDF", "EAKR"),
    "source_esf_plus": ("ESF+", "ESF+", "ESR+"),
    "source_jtf": (
        "Fonden för en rättvis omställning",
        "Just Transition Fund",
        "Oikeudenmukaisen siirtymän rahasto",
    ),
    "source_interreg": ("Interreg", "Interreg", "Interreg"),
    "source_eafrd": ("Landsbygdsfonden", "EAFRD", "Maaseuturahasto"),
    "source_horizon_europe": ("Horisont Europa", "Horizon Europe", "Horisontti Eurooppa"),
    "source_vinnova": ("Vinnova", "Vinnova", "Vinnova"),
    "source_energy_agency": ("Energimyndigheten", "Swedish Energy Agency", "Ruotsin energiavirasto"),
    "source_growth_agency": ("Tillväxtverket", "Tillväxtverket", "Tillväxtverket"),
    "source_business_finland": ("Business Finland", "Business Finland", "Business Finland"),
    "source_regional": ("Regionala medel", "Regional funds", "Maakunnan rahoitus"),
    "source_municipal": ("Kommunala medel", "Municipal funds", "Kuntarahoitus"),
    "source_private": ("Privata medel", "Private funds", "Yksityinen rahoitus"),
    "source_other": ("Annan", "Other", "Muu"),
    "source_unspecified": ("Ej angiven", "Not given", "Ei ilmoitettu"),
    # 5
    "municipality": ("Kommun", "Municipality", "Kunta"),
    "population": ("Invånare", "Inhabitants", "Asukkaat"),
    "open": ("Öppna", "Open", "Avoimet"),
    "per_inhabitant": ("Beviljat per invånare", "Granted per inhabitant", "Myönnetty asukasta kohden"),
    "reached": ("Kommuner som nås", "Municipalities reached", "Tavoitetut kunnat"),
    "unreached": (
        "Kommuner utan ansökningar",
        "Municipalities without applications",
        "Kunnat ilman hakemuksia",
    ),
    "region_wide": (
        "Ansökningar utan angiven kommun",
        "Applications naming no municipality",
        "Hakemukset ilman kuntaa",
    ),
    "outside_region": ("utanför regionen", "outside the region", "alueen ulkopuolella"),
    "population_source": (
        "Invånare: SCB, folkmängd 31 december 2024 (Sverige); Statistikcentralen, 31 december 2020 (Finland).",
        "Inhabitants: Statistics Sweden, 31 December 2024 (Sweden); Statistics Finland, 31 December 2020 (Finland).",
        "Asukkaat: SCB, 31.12.2024 (Ruotsi); Tilastokeskus, 31.12.2020 (Suomi).",
    ),
    # 6
    "goal": ("Mål", "Goal", "Tavoite"),
    "claimed": ("Angivna", "Claimed", "Ilmoitetut"),
    "supported": ("Styrkta i texten", "Supported by the text", "Tekstin tukemat"),
    "declared_by": ("Styrkeområden", "Strength areas", "Vahvuusalat"),
    "dimensions": (
        "Hållbarhetens tre dimensioner",
        "The three dimensions of sustainability",
        "Kestävyyden kolme ulottuvuutta",
    ),
    "dimension_economic": ("Ekonomisk", "Economic", "Taloudellinen"),
    "dimension_social": ("Social", "Social", "Sosiaalinen"),
    "dimension_environmental": ("Miljömässig", "Environmental", "Ympäristöllinen"),
    "all_three": ("Alla tre dimensionerna", "All three dimensions", "Kaikki kolme ulottuvuutta"),
    "no_dimension": ("Ingen dimension beskriven", "No dimension described", "Ei kuvattua ulottuvuutta"),
    "with_conflicts": ("Med målkonflikter", "With goal conflicts", "Tavoiteristiriitoja"),
    "assessed_applications": ("Bedömda ansökningar", "Assessed applications", "Arvioidut hakemukset"),
    # 7
    "sub_goal": ("Delmål", "Sub-goal", "Välitavoite"),
    "indicator": ("Indikator", "Indicator", "Indikaattori"),
    "baseline": ("Utgångsvärde", "Baseline", "Lähtötaso"),
    "target": ("Målvärde", "Target", "Tavoitearvo"),
    "latest": ("Senaste värde", "Latest value", "Viimeisin arvo"),
    "expected": ("Förväntat", "Expected", "Odotettu"),
    "indicator_achieved": ("Uppnått", "Achieved", "Saavutettu"),
    "indicator_on_track": ("I fas", "On track", "Aikataulussa"),
    "indicator_behind": ("Efter", "Behind", "Jäljessä"),
    "indicator_no_data": ("Inget värde", "No value", "Ei arvoa"),
    "indicator_no_target": ("Inget målvärde", "No target", "Ei tavoitearvoa"),
    # 8
    "criterion": ("Kriterium", "Criterion", "Kriteeri"),
    "evidence": ("Underlag i plattformen", "Evidence in the platform", "Näyttö alustalla"),
    "missing": ("Saknas", "Missing", "Puuttuu"),
    "criterion_met": ("Uppfyllt", "Met", "Täyttyy"),
    "criterion_partial": ("Delvis", "Partly", "Osittain"),
    "criterion_missing": ("Ej visat", "Not shown", "Ei osoitettu"),
    "criterion_analysis": (
        "Aktuell analys av utmaningar för innovationsspridning och digitalisering",
        "Up-to-date analysis of challenges for innovation diffusion and digitalisation",
        "Ajantasainen analyysi innovaatioiden leviämisen ja digitalisaation haasteista",
    ),
    "criterion_institution": (
        "Behörig regional institution eller organ som ansvarar för strategin",
        "Competent regional institution or body responsible for managing the strategy",
        "Strategian hallinnoinnista vastaava toimivaltainen alueellinen laitos tai elin",
    ),
    "criterion_monitoring": (
        "Verktyg för uppföljning och utvärdering mot strategins mål",
        "Monitoring and evaluation tools to measure performance towards the strategy's objectives",
        "Seuranta- ja arviointivälineet strategian tavoitteiden saavuttamisen mittaamiseksi",
    ),
    "criterion_stakeholders": (
        "Fungerande samverkan med berörda parter (entreprenöriell process)",
        "Functioning stakeholder cooperation (entrepreneurial discovery process)",
        "Toimiva sidosryhmäyhteistyö (yrittäjyyteen perustuva tutkimusprosessi)",
    ),
    "criterion_research_innovation": (
        "Åtgärder för att förbättra forsknings- och innovationssystemen",
        "Actions to improve research and innovation systems",
        "Toimet tutkimus- ja innovaatiojärjestelmien parantamiseksi",
    ),
    "criterion_industrial_transition": (
        "Åtgärder för industriell omställning, där det är relevant",
        "Actions to support industrial transition, where relevant",
        "Toimet teollisen muutoksen tukemiseksi, tarvittaessa",
    ),
    "criterion_international": (
        "Samarbete med partner utanför medlemsstaten inom prioriterade områden",
        "Cooperation with partners outside the Member State in priority areas",
        "Yhteistyö jäsenvaltion ulkopuolisten kumppanien kanssa painopistealoilla",
    ),
    "ev_plans_with_analysis": (
        "{n} av {total} handlingsplaner har en analys",
        "{n} of {total} action plans have an analysis",
        "{n}/{total} toimenpidesuunnitelmassa on analyysi",
    ),
    "ev_evidence_documents": (
        "{n} underlagsdokument hänvisas till",
        "{n} evidence documents referenced",
        "{n} taustadokumenttia viitattu",
    ),
    "ev_plans_up_to_date": (
        "{n} av {total} handlingsplaner reviderade i tid",
        "{n} of {total} action plans revised on time",
        "{n}/{total} toimenpidesuunnitelmaa päivitetty ajallaan",
    ),
    "ev_initiatives_digitalisation": (
        "{n} insatser för digitalisering",
        "{n} initiatives for digitalisation",
        "{n} digitalisaatiota edistävää toimenpidettä",
    ),
    "ev_areas_without_analysis": (
        "Analys saknas: {areas}",
        "No analysis: {areas}",
        "Analyysi puuttuu: {areas}",
    ),
    "ev_areas_overdue": (
        "Ej reviderade i tid: {areas}",
        "Not revised in time: {areas}",
        "Ei päivitetty ajallaan: {areas}",
    ),
    "ev_programme_adopted": (
        "{title} antaget av {body} {date} {paragraph}",
        "{title} adopted by {body} on {date} {paragraph}",
        "{title} hyväksytty: {body} {date} {paragraph}",
    ),
    "ev_programme_not_adopted": (
        "Programmet är inte antaget",
        "The programme is not adopted",
        "Ohjelmaa ei ole hyväksytty",
    ),
    "ev_process_leaders": (
        "{n} av {total} styrkeområden har en processledare",
        "{n} of {total} strength areas have a process leader",
        "{n}/{total} vahvuusalalla on prosessivetäjä",
    ),
    "ev_areas_without_process_leader": (
        "Processledare saknas: {areas}",
        "No process leader: {areas}",
        "Prosessivetäjä puuttuu: {areas}",
    ),
    "ev_areas_with_governance": (
        "{n} av {total} styrkeområden har styrgrupp eller roller",
        "{n} of {total} strength areas have a steering group or roles",
        "{n}/{total} vahvuusalalla on ohjausryhmä tai roolit",
    ),
    "ev_sub_goals_with_targets": (
        "{n} av {total} delmål har målvärde",
        "{n} of {total} sub-goals have a target",
        "{n}/{total} välitavoitteella on tavoitearvo",
    ),
    "ev_indicators_measured": (
        "{n} av {total} indikatorer har uppmätta värden",
        "{n} of {total} indicators have measured values",
        "{n}/{total} indikaattorilla on mitattuja arvoja",
    ),
    "ev_effect_chains": (
        "{n} av {total} handlingsplaner har en effektkedja",
        "{n} of {total} action plans have an effect chain",
        "{n}/{total} toimenpidesuunnitelmassa on vaikutusketju",
    ),
    "ev_areas_without_sub_goals": (
        "Delmål med målvärde saknas: {areas}",
        "No sub-goals with targets: {areas}",
        "Välitavoitteet puuttuvat: {areas}",
    ),
    "ev_indicators_without_values": (
        "{n} indikatorer utan uppmätt värde",
        "{n} indicators without a measured value",
        "{n} indikaattoria ilman mitattua arvoa",
    ),
    "ev_engagements": (
        "{n} aktiviteter med {participations} deltaganden de senaste tolv månaderna",
        "{n} engagements with {participations} participations in the past twelve months",
        "{n} tilaisuutta, {participations} osallistumista viimeisten kahdentoista kuukauden aikana",
    ),
    "ev_no_engagements": (
        "Inga aktiviteter de senaste tolv månaderna",
        "No engagements in the past twelve months",
        "Ei tilaisuuksia viimeisten kahdentoista kuukauden aikana",
    ),
    "ev_areas_with_partnership": (
        "{n} av {total} styrkeområden har en styrgrupp eller ett partnerskap",
        "{n} of {total} strength areas have a steering group or a partnership",
        "{n}/{total} vahvuusalalla on ohjausryhmä tai kumppanuus",
    ),
    "ev_areas_without_engagements": (
        "Inga aktiviteter de senaste tolv månaderna: {areas}",
        "No engagement in the past twelve months: {areas}",
        "Ei tilaisuuksia viimeisten kahdentoista kuukauden aikana: {areas}",
    ),
    "ev_areas_without_partnership": (
        "Styrgrupp eller partnerskap saknas: {areas}",
        "No steering group or partnership: {areas}",
        "Ohjausryhmä tai kumppanuus puuttuu: {areas}",
    ),
    "ev_nace_classified": (
        "{n} av {total} styrkeområden klassade efter näringsgren (NACE), jämförbara i Eye@RIS3",
        "{n} of {total} strength areas classified by economic domain (NACE), comparable in Eye@RIS3",
        "{n}/{total} vahvuusalaa luokiteltu toimialoittain (NACE), vertailtavissa Eye@RIS3:ssa",
    ),
    "ev_initiatives_innovation_system": (
        "{n} insatser för forsknings- och innovationssystemet",
        "{n} initiatives for the research and innovation system",
        "{n} tutkimus- ja innovaatiojärjestelmän toimenpidettä",
    ),
    "ev_initiatives_industrial_transition": (
        "{n} insatser för industriell omställning",
        "{n} initiatives for industrial transition",
        "{n} teollisen muutoksen toimenpidettä",
    ),
    "ev_initiatives_international_cooperation": (
        "{n} insatser för internationellt samarbete",
        "{n} initiatives for international cooperation",
        "{n} kansainvälisen yhteistyön toimenpidettä",
    ),
    "ev_no_initiatives_innovation_system": (
        "Inga insatser för forsknings- och innovationssystemet i policymixen",
        "No initiatives for the research and innovation system in the policy mix",
        "Politiikkayhdistelmässä ei tutkimus- ja innovaatiojärjestelmän toimenpiteitä",
    ),
    "ev_no_initiatives_industrial_transition": (
        "Inga insatser för industriell omställning (om relevant)",
        "No initiatives for industrial transition (where relevant)",
        "Ei teollisen muutoksen toimenpiteitä (tarvittaessa)",
    ),
    "ev_no_initiatives_international_cooperation": (
        "Inga insatser för internationellt samarbete",
        "No initiatives for international cooperation",
        "Ei kansainvälisen yhteistyön toimenpiteitä",
    ),
    # 9
    "local_plan": ("Lokal plan", "Local plan", "Paikallinen suunnitelma"),
    "serves": (
        "Styrkeområden som planen tjänar",
        "Strength areas it serves",
        "Vahvuusalat, joita se palvelee",
    ),
    "actions": ("Åtgärder", "Actions", "Toimenpiteet"),
    "actions_linked": ("kopplade till regionen", "linked to the region", "kytketty alueeseen"),
    "financing": ("Finansiering", "Financing", "Rahoitus"),
    "alignment": ("Koppling per styrkeområde", "Alignment by strength area", "Kytkentä vahvuusaloittain"),
    "unaligned": (
        "Lokala planer utan koppling till något styrkeområde",
        "Local plans linked to no strength area",
        "Paikalliset suunnitelmat ilman kytkentää vahvuusalaan",
    ),
}

INDUSTRIES: dict[str, tuple[str, str, str]] = {
    "A": (
        "Jordbruk, skogsbruk och fiske",
        "Agriculture, forestry and fishing",
        "Maatalous, metsätalous ja kalatalous",
    ),
    "B": ("Utvinning av mineral", "Mining and quarrying", "Kaivostoiminta ja louhinta"),
    "C": ("Tillverkning", "Manufacturing", "Teollisuus"),
    "D": (
        "Försörjning av el, gas, värme och kyla",
        "Electricity, gas, steam and air conditioning supply",
        "Sähkö-, kaasu- ja lämpöhuolto, jäähdytysliiketoiminta",
    ),
    "E": (
        "Vattenförsörjning; avloppsrening, avfallshantering och sanering",
        "Water supply; sewerage, waste management and remediation",
        "Vesihuolto, viemäri- ja jätevesihuolto, jätehuolto ja muu ympäristön puhtaanapito",
    ),
    "F": ("Byggverksamhet", "Construction", "Rakentaminen"),
    "G": (
        "Handel; reparation av motorfordon och motorcyklar",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
        "Tukku- ja vähittäiskauppa; moottoriajoneuvojen ja moottoripyörien korjaus",
    ),
    "H": ("Transport och magasinering", "Transportation and storage", "Kuljetus ja varastointi"),
    "I": (
        "Hotell- och restaurangverksamhet",
        "Accommodation and food service activities",
        "Majoitus- ja ravitsemistoiminta",
    ),
    "J": (
        "Informations- och kommunikationsverksamhet",
        "Information and communication",
        "Informaatio ja viestintä",
    ),
    "K": (
        "Finans- och försäkringsverksamhet",
        "Financial and insurance activities",
        "Rahoitus- ja vakuutustoiminta",
    ),
    "L": ("Fastighetsverksamhet", "Real estate activities", "Kiinteistöalan toiminta"),
    "M": (
        "Verksamhet inom juridik, ekonomi, vetenskap och teknik",
        "Professional, scientific and technical activities",
        "Ammatillinen, tieteellinen ja tekninen toiminta",
    ),
    "N": (
        "Uthyrning, fastighetsservice, resetjänster och andra stödtjänster",
        "Administrative and support service activities",
        "Hallinto- ja tukipalvelutoiminta",
    ),
    "O": (
        "Offentlig förvaltning och försvar; obligatorisk socialförsäkring",
        "Public administration and defence; compulsory social security",
        "Julkinen hallinto ja maanpuolustus; pakollinen sosiaalivakuutus",
    ),
    "P": ("Utbildning", "Education", "Koulutus"),
    "Q": (
        "Vård och omsorg; sociala tjänster",
        "Human health and social work activities",
        "Terveys- ja sosiaalipalvelut",
    ),
    "R": ("Kultur, nöje och fritid", "Arts, entertainment and recreation", "Taiteet, viihde ja virkistys"),
    "S": ("Annan serviceverksamhet", "Other service activities", "Muu palvelutoiminta"),
    "T": (
        "Förvärvsarbete i hushåll; hushållens produktion av diverse varor och tjänster för eget bruk",
        "Activities of households as employers and for own use",
        "Kotitalouksien toiminta työnantajina; kotitalouksien eriyttämätön toiminta omaan käyttöön",
    ),
    "U": (
        "Verksamhet vid internationella organisationer, utländska ambassader o.d.",
        "Activities of extraterritorial organisations and bodies",
        "Kansainvälisten organisaatioiden ja toimielinten toiminta",
    ),
}
"""The sections of NACE Rev. 2 by their official names: SNI 2007 (sv), NACE (en), TOL 2008 (fi)."""

GOALS: dict[int, tuple[str, str, str]] = {
    1: ("Ingen fattigdom", "No poverty", "Ei köyhyyttä"),
    2: ("Ingen hunger", "Zero hunger", "Ei nälkää"),
    3: ("God hälsa och välbefinnande", "Good health and well-being", "Terveyttä ja hyvinvointia"),
    4: ("God utbildning för alla", "Quality education", "Hyvä koulutus"),
    5: ("Jämställdhet", "Gender equality", "Sukupuolten tasa-arvo"),
    6: ("Rent vatten och sanitet", "Clean water and sanitation", "Puhdas vesi ja sanitaatio"),
    7: ("Hållbar energi för alla", "Affordable and clean energy", "Edullista ja puhdasta energiaa"),
    8: (
        "Anständiga arbetsvillkor och ekonomisk tillväxt",
        "Decent work and economic growth",
        "Ihmisarvoista työtä ja talouskasvua",
    ),
    9: (
        "Hållbar industri, innovationer och infrastruktur",
        "Industry, innovation and infrastructure",
        "Kestävää teollisuutta, innovaatioita ja infrastruktuuria",
    ),
    10: ("Minskad ojämlikhet", "Reduced inequalities", "Eriarvoisuuden vähentäminen"),
    11: (
        "Hållbara städer och samhällen",
        "Sustainable cities and communities",
        "Kestävät kaupungit ja yhteisöt",
    ),
    12: (
        "Hållbar konsumtion och produktion",
        "Responsible consumption and production",
        "Vastuullista kuluttamista",
    ),
    13: ("Bekämpa klimatförändringarna", "Climate action", "Ilmastotekoja"),
    14: ("Hav och marina resurser", "Life below water", "Vedenalainen elämä"),
    15: ("Ekosystem och biologisk mångfald", "Life on land", "Maanpäällinen elämä"),
    16: (
        "Fredliga och inkluderande samhällen",
        "Peace, justice and strong institutions",
        "Rauha, oikeudenmukaisuus ja hyvä hallinto",
    ),
    17: ("Genomförande och globalt partnerskap", "Partnerships for the goals", "Yhteistyö ja kumppanuus"),
}
GOAL_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}  # fmt: skip
"""The UN's colours of the 17 goals."""

LOCALES: dict[Language, str] = {"sv": "sv_SE", "en": "en_GB", "fi": "fi_FI"}
_INDEX: dict[Language, int] = {"sv": 0, "en": 1, "fi": 2}


class Labels:
    """The labels of one language: ``t("s4")``, ``t.evidence(entry)``, ``t.goal(7)``."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.locale = LOCALES[language]
        self._i = _INDEX[language]

    def __call__(self, key: str) -> str:
        texts = LABELS.get(key)
        return texts[self._i] if texts else key

    def fill(self, key: str, params: Mapping[str, object]) -> str:
        return self(key).format_map(dict(params)).strip()

    def goal(self, number: int) -> str:
        return GOALS[number][self._i]

    def industry(self, section: str) -> str:
        """A NACE section by its name (``M`` → "Verksamhet inom juridik, ekonomi, vetenskap och teknik")."""
        return INDUSTRIES[section][self._i] if section in INDUSTRIES else section

    def municipality(self, code: str) -> str:
        """A municipality by its name (``2380`` → "Östersund"); the code where the register has none."""
        found = municipality_by_code(code)
        return found.name if found else code

    def text(self, texts: Mapping[str, str | None] | None) -> str:
        """A region's own text in the reader's language if it was written in it, else as written."""
        if not texts:
            return ""
        return texts.get(self.language) or next((t for t in texts.values() if t), "")
