"""Section 5: where the portfolio lands, municipality by municipality."""

from __future__ import annotations

from collections import Counter

from kraftsamla_common.municipalities import municipality_by_code

from .content import Amounts, Cell, Geography, MunicipalityLine
from .inputs import ReportInputs
from .portfolio import add_to

OPEN_STATUSES = frozenset({"received", "under_assessment", "assessed"})


def _per_inhabitant(amounts: Amounts, population: int | None) -> Amounts:
    if not population:
        return {}
    return {currency: round(value / population, 2) for currency, value in amounts.items()}


def geography_of(inputs: ReportInputs) -> Geography:
    own = list(inputs.geography.municipalities) if inputs.geography else []
    cells: dict[str, Cell] = {}
    open_: Counter[str] = Counter()
    for app in inputs.applications:
        for code in set(app.municipalities):
            add_to(cells.setdefault(code, Cell()), app)
            open_[code] += app.status in OPEN_STATUSES
    lines = []
    for code in own + sorted(set(cells) - set(own)):
        cell = cells.get(code, Cell())
        m = municipality_by_code(code)
        population = m.population if m else None
        lines.append(
            MunicipalityLine(
                code=code,
                name=m.name if m else code,
                population=population,
                in_region=code in own,
                applications=cell.count,
                open=open_[code],
                granted=cell.granted,
                requested_amount=cell.requested_amount,
                granted_amount=cell.granted_amount,
                granted_per_inhabitant=_per_inhabitant(cell.granted_amount, population),
            )
        )
    return Geography(
        municipalities=lines,
        reached=sum(1 for code in own if code in cells),
        unreached=[code for code in own if code not in cells],
        region_wide=sum(1 for a in inputs.applications if not a.municipalities),
    )
