"""Indicators, pure: a sub-goal's values by year against its baseline and target (the figures of its
chart and table), the value form (a number as the person writes it in their language), the rows of
a bulk import the plans service refused (said in the person's words), and the file kept between the
import's check and the import itself, sealed so that what is imported is what was checked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .charts import Series, line_chart

LEADS = frozenset({"operator", "admin", "assessor"})
"""Who records indicator values: administrators and process leaders (the plans service decides
again on every value)."""

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

IMPORT_LIMIT = 2 * 1024 * 1024
"""The largest file of values the application takes (the plans service takes 5 MB, and at most
10,000 rows: a table of 10,000 values is well below 2 MB). The file travels back in the check's
page (below), so it is kept small."""
CARRY_SECONDS = 3600
"""How long a checked file may wait for the person to import it."""

VALUE_FIELDS = ("sub_goal_id", "year", "value", "measured_on", "source", "note")
"""The value form's fields, named as the plans service names them in its errors (``/value``…)."""

FIRST_YEAR, LAST_YEAR = 1990, 2100
ALL_YEARS_UP_TO = 16
"""A chart shows every year between its first and last where they are at most this many; else the
years with a value, the baseline's and the target's."""


def may_record(role: str) -> bool:
    return role in LEADS


# --------------------------------------------------------------------------- numbers as people write them

_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_EN_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_number(text: str, language: str) -> float | None:
    """A number as a person writes it in ``language``: ``12,5`` and ``1 250,5`` in Swedish and
    Finnish (a point is taken as the decimal sign too), ``1,250.5`` in English (a comma alone is
    taken as the decimal sign); a minus sign (``−``, as Babel writes it) or a hyphen. None where it
    is no number (``12,5,1``, ``1e5``, ``nan``)."""
    compact = re.sub(r"[\s\u00a0\u202f']", "", text).replace("\u2212", "-")
    sign = ""
    if compact[:1] in ("-", "+"):
        sign, compact = ("-" if compact[0] == "-" else ""), compact[1:]
    if language == "en" and _EN_GROUPS.fullmatch(compact):
        compact = compact.replace(",", "")
    if "," in compact and "." in compact:
        return None
    compact = compact.replace(",", ".")
    if not _NUMBER.fullmatch(compact):
        return None
    value = float(sign + compact)
    return value if math.isfinite(value) else None


@dataclass
class ValueForm:
    """One value as the person filled in the form (texts as typed, for the form shown again)."""

    sub_goal_id: str = ""
    year: str = ""
    value: str = ""
    measured_on: str = ""
    source: str = ""
    note: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> ValueForm:
        return cls(**{name: form.get(name, "").strip() for name in VALUE_FIELDS})

    def body(self, language: str) -> tuple[dict[str, object] | None, dict[str, str]]:
        """``POST …/measurements``'s JSON, or the fields this form cannot send as they are, each
        with the catalogue key of its message (the service judges the rest: a sub-goal that is not
        the plan's, a value beyond its bounds)."""
        errors: dict[str, str] = {}
        if not self.sub_goal_id:
            errors["sub_goal_id"] = "indicators_error_sub_goal"
        year = int(self.year) if re.fullmatch(r"\d{4}", self.year) else None
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            errors["year"] = "indicators_error_year"
        value = parse_number(self.value, language)
        if value is None:
            errors["value"] = "indicators_error_value"
        measured_on: str | None = None
        if self.measured_on:
            try:
                measured_on = date.fromisoformat(self.measured_on).isoformat()
            except ValueError:
                errors["measured_on"] = "indicators_error_measured_on"
        if errors:
            return None, errors
        return {
            "sub_goal_id": self.sub_goal_id,
            "year": year,
            "value": value,
            "measured_on": measured_on,
            "source": self.source,
            "note": self.note,
        }, {}


# --------------------------------------------------------------------------- a sub-goal's figures


@dataclass(frozen=True)
class GoalFigures:
    """A sub-goal's values on the chart's years (None where a year has none)."""

    years: list[int]
    values: list[float | None]

    @property
    def measured(self) -> list[tuple[int, float]]:
        return [(y, v) for y, v in zip(self.years, self.values, strict=True) if v is not None]


def goal_figures(
    values: Mapping[int, float], baseline_year: int | None = None, target_year: int | None = None
) -> GoalFigures:
    """The years of a sub-goal's chart: those with a value, the baseline's and the target's; every
    year between the first and the last where that is a short span (the line then keeps to time)."""
    marked = {y for y in (*values, baseline_year, target_year) if y is not None}
    if not marked:
        return GoalFigures([], [])
    first, last = min(marked), max(marked)
    years = list(range(first, last + 1)) if last - first < ALL_YEARS_UP_TO else sorted(marked)
    return GoalFigures(years, [values.get(y) for y in years])


def goal_chart(
    title: str,
    series_name: str,
    figures: GoalFigures,
    references: Sequence[tuple[str, float | None]],
    number: Callable[[float], str],
    chart_id: str,
) -> str:
    """The sub-goal's line chart (SVG markup): its values by year, the baseline and the target as
    reference lines (those that are set)."""
    return line_chart(
        title,
        [str(y) for y in figures.years],
        [Series(series_name, figures.values)],
        references=[(name, v) for name, v in references if v is not None],
        number=number,
        chart_id=chart_id,
        height=240,
    )


# --------------------------------------------------------------------------- importing many values


def upload_type(filename: str, content_type: str | None) -> str | None:
    """The media type the plans service reads a file as: CSV or XLSX, by the file's name (browsers
    send a CSV as ``application/vnd.ms-excel`` on some systems), else by the type it came with;
    None for anything else."""
    name = filename.lower().strip()
    if name.endswith((".csv", ".txt")):
        return CSV
    if name.endswith(".xlsx"):
        return XLSX
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in (CSV, "application/csv"):
        return CSV
    if kind == XLSX:
        return XLSX
    return None


COLUMNS = ("sub_goal_id", "year", "value", "measured_on", "source", "note")
_DUPLICATE = re.compile(r"already on line (\d+)")


def import_error(field: str | None, message: str) -> tuple[str, dict[str, str]]:
    """A refused row's reason as a catalogue key and its figures, from the plans service's
    ``field`` and (English) ``message``: what it says of formulas, extra cells, a sub-goal and year
    twice, a plan not published; else what the field must hold."""
    said = message.lower()
    if "formula" in said:
        return "indicators_import_error_formula", {}
    if "more cells than columns" in said:
        return "indicators_import_error_extra_cells", {}
    if found := _DUPLICATE.search(said):
        return "indicators_import_error_duplicate", {"line": found.group(1)}
    if "no published version" in said:
        return "indicators_import_error_unpublished", {}
    if field in COLUMNS and ("required" in said or "missing" in said):
        return "indicators_import_error_missing", {}
    if field in COLUMNS:
        return f"indicators_import_error_{field}", {}
    return "indicators_import_error_other", {}


@dataclass(frozen=True)
class Carried:
    """A checked file on its way to being imported."""

    content: bytes
    media_type: str
    filename: str


def carry_key(session_secret: str) -> bytes:
    """The sealing key: derived from the session secret, used for nothing else."""
    return hmac.new(session_secret.encode(), b"kraftsamla-web/indicator-import", hashlib.sha256).digest()


def _mac(key: bytes, bound_to: str, media_type: str, filename: str, issued: int, content: bytes) -> str:
    message = "\n".join(
        ("v1", bound_to, media_type, filename, str(issued), hashlib.sha256(content).hexdigest())
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def seal(key: bytes, bound_to: str, carried: Carried, issued: int) -> dict[str, str]:
    """The hidden fields that carry a checked file to the import: its bytes (base64), media type,
    name, when it was checked and an HMAC over them and ``bound_to`` (the region, the plan and the
    session's CSRF token: this person's import into this plan, no other)."""
    return {
        "file": base64.b64encode(carried.content).decode("ascii"),
        "media_type": carried.media_type,
        "filename": carried.filename,
        "issued": str(issued),
        "seal": _mac(key, bound_to, carried.media_type, carried.filename, issued, carried.content),
    }


def unseal(key: bytes, bound_to: str, fields: Mapping[str, str], now: int) -> Carried | None:
    """The file the fields carry, where the seal holds, it is at most :data:`IMPORT_LIMIT` bytes, of
    a type the import reads and checked less than :data:`CARRY_SECONDS` ago; else None."""
    issued_text, media_type = fields.get("issued", ""), fields.get("media_type", "")
    encoded, filename = fields.get("file", ""), fields.get("filename", "")
    if not issued_text.isdigit() or media_type not in (CSV, XLSX):
        return None
    issued = int(issued_text)
    if not 0 <= now - issued <= CARRY_SECONDS or len(encoded) > (IMPORT_LIMIT * 4) // 3 + 4:
        return None
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    expected = _mac(key, bound_to, media_type, filename, issued, content)
    if not hmac.compare_digest(expected, fields.get("seal", "")):
        return None
    return Carried(content, media_type, filename)
