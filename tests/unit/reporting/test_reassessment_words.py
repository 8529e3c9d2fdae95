"""The report words a reassessment's summary, as the assessment service sends it in parts, in the
reader's language from its own catalogue: every key such a summary can hold is there, in sv, en and
fi, naming the same figures as the assessment's own catalogue."""

from __future__ import annotations

from uuid import uuid4

from kraftsamla_assessment.domain.reassessment import (
    Move,
    Outcome,
    explain,
    group_moves,
    summarize,
    trigger_plan,
)
from kraftsamla_assessment.domain.wording import PACKAGE, english
from kraftsamla_common.i18n import LANGUAGES, placeholders, read_catalogue
from kraftsamla_common.wording import words
from kraftsamla_reporting.adapters.labels import PACKAGE as REPORTING
from kraftsamla_reporting.adapters.labels import Labels

CARRIED = ("reason_", "change_", "summary_", "trigger_", "area_", "moved_group", "as_written")
"""What a reassessment's summary and its groups' sentences are made of (with levels and
recommendations, which the report has words for already)."""


def _texts(package: str, language: str) -> dict[str, tuple[str, ...]]:
    out = {}
    for m in read_catalogue(package, language):  # type: ignore[arg-type]
        if m.id:
            key = m.id if isinstance(m.id, str) else m.id[0]
            out[key] = tuple(m.string) if isinstance(m.string, (tuple, list)) else (m.string,)
    return out


def test_the_report_has_words_for_every_part_of_a_reassessment_summary() -> None:
    for language in LANGUAGES:
        assessment, reporting = _texts(PACKAGE, language), _texts(REPORTING, language)
        carried = {k for k in assessment if k.startswith(CARRIED) and not k.endswith("_would")}
        assert carried and carried - set(reporting) == set(), language
        for key in carried:
            wanted = {p for t in assessment[key] for p in placeholders(t)}
            assert {p for t in reporting[key] for p in placeholders(t)} == wanted, (language, key)
        assert {f"level_{x}" for x in ("bas", "bredd", "spets", "none")} <= set(reporting)
        assert {f"recommendation_{x}" for x in ("strong", "moderate", "weak", "none")} <= set(reporting)


def test_a_summary_reads_in_the_reports_language() -> None:
    area = uuid4()
    before, after = Outcome(area, "spets", "strong", ()), Outcome(None, None, "none", ())
    reason = explain(before, after, {}, {}, rubric_changed=True, text_changed=False)
    groups = group_moves([Move(uuid4(), before, after, reason)] * 2, {area: {"sv": "Skog", "fi": "Metsä"}})
    parts = summarize(5, 3, groups, 1, trigger_plan({"sv": "Skog", "fi": "Metsä"}, 4))
    sent = [p.json() for p in parts]
    assert words(sent, Labels("sv")) == (
        "5 öppna ansökningar omprövades efter att version 4 av handlingsplanen för Skog publicerades. "
        "2 ansökningar flyttades ut ur styrkeområdet Skog eftersom bedömningsmallen ändrades. "
        "3 oförändrade. 1 granskad bedömning att bekräfta på nytt."
    )
    assert words(sent, Labels("fi")) == (
        "5 avointa hakemusta arvioitiin uudelleen, kun vahvuusalan Metsä toimenpidesuunnitelman versio 4 "
        "julkaistiin. 2 hakemusta siirtyi pois vahvuusalalta Metsä, koska arviointikehikko muuttui. "
        "3 ennallaan. 1 tarkistettu arvio vahvistettava uudelleen."
    )
    assert words(sent, Labels("en")) == english(parts)
    # A part the report has no words for yet (from a newer assessment service) reads as sent.
    newer = {"key": "summary_from_the_future", "params": {"n": 2}, "text": "Something new."}
    assert words([newer], Labels("fi")) == "Something new."
