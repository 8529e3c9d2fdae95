"""The application list's query as the page keeps it in its URL (filters, search, order, page),
and the small pure rules of showing an application: its matched terms marked in its texts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, get_args
from urllib.parse import urlencode

from markupsafe import Markup, escape

from kraftsamla_common.events.assessment import ApplicationStatus, Recommendation
from kraftsamla_common.events.shared import FundingSource, Level

FILTERS = (
    "strength_area",
    "level",
    "recommendation",
    "status",
    "review",
    "municipality",
    "funding_source",
    "assigned_to",
)
"""The list's filters, as the assessment service names them (and counts them, ``facets=true``)."""

NO_ONE = "none"
"""``assigned_to=none``: the applications assigned to no assessor."""

SORTS = ("-received_at", "received_at", "title", "-title", "-score", "score", "-updated_at")
"""The orders the page offers; the first is its default (newest received first)."""

PAGE_SIZE = 25
MAX_QUERY = 200
MAX_OFFSET = 100_000

REVIEW_STATES = ("none", "confirmed", "overridden", "needs_review")

_ALLOWED: dict[str, re.Pattern[str] | frozenset[str]] = {
    "strength_area": re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$"),
    "level": frozenset(get_args(Level)),
    "recommendation": frozenset(get_args(Recommendation)),
    "status": frozenset(get_args(ApplicationStatus)),
    "review": frozenset(REVIEW_STATES),
    "municipality": re.compile(r"^\d{3,4}$"),
    "funding_source": frozenset(get_args(FundingSource)),
    "assigned_to": re.compile(r"^\S{1,200}$"),
}
"""What each filter's value may be (as the service takes it): anything else is dropped, not sent."""

_AS_WRITTEN = frozenset({"assigned_to"})
"""Filters whose values are kept as written (a person's name at the services, ``user:<subject>``,
may have capitals); the others are codes, taken in lower case."""


def _allowed(name: str, value: str) -> bool:
    if name == "assigned_to" and value == "me":
        return False  # the service's word for the caller: the list names assessors
    rule = _ALLOWED[name]
    return bool(rule.fullmatch(value)) if isinstance(rule, re.Pattern) else value in rule


def _value(name: str, raw: str | None) -> str:
    value = (raw or "").strip()
    return value if name in _AS_WRITTEN else value.lower()


@dataclass(frozen=True)
class ListQuery:
    """The list's filters, free-text search, order and first row, from the page's URL; ``waiting``:
    only the open applications waiting for a review (not reviewed, or to review again)."""

    filters: Mapping[str, str] = field(default_factory=dict)
    waiting: bool = False
    q: str = ""
    sort: str = SORTS[0]
    offset: int = 0

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ListQuery:
        """The query from a URL's parameters; values the service would refuse are left out."""
        filters = {
            name: value
            for name in FILTERS
            if (value := _value(name, params.get(name))) and _allowed(name, value)
        }
        waiting = (params.get("waiting") or "").strip().lower() == "true"
        q = " ".join((params.get("q") or "").split())[:MAX_QUERY]
        sort = params.get("sort") or SORTS[0]
        try:
            offset = max(0, min(int(params.get("offset") or 0), MAX_OFFSET))
        except ValueError:
            offset = 0
        return cls(
            filters=filters, waiting=waiting, q=q, sort=sort if sort in SORTS else SORTS[0], offset=offset
        )

    def service_params(self) -> dict[str, Any]:
        """The assessment service's parameters for one page of the list, with its facets."""
        return {
            **self.filters,
            "waiting": "true" if self.waiting else None,
            "q": self.q or None,
            "sort": self.sort,
            "limit": PAGE_SIZE,
            "offset": self.offset,
            "facets": "true",
        }

    def url(self, path: str, **changes: Any) -> str:
        """This query's page at ``path`` (with ``changes``: another offset, order…), empty parts left out."""
        query = replace(self, **changes) if changes else self
        params: dict[str, Any] = {**query.filters}
        if query.waiting:
            params["waiting"] = "true"
        if query.q:
            params["q"] = query.q
        if query.sort != SORTS[0]:
            params["sort"] = query.sort
        if query.offset:
            params["offset"] = query.offset
        return path + ("?" + urlencode(params) if params else "")

    @property
    def narrowed(self) -> bool:
        return bool(self.filters or self.waiting or self.q)


@dataclass(frozen=True)
class Paging:
    """Rows ``first``–``last`` of ``count``, and where the previous and next pages start."""

    first: int
    last: int
    count: int
    previous: int | None
    next: int | None


def paging(offset: int, shown: int, count: int, size: int = PAGE_SIZE) -> Paging:
    return Paging(
        first=offset + 1 if shown else 0,
        last=offset + shown,
        count=count,
        previous=max(0, offset - size) if offset > 0 else None,
        next=offset + size if offset + size < count else None,
    )


def highlighted(text: str | None, terms: Iterable[str]) -> Markup:
    """``text`` as HTML (escaped) with each occurrence of a term marked (``<mark>``), whatever its
    case; longer terms first, so "vätgas" inside "vätgasdrift" is one mark."""
    if not text:
        return Markup("")
    wanted = sorted({t for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out: list[str] = []
    at = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[at : match.start()])))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        at = match.end()
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def matched_terms(fits: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every term an assessment's fits matched (their evidence's terms and their matched terms)."""
    found: list[str] = []
    for fit in fits:
        for term in [*fit.get("matched_terms", []), *(e.get("term", "") for e in fit.get("evidence", []))]:
            if term and term not in found:
                found.append(term)
    return found


def area_names(plans: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, str | None]]:
    """Strength areas' names in every language they have, by id and by code, from a report's
    plan lines (``strength_area_id``, ``strength_area_code``, ``strength_area_name``)."""
    names: dict[str, Mapping[str, str | None]] = {}
    for line in plans:
        name = line.get("strength_area_name")
        if not name:
            continue
        for key in (line.get("strength_area_id"), line.get("strength_area_code")):
            if key:
                names[str(key)] = name
    return names


def best_fit_name(rationale_parts: Iterable[Mapping[str, Any]]) -> Mapping[str, str | None] | None:
    """The best-fitting strength area's name as the assessment's rationale carries it (where it
    says which area fits best)."""
    for part in rationale_parts:
        if part.get("key", "").startswith("rationale_best_fit"):
            area = (part.get("params") or {}).get("area")
            if isinstance(area, Mapping):
                return area
    return None
