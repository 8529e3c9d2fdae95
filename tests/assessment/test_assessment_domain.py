"""The assessment rule on its own: stems, compounds, languages, evidence, recommendation."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from kraftsamla_assessment import domain
from kraftsamla_common.events import LocalizedText, Priority


def prio(pid: str, level: str, *terms: str) -> Priority:
    return Priority(
        id=pid,
        title=LocalizedText(sv=pid),
        level=level,  # type: ignore[arg-type]
        vocabulary=list(terms),
        valid_from=date(2026, 1, 1),
        valid_until=date(2027, 12, 31),
    )


def plan(code: str, *priorities: Priority, version: int = 1) -> domain.StrengthAreaPlan:
    return domain.StrengthAreaPlan(uuid4(), uuid4(), code, version, priorities)


ENERGY = plan(
    "energi",
    prio("vatgas", "spets", "vätgas", "elektrolys"),
    prio("omstallning", "bredd", "omställning", "energieffektivisering"),
)
FOREST = plan("jord-skog-vatten", prio("skogsbruk", "bredd", "skogsbruk", "metsätalous", "bioekonomi"))
TOURISM = plan("upplevelser", prio("hallbar-turism", "bas", "matkailu", "besöksnäring", "turism"))
MATCHER = domain.Matcher([ENERGY, FOREST, TOURISM])


def test_inflected_and_compound_swedish_words_match() -> None:
    r = MATCHER.assess("Projektet stärker skogsbruket och energiomställningen i länets kommuner.")
    codes = {f.code: f for f in r.fits}
    assert "skogsbruk" in codes["jord-skog-vatten"].matched_terms
    assert "omställning" in codes["energi"].matched_terms  # inside the compound "energiomställningen"
    assert r.language == "sv"


def test_finnish_text_matches_finnish_vocabulary() -> None:
    r = MATCHER.assess(
        "Hanke kehittää Lapin matkailun palveluja ja metsätalouden uusia tuotteita yhdessä yritysten kanssa."
    )
    codes = {f.code for f in r.fits}
    assert codes == {"upplevelser", "jord-skog-vatten"}
    assert r.language == "fi"
    ev = next(f for f in r.fits if f.code == "upplevelser").evidence[0]
    assert ev.term == "matkailu" and "matkailun" in ev.passage and ev.language == "fi"


def test_short_stems_do_not_match_inside_unrelated_words() -> None:
    # "vätg" (the stem of vätgas) must not match inside another word; "turism" must not match "naturism".
    r = MATCHER.assess("En studie om naturismens historia och utvätgning.")
    assert r.fits == []
    assert r.recommendation == "none" and r.level is None and r.strength_area_id is None
    assert [f.code for f in MATCHER.assess("Satsning på naturturism i fjällen.").fits] == ["upplevelser"]


def test_best_fit_decides_area_level_and_recommendation_with_reasons() -> None:
    text = "Vätgas från elektrolys, omställning och energieffektivisering i industrin."
    r = MATCHER.assess(text)
    assert r.strength_area_id == ENERGY.strength_area_id
    assert r.score == 1.0 and r.recommendation == "strong"
    assert r.level in {"spets", "bredd"}
    assert "energi" in r.rationale and "vätgas" in r.rationale
    assert r.plan_key == MATCHER.key
    assert {p.version for p in r.plan_versions} == {1}


def test_plan_key_changes_with_a_new_version() -> None:
    newer = domain.StrengthAreaPlan(
        ENERGY.action_plan_id, ENERGY.strength_area_id, "energi", 2, ENERGY.priorities
    )
    assert domain.Matcher([newer, FOREST, TOURISM]).key != MATCHER.key


def test_multi_word_terms_need_every_word() -> None:
    m = domain.Matcher([plan("digitala-losningar", prio("ai", "spets", "artificiell intelligens"))])
    assert m.assess("Artificiell intelligens i vården").fits
    assert not m.assess("Intelligens är mångfacetterat").fits


def test_summary_names_what_moved() -> None:
    a, b = uuid4(), uuid4()
    moves = [
        domain.Move(uuid4(), "spets", "bredd", a, a),
        domain.Move(uuid4(), "spets", "bredd", a, a),
        domain.Move(uuid4(), "bas", "bas", a, b),
    ]
    text = domain.summarize(10, moves, {a: "energi", b: "upplevelser"}, "energi v2 was published")
    assert text.startswith("10 open applications reassessed after energi v2 was published")
    assert "2 moved from spets to bredd" in text
    assert "1 moved from strength area energi to upplevelser" in text
    assert "7 unchanged" in text
