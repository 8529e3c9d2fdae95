"""Review, assignment and conflict forms, pure: the JSON a form's fields make for the assessment
service, and the service's 422 errors (JSON pointers into that JSON) back at the form's fields."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from kraftsamla_common.events import Level, Recommendation

OVERRIDE_PARTS = ("strength_area", "level", "recommendation")
"""The parts of an assessment the page lets a reviewer override, in the form's order."""

LEVELS: tuple[str, ...] = get_args(Level)
RECOMMENDATIONS: tuple[str, ...] = get_args(Recommendation)


@dataclass
class ReviewForm:
    """An override as the person filled it in: the parts they chose a new value for, the reason."""

    values: dict[str, str] = field(default_factory=dict)
    reason: str = ""
    comment: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> ReviewForm:
        values = {p: form.get(p, "").strip() for p in OVERRIDE_PARTS if form.get(p, "").strip()}
        return cls(
            values=values, reason=form.get("reason", "").strip(), comment=form.get("comment", "").strip()
        )

    @property
    def parts(self) -> list[str]:
        """The overridden parts, in the order their overrides are sent (index = the pointer's)."""
        return [p for p in OVERRIDE_PARTS if p in self.values]

    def body(self) -> dict[str, Any]:
        """``POST …/review`` for an override; every chosen part carries the one reason."""
        return {
            "action": "override",
            "overrides": [{"part": p, "value": self.values[p], "reason": self.reason} for p in self.parts],
            "comment": self.comment or None,
        }


def confirm_body(form: Mapping[str, str]) -> dict[str, Any]:
    comment = form.get("comment", "").strip()
    return {"action": "confirm", "comment": comment or None}


def assignment_body(ids: Iterable[str], assignee: str) -> dict[str, Any]:
    return {"application_ids": list(dict.fromkeys(ids)), "assignee": assignee}


def chosen_assignee(form: Mapping[str, str]) -> str:
    """The assessor named in a form: the name typed in (``user:<sub>``) over the one chosen."""
    return form.get("assignee_other", "").strip() or form.get("assignee", "").strip()


def field_of(pointer: str, override_parts: Sequence[str] = ()) -> str:
    """The form field a service's JSON pointer names ("" for the form as a whole):
    ``/overrides/1/reason`` → ``reason``, ``/overrides/0/value`` → the part overridden at 0,
    ``/application_ids/3`` → ``application_ids``, ``/assignee`` → ``assignee``."""
    steps = [s for s in pointer.split("/") if s] if pointer.startswith("/") else []
    if not steps:
        return ""
    if steps[0] == "overrides":
        if len(steps) >= 3 and steps[2] == "reason":
            return "reason"
        if len(steps) >= 2 and steps[1].isdigit() and int(steps[1]) < len(override_parts):
            return override_parts[int(steps[1])]
        return ""
    return steps[0]


def errors_at_fields(
    errors: Iterable[Mapping[str, Any]],
    form: str,
    fields: Collection[str],
    has: Callable[[str], bool],
    say: Callable[[str], str],
    override_parts: Sequence[str] = (),
    *,
    locate: Callable[[str], str] | None = None,
    kind: Callable[[str], str] | None = None,
) -> dict[str, str]:
    """Each field's message in the reader's language: the catalogue's ``form_error_<form>_<field>``
    where it has one (``has``/``say``: the page's messages), else the service's own words. The
    first error of a field is kept; those of no field of the form are under "". ``locate`` maps a
    pointer to its field where a form's fields are named otherwise than :func:`field_of` does;
    ``kind`` names the message a field shares with others of its kind (``score_roadmap`` →
    ``score``)."""
    found: dict[str, str] = {}
    for error in errors:
        pointer = str(error.get("pointer") or "")
        name = locate(pointer) if locate else field_of(pointer, override_parts)
        name = name if name in fields else ""
        key = f"form_error_{form}_{(kind(name) if kind and name else name) or 'form'}"
        message = say(key) if has(key) else str(error.get("message") or "")
        found.setdefault(name, message)
    return found
