"""An action plan's six steps as forms, pure: which parts of the plan's content each step holds,
the form's fields made from that content and the content made from the form's fields, the plans
service's JSON pointers back at the fields, and, when someone else saved the draft first, what
they changed and the person's own changes put on top of theirs.

A field's name in the form is the path of its value in the plan's content, dotted
(``priorities.2.level``, ``analysis.current_state``, ``sub_goals.0.title.sv``), so the service's
pointer ``/priorities/2/level`` names it again. A list's items are rows (``priorities.0.…``,
``priorities.1.…``), with one blank row to add an item and a box to remove one; a row left blank
is no item. Lists of items with an ``id`` keep it in a hidden field; a new item's id is made from
its title."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol, get_args

from kraftsamla_common import i18n
from kraftsamla_common.events import Addresses, FundingSource, Level, TargetGroup
from kraftsamla_common.i18n import Messages

LANGUAGES: tuple[str, ...] = i18n.LANGUAGES
"""The languages a region writes its plan's texts in, in the order the forms offer them (the platform's)."""

Kind = Literal[
    "text", "prose", "lines", "date", "int", "number", "select", "multi", "localized", "code", "id", "hidden"
]
"""How a value is written in the form: a line of text, a longer text, one entry a line, a date, a
whole number, a number, one choice, several choices (a box each), a text in each language, an
indicator's code (typed or picked from the list), an item's id (hidden), a value the form keeps
as it was without showing it (hidden: an actor's id the form does not choose)."""

LEVELS: tuple[str, ...] = get_args(Level)
TARGET_GROUPS: tuple[str, ...] = get_args(TargetGroup)
ADDRESSES: tuple[str, ...] = get_args(Addresses)
FUNDING_SOURCES: tuple[str, ...] = get_args(FundingSource)
STAGES = ("input", "activity", "output", "outcome", "impact")
"""The effect chain's links, in order (effektkedja)."""


@dataclass(frozen=True)
class Field:
    """A value of the plan: its key in its object, how it is written, its label (a message key),
    and its choices: fixed values (worded by ``<choices_key>_<value>``), or the name of a list the
    page supplies (``groups``, ``holders``, ``priorities``, ``initiatives``)."""

    key: str
    kind: Kind = "text"
    label: str = ""
    choices: tuple[str, ...] | str = ()
    worded_by: str = ""
    """The message key prefix of fixed choices (``level`` → ``level_bas``)."""
    hint: str = ""
    wide: bool = False
    """Shown across the form's width (a choice among long names); a longer text always is."""

    @property
    def label_key(self) -> str:
        return self.label or f"plans_field_{self.key}"


@dataclass(frozen=True)
class Rows:
    """A list of items, one row each: ``item`` names one (a message key), ``title`` the field that
    names an item to a person."""

    key: str
    parts: tuple[Part, ...]
    label: str
    item: str
    title: str = "title"
    hint: str = ""

    @property
    def keyed(self) -> bool:
        """Whether its items carry an ``id`` (priorities, sub-goals, initiatives)."""
        return any(isinstance(p, Field) and p.kind == "id" for p in self.parts)


@dataclass(frozen=True)
class Group:
    """An object within the plan (the analysis, an indicator, the effect chain); ``label`` "" for
    one whose fields stand on the page without a heading of their own."""

    key: str
    parts: tuple[Part, ...]
    label: str = ""


Part = Field | Rows | Group


class Sheet(Protocol):
    """What a form is made of: its parts, and the keys of the content it holds (and replaces when
    saved). A step of an action plan is one; so is a local plan's form."""

    @property
    def parts(self) -> tuple[Part, ...]: ...
    @property
    def keys(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    parts: tuple[Part, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the plan's content this step holds (and replaces when saved)."""
        return tuple(p.key for p in self.parts)

    @property
    def title(self) -> str:
        return f"plans_step_{self.key}"


INDICATOR = Group(
    "indicator",
    (
        Field("name", label="plans_field_indicator_name"),
        Field("code", "code", label="plans_field_indicator_code", hint="plans_hint_indicator_code"),
        Field("unit", label="plans_field_indicator_unit"),
    ),
    label="plans_field_indicator",
)

EFFECT_LINKS = tuple(
    Rows(
        stage,
        (
            Field("description", label="plans_field_link_description"),
            Rows(
                "indicators",
                (
                    Field("name", label="plans_field_indicator_name"),
                    Field("code", "code", label="plans_field_indicator_code"),
                    Field("unit", label="plans_field_indicator_unit"),
                ),
                label="plans_field_link_indicators",
                item="plans_item_indicator",
                title="name",
            ),
        ),
        label=f"plans_stage_{stage}",
        item="plans_item_link",
        title="description",
    )
    for stage in STAGES
)

STEPS: tuple[Step, ...] = (
    Step(
        1,
        "analysis",
        (
            Group(
                "analysis",
                (
                    Field("current_state", "prose", hint="plans_hint_current_state"),
                    Field("challenges", "lines", hint="plans_hint_lines"),
                    Rows(
                        "evidence",
                        (
                            Field("title", label="plans_field_evidence_title"),
                            Field("url", hint="plans_hint_url"),
                            Field("reference", hint="plans_hint_reference"),
                        ),
                        label="plans_field_evidence",
                        item="plans_item_evidence",
                    ),
                ),
            ),
        ),
    ),
    Step(
        2,
        "governance",
        (
            Group(
                "governance",
                (
                    Field("steering_group_id", "select", choices="groups"),
                    Field("partnership_id", "select", choices="groups"),
                    Field("other_group_ids", "multi", choices="groups"),
                    Field("description", "prose", label="plans_field_governance_description"),
                    Rows(
                        "roles",
                        (
                            Field("role", hint="plans_hint_role"),
                            Field("holder_id", "select", choices="holders"),
                            Field("mandate", "prose"),
                            Field("responsibility", "prose"),
                        ),
                        label="plans_field_roles",
                        item="plans_item_role",
                        title="role",
                    ),
                ),
            ),
        ),
    ),
    Step(
        3,
        "vision",
        (
            Field("vision", "localized", hint="plans_hint_vision"),
            Rows(
                "sub_goals",
                (
                    Field("id", "id"),
                    Field("title", "localized", label="plans_field_sub_goal_title"),
                    INDICATOR,
                    Field("baseline", "number"),
                    Field("baseline_year", "int"),
                    Field("target", "number"),
                    Field("target_year", "int"),
                ),
                label="plans_field_sub_goals",
                item="plans_item_sub_goal",
                hint="plans_hint_sub_goals",
            ),
        ),
    ),
    Step(
        4,
        "priorities",
        (
            Rows(
                "priorities",
                (
                    Field("id", "id"),
                    Field("title", "localized", label="plans_field_priority_title"),
                    Field("level", "select", choices=LEVELS, worded_by="level", hint="plans_hint_level"),
                    Field("description", "prose"),
                    Field("vocabulary", "lines", hint="plans_hint_vocabulary"),
                    Field("valid_from", "date"),
                    Field("valid_until", "date"),
                ),
                label="plans_field_priorities",
                item="plans_item_priority",
                hint="plans_hint_priorities",
            ),
        ),
    ),
    Step(
        5,
        "policy_mix",
        (
            Group(
                "policy_mix",
                (
                    Rows(
                        "initiatives",
                        (
                            Field("id", "id"),
                            Field("title", label="plans_field_initiative_title"),
                            Field("description", "prose"),
                            Field("priority_ids", "multi", choices="priorities"),
                            Field(
                                "target_groups",
                                "multi",
                                choices=TARGET_GROUPS,
                                worded_by="plans_target_group",
                            ),
                            Field(
                                "funding_sources",
                                "multi",
                                choices=FUNDING_SOURCES,
                                worded_by="funding_source",
                            ),
                            Field("addresses", "multi", choices=ADDRESSES, worded_by="plans_addresses"),
                            Field("start_year", "int"),
                            Field("end_year", "int"),
                        ),
                        label="plans_field_initiatives",
                        item="plans_item_initiative",
                    ),
                    Rows(
                        "portfolio",
                        (
                            Field("title", label="plans_field_project_title"),
                            Field("year", "int"),
                            Field(
                                "funding_source",
                                "select",
                                choices=FUNDING_SOURCES,
                                worded_by="funding_source",
                            ),
                            Field("budget", "number"),
                            Field("initiative_id", "select", choices="initiatives"),
                        ),
                        label="plans_field_portfolio",
                        item="plans_item_project",
                    ),
                ),
            ),
        ),
    ),
    Step(
        6,
        "evaluation",
        (
            Group(
                "evaluation",
                (
                    Group("effect_chain", EFFECT_LINKS, label="plans_field_effect_chain"),
                    Field("description", "prose", label="plans_field_evaluation_description"),
                ),
            ),
            Field("next_review", "date", hint="plans_hint_next_review"),
        ),
    ),
)
"""The six steps (sexstegsprocessen) and the parts of the plan each holds."""


def step(number: int) -> Step | None:
    return STEPS[number - 1] if 1 <= number <= len(STEPS) else None


def step_of_key(key: str) -> Step | None:
    """The step that holds a key of the plan's content (``priorities`` → step 4)."""
    return next((s for s in STEPS if key in s.keys), None)


# ----------------------------------------------------------------------------- content → form


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _values(parts: Sequence[Part], obj: Mapping[str, Any], prefix: str, out: dict[str, str]) -> None:
    for part in parts:
        name = f"{prefix}{part.key}"
        value = obj.get(part.key)
        if isinstance(part, Group):
            _values(part.parts, value if isinstance(value, Mapping) else {}, name + ".", out)
        elif isinstance(part, Rows):
            for i, item in enumerate(value if isinstance(value, list) else []):
                _values(part.parts, item if isinstance(item, Mapping) else {}, f"{name}.{i}.", out)
        elif part.kind == "localized":
            texts = value if isinstance(value, Mapping) else {}
            for lang in LANGUAGES:
                out[f"{name}.{lang}"] = str(texts.get(lang) or "")
        elif part.kind == "multi":
            for chosen in value if isinstance(value, list) else []:
                out[f"{name}.{chosen}"] = "on"
        elif part.kind == "lines":
            out[name] = "\n".join(str(v) for v in value) if isinstance(value, list) else ""
        elif part.kind in ("int", "number"):
            out[name] = "" if value is None else _number_text(value)
        else:
            out[name] = "" if value is None else str(value)


def form_values(step: Sheet, content: Mapping[str, Any]) -> dict[str, str]:
    """The step's fields as the form shows them, from the plan's content (a draft)."""
    out: dict[str, str] = {}
    _values(step.parts, content, "", out)
    return out


# ----------------------------------------------------------------------------- form → content

_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def _int(text: str) -> int | str:
    """A whole number, or the text as typed (the service says at the field what is wrong with it)."""
    return int(text) if _INT.match(text) else text


def _number(text: str) -> int | float | str:
    plain = text.replace("\u00a0", "").replace(" ", "")
    if _INT.match(plain):
        return int(plain)
    if _NUMBER.match(plain):
        return float(plain.replace(",", "."))
    return text


def _blank(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_blank(v) for k, v in value.items() if k != "id")
    if isinstance(value, list):
        return not value
    return value is None or value == ""


def row_indices(form: Mapping[str, str], name: str) -> list[int]:
    """The rows of the list ``name`` a form holds, by their index."""
    return _indices(form, name)


def rows_shown(values: Mapping[str, str], name: str) -> list[int]:
    """The rows of a list in the form (by index), then the index of a blank one to add an item."""
    found = row_indices(values, name)
    return [*found, (found[-1] + 1) if found else 0]


def kind_of(part: Part) -> str:
    """What the form's template draws for a part: a group, a list of rows, or a field of its kind."""
    if isinstance(part, Group):
        return "group"
    if isinstance(part, Rows):
        return "rows"
    return part.kind


def _indices(form: Mapping[str, str], name: str) -> list[int]:
    found: set[int] = set()
    start = name + "."
    for key in form:
        if key.startswith(start):
            head = key[len(start) :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def slug(text: str) -> str:
    """An item's id made from its title: ``Lokal livsmedelsförädling`` → ``lokal-livsmedelsforadling``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    made = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:64].strip("-")
    return made or "item"


def title_text(value: Any) -> str:
    """An item's title as text: a text in several languages in Swedish, Finnish or English, the
    first written."""
    return _title_text(value)


def _title_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return next((str(value[lang]) for lang in ("sv", "fi", "en") if value.get(lang)), "")
    return str(value or "")


def _parse(parts: Sequence[Part], form: Mapping[str, str], prefix: str) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for part in parts:
        name = f"{prefix}{part.key}"
        if isinstance(part, Group):
            obj[part.key] = _parse(part.parts, form, name + ".")
        elif isinstance(part, Rows):
            items = []
            for i in _indices(form, name):
                row = f"{name}.{i}"
                if form.get(f"{row}._remove"):
                    continue
                item = _parse(part.parts, form, row + ".")
                if not _blank(item):
                    items.append(item)
            if part.keyed:
                _give_ids(items, part.title)
            obj[part.key] = items
        elif part.kind == "localized":
            texts = {lang: v for lang in LANGUAGES if (v := form.get(f"{name}.{lang}", "").strip())}
            if texts:
                obj[part.key] = texts
        elif part.kind == "multi":
            start = name + "."
            obj[part.key] = [k[len(start) :] for k, v in form.items() if k.startswith(start) and v]
        elif part.kind == "lines":
            lines = form.get(name, "").replace("\r\n", "\n").split("\n")
            obj[part.key] = [line.strip() for line in lines if line.strip()]
        else:
            text = form.get(name, "").replace("\r\n", "\n").strip()
            if not text:
                continue
            if part.kind == "int":
                obj[part.key] = _int(text)
            elif part.kind == "number":
                obj[part.key] = _number(text)
            elif part.kind == "code":
                obj[part.key] = text.upper().replace(" ", "")
            else:
                obj[part.key] = text
    return obj


def _give_ids(items: list[dict[str, Any]], title: str) -> None:
    """A new item's id from its title, unlike every other item's of the list."""
    taken = {str(item["id"]) for item in items if item.get("id")}
    for item in items:
        if item.get("id"):
            continue
        base = slug(_title_text(item.get(title)))
        made, n = base, 2
        while made in taken:
            made, n = f"{base[:60]}-{n}", n + 1
        item["id"] = made
        taken.add(made)


def parse_form(step: Sheet, form: Mapping[str, str]) -> dict[str, Any]:
    """The step's part of the plan's content from the form (``{key: value}`` for each key the
    step holds; a key left out is empty, as the plan's defaults have it)."""
    return _parse(step.parts, form, "")


def step_part(step: Sheet, content: Mapping[str, Any]) -> dict[str, Any]:
    """The step's part of a plan's content, as the step's form would send it again (so that two
    parts compare equal when a person would see the same form)."""
    return parse_form(step, form_values(step, content))


def with_part(content: Mapping[str, Any], step: Sheet, part: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's content with the step's part replaced (the rest as it is)."""
    out = {k: v for k, v in content.items() if k not in step.keys}
    for key in step.keys:
        if key in part:
            out[key] = part[key]
    return out


def encode_part(part: Mapping[str, Any]) -> str:
    """A part kept in the form (what the person started from), to compare with when someone else
    saved first."""
    return json.dumps(part, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode_part(step: Sheet, text: str) -> dict[str, Any] | None:
    """A part kept in the form, or None where it is not one of this step's."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or not set(found) <= set(step.keys):
        return None
    return found


# ----------------------------------------------------------------------------- pointers → fields


def _names(parts: Sequence[Part], obj: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for part in parts:
        name = f"{prefix}{part.key}"
        value = obj.get(part.key)
        if isinstance(part, Group):
            yield from _names(part.parts, value if isinstance(value, Mapping) else {}, name + ".")
        elif isinstance(part, Rows):
            yield name
            for i, item in enumerate(value if isinstance(value, list) else []):
                yield from _names(part.parts, item if isinstance(item, Mapping) else {}, f"{name}.{i}.")
        elif part.kind in ("id", "hidden"):
            continue
        else:
            yield name


def field_names(step: Sheet, part: Mapping[str, Any]) -> list[str]:
    """The names of the fields a form of ``part`` shows, in the page's order: each value, each
    text in several languages as one (``…title``), each list as one (``priorities``)."""
    return list(_names(step.parts, part, ""))


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def field_of(pointer: str, names: Sequence[str]) -> str:
    """The field a JSON pointer into the sent content names ("" for the form as a whole): the
    field itself (``/priorities/0/level``), the first field within it (``/sub_goals/0/indicator``
    → its name), an item's title for its id (``/priorities/1/id`` → ``priorities.1.title``), else
    the nearest field or list that holds it (``/priorities/0/vocabulary/3`` → the words)."""
    known = set(names)
    steps = [_unescape(s) for s in pointer.split("/")[1:]] if pointer.startswith("/") else []
    while steps:
        candidate = ".".join(steps)
        if steps[-1] == "id" and ".".join([*steps[:-1], "title"]) in known:
            return ".".join([*steps[:-1], "title"])
        if candidate in known:
            return candidate
        inner = next((n for n in names if n.startswith(candidate + ".")), None)
        if inner is not None:
            return inner
        steps.pop()
    return ""


ERROR_WORDS: dict[str, str] = {
    "the validity period ends before it starts": "plans_error_validity",
    "a baseline needs the year it was measured": "plans_error_baseline_year",
    "a target needs the year it is to be reached": "plans_error_target_year",
    "the target year is before the baseline year": "plans_error_target_before_baseline",
    "the initiative ends before it starts": "plans_error_initiative_years",
    "a published action plan needs at least one priority": "plans_error_no_priority",
    "a published action plan states when it is next revised": "plans_error_no_next_review",
    "the next review date must be in the future": "plans_error_next_review_past",
    "plans are revised at least twice a year: the next review must be within six months": (
        "plans_error_next_review_far"
    ),
}
"""The plans service's own findings (in English) by the message that words them here."""

_TYPES = {
    "missing": "plans_error_missing",
    "int_parsing": "plans_error_int",
    "int_from_float": "plans_error_int",
    "float_parsing": "plans_error_number",
    "finite_number": "plans_error_number",
    "date_from_datetime_parsing": "plans_error_date",
    "date_parsing": "plans_error_date",
    "date_from_datetime_inexact": "plans_error_date",
    "string_too_long": "plans_error_too_long",
    "too_long": "plans_error_too_many",
    "too_short": "plans_error_too_few",
    "string_too_short": "plans_error_missing",
    "greater_than_equal": "plans_error_too_small",
    "less_than_equal": "plans_error_too_large",
    "greater_than": "plans_error_too_small",
    "less_than": "plans_error_too_large",
    "literal_error": "plans_error_choice",
    "enum": "plans_error_choice",
    "uuid_parsing": "plans_error_choice",
}
"""Pydantic's kinds of error (``type``) by the message that words them here."""


def error_key(error: Mapping[str, Any]) -> str | None:
    """The catalogue key that words a refusal of the plans service, or None where only the
    service's own words say it. A wrong pattern says what the field wants (an address, a code)."""
    message = str(error.get("message") or "")
    if message in ERROR_WORDS:
        return ERROR_WORDS[message]
    if message.endswith("is used twice"):
        return "plans_error_duplicate"
    if message.startswith("no priority ") and message.endswith("in this plan"):
        return "plans_error_unknown_priority"
    if message.startswith("no initiative ") and message.endswith("in this plan"):
        return "plans_error_unknown_initiative"
    if "is not one of the ERDF common indicators" in message:
        return "plans_error_indicator_unknown"
    kind = str(error.get("type") or "")
    if kind == "string_pattern_mismatch":
        last = str(error.get("pointer") or "").rsplit("/", 1)[-1]
        return {"url": "plans_error_url", "code": "plans_error_indicator_code"}.get(
            last, "plans_error_pattern"
        )
    if kind == "value_error" and "at least one language" in message:
        return "plans_error_localized"
    return _TYPES.get(kind)


def errors_at_fields(
    errors: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    say: Callable[[str], str],
) -> dict[str, str]:
    """Each field's message in the reader's language (the first error of each field); those of no
    field of the form under ""."""
    found: dict[str, str] = {}
    for error in errors:
        where = field_of(str(error.get("pointer") or ""), names)
        key = error_key(error)
        found.setdefault(where, say(key) if key else str(error.get("message") or ""))
    return found


# ----------------------------------------------------------------------------- someone else saved first

Path = tuple[str | tuple[str, str], ...]
"""Where a value is in a step's part: keys of objects, and ``("id", x)`` for an item of a list
whose items carry ids."""


def _id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, Mapping) and "id" in v for v in value)


def _by_id(items: Any) -> dict[str, Any]:
    return {str(v["id"]): v for v in items} if isinstance(items, list) else {}


def merge(base: Any, mine: Any, theirs: Any) -> Any:
    """The person's changes put on top of someone else's, both made from ``base``: a value only
    one of them changed is that one's; a value both changed is the person's (what they typed is
    never lost; the page shows theirs beside it). Objects merge key by key, lists of items with
    ids item by item (an item one removed and the other changed stays); other lists are values."""
    if mine == base:
        return theirs
    if theirs == base or mine == theirs:
        return mine
    if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
        b = base if isinstance(base, Mapping) else {}
        out = {}
        for key in [*theirs, *(k for k in mine if k not in theirs)]:
            value = merge(b.get(key), mine.get(key), theirs.get(key))
            if value is not None:
                out[key] = value
        return out
    if _id_list(mine) and _id_list(theirs) and (base is None or _id_list(base)):
        b, m, t = _by_id(base), _by_id(mine), _by_id(theirs)
        order = [*t, *(k for k in m if k not in t)]
        items = []
        for key in order:
            if key not in m and b.get(key) == t.get(key) and key in b:
                continue  # the person removed it; they did not touch it
            if key not in t and b.get(key) == m.get(key) and key in b:
                continue  # they removed it; the person did not touch it
            if key not in m:
                items.append(t[key])
            elif key not in t:
                items.append(m[key])
            else:
                items.append(merge(b.get(key), m[key], t[key]))
        return items
    return mine


def _at(value: Any, path: Path) -> Any:
    for seg in path:
        if isinstance(seg, tuple):
            value = _by_id(value).get(seg[1])
        elif isinstance(value, Mapping):
            value = value.get(seg)
        else:
            return None
    return value


def _changes(base: Any, theirs: Any, path: Path) -> Iterator[Path]:
    if base == theirs:
        return
    if isinstance(base, Mapping) and isinstance(theirs, Mapping):
        for key in [*base, *(k for k in theirs if k not in base)]:
            yield from _changes(base.get(key), theirs.get(key), (*path, key))
    elif _id_list(base) and _id_list(theirs):
        b, t = _by_id(base), _by_id(theirs)
        for key in [*b, *(k for k in t if k not in b)]:
            if key in b and key in t:
                yield from _changes(b[key], t[key], (*path, ("id", key)))
            else:
                yield (*path, ("id", key))
    else:
        yield path


@dataclass(frozen=True)
class TheirChange:
    """A value someone else changed since the person read the draft: where, what it was, theirs,
    and what the person typed there (``mine_changed``: they changed it too, and theirs is not in
    the form)."""

    path: Path
    before: Any
    theirs: Any
    mine: Any
    mine_changed: bool


@dataclass
class Conflict:
    """Someone else saved the draft first: what they changed, and the form made anew from theirs
    with the person's own changes on top."""

    changes: list[TheirChange] = field(default_factory=list)
    merged: dict[str, Any] = field(default_factory=dict)


@dataclass
class DraftForm:
    """A draft's form as it is shown: its values, what the person started from (``base``) and the
    draft's ETag it was read at; the service's errors at the fields; someone else's changes."""

    values: dict[str, str]
    base: dict[str, Any]
    etag: str
    errors: dict[str, str] = field(default_factory=dict)
    conflict: Conflict | None = None
    notes: dict[str, str] = field(default_factory=dict)


def conflict(base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> Conflict:
    """What someone else changed in the step's part since ``base`` (each with what the person
    typed there), and ``merged``: the part the form shows now, theirs with the person's changes on
    top (:func:`merge`)."""
    changes = [
        TheirChange(
            path=p,
            before=_at(base, p),
            theirs=_at(theirs, p),
            mine=_at(mine, p),
            mine_changed=_at(mine, p) != _at(base, p) and _at(mine, p) != _at(theirs, p),
        )
        for p in _changes(dict(base), dict(theirs), ())
    ]
    merged = merge(dict(base), dict(mine), dict(theirs))
    return Conflict(changes=changes, merged=dict(merged) if isinstance(merged, Mapping) else dict(mine))


def path_name(path: Path, part: Mapping[str, Any]) -> str | None:
    """The form's field name of a place in ``part`` (an item by its index there); None where the
    item is not in it."""
    names: list[str] = []
    value: Any = part
    for seg in path:
        if isinstance(seg, tuple):
            items = value if isinstance(value, list) else []
            index = next(
                (i for i, v in enumerate(items) if isinstance(v, Mapping) and str(v.get("id")) == seg[1]),
                None,
            )
            if index is None:
                return None
            names.append(str(index))
            value = items[index]
        else:
            names.append(seg)
            value = value.get(seg) if isinstance(value, Mapping) else None
    return ".".join(names) if names else None


@dataclass(frozen=True)
class Where:
    """A place in a step's part as a person reads it: the labels of the items and fields on the
    way (message keys, with an item's title or number), and the field it ends at."""

    steps: tuple[tuple[str, str], ...]
    """(message key, the item's title or "") for each list item or group on the way, then the field."""
    field: Field | None
    language: str | None = None


def where(step: Sheet, path: Path, *parts_of: Mapping[str, Any]) -> Where:
    """The labels along ``path``, item titles read from any of ``parts_of`` (theirs, the
    person's, the base: the first that has the item)."""
    parts: Sequence[Part] = step.parts
    labels: list[tuple[str, str]] = []
    values: list[Any] = list(parts_of)
    i = 0
    segs = list(path)
    while i < len(segs):
        seg = segs[i]
        part = next((p for p in parts if not isinstance(seg, tuple) and p.key == seg), None)
        if part is None:
            break
        values = [v.get(seg) if isinstance(v, Mapping) else None for v in values]
        if isinstance(part, Group):
            if part.label:
                labels.append((part.label, ""))
            parts = part.parts
            i += 1
            continue
        if isinstance(part, Rows):
            nxt = segs[i + 1] if i + 1 < len(segs) else None
            if isinstance(nxt, tuple):
                items = [_by_id(v).get(nxt[1]) for v in values]
                item = next((x for x in items if isinstance(x, Mapping)), {})
                labels.append((part.item, _title_text(item.get(part.title))))
                values = items
                parts = part.parts
                i += 2
                continue
            return Where(tuple(labels), Field(part.key, label=part.label))
        language = segs[i + 1] if i + 1 < len(segs) and isinstance(segs[i + 1], str) else None
        return Where(tuple(labels), part, str(language) if language in LANGUAGES else None)
    return Where(tuple(labels), None)


# ----------------------------------------------------------------------------- values as a person reads them

Labels = Mapping[str, Mapping[str, str]]
"""The names of the choices a page supplies, by list (``groups``: group id → its name)."""


def choice_label(t: Messages, part: Field, value: str, labels: Labels) -> str:
    """A choice by its name: a fixed one worded by the catalogue (``level_spets`` → Spets), one of
    the page's lists by the name it gives (a group, an actor, a priority); one no longer there as
    "(no longer there)"."""
    if isinstance(part.choices, str):
        return labels.get(part.choices, {}).get(value) or t("plans_choice_gone")
    key = f"{part.worded_by}_{value}"
    return t(key) if part.worded_by and t.has(key) else value


def _day(t: Messages, value: Any) -> str:
    try:
        return t.day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def shown(t: Messages, value: Any, part: Field | None, labels: Labels, language: str | None = None) -> str:
    """A value of the plan as a person reads it ("–" for none): choices by their names, dates and
    numbers in the reader's format, a text in several languages in theirs (or in ``language``), a
    list's items by their titles."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    kind = part.kind if part is not None else "text"
    if isinstance(value, Mapping):
        if language:
            return str(value.get(language) or "–")
        if all(k in LANGUAGES for k in value):
            return t.text({str(k): str(v) for k, v in value.items() if v}) or "–"
        return _title_text(
            value.get("title") or value.get("name") or value.get("role") or value.get("description")
        )
    if isinstance(value, list):
        if part is not None and kind == "multi":
            return ", ".join(choice_label(t, part, str(v), labels) for v in value)
        return "; ".join(shown(t, v, None, labels) for v in value)
    if part is not None and kind == "select":
        return choice_label(t, part, str(value), labels)
    if kind == "date":
        return _day(t, value)
    if kind in ("int",) and isinstance(value, int):
        return str(value)
    if kind == "number" and isinstance(value, (int, float)):
        return t.number(value)
    return str(value)
