"""A local plan's draft as one form, pure: its fields (made with the action plan's form parts,
``plan_forms``), the plan's content to the form and back, its links to the regional programme
chosen by name, the plans service's JSON pointers back at the fields, and the form that registers
a new local plan.

A link to the regional programme (``RegionalLink``: a strength area, and within it optionally a
priority and a sub-goal) is two choices in the form: what it serves (``target``: the strength area
as a whole, ``<area>``, or one of its priorities, ``<area>/<priority>``) and optionally a sub-goal
(``<area>/<sub-goal>``), each offered by name. The form's content (``to_form``) holds links in
that shape, so that the form's fields, someone else's changes and the person's own are compared
as a person chose them; ``from_form`` makes the plans service's links again.

Financing commitments are the plan's (the plans service's ``LocalPlanContent.financing``: a party,
a year, an amount and its currency, a decision, a letter of intent or in kind), not an action's."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from kraftsamla_common.events import PlanLevel
from kraftsamla_common.i18n import Messages

from . import plan_forms as forms
from .indicators import parse_number
from .plan_forms import Field, Part, Rows

PLAN_LEVELS: tuple[str, ...] = get_args(PlanLevel)
CURRENCIES = ("SEK", "EUR", "NOK", "DKK")
COMMITMENT_KINDS = ("decision", "letter_of_intent", "in_kind")

LINK: tuple[Part, ...] = (
    Field("target", "select", label="local_plans_field_target", choices="links", wide=True),
    Field("sub_goal", "select", label="local_plans_field_sub_goal", choices="sub_goals", wide=True),
)
"""A link to the regional programme as the form holds it (see the module's text)."""


def _links(label: str, hint: str = "") -> Rows:
    return Rows("serves", LINK, label=label, item="local_plans_item_link", title="", hint=hint)


@dataclass(frozen=True)
class LocalPlanSheet:
    """The local plan's form: every part of its content a person writes."""

    parts: tuple[Part, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.parts)


SHEET = LocalPlanSheet(
    (
        Field("title", label="local_plans_field_title"),
        Field("owner", label="local_plans_owner", hint="local_plans_hint_owner"),
        Field("municipalities", "multi", label="local_plans_municipalities", choices="municipalities"),
        Field(
            "levels", "multi", label="local_plans_levels", choices=PLAN_LEVELS, worded_by="local_plans_level"
        ),
        Field("period_start", "int", label="local_plans_field_period_start"),
        Field("period_end", "int", label="local_plans_field_period_end"),
        Field("vision", "prose", label="local_plans_vision"),
        Field("goals", "lines", label="local_plans_goals", hint="plans_hint_lines"),
        Field(
            "target_groups",
            "multi",
            label="local_plans_target_groups",
            choices=forms.TARGET_GROUPS,
            worded_by="local_plans_target",
        ),
        _links("local_plans_plan_serves", "local_plans_hint_plan_serves"),
        Rows(
            "actions",
            (
                Field("id", "id"),
                Field("title", label="local_plans_field_action_title"),
                Field("description", "prose", label="local_plans_field_description"),
                Field(
                    "level",
                    "select",
                    label="local_plans_level",
                    choices=PLAN_LEVELS,
                    worded_by="local_plans_level",
                ),
                Field(
                    "target_groups",
                    "multi",
                    label="local_plans_target_groups",
                    choices=forms.TARGET_GROUPS,
                    worded_by="local_plans_target",
                ),
                Field("responsible", label="local_plans_responsible", hint="local_plans_hint_responsible"),
                Field("responsible_actor_id", "hidden"),
                Field("mandate", "prose", label="local_plans_mandate"),
                Field("start", "date", label="local_plans_field_start"),
                Field("end", "date", label="local_plans_field_end"),
                _links("local_plans_serves", "local_plans_hint_serves"),
            ),
            label="local_plans_actions",
            item="local_plans_item_action",
        ),
        Rows(
            "financing",
            (
                Field("party", label="local_plans_party", hint="local_plans_hint_party"),
                Field("party_actor_id", "hidden"),
                Field("year", "int", label="local_plans_year"),
                Field("amount", "number", label="local_plans_amount", hint="local_plans_hint_amount"),
                Field("currency", "select", label="local_plans_field_currency", choices=CURRENCIES),
                Field(
                    "kind",
                    "select",
                    label="local_plans_kind",
                    choices=COMMITMENT_KINDS,
                    worded_by="local_plans_financing",
                ),
                Field("note", label="local_plans_note"),
            ),
            label="local_plans_financing",
            item="local_plans_item_commitment",
            title="party",
        ),
    )
)
"""The local plan's draft as one form. What it does not hold (the owner's actor id) is kept as it
is when the draft is saved; an action's responsible actor and a party's actor id are kept in
hidden fields."""


# ----------------------------------------------------------------------------- links, both ways


def _link_in(link: Mapping[str, Any]) -> dict[str, str]:
    area = str(link.get("strength_area_id") or "")
    priority, sub_goal = link.get("priority_id"), link.get("sub_goal_id")
    out = {"target": f"{area}/{priority}" if priority else area}
    if sub_goal:
        out["sub_goal"] = f"{area}/{sub_goal}"
    return out


def to_form(content: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's content as the form holds it: its links as the two choices (see the module's
    text), the rest as it is."""
    out = copy.deepcopy(dict(content))
    out["serves"] = [_link_in(link) for link in content.get("serves") or [] if isinstance(link, Mapping)]
    actions = []
    for action in content.get("actions") or []:
        if isinstance(action, Mapping):
            made = dict(action)
            made["serves"] = [
                _link_in(link) for link in action.get("serves") or [] if isinstance(link, Mapping)
            ]
            actions.append(made)
    out["actions"] = actions
    return out


def _split(value: str) -> tuple[str, str | None]:
    area, _, rest = value.partition("/")
    return area, rest or None


def _link_out(link: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """A link of the service from the form's two choices; False where the sub-goal is of another
    strength area than the priority chosen."""
    target, sub_goal = str(link.get("target") or ""), str(link.get("sub_goal") or "")
    area, priority = _split(target) if target else (None, None)
    goal_area, goal = _split(sub_goal) if sub_goal else (None, None)
    out: dict[str, Any] = {"strength_area_id": area or goal_area or ""}
    if priority:
        out["priority_id"] = priority
    if goal:
        out["sub_goal_id"] = goal
    return out, not (area and goal_area and area != goal_area)


def from_form(part: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The plan's content from the form's (:func:`parse`), and the fields whose sub-goal is of
    another strength area than the priority chosen beside it (said at the field, nothing sent)."""
    out = dict(part)
    wrong: list[str] = []

    def links(items: Any, prefix: str) -> list[dict[str, Any]]:
        made = []
        for j, link in enumerate(items if isinstance(items, list) else []):
            if not isinstance(link, Mapping):
                continue
            found, fits = _link_out(link)
            if not fits:
                wrong.append(f"{prefix}.{j}.sub_goal")
            made.append(found)
        return made

    if "serves" in part:
        out["serves"] = links(part.get("serves"), "serves")
    if "actions" in part:
        actions = []
        for i, action in enumerate(part.get("actions") or []):
            made = dict(action)
            made["serves"] = links(action.get("serves"), f"actions.{i}.serves")
            actions.append(made)
        out["actions"] = actions
    return out, wrong


# ----------------------------------------------------------------------------- the form, both ways


def _amounts(form: Mapping[str, str], language: str) -> dict[str, str]:
    """The form with each amount as a person writes it in ``language`` (``1 250 000,50``; in
    English ``1,250,000.50``) made plain (``1250000.5``); one that is no number stays as typed,
    for the service to say so at its field."""
    out = dict(form)
    for name, text in form.items():
        if name.startswith("financing.") and name.endswith(".amount") and text.strip():
            value = parse_number(text, language)
            if value is not None:
                out[name] = str(int(value)) if value.is_integer() else repr(value)
    return out


def parse(form: Mapping[str, str], language: str) -> dict[str, Any]:
    """The form's content (links as the form holds them) from the fields posted."""
    return forms.parse_form(SHEET, _amounts(form, language))


def part_of(content: Mapping[str, Any]) -> dict[str, Any]:
    """The form's content of a plan's content, as the form would send it again (so two compare
    equal where a person would see the same form)."""
    return forms.step_part(SHEET, to_form(content))


def values(part: Mapping[str, Any]) -> dict[str, str]:
    return forms.form_values(SHEET, part)


def content(draft: Mapping[str, Any], part: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The draft to send: the form's parts replaced, what the form does not hold kept; and the
    fields of links that do not fit (:func:`from_form`)."""
    made, wrong = from_form(part)
    return forms.with_part(draft, SHEET, made), wrong


def decode(text: str) -> dict[str, Any] | None:
    return forms.decode_part(SHEET, text)


# ----------------------------------------------------------------------------- pointers → fields

_LINK_KEYS = {"strength_area_id": "target", "priority_id": "target", "sub_goal_id": "sub_goal"}

ERROR_WORDS: dict[str, str] = {
    "the plan's period ends before it starts": "local_plans_error_period",
    "the action ends before it starts": "local_plans_error_action_dates",
}
"""The plans service's own findings on a local plan (in English) by the message that words them here."""


def form_pointer(pointer: str) -> str:
    """The service's pointer into the content sent, as a pointer into the form's content: a link's
    strength area or priority → its ``target``, its sub-goal → its ``sub_goal``."""
    head, _, last = pointer.rpartition("/")
    if last in _LINK_KEYS and "/serves/" in pointer + "/":
        return f"{head}/{_LINK_KEYS[last]}"
    return pointer


def error_key(error: Mapping[str, Any]) -> str | None:
    """The catalogue key that words a refusal of the plans service here (an action plan's form's
    words where they fit), or None where only the service's words say it."""
    message = str(error.get("message") or "")
    pointer = str(error.get("pointer") or "")
    kind = str(error.get("type") or "")
    if message in ERROR_WORDS:
        return ERROR_WORDS[message]
    if message.startswith("no strength area ") or (
        message.startswith("the action plan of ")
        and (" has no priority " in message or " has no sub-goal " in message)
    ):
        return "local_plans_error_unknown_link"
    if pointer.endswith("/amount") and kind in (
        "out_of_range",
        "float_parsing",
        "finite_number",
        "float_type",
    ):
        return "local_plans_error_amount"
    if pointer.rstrip("/").rsplit("/", 1)[-1] in ("start", "end") and kind == "out_of_range":
        return "plans_error_date"
    if pointer == "/municipalities" and kind in ("too_short", "missing"):
        return "local_plans_error_municipalities"
    if pointer.startswith("/municipalities/") and kind == "string_pattern_mismatch":
        return "local_plans_error_municipality"
    return forms.error_key(error)


def errors_at_fields(
    errors: Sequence[Mapping[str, Any]], part: Mapping[str, Any], say: Callable[[str], str]
) -> dict[str, str]:
    """Each field's message in the reader's language (the first error of each field), those of no
    field of the form under ""."""
    names = forms.field_names(SHEET, part)
    found: dict[str, str] = {}
    for error in errors:
        where = forms.field_of(form_pointer(str(error.get("pointer") or "")), names)
        key = error_key(error)
        found.setdefault(where, say(key) if key else str(error.get("message") or ""))
    return found


# ----------------------------------------------------------------------------- the choices, by name

Choices = list[tuple[str, str]]


@dataclass(frozen=True)
class Area:
    id: str
    name: Mapping[str, str | None]
    code: str


@dataclass(frozen=True)
class Priority:
    strength_area_id: str
    id: str
    title: Mapping[str, str | None]


@dataclass(frozen=True)
class SubGoal:
    strength_area_id: str
    id: str
    title: Mapping[str, str | None]


def _all_links(parts: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for part in parts:
        yield from (link for link in part.get("serves") or [] if isinstance(link, Mapping))
        for action in part.get("actions") or []:
            if isinstance(action, Mapping):
                yield from (link for link in action.get("serves") or [] if isinstance(link, Mapping))


def link_choices(
    t: Messages,
    areas: Iterable[Area],
    priorities: Iterable[Priority],
    sub_goals: Iterable[SubGoal],
    parts: Iterable[Mapping[str, Any]],
) -> dict[str, Choices]:
    """What a link may serve, by name: each strength area as a whole, then its current published
    priorities ("Hållbar energi › Vätgas"), the areas by name; and the sub-goals the same way.
    A choice the plan already holds that is none of these (a priority no longer published) is
    offered too (``parts``: the forms' contents shown or compared), by what is known of it, so
    that saving never changes it unseen."""
    areas = sorted(areas, key=lambda a: (t.text(a.name) or a.code).casefold())
    area_name = {a.id: t.text(a.name) or a.code for a in areas}
    by_area: dict[str, list[Priority]] = {}
    for p in priorities:
        by_area.setdefault(p.strength_area_id, []).append(p)
    goals_by_area: dict[str, list[SubGoal]] = {}
    for g in sub_goals:
        goals_by_area.setdefault(g.strength_area_id, []).append(g)
    targets: Choices = []
    goals: Choices = []
    for a in areas:
        name = area_name[a.id]
        targets.append((a.id, t("local_plans_link_whole_area", area=name)))
        for p in sorted(by_area.get(a.id, []), key=lambda p: (t.text(p.title) or p.id).casefold()):
            targets.append((f"{a.id}/{p.id}", f"{name} › {t.text(p.title) or p.id}"))
        for g in sorted(goals_by_area.get(a.id, []), key=lambda g: (t.text(g.title) or g.id).casefold()):
            goals.append((f"{a.id}/{g.id}", f"{name} › {t.text(g.title) or g.id}"))
    offered = {v for v, _ in targets} | {v for v, _ in goals}
    for link in _all_links(parts):
        for key, into in (("target", targets), ("sub_goal", goals)):
            value = str(link.get(key) or "")
            if value and value not in offered:
                area, rest = _split(value)
                name = area_name.get(area) or t("local_plans_unknown_area")
                label = f"{name} › {rest}" if rest else name
                into.append((value, t("local_plans_link_not_current", link=label)))
                offered.add(value)
    return {"links": targets, "sub_goals": goals}


def municipality_choices(
    region: Iterable[tuple[str, str]], part: Mapping[str, Any], name_of: Callable[[str], str | None]
) -> Choices:
    """The region's municipalities by name (``region``: code and name), and any other the plan
    names, by its name where the platform knows it."""
    out = sorted(region, key=lambda m: m[1].casefold())
    known = {code for code, _ in out}
    for code in part.get("municipalities") or []:
        if str(code) not in known:
            out.append((str(code), name_of(str(code)) or str(code)))
            known.add(str(code))
    return out


def labels(choices: Mapping[str, Choices]) -> dict[str, dict[str, str]]:
    return {name: dict(found) for name, found in choices.items()}


def shown(
    t: Messages, value: Any, part: Field | None, known: forms.Labels, language: str | None = None
) -> str:
    """A value of the form as a person reads it (:func:`plan_forms.shown`), and links and
    financing commitments by what they say ("Hållbar energi › Vätgas"; "Östersunds kommun, 2026,
    500 000 kr")."""
    if isinstance(value, Mapping) and ("target" in value or "sub_goal" in value):
        parts = [
            known.get(name, {}).get(str(value.get(key)), str(value.get(key)))
            for key, name in (("target", "links"), ("sub_goal", "sub_goals"))
            if value.get(key)
        ]
        return "; ".join(parts) or "–"
    if isinstance(value, Mapping) and "party" in value:
        bits = [str(value.get("party") or ""), str(value.get("year") or "")]
        amount = value.get("amount")
        if isinstance(amount, (int, float)) and not isinstance(amount, bool):
            bits.append(t.money(amount, str(value.get("currency") or "SEK")))
        return ", ".join(b for b in bits if b)
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return "; ".join(shown(t, v, None, known) for v in value)
    return forms.shown(t, value, part, known, language)


# ----------------------------------------------------------------------------- a new local plan

NEW_FIELDS = ("title", "owner", "municipalities", "period_start", "period_end")


def new_plan(form: Mapping[str, str]) -> dict[str, Any]:
    """``POST …/local-plans``'s body from the form that registers a plan: its title, owner, one
    municipality (by its code, chosen by name) and period; a year that is no whole number is sent
    as typed, for the service to say so at its field."""
    body: dict[str, Any] = {"title": form.get("title", "").strip()}
    if owner := form.get("owner", "").strip():
        body["owner"] = owner
    code = form.get("municipalities", "").strip()
    body["municipalities"] = [code] if code else []
    for key in ("period_start", "period_end"):
        text = form.get(key, "").strip()
        if text:
            body[key] = int(text) if text.isdigit() and len(text) <= 9 else text
    return body


def new_plan_errors(errors: Sequence[Mapping[str, Any]], say: Callable[[str], str]) -> dict[str, str]:
    """The service's refusals of a new plan at the form's fields ("" for the form as a whole)."""
    found: dict[str, str] = {}
    for error in errors:
        where = forms.field_of(str(error.get("pointer") or ""), NEW_FIELDS)
        key = error_key(error)
        found.setdefault(where, say(key) if key else str(error.get("message") or ""))
    return found
