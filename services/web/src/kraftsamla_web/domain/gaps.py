"""What the desk says is missing, each as a short sentence in the reader's language with a link
where the platform has a page for it: action plans overdue for revision, the gaps of EU enabling
condition 1.1's checklist, and the gaps in the region's partnerships (the quadruple helix, the
municipalities reached). Pure: the services' answers and the reader's messages in, sentences out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from kraftsamla_common.i18n import Messages
from kraftsamla_common.municipalities import municipality_by_code


class ReviewStatus(Protocol):
    @property
    def last_revised(self) -> datetime | None: ...
    @property
    def next_review(self) -> date | None: ...


class ActionPlanLine(Protocol):
    """An action plan as the plans service lists it (``kraftsamla_web.schemas.ActionPlanLine``)."""

    @property
    def strength_area_code(self) -> str: ...
    @property
    def strength_area_name(self) -> Mapping[str, str | None]: ...
    @property
    def review(self) -> ReviewStatus: ...


class Finding(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def params(self) -> Mapping[str, Any]: ...
    @property
    def text(self) -> str: ...


class Criterion(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def missing(self) -> Sequence[Finding]: ...


class Checklist(Protocol):
    """EU enabling condition 1.1 as the plans service evaluates it (``schemas.Checklist``)."""

    @property
    def criteria(self) -> Sequence[Criterion]: ...


class Gap(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def helix(self) -> str | None: ...
    @property
    def municipality(self) -> str | None: ...
    @property
    def share(self) -> float | None: ...


class Composition(Protocol):
    """A region's partnerships as the actors service counts them (``schemas.Composition``)."""

    @property
    def gaps(self) -> Sequence[Gap]: ...


@dataclass(frozen=True)
class Sentence:
    text: str
    href: str | None = None


def overdue_plan(t: Messages, plan: ActionPlanLine, today: date) -> Sentence:
    """ "The action plan for Hållbar energi is overdue: the review planned for 1 June 2026 has passed." """
    area = t.text(plan.strength_area_name) or plan.strength_area_code
    review = plan.review
    if review.next_review is not None and review.next_review < today:
        why = t("overdue_review_passed", date=t.day(review.next_review))
    elif review.last_revised is None:
        why = t("overdue_never_published")
    else:
        why = t("overdue_not_revised", date=t.day(review.last_revised.date()))
    return Sentence(t("overdue_plan", area=area, why=why))


def finding(t: Messages, f: Finding, params: Mapping[str, Any] | None = None) -> str:
    """A finding of the checklist in the reader's language (``checklist_<key>``; the service's
    English where the catalogue has no such key), its counts as the language writes numbers and in
    the form the count asks for where the message has plural forms (``{n} of {total} …`` by the
    total, ``{n} …`` by ``n``); ``params`` in place of the finding's own (names worded for the
    reader)."""
    key = f"checklist_{f.key}"
    if not t.has(key):
        return f.text
    given = dict(f.params if params is None else params)
    shown = {k: t.number(v) if type(v) is int else v for k, v in given.items()}
    count = given.get("total", given.get("n"))
    if type(count) is int:
        counted = t.plural(key, count, **shown)
        if counted != key:  # a message with plural forms (one without answers its key)
            return counted
    return t.fill(key, shown)


def checklist_gaps(t: Messages, checklist: Checklist) -> list[Sentence]:
    """Each criterion not met, with what it lacks ("Criterion 1, up-to-date analysis …, is not met:
    not revised in time: Hållbar energi"). (The latest report's follow-up shows the whole checklist:
    the desk links to it once, under the gaps.)"""
    out: list[Sentence] = []
    for c in checklist.criteria:
        if c.status == "met":
            continue
        title = t(f"checklist_criterion_{c.key}") if t.has(f"checklist_criterion_{c.key}") else c.key
        lacks = [finding(t, f) for f in c.missing]
        key = "checklist_gap_partial" if c.status == "partial" else "checklist_gap_missing"
        text = t(key, number=c.number, criterion=title)
        if lacks:
            text = t("checklist_gap_lacks", gap=text, lacks="; ".join(lacks))
        out.append(Sentence(text))
    return out


def partnership_gaps(t: Messages, composition: Composition, empty: str = "gap_empty") -> list[Sentence]:
    """The region's (or one group's) partnership gaps: no members at all (worded by ``empty``), a
    helix missing or holding too much, a municipality no member comes from."""
    out: list[Sentence] = []
    for gap in composition.gaps:
        helix = t(f"helix_{gap.helix}") if gap.helix else ""
        if gap.kind == "empty":
            text = t(empty)
        elif gap.kind == "helix_missing":
            text = t("gap_helix_missing", helix=helix)
        elif gap.kind == "helix_dominant":
            share = t.number(round((gap.share or 0) * 100))
            text = t("gap_helix_dominant", helix=helix, share=share)
        elif gap.kind == "municipality_uncovered" and gap.municipality:
            found = municipality_by_code(gap.municipality)
            text = t("gap_municipality_uncovered", municipality=found.name if found else gap.municipality)
        elif gap.kind == "municipalities_unknown":
            text = t("gap_municipalities_unknown")
        else:
            text = gap.message
        out.append(Sentence(text))
    return out
