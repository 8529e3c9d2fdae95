"""The programme's and its strength areas' forms, pure: which programme is the current one, the
JSON a form's fields make for the plans service, the fields a form is made from, what someone else
changed meanwhile (a 412), and the service's JSON pointers back at the forms' fields."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from kraftsamla_common import i18n, nace

LANGUAGES: tuple[str, ...] = i18n.LANGUAGES
"""The languages a region writes its own texts in, in the forms' order (the platform's)."""

PROGRAMME_FIELDS = ("title", "reference", "period_start", "period_end", *(f"vision_{x}" for x in LANGUAGES))
ADOPTION_FIELDS = ("adopted_on", "body", "paragraph")
AREA_FIELDS = (
    *(f"name_{x}" for x in LANGUAGES),
    *(f"description_{x}" for x in LANGUAGES),
    "process_leader",
    "nace_codes",
    "sdgs",
)
"""A strength area's form: ``nace_codes`` and ``sdgs`` hold the codes chosen, comma-separated (the
form sends them as one box per code)."""

SDGS = tuple(range(1, 18))
"""The 17 goals of Agenda 2030."""


class Period(Protocol):
    @property
    def period_start(self) -> int: ...
    @property
    def period_end(self) -> int: ...


P = TypeVar("P", bound=Period)


def current_programme(programmes: Sequence[P], year: int) -> P | None:
    """The region's programme of ``year`` (the last made among those whose period covers it), else
    the last one made; None where it has none. ``programmes`` in the order the service lists them
    (oldest first)."""
    covering = [p for p in programmes if p.period_start <= year <= p.period_end]
    found = covering or list(programmes)
    return found[-1] if found else None


def _text(values: Mapping[str, str], prefix: str) -> dict[str, str] | None:
    """A text in the region's languages from ``<prefix>_sv`` …; None where every language is empty."""
    texts = {x: values.get(f"{prefix}_{x}", "").strip() for x in LANGUAGES}
    kept = {x: v for x, v in texts.items() if v}
    return kept or None


def _year(value: str) -> int | str:
    """A year as written: the number where it is one, else the text (the service says what is wrong)."""
    value = value.strip()
    return int(value) if re.fullmatch(r"\d{1,4}", value) else value


def _texts_of(texts: Mapping[str, Any] | None, prefix: str) -> dict[str, str]:
    return {f"{prefix}_{x}": str((texts or {}).get(x) or "") for x in LANGUAGES}


def programme_values(programme: Mapping[str, Any]) -> dict[str, str]:
    """The programme form's fields as the service holds the programme (its JSON)."""
    return {
        "title": str(programme.get("title") or ""),
        "reference": str(programme.get("reference") or ""),
        "period_start": str(programme.get("period_start") or ""),
        "period_end": str(programme.get("period_end") or ""),
        **_texts_of(programme.get("vision"), "vision"),
    }


def programme_body(values: Mapping[str, str]) -> dict[str, Any]:
    """``PATCH …/programmes/{id}``: every field of the form (an empty reference or vision clears it)."""
    return {
        "title": values.get("title", "").strip(),
        "reference": values.get("reference", "").strip() or None,
        "period_start": _year(values.get("period_start", "")),
        "period_end": _year(values.get("period_end", "")),
        "vision": _text(values, "vision"),
    }


def adoption_body(values: Mapping[str, str]) -> dict[str, Any]:
    """``POST …/programmes/{id}/adopt``: the day (``YYYY-MM-DD`` as a date field sends it), the body
    that adopted it and the paragraph."""
    return {
        "adopted_on": values.get("adopted_on", "").strip(),
        "body": values.get("body", "").strip(),
        "paragraph": values.get("paragraph", "").strip() or None,
    }


def area_values(area: Mapping[str, Any]) -> dict[str, str]:
    """A strength area's form fields as the service holds it (its JSON)."""
    leader = area.get("process_leader") or {}
    return {
        **_texts_of(area.get("name"), "name"),
        **_texts_of(area.get("description"), "description"),
        "process_leader": str(leader.get("id") or ""),
        "nace_codes": ",".join(area.get("nace_codes") or []),
        "sdgs": ",".join(str(g) for g in area.get("sdgs") or []),
    }


def codes(value: str) -> list[str]:
    """Codes written in one field, separated by commas, semicolons or spaces."""
    return [c for c in re.split(r"[\s,;]+", value) if c]


def chosen_nace(ticked: Iterable[str], typed: str) -> list[str]:
    """The NACE codes a strength area's form sends: the boxes ticked, then the codes typed (or
    picked from the list) in the search field, each as the platform writes it (``02`` → ``A02``)
    where it names one, else as typed (the service refuses it, at the field); once each, in order."""
    out: list[str] = []
    for code in [*ticked, *codes(typed)]:
        code = code.strip()
        found = nace.normalise_code(code) or code
        if found and found not in out:
            out.append(found)
    return out


def chosen_goals(ticked: Iterable[str]) -> list[str]:
    """The Agenda 2030 goals ticked, once each, by number (a value that is no number is kept as
    it is, last: the service refuses it)."""
    given = [v.strip() for v in ticked if v.strip()]
    numbers = sorted({int(v) for v in given if v.isdigit()})
    return [*(str(n) for n in numbers), *dict.fromkeys(v for v in given if not v.isdigit())]


def area_form(
    form: Mapping[str, str], nace_ticked: Iterable[str], nace_typed: str, goals_ticked: Iterable[str]
) -> dict[str, str]:
    """A strength area's form as sent: its texts and process leader, the NACE codes (the boxes ticked
    and those typed) and the goals ticked, comma-separated."""
    values = {f: form.get(f, "") for f in AREA_FIELDS if f not in ("nace_codes", "sdgs")}
    values["nace_codes"] = ",".join(chosen_nace(nace_ticked, nace_typed))
    values["sdgs"] = ",".join(chosen_goals(goals_ticked))
    return values


def area_body(values: Mapping[str, str]) -> dict[str, Any]:
    """``PATCH …/strength-areas/{id}``: names and descriptions in the region's languages, the process
    leader (none: null), the NACE codes and the Agenda 2030 goals (comma-separated in ``values``)."""
    return {
        "name": _text(values, "name"),
        "description": _text(values, "description"),
        "process_leader_id": values.get("process_leader", "").strip() or None,
        "nace_codes": codes(values.get("nace_codes", "")),
        "sdgs": [int(g) if g.isdigit() else g for g in codes(values.get("sdgs", ""))],
    }


def base_of(values: Mapping[str, str], fields: Sequence[str]) -> str:
    """The values a form was made from, kept in the form (hidden) to say after a 412 what someone
    else changed meanwhile."""
    return json.dumps({f: values.get(f, "") for f in fields}, ensure_ascii=False, separators=(",", ":"))


def read_base(text: str, fields: Sequence[str]) -> dict[str, str]:
    """:func:`base_of` read back; fields it lacks (a form tampered with) are empty."""
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        found = {}
    if not isinstance(found, dict):
        found = {}
    return {f: str(found.get(f, "")) for f in fields}


def changed_fields(before: Mapping[str, str], now: Mapping[str, str], fields: Sequence[str]) -> list[str]:
    """The fields whose value differs between what a form was made from and what the service now
    holds (codes compared as sets: their order is no change)."""
    out = []
    for f in fields:
        a, b = before.get(f, ""), now.get(f, "")
        if f in ("nace_codes", "sdgs"):
            if set(codes(a)) != set(codes(b)):
                out.append(f)
        elif a.strip() != b.strip():
            out.append(f)
    return out


def merged(
    before: Mapping[str, str], mine: Mapping[str, str], now: Mapping[str, str], fields: Sequence[str]
) -> dict[str, str]:
    """A form shown again after a 412: the person's value where they changed a field, what the
    service holds now where they did not (someone else's change is taken in, not undone)."""
    mine_changed = set(changed_fields(before, mine, fields))
    return {f: (mine.get(f, "") if f in mine_changed else now.get(f, "")) for f in fields}


def field_at(pointer: str) -> str:
    """The field of the programme's, adoption's or a strength area's form a service's JSON pointer
    names: ``/vision/sv`` → ``vision_sv``, ``/name`` → ``name_sv`` (the first of the names),
    ``/nace_codes/2`` → ``nace_codes``, ``/process_leader_id`` → ``process_leader``; "" for the
    form as a whole."""
    steps = [s for s in pointer.split("/") if s] if pointer.startswith("/") else []
    if not steps:
        return ""
    head = steps[0]
    if head in ("name", "description", "vision"):
        language = steps[1] if len(steps) > 1 and steps[1] in LANGUAGES else LANGUAGES[0]
        return f"{head}_{language}"
    if head == "process_leader_id":
        return "process_leader"
    return head


def field_kind(field: str) -> str:
    """The message a field shares with its kind: a text in any language (``name_fi`` → ``name``)."""
    head, _, rest = field.partition("_")
    return head if rest in LANGUAGES else field
