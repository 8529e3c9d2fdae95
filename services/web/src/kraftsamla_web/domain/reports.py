"""Reports, pure: why each report version was made (from what it was built from, beside the version
before it), which downloads there are and how a downloaded file is named, the period of a
follow-up asked for in a form."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import unquote

from kraftsamla_common.bounds import FIRST_DAY, LAST_DAY, MAX_PERIOD_YEARS

TABLES = (
    "plans",
    "activities",
    "annual-cycle",
    "partnerships",
    "members-by-municipality",
    "members-by-industry",
    "portfolio",
    "municipalities",
    "agenda2030",
    "sustainability",
    "indicators",
    "eu-criteria",
    "local-plans",
    "alignment",
)
"""The report's tables, each a download of its own (the reporting service's ``TableName``), in the
report's order."""
FORMATS = ("xlsx", "csv")
WORKBOOK = "tables"
"""Every table in one workbook: ``…/tables.xlsx``."""

DOWNLOAD_LIMIT = 50 * 1024 * 1024
"""The largest file the application passes on from the reporting service (a report's PDF is a few
megabytes, a table at most 50,000 rows)."""
DOWNLOAD_SECONDS = 60.0
"""How long a file may take to come (the reporting service prints a PDF with Chromium first, and
gives up after 30 seconds)."""
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}

SHARERS = frozenset({"operator", "admin"})
"""Who may opt the region in or out of the cross-region view (the reporting service decides again)."""

VERSIONS_PAGE = 25


def report_ref(ref: str) -> str | None:
    """A report version in a path: ``latest`` or its number; None for anything else."""
    if ref == "latest":
        return ref
    return ref if re.fullmatch(r"[1-9]\d{0,8}", ref) else None


def downloadable(table: str, fmt: str) -> bool:
    """Whether ``{table}.{fmt}`` is a download of a report: the workbook of every table, or one
    table as XLSX or CSV."""
    return (table == WORKBOOK and fmt == "xlsx") or (table in TABLES and fmt in FORMATS)


def media_type(fmt: str, served: str) -> str:
    """The media type a download is passed on with: the one its format has (a CSV keeps the
    charset the service named), never another the service might have sent."""
    expected = MEDIA_TYPES[fmt]
    if fmt == "csv" and served.split(";")[0].strip().lower() == expected:
        return served
    return expected


_FILENAME_STAR = re.compile(r"filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)")
_FILENAME = re.compile(r'filename\s*=\s*"?([^";]+)"?')
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(disposition: str | None, fallback: str) -> str:
    """The name the service gave a download (``Content-Disposition``), made safe to pass on: no
    path, no quotes or control characters; ``fallback`` where it named none."""
    name = ""
    if disposition:
        if found := _FILENAME_STAR.search(disposition):
            name = unquote(found.group(1).strip())
        elif found := _FILENAME.search(disposition):
            name = found.group(1).strip()
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("-", name).strip(" .-")[:150]
    return name or fallback


# --------------------------------------------------------------------------- why a version was made


@dataclass(frozen=True)
class Reason:
    """Why a report version was made: ``first`` (the region's first report), ``plan`` (an action
    plan's new version: its strength area's id and the version), ``plan_gone`` (a plan the version
    before named and this one does not), ``source`` (news from a service: its name), ``other``
    (made again without news: the opt-in to sharing, or time passing changed a verdict)."""

    kind: str
    strength_area_id: str | None = None
    version: int | None = None
    service: str | None = None


@dataclass(frozen=True)
class VersionLine:
    number: int
    generated_at: Any
    plan_versions: list[tuple[str, int]]
    """The action-plan versions it was built from: (strength area id, version)."""
    reasons: list[Reason] = field(default_factory=list)


SERVICES = ("plans", "actors", "assessment")


def _plans(built_from: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    return {
        str(r["action_plan_id"]): (str(r["strength_area_id"]), int(r["version"]))
        for r in built_from.get("plan_versions") or []
    }


def _marks(built_from: Mapping[str, Any]) -> dict[str, str]:
    return {str(k): str((v or {}).get("last_event_id")) for k, v in (built_from.get("sources") or {}).items()}


def reasons(version: Mapping[str, Any], before: Mapping[str, Any] | None) -> list[Reason]:
    """Why ``version`` was made, beside ``before`` (the version before it; None where it is the
    first, or not known): each action plan published anew, each plan no longer named, and each
    service with news (plans only where no plan's version says it already)."""
    if before is None:
        return [Reason("first")] if version.get("number") == 1 else []
    now, then = version.get("built_from") or {}, before.get("built_from") or {}
    plans_now, plans_then = _plans(now), _plans(then)
    out = [
        Reason("plan", strength_area_id=area, version=v)
        for plan, (area, v) in plans_now.items()
        if plans_then.get(plan, (None, None))[1] != v
    ]
    out += [
        Reason("plan_gone", strength_area_id=area)
        for plan, (area, _) in plans_then.items()
        if plan not in plans_now
    ]
    marks_now, marks_then = _marks(now), _marks(then)
    for service in (*SERVICES, *sorted(set(marks_now) - set(SERVICES))):
        if service in marks_now and marks_now[service] != marks_then.get(service):
            if service == "plans" and out:
                continue
            out.append(Reason("source", service=service))
    return out or [Reason("other")]


def version_lines(versions: Sequence[Mapping[str, Any]], shown: int) -> list[VersionLine]:
    """The first ``shown`` of ``versions`` (newest first, as the reporting service lists them, with
    one more beyond the page where there is one), each with why it was made."""
    lines = []
    for i, v in enumerate(versions[:shown]):
        before = versions[i + 1] if i + 1 < len(versions) else None
        if before is not None and before.get("number") != int(v["number"]) - 1:
            before = None
        lines.append(
            VersionLine(
                number=int(v["number"]),
                generated_at=v.get("generated_at"),
                plan_versions=sorted(_plans(v.get("built_from") or {}).values()),
                reasons=reasons(v, before),
            )
        )
    return lines


# --------------------------------------------------------------------------- the period of a follow-up


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    error: str | None = None
    """The catalogue key of what is wrong with the period asked for (the default is shown)."""


def period(start: str | None, end: str | None, today: date) -> Period:
    """The period asked for (ISO dates), else this year so far: the start at most the end, both
    within the platform's days, at most :data:`MAX_PERIOD_YEARS` years long."""
    default = Period(date(today.year, 1, 1), today)
    if not start and not end:
        return default
    try:
        first = date.fromisoformat(start or "")
        last = date.fromisoformat(end or "")
    except ValueError:
        return Period(default.start, default.end, "reports_period_error_dates")
    if not FIRST_DAY <= first <= LAST_DAY or not FIRST_DAY <= last <= LAST_DAY:
        return Period(default.start, default.end, "reports_period_error_dates")
    if first > last:
        return Period(default.start, default.end, "reports_period_error_order")
    if last.year - first.year > MAX_PERIOD_YEARS:
        return Period(default.start, default.end, "reports_period_error_long")
    return Period(first, last)
