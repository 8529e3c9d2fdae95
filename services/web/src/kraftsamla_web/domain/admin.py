"""The administration pages' rules, pure: what each form's fields make for the services (an API key,
a webhook, the region's settings, a new rubric version), the services' JSON pointers back at those
fields, and the audit log: the four services' rows merged newest first, what each row did as a
catalogue key, the filters and the pages kept in the URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from kraftsamla_common.municipalities import municipalities_of, municipality

ADMINS = frozenset({"admin", "operator"})
"""Who the administration pages are for (everyone else: 404, as another region's pages)."""

KEY_ROLES = ("integrator", "admin", "assessor", "viewer")
"""The roles a key issued over the API may have, in the form's order."""
KEY_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
"""A key's name as the assessment service takes it (anything else in a page's path: 404)."""
EXPIRING_DAYS = 30
"""A key that ends within this many days is said to expire soon."""

WEBHOOK_EVENTS = (
    "application.assessed",
    "application.reassessed",
    "application.decided",
    "application.status_changed",
    "reassessment.completed",
)
"""The events a webhook may subscribe to, as the assessment service names them."""
DELIVERIES_PAGE = 25

COUNTRIES = ("SE", "FI")
MAX_MUNICIPALITIES = 400

AUDIT_SERVICES = ("assessment", "plans", "actors", "reporting")
AUDIT_PAGE = 50
AUDIT_BATCH = 200
"""Rows read from one service at a time when the page filters by what was done (which the
services' audit routes do not filter by)."""
AUDIT_ROUNDS = 3
"""At most so many reads of ``AUDIT_BATCH`` rows for one page: the page says how far it looked."""
AUDIT_RECENT_DAYS = 7


# --------------------------------------------------------------------------- form errors


def field_of(pointer: str, fields: Collection[str], message: str = "") -> str:
    """The form field a JSON pointer into the body names ("" for the form as a whole).

    ``/name`` → ``name``, ``/municipalities/3`` → ``municipalities``, ``/event_types/0`` →
    ``event_types``, ``/rubric/criteria/2/weight`` → ``weight_2``, ``/rubric/thresholds/strong`` →
    ``strong``, ``/rubric/thresholds`` (their order) → ``thresholds``, ``/rubric/scale_max`` →
    ``scale_max``. An error of the body as a whole (a rule across fields, pointer ``""``) is put at
    the first field its message names (``expires must be in the future`` → ``expires``)."""
    steps = [s for s in pointer.split("/") if s] if pointer.startswith("/") else []
    if steps[:1] == ["rubric"]:
        steps = steps[1:]
        if steps[:1] == ["criteria"] and len(steps) >= 3 and steps[1].isdigit():
            name = f"{steps[2]}_{steps[1]}"
            return name if name in fields else ""
        if steps[:1] == ["thresholds"] and len(steps) >= 2:
            return steps[1] if steps[1] in fields else "thresholds"
    if not steps:
        words = set(re.findall(r"[a-z_]+", message.lower()))
        return next((f for f in fields if f in words), "")
    return steps[0] if steps[0] in fields else ""


_ROW = re.compile(r"_\d+$")


def errors_at_fields(
    errors: Iterable[Mapping[str, Any]],
    form: str,
    fields: Collection[str],
    has: Callable[[str], bool],
    say: Callable[[str], str],
) -> dict[str, str]:
    """Each field's message in the reader's language: the catalogue's ``form_error_<form>_<field>``
    (a rubric's ``weight_2`` reads ``form_error_rubric_weight``), else the service's own words. The
    first error of a field is kept; those of no field are under ""."""
    found: dict[str, str] = {}
    for error in errors:
        message = str(error.get("message") or "").removeprefix("Value error, ")
        name = field_of(str(error.get("pointer") or ""), fields, message)
        key = f"form_error_{form}_{_ROW.sub('', name) or 'form'}"
        found.setdefault(name, say(key) if has(key) else message)
    return found


# --------------------------------------------------------------------------- API keys


def key_body(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """``POST …/api-keys`` from the issue form, and what the form itself says is wrong before
    asking (field → catalogue key): an expiry that is not a day, an integrator without its funding
    system. The funding system is sent for an integrator only (the field is there for every role)."""
    role = form.get("role", "").strip()
    body: dict[str, Any] = {"name": form.get("name", "").strip(), "role": role}
    wrong: dict[str, str] = {}
    if role == "integrator":
        source = form.get("source", "").strip()
        if source:
            body["source"] = source
        else:
            wrong["source"] = "form_error_key_source_missing"
    organisation = form.get("organisation", "").strip()
    if organisation:
        body["organisation"] = organisation
    expires = form.get("expires", "").strip()
    if expires:
        try:
            day = date.fromisoformat(expires)
        except ValueError:
            wrong["expires"] = "form_error_key_expires"
        else:
            body["expires"] = datetime.combine(day, time(), UTC).isoformat()
    return body, wrong


def expiring_soon(expires: datetime | None, now: datetime) -> bool:
    return expires is not None and now <= expires <= now + timedelta(days=EXPIRING_DAYS)


@dataclass(frozen=True)
class KeyCounts:
    active: int = 0
    integrators: int = 0
    expiring: int = 0


def key_counts(keys: Iterable[Mapping[str, Any]], now: datetime) -> KeyCounts:
    """The overview's line on keys: active ones (of them integrators', and those expiring soon)."""
    active = [k for k in keys if k.get("state") == "active"]
    return KeyCounts(
        active=len(active),
        integrators=sum(1 for k in active if k.get("role") == "integrator"),
        expiring=sum(1 for k in active if expiring_soon(k.get("expires"), now)),
    )


# --------------------------------------------------------------------------- webhooks


def webhook_body(form: Mapping[str, str], events: Sequence[str]) -> dict[str, Any]:
    """``POST …/webhooks`` from the registration form (``events``: the boxes ticked)."""
    body: dict[str, Any] = {
        "url": form.get("url", "").strip(),
        "event_types": [e for e in dict.fromkeys(events) if e],
    }
    source = form.get("source", "").strip()
    if source:
        body["source"] = source
    description = form.get("description", "").strip()
    if description:
        body["description"] = description
    return body


def event_key(event_type: str) -> str:
    """The catalogue key naming a webhook's event (``application.assessed`` →
    ``admin_webhook_event_application_assessed``)."""
    return "admin_webhook_event_" + re.sub(r"[^a-z0-9]+", "_", event_type.lower()).strip("_")


# --------------------------------------------------------------------------- settings


def counties(country: str) -> list[str]:
    """The counties (län, maakunta) of a country, by code."""
    return sorted({m.county for m in municipalities_of(country)})


def settings_body(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """``PUT …/settings`` from the settings form, and what the form itself finds wrong (field →
    catalogue key). The county is chosen as ``<country>-<county>`` (``SE-23``), one list for both
    countries; the municipalities are typed as codes (``2380, 2361``), which take the place of the
    county's; the dominance threshold as a percentage."""
    country = form.get("country", "").strip()
    body: dict[str, Any] = {"country": country}
    wrong: dict[str, str] = {}
    chosen = form.get("county", "").strip()
    if chosen:
        of, _, county = chosen.partition("-")
        body["county"] = county
        if of != country:
            wrong["county"] = "form_error_settings_county_country"
    codes = [c for c in re.split(r"[\s,;]+", form.get("municipalities", "")) if c]
    if codes:
        body["municipalities"] = codes
    elif not chosen:
        wrong["county"] = "form_error_settings_nothing"
    threshold = form.get("dominance_threshold", "").strip()
    if threshold:
        percent = parse_number(threshold)
        if percent is None:
            wrong["dominance_threshold"] = "form_error_settings_dominance_threshold"
        else:
            body["dominance_threshold"] = round(percent / 100, 4)
    return body, wrong


def refused_codes(errors: Iterable[Mapping[str, Any]], codes: Sequence[str]) -> list[str]:
    """The municipality codes a refusal names (``/municipalities/3`` → the fourth code sent)."""
    found = []
    for error in errors:
        steps = str(error.get("pointer") or "").split("/")
        if (
            len(steps) == 3
            and steps[1] == "municipalities"
            and steps[2].isdigit()
            and int(steps[2]) < len(codes)
        ):
            found.append(codes[int(steps[2])])
    return list(dict.fromkeys(found))


def municipality_names(country: str, typed: str) -> list[str]:
    """The municipalities of the settings form's field (codes, as typed) by their names in
    ``country``; a code that names none as it is."""
    codes = [c for c in re.split(r"[\s,;]+", typed) if c]
    return [found.name if (found := municipality(country, c)) else c for c in codes]


def settings_form(settings: Mapping[str, Any] | None) -> dict[str, str]:
    """The settings form's values from the region's settings (empty where it has none)."""
    if not settings:
        return {"country": "SE", "county": "", "municipalities": "", "dominance_threshold": "50"}
    country = str(settings.get("country") or "SE")
    county = settings.get("county")
    codes = [str(m["code"]) for m in settings.get("municipalities") or []]
    return {
        "country": country,
        "county": f"{country}-{county}" if county else "",
        "municipalities": "" if county else ", ".join(codes),
        "dominance_threshold": format_number(float(settings.get("dominance_threshold") or 0.5) * 100),
    }


def parse_number(text: str) -> float | None:
    """A number as a person types it: a decimal comma or point, spaces between thousands, an
    optional per cent sign; None where it is none."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("%", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def format_number(value: float) -> str:
    """A form's number as it was: ``40`` rather than ``40.0``, at most four decimals."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- rubric


RUBRIC_THRESHOLDS = ("strong", "moderate", "weak")


def rubric_form(rubric: Mapping[str, Any]) -> dict[str, str]:
    """The new-version form's values from a version: each criterion's weight (``weight_<i>``), the
    scale's maximum, the thresholds as percentages of it."""
    values = {f"weight_{i}": format_number(float(c["weight"])) for i, c in enumerate(rubric["criteria"])}
    values["scale_max"] = str(rubric["scale_max"])
    for name in RUBRIC_THRESHOLDS:
        values[name] = format_number(float(rubric["thresholds"][name]) * 100)
    return values


def rubric_fields(rubric: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        *(f"weight_{i}" for i in range(len(rubric["criteria"]))),
        "scale_max",
        *RUBRIC_THRESHOLDS,
        "thresholds",
    )


def rubric_body(base: Mapping[str, Any], form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """``POST …/rubric/versions`` from the form: the version it was made from (``base``: its
    criteria's ids, labels and measures kept) with the weights, scale and thresholds typed in; and
    the fields whose value is not a number (field → catalogue key)."""
    wrong: dict[str, str] = {}

    def number(name: str, key: str) -> float:
        value = parse_number(form.get(name, ""))
        if value is None:
            wrong[name] = key
            return 0.0
        return value

    criteria = [
        {**dict(c), "weight": number(f"weight_{i}", "form_error_rubric_weight")}
        for i, c in enumerate(base["criteria"])
    ]
    scale = number("scale_max", "form_error_rubric_scale_max")
    thresholds = {n: round(number(n, f"form_error_rubric_{n}") / 100, 4) for n in RUBRIC_THRESHOLDS}
    rubric = {
        "criteria": criteria,
        "scale_max": int(scale) if scale == int(scale) else scale,
        "thresholds": thresholds,
    }
    return {"rubric": rubric}, wrong


def weight_shares(criteria: Sequence[Mapping[str, Any]]) -> list[float]:
    """Each criterion's share of the score (its weight over all weights), 0–1."""
    total = sum(float(c["weight"]) for c in criteria) or 1.0
    return [float(c["weight"]) / total for c in criteria]


# --------------------------------------------------------------------------- audit log


def action_of(method: str, route: str, events: Sequence[Mapping[str, Any]]) -> str:
    """What an audit row did: the first event its write raised (``assessment.api_key.issued.v1``),
    else its method and route without the region (``POST /assessment/webhooks``)."""
    if events:
        return str(events[0].get("type") or "")
    return f"{method} {route.replace('/regions/{region}', '')}"


def action_key(action: str) -> str:
    """The catalogue key that words an action: ``audit_`` and the action in lower case, each run of
    other characters an underscore (``audit_assessment_api_key_issued_v1``,
    ``audit_post_assessment_webhooks``)."""
    return "audit_" + re.sub(r"[^a-z0-9]+", "_", action.lower()).strip("_")


def service_of(action: str) -> str | None:
    """The service an action is of (its event type's first part, or its route's first segment)."""
    head = action.split(" ", 1)[-1].lstrip("/")
    name = re.split(r"[./]", head, maxsplit=1)[0]
    return name if name in AUDIT_SERVICES else None


KNOWN_ACTIONS: tuple[str, ...] = (
    "assessment.api_key.issued.v1",
    "assessment.api_key.revoked.v1",
    "POST /assessment/webhooks",
    "DELETE /assessment/webhooks/{webhook_id}",
    "assessment.webhook.ping.v1",
    "POST /assessment/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
    "assessment.rubric.published.v1",
    "assessment.application.received.v1",
    "assessment.application.assessed.v1",
    "assessment.application.assigned.v1",
    "assessment.application.unassigned.v1",
    "assessment.conflict.declared.v1",
    "assessment.application.decided.v1",
    "assessment.application.status_changed.v1",
    "plans.programme.created.v1",
    "plans.programme.updated.v1",
    "plans.programme.adopted.v1",
    "PUT /plans/action-plans/{plan_id}/draft",
    "plans.action_plan.published.v1",
    "PUT /plans/local-plans/{local_plan_id}/draft",
    "plans.local_plan.published.v1",
    "plans.indicator.measured.v1",
    "plans.self_assessment.recorded.v1",
    "actors.region.configured.v1",
    "actors.actor.registered.v1",
    "actors.actor.updated.v1",
    "actors.actor.merged.v1",
    "actors.person.added.v1",
    "actors.person.erased.v1",
    "actors.group.created.v1",
    "actors.group.updated.v1",
    "actors.membership.changed.v1",
    "actors.engagement.recorded.v1",
    "actors.cycle.planned.v1",
    "PUT /reporting/sharing",
)
"""The actions the filter offers, each with a catalogue entry (``action_key``); the log shows
any other by its event type or route, as it is."""


def matches(action: str, method: str, route: str, events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether an audit row did ``action``: raised that event, or was that write."""
    if " " in action:
        return action == action_of(method, route, ())
    return any(e.get("type") == action for e in events)


@dataclass(frozen=True)
class AuditRow:
    """A row of one service's audit log."""

    service: str
    id: str
    at: datetime
    actor: str
    role: str
    source: str | None
    method: str
    route: str
    events: tuple[Mapping[str, Any], ...]

    @property
    def action(self) -> str:
        return action_of(self.method, self.route, self.events)

    @property
    def subjects(self) -> list[str]:
        """What an API key's row names: the key (other subjects are ids, not shown)."""
        return [str(e.get("subject")) for e in self.events if ".api_key." in str(e.get("type"))]

    @classmethod
    def of(cls, service: str, entry: Mapping[str, Any]) -> AuditRow:
        return cls(
            service=service,
            id=str(entry["id"]),
            at=entry["at"],
            actor=str(entry["actor"]),
            role=str(entry["role"]),
            source=entry.get("source"),
            method=str(entry["method"]),
            route=str(entry["route"]),
            events=tuple(dict(e) for e in entry.get("events") or ()),
        )


_ACTOR = re.compile(r"^[A-Za-z0-9:._@-]{1,200}$")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _moment(value: str | None) -> datetime | None:
    try:
        found = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return found if found is not None and found.tzinfo is not None else None


@dataclass(frozen=True)
class AuditQuery:
    """The audit page's filters and where its page starts, from its URL: ``service``, ``actor``
    (who: an API key's name or ``user:<subject>``), ``what`` (one of the actions), ``from`` and
    ``to`` (days, UTC, both included); ``before`` and ``seen``: the page starts with the rows
    older than ``before`` and those at ``before`` not in ``seen`` (the ids the page before showed
    at that instant). A value the services would refuse is left out."""

    service: str = ""
    actor: str = ""
    what: str = ""
    since: date | None = None
    until: date | None = None
    before: datetime | None = None
    seen: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> AuditQuery:
        service = params.get("service", "")
        actor = params.get("actor", "").strip()
        what = params.get("what", "")
        before = _moment(params.get("before"))
        seen = tuple(s for s in params.get("seen", "").split(",") if re.fullmatch(r"[0-9a-f-]{1,36}", s))
        return cls(
            service=service if service in AUDIT_SERVICES else "",
            actor=actor if _ACTOR.fullmatch(actor) else "",
            what=what if what in KNOWN_ACTIONS else "",
            since=_day(params.get("from")),
            until=_day(params.get("to")),
            before=before,
            seen=seen[:AUDIT_PAGE] if before else (),
        )

    @property
    def services(self) -> tuple[str, ...]:
        """The services to ask: the one chosen, else the one the action is of, else all four (none
        where the two disagree)."""
        of_what = service_of(self.what) if self.what else None
        if self.service and of_what and self.service != of_what:
            return ()
        chosen = self.service or of_what
        return (chosen,) if chosen else AUDIT_SERVICES

    @property
    def narrowed(self) -> bool:
        return bool(self.service or self.actor or self.what or self.since or self.until)

    def service_params(self, limit: int, before: datetime | None = None, seen: int = 0) -> dict[str, Any]:
        """A service's ``GET …/audit`` parameters for ``limit`` rows (and the ``seen`` ones again)
        at or before ``before`` (the page's start, else this query's)."""
        start = before or self.before
        until = [
            *([datetime.combine(self.until + timedelta(days=1), time(), UTC)] if self.until else []),
            *([start + timedelta(microseconds=1)] if start else []),
        ]
        return {
            "limit": min(500, limit + seen),
            "actor": self.actor or None,
            "since": datetime.combine(self.since, time(), UTC).isoformat() if self.since else None,
            "until": min(until).isoformat() if until else None,
        }

    def url(self, path: str, *, start: tuple[datetime, Sequence[str]] | None = None) -> str:
        """The page's URL with these filters, from the newest row (``start`` None) or from a page's
        start."""
        params = {
            "service": self.service,
            "actor": self.actor,
            "what": self.what,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        if start is not None:
            params["before"] = start[0].isoformat()
            params["seen"] = ",".join(start[1])
        kept = {k: v for k, v in params.items() if v}
        return f"{path}?{urlencode(kept)}" if kept else path

    def without_start(self) -> AuditQuery:
        return replace(self, before=None, seen=())


@dataclass
class AuditPage:
    """A page of the merged log: its rows, newest first; where the next (older) page starts (None
    where there is nothing older); and, when the page filters by what was done and looked through
    as many rows as it may without filling the page, the moment it looked back to."""

    rows: list[AuditRow] = field(default_factory=list)
    next_start: tuple[datetime, tuple[str, ...]] | None = None
    looked_back_to: datetime | None = None


def _start_after(rows: Sequence[AuditRow]) -> tuple[datetime, tuple[str, ...]]:
    """Where the page after ``rows`` starts: the last row's moment and the ids at that moment."""
    last = rows[-1].at
    return last, tuple(r.id for r in rows if r.at == last)


def fresh(rows: Iterable[AuditRow], before: datetime | None, seen: Collection[str]) -> list[AuditRow]:
    """The rows a page may show: those older than its start, and those at it not shown before."""
    return [r for r in rows if before is None or r.at < before or (r.at == before and r.id not in seen)]


def newest_first(rows: Iterable[AuditRow]) -> list[AuditRow]:
    return sorted(rows, key=lambda r: (r.at, r.id), reverse=True)


def merge_page(
    batches: Mapping[str, Sequence[AuditRow]], query: AuditQuery, full: Mapping[str, bool]
) -> AuditPage:
    """A page of the merged log from each service's newest rows (each batch as the service answered
    it; ``full``: whether it may have more). The first ``AUDIT_PAGE`` of the rows merged newest
    first are the page, as long as each service sent at least as many: a service's older rows are
    older than all it sent."""
    merged = newest_first(fresh((r for b in batches.values() for r in b), query.before, query.seen))
    rows = merged[:AUDIT_PAGE]
    more = len(merged) > AUDIT_PAGE or any(full.values())
    return AuditPage(rows=rows, next_start=_start_after(rows) if rows and more else None)


def filter_batch(
    page: AuditPage,
    batch: Sequence[AuditRow],
    query: AuditQuery,
    before: datetime | None,
    seen: Collection[str],
) -> tuple[datetime, tuple[str, ...]] | None:
    """One read of a single service's rows when the page filters by what was done: the matching
    rows go on the page until it is full. Answers where the next read starts: after the last row
    looked at (None where the page is full or the batch was the last)."""
    looked: list[AuditRow] = []
    for row in newest_first(fresh(batch, before, seen)):
        looked.append(row)
        if matches(query.what, row.method, row.route, row.events):
            page.rows.append(row)
            if len(page.rows) == AUDIT_PAGE:
                page.next_start = _start_after(looked)
                return None
    if not looked:
        return None
    return _start_after(looked)
