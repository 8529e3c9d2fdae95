"""The rubric's reason for each criterion and the service's refusals, each a message key with its
values, worded in Swedish, English and Finnish when read (the plural forms of each language), and an
assessment stored before reasons were kept that way still read as it was written."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
import pytest

from kraftsamla_assessment.api.presenting import assessment_public
from kraftsamla_assessment.domain.assessor import Assessor, Facts, Region
from kraftsamla_assessment.domain.plans import StrengthAreaPlan
from kraftsamla_assessment.domain.wording import PACKAGE, messages
from kraftsamla_assessment.persistence.tables import Assessment
from kraftsamla_assessment.usecases import refusals
from kraftsamla_assessment.usecases.assessing import new_assessment
from kraftsamla_common.events import LocalizedText, Priority
from kraftsamla_common.i18n import Messages, read_catalogue
from kraftsamla_common.wording import word

ROOT = Path(__file__).resolve().parents[3]
ENERGY = StrengthAreaPlan(
    uuid4(),
    uuid4(),
    "energi",
    1,
    (
        Priority(
            id="vatgas",
            title=LocalizedText(sv="Vätgas"),
            level="spets",
            vocabulary=["vätgas", "elektrolys"],
            valid_from=date(2026, 1, 1),
            valid_until=date(2027, 12, 31),
        ),
    ),
    name={"sv": "Hållbar energi", "en": "Sustainable energy"},
)
ASSESSOR = Assessor([ENERGY])
REGION = Region(frozenset({"2380", "2309"}), {"2380": 4, "2309": 1})


def reasons(facts: Facts) -> dict[str, Any]:
    """Each measure's reason as it is stored (JSON), from an assessment of ``facts``."""
    result = ASSESSOR.assess(facts, REGION)
    return {c.measure: orjson.loads(orjson.dumps(c.reason)) for c in result.criteria}


def said(stored: dict[str, Any], language: str) -> dict[str, str]:
    return {k: word(v, messages(language)) for k, v in stored.items()}  # type: ignore[arg-type]


def test_a_reason_is_stored_as_a_key_and_values_and_worded_in_each_language() -> None:
    one = Facts(
        title="Vätgas",
        summary="Förstudie om vätgas från elektrolys. Vindkraftpark i renbetesland med en sameby.",
        municipalities=("2380", "0180"),
        partners=1,
        helix=frozenset({"academia"}),
        claimed_goals=(7,),
        applicant_known=True,
    )
    stored = reasons(one)
    assert not any(isinstance(v, str) for v in stored.values())  # no sentence is worded when assessing
    assert stored["partnership"] == {
        "key": "criterion_reason_partnership",
        "params": {
            "partners": {"key": "criterion_reason_partners", "params": {"n": 1}},
            "helix": {"key": "criterion_reason_helix_types", "params": {"n": 1}},
        },
    }
    assert said(stored, "en") == {
        "strategic_fit": "'Sustainable energy' fits through vätgas and elektrolys",
        "sustainability": "0 of 3 dimensions described; 1 possible goal conflict",
        "agenda2030": "1 of 1 claimed goal supported by the text",
        "geography": "Reaches 2 municipalities; Stockholm has 0 other open applications so far. "
        "Outside the region: Stockholm.",
        "partnership": "1 partner, 1 helix type known",
        "applicant": "the applicant is a registered actor of the region",
    }
    assert said(stored, "sv") == {
        "strategic_fit": "”Hållbar energi” passar genom orden vätgas och elektrolys",
        "sustainability": "0 av 3 dimensioner beskrivna; 1 möjlig målkonflikt",
        "agenda2030": "1 av 1 angivet mål stöds av texten",
        "geography": "Når 2 kommuner; Stockholm har hittills 0 andra öppna ansökningar. "
        "Utanför regionen: Stockholm.",
        "partnership": "1 partner, 1 känd aktörstyp i helixen",
        "applicant": "sökanden är en registrerad aktör i regionen",
    }
    assert said(stored, "fi") == {
        "strategic_fit": "”Hållbar energi” sopii sanojen vätgas ja elektrolys perusteella",
        "sustainability": "kolmesta ulottuvuudesta kuvattu 0; 1 mahdollinen tavoiteristiriita",
        "agenda2030": "1/1 ilmoitetusta tavoitteesta saa tukea tekstistä",
        "geography": "Ulottuu 2 kuntaan; Stockholm: toistaiseksi 0 muuta avointa hakemusta. "
        "Alueen ulkopuolella: Stockholm.",
        "partnership": "1 kumppani, 1 tunnettu nelikantamallin toimijatyyppi",
        "applicant": "hakija on alueen rekisteröity toimija",
    }


def test_the_plural_forms_follow_the_figures() -> None:
    many = Facts(
        title="Vätgas",
        summary="Förstudie om vätgas från elektrolys.",
        municipalities=("2309",),
        partners=3,
        helix=frozenset({"academia", "business"}),
        claimed_goals=(7, 9),
    )
    stored = reasons(many)
    assert said(stored, "en")["partnership"] == "3 partners, 2 helix types known"
    assert said(stored, "sv")["partnership"] == "3 partner, 2 kända aktörstyper i helixen"
    assert said(stored, "fi")["partnership"] == "3 kumppania, 2 tunnettua nelikantamallin toimijatyyppiä"
    assert said(stored, "en")["agenda2030"].endswith("of 2 claimed goals supported by the text")
    assert said(stored, "sv")["agenda2030"].endswith("av 2 angivna mål stöds av texten")
    assert said(stored, "fi")["agenda2030"].endswith("/2 ilmoitetuista tavoitteista saa tukea tekstistä")
    assert (
        said(stored, "en")["geography"]
        == "Reaches 1 municipality; Krokom has 1 other open application so far."
    )
    assert said(stored, "sv")["geography"] == "Når 1 kommun; Krokom har hittills 1 annan öppen ansökan."
    assert said(stored, "fi")["geography"] == "Ulottuu 1 kuntaan; Krokom: toistaiseksi 1 muu avoin hakemus."
    none = reasons(Facts(title="Bygdegård", summary="Upprustning av en bygdegård för möten och kurser."))
    assert said(none, "fi")["strategic_fit"] == "mikään alueen suunnitelmien vahvuusala ei sovi tekstiin"
    assert said(none, "sv")["geography"] == "ingen av regionens kommuner nämns"
    assert said(none, "en")["agenda2030"] == "no goals claimed; the text supports 0"


def _row(criteria: list[dict[str, Any]]) -> Assessment:
    return Assessment(
        id=str(uuid4()),
        application_id=str(uuid4()),
        application_revision=1,
        trigger="intake",
        plan_key="k",
        plan_versions=[],
        rubric_version=0,
        strength_area_id=None,
        level=None,
        score=0.0,
        recommendation="none",
        fits=[],
        details={"criteria": criteria},
        language="sv",
        rationale="",
        rationale_parts=None,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_an_assessment_reads_its_reasons_in_the_language_asked_for_and_english_as_before() -> None:
    result = ASSESSOR.assess(Facts(title="Vätgas", summary="Förstudie om vätgas från elektrolys."), REGION)

    class App:
        id, region, revision = str(uuid4()), "r", 1

    row = new_assessment(App(), result, "intake")  # type: ignore[arg-type]
    fi = assessment_public(row, Messages("fi", (PACKAGE,)))
    applicant = next(c for c in fi.criteria if c.measure == "applicant")
    assert applicant.reason == "the applicant is not (yet) a registered actor of the region"
    assert [(p.key, p.text) for p in applicant.reason_parts] == [
        ("criterion_reason_applicant_unknown", "hakija ei ole (vielä) alueen rekisteröity toimija")
    ]
    # Stored before reasons were parts: the English sentence, in every language, as written.
    old = {
        "id": "sokande",
        "measure": "applicant",
        "weight": 5,
        "value": 0.0,
        "points": 0,
        "reason": "as it was",
    }
    [kept] = assessment_public(_row([old]), Messages("sv", (PACKAGE,))).criteria
    assert kept.reason == "as it was"
    assert [(p.key, p.text) for p in kept.reason_parts] == [("as_written", "as it was")]


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_every_refusal_the_use_cases_say_has_words_in_each_language(language: str) -> None:
    source = "".join(
        p.read_text() for p in (ROOT / "services/assessment/src/kraftsamla_assessment/usecases").glob("*.py")
    )
    keys = set(re.findall(r'said\(\s*"(refused_[a-z0-9_]+)"', source))
    assert {
        "refused_review_conflict_of_interest",
        "refused_assign_conflict_of_interest",
        "refused_status",
    } <= keys
    catalogue = read_catalogue(PACKAGE, language)  # type: ignore[arg-type]
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert keys - known == set()


def test_a_refusal_names_statuses_and_applications_in_the_readers_words() -> None:
    status = refusals.status
    one = refusals.said("refused_decide", status=status("withdrawn"))
    assert one.text("en") == "An application with the status 'Withdrawn' cannot be decided."
    assert one.text("sv") == "En ansökan med status ”Återkallad” kan inte beslutas."
    assert one.text("fi") == "Hakemusta, jonka tila on ”Peruttu”, ei voi ratkaista."
    two = refusals.said(
        "refused_assign_conflict_of_interest", n=2, who="user:lisa", applications=refusals.titles(["A", "B"])
    )
    assert (
        two.text("en")
        == "user:lisa declared a conflict of interest with 'A' and 'B' and cannot be assigned to review them."
    )
    assert (
        two.text("sv")
        == "user:lisa har anmält jäv för ansökningarna ”A” och ”B” och kan inte tilldelas dem för granskning."
    )
    assert two.text("fi") == (
        "user:lisa on ilmoittanut olevansa esteellinen hakemusten ”A” ja ”B” suhteen, joten niitä ei voi osoittaa "
        "hänen tarkastettavakseen."
    )


def test_every_reason_the_rubric_gives_has_words_in_each_language() -> None:
    source = (ROOT / "services/assessment/src/kraftsamla_assessment/domain/assessor.py").read_text()
    keys = set(re.findall(r'"key": "(criterion_reason_[a-z0-9_]+)"', source))
    assert len(keys) >= 15
    for language in ("sv", "en", "fi"):
        known = {
            m.id if isinstance(m.id, str) else m.id[0] for m in read_catalogue(PACKAGE, language) if m.id
        }  # type: ignore[arg-type]
        assert keys - known == set(), language
