"""The ERDF and Cohesion Fund common indicators 2021–2027 (RCO outputs, RCR results; Regulation
(EU) 2021/1058, Annex I) as data (``data/erdf_indicators.json``, its source beside it): looked up by
code, searched as people type, and the rule that a sub-goal's indicator may cite only a real one."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from kraftsamla_common.events import ActionPlanContent

from .problems import Problem, problem

IndicatorKind = Literal["output", "result"]


@dataclass(frozen=True)
class CommonIndicator:
    code: str
    kind: IndicatorKind
    names: dict[str, str]
    """By language: ``en`` always; ``sv`` and ``fi`` where the official wording is in the data."""
    units: dict[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]

    def unit(self, language: str) -> str:
        return self.units.get(language) or self.units["en"]


@cache
def indicators() -> tuple[CommonIndicator, ...]:
    """Every common indicator of the data file, in the regulation's order (outputs, then results)."""
    text = resources.files("kraftsamla_plans").joinpath("data/erdf_indicators.json").read_text("utf-8")
    return tuple(
        CommonIndicator(code=i["code"], kind=i["kind"], names=dict(i["name"]), units=dict(i["unit"]))
        for i in json.loads(text)["indicators"]
    )


@cache
def by_code() -> dict[str, CommonIndicator]:
    return {i.code: i for i in indicators()}


def normalise_code(code: str) -> str:
    """``rco 1`` → ``RCO01``: the letters upper case, no space, at least two digits."""
    m = re.fullmatch(r"\s*(rc[or])\s*0*(\d{1,3})\s*", code, flags=re.IGNORECASE)
    if not m:
        return code.strip().upper()
    return f"{m.group(1).upper()}{int(m.group(2)):02d}"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(q: str, *, kind: IndicatorKind | None = None, limit: int) -> list[CommonIndicator]:
    """Indicators of ``kind`` whose code starts with ``q`` (``RCO0``, ``rco 16``, ``16``), else whose
    name, in any language there is, holds every word of ``q`` as the start of a word; codes first."""
    pool = [i for i in indicators() if kind is None or i.kind == kind]
    q = q.strip()
    if not q:
        return pool[:limit]
    compact = re.sub(r"\s+", "", q).upper()
    by_code_: list[CommonIndicator] = []
    if re.fullmatch(r"(RC[OR]?)?\d{0,3}|R|RC", compact):
        letters, digits = re.fullmatch(r"([A-Z]*)(\d*)", compact).groups()  # type: ignore[union-attr]
        for i in pool:
            number = i.code[3:]
            if not i.code.startswith(letters):
                continue
            if digits and not (
                number.startswith(digits) or str(int(number)).startswith(digits.lstrip("0") or "0")
            ):
                continue
            by_code_.append(i)
    words = [_fold(w) for w in re.split(r"[\s,;/()]+", q) if w]
    by_name = [
        i
        for i in pool
        if i not in by_code_
        and all(
            re.search(rf"(^|[\s\-(/,]){re.escape(w)}", " ".join(_fold(n) for n in i.names.values()))
            for w in words
        )
    ]
    return (by_code_ + by_name)[:limit]


def indicator_code_errors(plan: ActionPlanContent) -> list[Problem]:
    """Codes that name no common indicator: a sub-goal's (or an effect-chain link's) indicator may
    cite an RCO/RCR code only if it is one of the list; an indicator without a code is the
    region's own and always allowed."""
    known = by_code()
    errors: list[Problem] = []

    def check(pointer: str, code: str | None) -> None:
        if code is not None and code not in known:
            errors.append(
                problem(
                    pointer,
                    f"{code!r} is not one of the ERDF common indicators 2021–2027 (GET …/indicators "
                    "lists them); leave the code out for an indicator of the region's own",
                )
            )

    for i, g in enumerate(plan.sub_goals):
        check(f"/sub_goals/{i}/indicator/code", g.indicator.code)
    chain = plan.evaluation.effect_chain
    for stage in ("input", "activity", "output", "outcome", "impact"):
        for j, link in enumerate(getattr(chain, stage)):
            for k, ind in enumerate(link.indicators):
                check(f"/evaluation/effect_chain/{stage}/{j}/indicators/{k}/code", ind.code)
    return errors
