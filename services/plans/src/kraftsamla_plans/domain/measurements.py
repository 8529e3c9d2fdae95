"""Rules of indicator measurements: which sub-goals may be measured."""

from __future__ import annotations

from typing import Literal, NamedTuple

from kraftsamla_common.events import ActionPlanContent

from .problems import Problem, problem


def measurement_errors(published: ActionPlanContent | None, sub_goal_id: str) -> list[Problem]:
    """Why a value cannot be recorded for ``sub_goal_id``: measurements follow up the sub-goals of
    the plan's latest published version (a draft's sub-goals are not yet the plan's)."""
    if published is None:
        return [
            problem(
                "/sub_goal_id",
                "the action plan has no published version yet: publish its sub-goals before measuring them",
            )
        ]
    if all(g.id != sub_goal_id for g in published.sub_goals):
        known = ", ".join(repr(g.id) for g in published.sub_goals) or "none"
        return [
            problem(
                "/sub_goal_id",
                f"no sub-goal {sub_goal_id!r} in the latest published version (its sub-goals: {known})",
            )
        ]
    return []


# --------------------------------------------------------------------------- values imported from a table

IMPORT_COLUMNS = ("sub_goal_id", "year", "value", "measured_on", "source", "note")
IMPORT_ALIASES = {
    "sub_goal": "sub_goal_id",
    "subgoal": "sub_goal_id",
    "delmål": "sub_goal_id",
    "delmal": "sub_goal_id",
    "välitavoite": "sub_goal_id",
    "valitavoite": "sub_goal_id",
    "år": "year",
    "ar": "year",
    "vuosi": "year",
    "värde": "value",
    "varde": "value",
    "arvo": "value",
    "mätdatum": "measured_on",
    "mittauspäivä": "measured_on",
    "källa": "source",
    "kalla": "source",
    "lähde": "source",
    "lahde": "source",
    "anteckning": "note",
    "kommentar": "note",
    "huomautus": "note",
}


class TableFormatError(ValueError):
    """A table that cannot be read as indicator values at all (unknown or missing columns)."""


def measurement_rows(
    header: list[str], rows: list[tuple[int, list[str], set[int]]]
) -> list[tuple[int, dict[str, str], list[Problem]]]:
    """The rows of a table of indicator values as ``(line, {column: text}, problems)``: ``header``
    names the columns (sub_goal_id, year, value, and optionally measured_on, source, note; or their
    Swedish and Finnish names), each row comes with its line and the indexes of cells holding a
    formula, which is refused (not evaluated). A value may use a decimal comma and spaces between
    thousands (``1 250,5``)."""
    names = [IMPORT_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    unknown = [n for n in names if n and n not in IMPORT_COLUMNS]
    if unknown:
        raise TableFormatError(
            f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(IMPORT_COLUMNS)}"
        )
    for required in ("sub_goal_id", "year", "value"):
        if required not in names:
            raise TableFormatError(f"the column {required!r} is missing")
    out: list[tuple[int, dict[str, str], list[Problem]]] = []
    for line, cells, formulas in rows:
        problems: list[Problem] = []
        row = {n: c.strip() for n, c in zip(names, cells, strict=False) if n and c.strip()}
        if any(c.strip() for c in cells[len(names) :]):
            problems.append(problem("", "more cells than columns"))
        for i in sorted(formulas):
            if i < len(names) and names[i]:
                problems.append(problem(f"/{names[i]}", "a formula is not evaluated: enter the value itself"))
        if "value" in row:
            row["value"] = plain_number(row["value"])
        out.append((line, row, problems))
    return out


def plain_number(text: str) -> str:
    """``1 250,5`` → ``1250.5``: spaces (and no-break spaces) between thousands dropped, a decimal
    comma made a point when the text has no point; anything else left for validation to judge."""
    compact = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in compact and "." not in compact and compact.count(",") == 1:
        compact = compact.replace(",", ".")
    return compact


ImportMode = Literal["all_or_nothing", "valid_rows"]
"""all_or_nothing: record every row or none; valid_rows: record the good rows."""


class RowError(NamedTuple):
    """What is wrong with one line of the file (``field`` None: the line as a whole)."""

    line: int
    field: str | None
    message: str
