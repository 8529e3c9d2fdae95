"""The assessment rules on their own: stems, compounds, languages, evidence, placement,
sustainability and goal conflicts, Agenda 2030, geography, the rubric, reviews and move reasons."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from kraftsamla_assessment.domain import wording as wording_module
from kraftsamla_assessment.domain.assessor import DEFAULT_RUBRIC, Assessor, Facts, Precedent, Region
from kraftsamla_assessment.domain.matching import Signature, TextFeatures, analyse
from kraftsamla_assessment.domain.plans import StrengthAreaPlan
from kraftsamla_assessment.domain.reassessment import (
    Move,
    Outcome,
    describe_change,
    explain,
    group_json,
    group_moves,
    index_priorities,
    preview_of,
    summarize,
    summarize_preview,
    trigger_plan,
    with_tie,
)
from kraftsamla_assessment.domain.reviews import Override, base_effective, effective, override_basis, touched
from kraftsamla_assessment.domain.wording import Part, english, english_one, messages
from kraftsamla_common.events import (
    LocalizedText,
    MoveGroup,
    Priority,
    ReassessmentCompleted,
    Rubric,
    TextPart,
)
from kraftsamla_common.i18n import check_catalogues, read_catalogue
from kraftsamla_common.wording import words


def prio(pid: str, level: str, *terms: str) -> Priority:
    return Priority(
        id=pid,
        title=LocalizedText(sv=pid),
        level=level,  # type: ignore[arg-type]
        vocabulary=list(terms),
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 12, 31),
    )


def plan(code: str, *priorities: Priority, version: int = 1) -> StrengthAreaPlan:
    return StrengthAreaPlan(uuid4(), uuid4(), code, version, priorities)


ENERGY = plan(
    "energi",
    prio("vatgas", "spets", "vätgas", "elektrolys"),
    prio("omstallning", "bredd", "omställning", "energieffektivisering"),
)
FOREST = plan("jord-skog-vatten", prio("skogsbruk", "bredd", "skogsbruk", "metsätalous", "bioekonomi"))
TOURISM = plan("upplevelser", prio("hallbar-turism", "bas", "matkailu", "besöksnäring", "turism"))
MATCHER = Assessor([ENERGY, FOREST, TOURISM])


def facts(text: str, **kw: object) -> Facts:
    return Facts(title="Ansökan", summary=text, **kw)  # type: ignore[arg-type]


def test_inflected_and_compound_swedish_words_match() -> None:
    r = MATCHER.assess(facts("Projektet stärker skogsbruket och energiomställningen i länets kommuner."))
    codes = {f.code: f for f in r.fits}
    assert "skogsbruk" in codes["jord-skog-vatten"].matched_terms
    assert "omställning" in codes["energi"].matched_terms  # inside the compound "energiomställningen"
    assert r.language == "sv"


def test_finnish_text_matches_finnish_vocabulary() -> None:
    r = MATCHER.assess(
        facts("Hanke kehittää Lapin matkailun palveluja ja metsätalouden uusia tuotteita yritysten kanssa.")
    )
    codes = {f.code for f in r.fits}
    assert codes == {"upplevelser", "jord-skog-vatten"}
    assert r.language == "fi"
    ev = next(f for f in r.fits if f.code == "upplevelser").evidence[0]
    assert ev.term == "matkailu" and "matkailun" in ev.passage and ev.language == "fi"


def test_short_stems_do_not_match_inside_unrelated_words() -> None:
    # "vätg" (the stem of vätgas) must not match inside another word; "turism" must not match "naturism".
    r = MATCHER.assess(facts("En studie om naturismens historia och utvätgning."))
    assert r.fits == []
    assert r.level is None and r.strength_area_id is None
    assert [f.code for f in MATCHER.assess(facts("Satsning på naturturism i fjällen.")).fits] == [
        "upplevelser"
    ]


def test_best_fit_decides_area_and_level_with_reasons() -> None:
    text = "Vätgas från elektrolys, omställning och energieffektivisering i industrin."
    r = MATCHER.assess(facts(text))
    assert r.strength_area_id == ENERGY.strength_area_id
    assert r.fits[0].score > 0.9
    assert r.level in {"spets", "bredd"}
    assert "energi" in r.rationale and "vätgas" in r.rationale
    assert r.plan_key == MATCHER.key
    assert {p.version for p in r.plan_versions} == {1}


def test_placement_weighs_priorities_and_the_language_of_each_level() -> None:
    spets = MATCHER.assess(facts("Vätgas och elektrolys: forskning och en internationell testbädd."))
    assert spets.level == "spets"
    assert "vatgas" in spets.placement.rationale and "forskning" in spets.placement.rationale
    bredd = MATCHER.assess(
        facts("Energieffektivisering och omställning i små och medelstora företag i hela länet, med vätgas.")
    )
    assert bredd.level == "bredd"
    assert "hela länet" in bredd.placement.cues["bredd"]


def test_plan_key_changes_with_a_new_version() -> None:
    newer = StrengthAreaPlan(ENERGY.action_plan_id, ENERGY.strength_area_id, "energi", 2, ENERGY.priorities)
    assert Assessor([newer, FOREST, TOURISM]).key != MATCHER.key


def test_multi_word_terms_need_every_word() -> None:
    m = Assessor([plan("digitala-losningar", prio("ai", "spets", "artificiell intelligens"))])
    assert m.assess(facts("Artificiell intelligens i vården")).fits
    assert not m.assess(facts("Intelligens är mångfacetterat")).fits


def test_sustainability_dimensions_from_own_fields_or_the_text() -> None:
    r = MATCHER.assess(
        facts(
            "Vätgas för industrin.",
            sustainability={
                "economic": "Projektet ger nya arbetstillfällen och ökad lönsamhet hos företagen i länet.",
                "social": "",
                "environmental": None,
            },
        )
    )
    assert r.sustainability.described == ["economic"]
    assert r.sustainability.dimensions["economic"]["in_field"] is True
    assert r.sustainability.dimensions["social"]["described"] is False
    r2 = MATCHER.assess(facts("Vätgas minskar utsläppen och ger jämställdhet och lönsamhet."))
    assert r2.sustainability.described == ["economic", "social", "environmental"]


@pytest.mark.parametrize(
    "text",
    [
        "Etablering av en vindpark på fjället där samebyns renbete finns.",
        "Tuulivoimapuiston rakentaminen poronhoitoalueella.",
        "Ny kraftledning genom ett Natura 2000-område.",
    ],
)
def test_goal_conflicts_are_flagged_with_their_passages(text: str) -> None:
    r = MATCHER.assess(facts(text))
    assert len(r.sustainability.conflicts) == 1
    conflict = r.sustainability.conflicts[0]
    assert conflict.passages and "conflict" in conflict.note
    assert "conflict" in r.rationale


def test_no_conflict_without_an_intervention() -> None:
    r = MATCHER.assess(facts("Sydsamisk kulturturism tillsammans med renskötande samebyar."))
    assert r.sustainability.conflicts == []


def test_agenda_2030_claimed_against_supported() -> None:
    r = MATCHER.assess(
        facts("Vätgas ersätter fossila bränslen och minskar utsläppen.", claimed_goals=(7, 13, 5))
    )
    assert r.agenda2030.claimed_supported == [7, 13]
    assert r.agenda2030.claimed_unsupported == [5]
    assert "vätgas" in r.agenda2030.supported[7]


def test_geography_reach_against_the_portfolio() -> None:
    region = Region(municipalities=frozenset({"2380", "2303", "2309"}), spread={"2380": 40, "2303": 1})
    r = MATCHER.assess(facts("Vätgas.", municipalities=("2303", "2380", "0180")), region)
    rows = {m["code"]: m for m in r.geography.municipalities}
    assert rows["2303"]["name"] == "Ragunda" and rows["2303"]["open_applications"] == 1
    assert r.geography.outside_region == ["0180"]
    geo = next(c for c in r.criteria if c.measure == "geography")
    assert 0 < geo.value < 1
    remote = MATCHER.assess(facts("Vätgas.", municipalities=("2309",)), region)
    assert next(c for c in remote.criteria if c.measure == "geography").value == 1.0


def test_the_rubric_decides_score_and_recommendation() -> None:
    text = "Vätgas från elektrolys, omställning och energieffektivisering. Minskar utsläppen, ger jämställdhet och lönsamhet."
    strong = MATCHER.assess(facts(text, claimed_goals=(7,), municipalities=("2303",), applicant_known=True))
    assert strong.recommendation == "strong"
    assert strong.scale_max == 5 and 3.5 <= strong.score <= 5
    assert {c.measure for c in strong.criteria} == {
        "strategic_fit",
        "sustainability",
        "agenda2030",
        "geography",
        "partnership",
        "applicant",
    }
    only_fit = Rubric.model_validate(
        {
            "criteria": [
                {"id": "fit", "label": {"sv": "Träffbild"}, "measure": "strategic_fit", "weight": 1}
            ],
            "scale_max": 4,
            "thresholds": {"strong": 0.9, "moderate": 0.5, "weak": 0.1},
        }
    )
    r = Assessor([ENERGY, FOREST, TOURISM], only_fit, 3).assess(facts("Vätgas i industrin."))
    assert r.rubric_version == 3 and r.scale_max == 4
    # One vocabulary term: fit 1 - exp(-4.16 / 5) = 0.565, 2 of 4 points.
    assert r.criteria[0].points == 2 and r.score == 2.0
    assert r.recommendation == "moderate"
    nothing = MATCHER.assess(facts("En studie om naturismens historia."))
    assert nothing.recommendation == "none"


def test_claimed_strength_areas_confirmed_or_not() -> None:
    r = MATCHER.assess(facts("Vätgas.", claimed_areas=(ENERGY.strength_area_id, TOURISM.strength_area_id)))
    assert r.claims.confirmed == ["energi"] and r.claims.not_found == ["upplevelser"]


def override(part: str, value: object, basis: dict[str, int], rubric_version: int = 0) -> Override:
    return Override(part, value, "because", "assessor", datetime.now(UTC), basis, rubric_version)  # type: ignore[arg-type]


def test_an_override_is_touched_only_by_a_change_to_what_it_rests_on() -> None:
    r = MATCHER.assess(facts("Vätgas."))
    refs = r.plan_versions
    basis = override_basis("level", "bas", r.strength_area_id, refs)
    assert basis == {str(ENERGY.strength_area_id): 1}
    level = override("level", "bas", basis)
    assert not touched(level, refs, 0)
    forest_v2 = [
        x.model_copy(update={"version": 2}) if x.strength_area_id == FOREST.strength_area_id else x
        for x in refs
    ]
    assert not touched(level, forest_v2, 0)  # another area's plan changed
    energy_v2 = [
        x.model_copy(update={"version": 2}) if x.strength_area_id == ENERGY.strength_area_id else x
        for x in refs
    ]
    assert touched(level, energy_v2, 0)
    goals = override("agenda2030", [7], basis)
    assert not touched(goals, energy_v2, 5)
    rec = override("recommendation", "strong", basis)
    assert touched(rec, refs, 1) and not touched(rec, refs, 0)
    eff = effective(base_effective(r), [level, goals])
    assert eff.level == "bas" and eff.supported_goals == [7] and eff.strength_area_id == r.strength_area_id


def test_a_move_is_explained_by_the_plan_change() -> None:
    old = index_priorities([ENERGY])
    reduced = StrengthAreaPlan(
        ENERGY.action_plan_id, ENERGY.strength_area_id, "energi", 2, ENERGY.priorities[1:]
    )
    new = index_priorities([reduced])
    a = ENERGY.strength_area_id
    before = Outcome(a, "spets", "strong", ("vatgas", "omstallning"))
    after = Outcome(a, "bredd", "moderate", ("omstallning",))
    reason = explain(before, after, old, new, rubric_changed=False, text_changed=False)
    assert reason == Part("reason_priority_removed", {"priority": {"sv": "vatgas"}})
    assert english_one(reason) == "priority 'vatgas' was removed"
    moves = [Move(uuid4(), before, after, reason) for _ in range(12)]
    groups = group_moves(moves, {a: {"sv": "Hållbar energi"}})
    assert (
        groups[0].sentence
        == "12 applications fell from Spearhead to Breadth because priority 'vatgas' was removed."
    )
    text = english(summarize(20, 8, groups, 1, trigger_plan({"sv": "Hållbar energi"}, 2)))
    assert text.startswith(
        "20 open applications reassessed after Hållbar energi v2 was published. 12 applications fell"
    )
    assert "8 unchanged." in text and "1 reviewed assessment to confirm again." in text


def test_a_level_change_of_a_priority_is_the_reason() -> None:
    relevelled = StrengthAreaPlan(
        ENERGY.action_plan_id, ENERGY.strength_area_id, "energi", 2,
        (prio("vatgas", "bredd", "vätgas", "elektrolys"), ENERGY.priorities[1]),
    )  # fmt: skip
    a = ENERGY.strength_area_id
    reason = explain(
        Outcome(a, "spets", "strong", ("vatgas",)),
        Outcome(a, "bredd", "strong", ("vatgas",)),
        index_priorities([ENERGY]),
        index_priorities([relevelled]),
        rubric_changed=False,
        text_changed=False,
    )
    assert english_one(reason) == "priority 'vatgas' moved from Spearhead to Breadth"


# --------------------------------------------------------------------------- choosing an area


def twin_areas() -> tuple[StrengthAreaPlan, StrengthAreaPlan, Assessor]:
    a = plan("alfa", prio("a", "bredd", "fjällturism", "skidåkning"))
    b = plan("beta", prio("b", "bredd", "fjällturism", "skidåkning"))
    return a, b, Assessor([a, b])


def test_a_tie_between_areas_is_disclosed_and_broken_by_the_applicants_claim() -> None:
    a, b, assessor = twin_areas()
    r = assessor.assess(facts("Fjällturism och skidåkning året runt."))
    assert r.choice is not None and r.choice.tie == "tie"
    assert r.strength_area_id == a.strength_area_id  # no claim, as many priorities: by code
    assert "A tie: alfa and beta fit equally" in r.rationale and "order of the areas' codes" in r.rationale
    claimed = assessor.assess(
        facts("Fjällturism och skidåkning året runt.", claimed_areas=(b.strength_area_id,))
    )
    assert claimed.strength_area_id == b.strength_area_id
    assert "beta was chosen because the applicant claims it" in claimed.rationale
    tied = with_tie(Part("reason_rubric"), claimed, assessor.names)
    assert english_one(tied) == "the rubric changed (decided on a tie with alfa)"


def test_a_near_tie_names_the_runner_up() -> None:
    shared = ["fjällturism", "skidåkning", "vandring", "cykling", "paddling", "klättring", "ridning", "fiske"]
    a = StrengthAreaPlan(
        uuid4(), uuid4(), "alfa", 1, (prio("a", "bredd", *shared),), description={"sv": "Även forsränning."}
    )
    b = plan("beta", prio("b", "bredd", *shared))
    text = "Fjällturism: skidåkning, vandring, cykling, paddling, klättring, ridning, fiske och forsränning."
    r = Assessor([a, b]).assess(facts(text))
    assert r.strength_area_id == a.strength_area_id
    assert r.choice is not None and r.choice.tie == "near_tie" and r.choice.runner_up == "beta"
    assert "A near tie: beta fits almost as well" in r.rationale
    assert english_one(with_tie(Part("reason_rubric"), r, {})) == "the rubric changed (a near tie with beta)"
    clear = Assessor([a, plan("beta", prio("b", "bredd", "fiske"))]).assess(facts(text))
    assert clear.choice is not None and clear.choice.tie is None and clear.choice.runner_up == "beta"


def test_a_tie_on_the_pyramid_is_disclosed() -> None:
    area = plan("energi", prio("grund", "bas", "energibesparing"), prio("spets", "spets", "elektrolys"))
    r = Assessor([area]).assess(facts("Energibesparing och elektrolys."))
    assert r.placement.tie == ["bas", "spets"]
    assert "A tie between Base and Spearhead" in r.placement.rationale
    assert english_one(with_tie(Part("reason_rubric"), r, {})) == (
        "the rubric changed (a tie between Base and Spearhead on the pyramid)"
    )


def test_an_area_is_found_through_its_description_and_industries_not_only_its_vocabulary() -> None:
    food = StrengthAreaPlan(
        uuid4(),
        uuid4(),
        "jord-skog-vatten",
        1,
        (prio("skog", "spets", "skogsbruk"),),
        name={"sv": "Jord, skog och vatten"},
        description={"sv": "Areella näringar och förädlingen av deras råvaror."},
        nace_codes=("C10", "C11"),
    )
    assessor = Assessor([food, TOURISM])
    beer = assessor.assess(facts("Ett mikrobryggeri i Järpen bygger ut sitt tappningsverk för öl och cider."))
    assert beer.strength_area_id == food.strength_area_id
    sources = {e.source for e in beer.fits[0].evidence}
    assert any(s.startswith("NACE C11 Framställning av drycker") for s in sources)
    english = assessor.assess(facts("A local brewery expands its bottling line for beer and cider."))
    assert english.strength_area_id == food.strength_area_id and english.language == "en"
    norwegian = assessor.assess(
        facts("Et lokalt bryggeri og et meieri skal utvikle nye produkter av lokalmat.")
    )
    assert norwegian.strength_area_id == food.strength_area_id and norwegian.language == "no"


def test_no_fit_is_said_with_the_closest_area_and_why() -> None:
    r = MATCHER.assess(facts("Upprustning av en bygdegård för möten och kurser."))
    assert r.strength_area_id is None and r.recommendation == "none"
    assert r.choice is not None and r.choice.tie is None and r.choice.precedent is None


def test_a_reviewers_precedent_decides_applications_that_read_like_it() -> None:
    case = Facts(
        title="Fäbodbruk",
        summary="Fäbodbruk med getter på sommarbete, ostystning och smörkärning i fäboden.",
    )
    alone = MATCHER.assess(case)
    assert alone.strength_area_id is None
    precedent = Precedent(
        uuid4(),
        "Fäbodar i Oviken",
        FOREST.strength_area_id,
        "Fäbodbruk är skogsbete.",
        Signature.of(case.read()),
    )
    taught = Assessor(MATCHER.plans, precedents=[precedent])
    r = taught.assess(Facts(title="Fäbodbruk", summary="Getter på sommarbete och ostystning i fäboden."))
    assert r.strength_area_id == FOREST.strength_area_id
    assert r.choice is not None and r.choice.precedent is not None
    assert (
        "Like application 'Fäbodar i Oviken', which a reviewer placed under jord-skog-vatten" in r.rationale
    )
    unrelated = taught.assess(facts("Ett bibliotek i byn."))
    assert unrelated.strength_area_id is None and unrelated.choice is not None
    assert unrelated.choice.precedent is None


def test_agenda_2030_needs_a_passage_about_the_goal_not_one_common_word() -> None:
    one_word = MATCHER.assess(facts("Projektet bygger på samverkan mellan företagen i länet."))
    assert 17 not in one_word.agenda2030.supported
    specific = MATCHER.assess(facts("Internationellt samarbete med norska partner."))
    assert 17 in specific.agenda2030.supported
    two = MATCHER.assess(facts("Samverkan och partnerskap mellan kommunerna är kärnan. Nästa mening."))
    assert two.agenda2030.supported[17] == ["partnerskap", "samverkan"]
    assert "partnerskap" in two.agenda2030.passages[17]
    apart = MATCHER.assess(facts("Samverkan är viktig. Projektet har ett partnerskap."))
    assert 17 not in apart.agenda2030.supported


def test_stored_text_features_round_trip_and_older_ones_are_read_again() -> None:
    features = analyse("Vätgas i Östersund. Nästa mening om skogsbruket!")
    assert TextFeatures.from_json(features.to_json()) == features
    assert features.span(1) == (20, 48) and features.words[1][-1] == "skogsbruket"
    assert TextFeatures.from_json({**features.to_json(), "v": 0}) is None


# --------------------------------------------------------------------------- words in three languages


def say(parts: list[Part], language: str) -> str:
    return words([p.json() for p in parts], messages(language))  # type: ignore[arg-type]


NAMED = StrengthAreaPlan(
    ENERGY.action_plan_id,
    ENERGY.strength_area_id,
    "energi",
    1,
    (
        Priority(
            id="vatgas",
            title=LocalizedText(sv="Vätgas", en="Hydrogen", fi="Vety"),
            level="spets",
            vocabulary=["vätgas", "elektrolys"],
            valid_from=date(2026, 1, 1),
            valid_until=date(2027, 12, 31),
        ),
    ),
    name={"sv": "Hållbar energi", "en": "Sustainable energy", "fi": "Kestävä energia"},
)


def test_a_summary_is_parts_each_language_words() -> None:
    """What moved and why, by names (areas, priorities) and levels, in Swedish, English and Finnish."""
    relevelled = StrengthAreaPlan(
        NAMED.action_plan_id, NAMED.strength_area_id, "energi", 2,
        (NAMED.priorities[0].model_copy(update={"level": "bredd"}),), name=NAMED.name,
    )  # fmt: skip
    a = NAMED.strength_area_id
    before, after = Outcome(a, "spets", "strong", ("vatgas",)), Outcome(a, "bredd", "strong", ("vatgas",))
    reason = explain(
        before, after, index_priorities([NAMED]), index_priorities([relevelled]),
        rubric_changed=False, text_changed=False,
    )  # fmt: skip
    groups = group_moves([Move(uuid4(), before, after, reason)] * 12, Assessor([NAMED]).names)
    parts = summarize(
        303, 291, groups, 0, trigger_plan({"sv": "Hållbar energi", "en": "Sustainable energy"}, 3)
    )
    assert [p.key for p in parts] == ["summary_reassessed", "moved_group", "summary_unchanged"]
    assert say(parts, "en") == (
        "303 open applications reassessed after Sustainable energy v3 was published. 12 applications fell "
        "from Spearhead to Breadth because priority 'Hydrogen' moved from Spearhead to Breadth. 291 unchanged."
    )
    assert say(parts, "sv") == (
        "303 öppna ansökningar omprövades efter att version 3 av handlingsplanen för Hållbar energi "
        "publicerades. 12 ansökningar sjönk från Spets till Bredd eftersom prioriteringen ”Vätgas” "
        "flyttades från Spets till Bredd. 291 oförändrade."
    )
    assert say(parts, "fi") == (
        "303 avointa hakemusta arvioitiin uudelleen, kun vahvuusalan Hållbar energi toimenpidesuunnitelman "
        "versio 3 julkaistiin. 12 hakemusta laski tasolta Kärki tasolle Laajuus, koska priorisointi ”Vety” "
        "siirtyi tasolta Kärki tasolle Laajuus. 291 ennallaan."
    )
    one = summarize(1, 1, [], 2, Part("trigger_rubric", {"version": 2}))
    assert say(one, "sv") == (
        "1 öppen ansökan omprövades efter att version 2 av bedömningsmallen publicerades. Ingen flyttades. "
        "1 oförändrad. 2 granskade bedömningar att bekräfta på nytt."
    )
    # As the event carries them: the parts with their English text, read back by the schema.
    event = ReassessmentCompleted(
        reassessment_id=uuid4(), plan_key="k", plan_versions=[], assessed=303, unchanged=291, moved=[],
        groups=[MoveGroup.model_validate(group_json(g)) for g in groups],
        summary=english(parts), summary_parts=[TextPart.model_validate(p.json()) for p in parts],
    )  # fmt: skip
    again = ReassessmentCompleted.model_validate_json(event.model_dump_json())
    dumped = [p.model_dump(mode="json", exclude_defaults=True) for p in again.summary_parts]
    assert words(dumped, messages("fi")) == say(parts, "fi")
    assert again.groups[0].sentence_parts[0].text == groups[0].sentence
    legacy = {k: v for k, v in event.model_dump(mode="json").items() if k != "summary_parts"}
    assert ReassessmentCompleted.model_validate(legacy).summary_parts == []


def test_how_an_application_moved_names_areas_and_would_for_a_preview() -> None:
    a, b = uuid4(), uuid4()
    names = {a: {"sv": "Skog", "fi": "Metsä"}, b: "besok"}
    move = Move(uuid4(), Outcome(a, "bas", "weak", ()), Outcome(b, "bas", "weak", ()), Part("reason_rubric"))
    assert english_one(describe_change(move, names)) == "moved from strength area Skog to besok"
    assert say([describe_change(move, names, conditional=True)], "fi") == (
        "siirtyisi vahvuusalalta Metsä vahvuusalalle besok"
    )
    out = Move(uuid4(), Outcome(a, "bas", "weak", ()), Outcome(None, None, "none", ()), Part("reason_rubric"))
    groups = group_moves([out, out, move], names, conditional=True)
    assert [g.count for g in groups] == [2, 1]
    preview = summarize_preview(3, 0, groups, preview_of(plans=True, rubric=False))
    assert english(preview) == (
        "Publishing the draft plans would reassess 3 open applications. 2 applications would move out of "
        "strength area Skog because the rubric changed. 1 application would move from strength area Skog to "
        "besok because the rubric changed. 0 would stay as they are."
    )
    rec = Move(
        uuid4(), Outcome(a, "bas", "moderate", ()), Outcome(a, "bas", "weak", ()), Part("reason_rubric")
    )
    assert say([describe_change(rec, names)], "sv") == "sjönk i rekommendation från måttlig till svag"


def test_a_rationale_is_parts_each_language_words() -> None:
    """The rationale names the area and priorities in the reader's language, levels as the pyramid's
    and the recommendation in words; its English text is what the ``rationale`` field holds."""
    r = Assessor([NAMED, FOREST]).assess(facts("Vätgas från elektrolys: forskning och en testbädd."))
    assert r.strength_area_id == NAMED.strength_area_id
    assert english(r.rationale_parts) == r.rationale
    assert r.rationale.startswith("Best fit: strength area 'Sustainable energy' (fit ")
    assert "Placed at Spearhead: priority 'Hydrogen' (Spearhead) matched 2 terms" in r.rationale
    assert f"Rubric score {r.score} of 5: {r.recommendation}." in r.rationale
    fi = say(list(r.rationale_parts), "fi")
    assert fi.startswith("Paras osuvuus: vahvuusala ”Kestävä energia” (osuvuus 0,")
    assert "priorisoinnin ”Vety” sanasto" in fi  # where the terms came from
    assert "Sijoitettu tasolle Kärki: priorisointi ”Vety” (Kärki) osui 2 termiin" in fi
    assert "Arviointikehikon pisteet" in fi and "Best fit" not in fi and "Placed" not in fi
    sv = say(list(r.rationale_parts), "sv")
    assert sv.startswith("Bäst träffbild: styrkeområdet ”Hållbar energi”") and "prioriteringen ”Vätgas”" in sv
    for p in r.rationale_parts:  # as stored and as the API carries them
        assert TextPart.model_validate(p.json()).model_dump(mode="json", exclude_defaults=True) == p.json()


def test_conflicts_and_no_fit_are_worded_too() -> None:
    r = MATCHER.assess(facts("Vindkraftpark och kraftledning genom renbetesland och en sameby."))
    keys = [p.key for p in r.rationale_parts]
    assert "conflict" in keys
    fi = say(list(r.rationale_parts), "fi")
    assert "Mahdollinen tavoiteristiriita" in fi and "poronhoito" in fi
    none = MATCHER.assess(facts("Upprustning av en bygdegård för möten och kurser."))
    assert "placement_none" in [p.key for p in none.rationale_parts]
    assert "Ei sijoitettu: mikään vahvuusala ei sovi." in say(list(none.rationale_parts), "fi")


def test_every_message_is_in_three_languages_and_every_key_the_rules_use_has_words() -> None:
    """The catalogues hold every key the assessment words, in sv, en and fi, each with the same
    figures; the default rubric's labels come from them."""
    assert check_catalogues("kraftsamla_assessment") == []
    keys = {m.id for m in read_catalogue("kraftsamla_assessment", "en") if isinstance(m.id, str) and m.id}
    keys |= {m.id[0] for m in read_catalogue("kraftsamla_assessment", "en") if isinstance(m.id, tuple)}
    source = "".join(path.read_text() for path in Path(wording_module.__file__).parent.glob("*.py"))
    literal = set(re.findall(r'Part\(\s*"([a-z0-9_]+)"', source))
    literal |= set(re.findall(r'"((?:why|change|reason|choice|placement|rationale)_[a-z_]+)"', source))
    families = {f"level_{x}" for x in ("bas", "bredd", "spets", "none")}
    families |= {f"recommendation_{x}" for x in ("strong", "moderate", "weak", "none")}
    families |= {f"language_{x}" for x in ("sv", "en", "fi")} | {
        f"plan_{x}" for x in ("analysis", "challenges", "vision")
    }
    families |= {f"change_{k}{w}" for k in ("area_into", "area_out", "area", "level_fell", "level_rose",
                                              "recommendation_fell", "recommendation_rose") for w in ("", "_would")}  # fmt: skip
    families |= {f"criterion_{c.id}" for c in DEFAULT_RUBRIC.criteria}
    assert literal and literal - keys == set()
    assert families - keys == set()
    assert DEFAULT_RUBRIC.criteria[0].label.fi == "Strateginen osuvuus"


@pytest.mark.parametrize("raw", ["811228-9874", "198112289874"])
def test_an_applicant_named_by_a_personnummer_is_refused(raw: str) -> None:
    from kraftsamla_assessment.domain.assessor import normalise_identifier

    with pytest.raises(ValueError, match="personnummer"):
        normalise_identifier(raw)
    assert normalise_identifier("556012-5790") == "556012-5790"
