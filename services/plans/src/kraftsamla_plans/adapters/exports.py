"""An action plan's indicator values for spreadsheets: each value with its sub-goal, indicator,
baseline and target, headers from the service's catalogue (``kraftsamla_plans/locale``) in the
reader's language. Written as XLSX or CSV by :mod:`kraftsamla_common.exports`."""

from __future__ import annotations

from kraftsamla_common.exports import Column, Table
from kraftsamla_common.i18n import Language, Messages

from ..persistence.tables import ActionPlan
from ..usecases.measurements import MeasurementList

PACKAGE = "kraftsamla_plans"


def strength_area_name(plan: ActionPlan, language: Language) -> str:
    area = plan.strength_area
    return Messages(language, (PACKAGE,)).text(area.name) or area.code


def measurements_table(found: MeasurementList, language: Language) -> Table:
    t = Messages(language, (PACKAGE,))
    area_name = strength_area_name(found.plan, language)
    rows = []
    for m in found.rows:
        goal = found.sub_goals.get(m.sub_goal_id)
        rows.append(
            [
                area_name,
                (t.text(goal.title.model_dump()) or m.sub_goal_id) if goal else m.sub_goal_id,
                goal.indicator.name if goal else None,
                goal.indicator.code if goal else None,
                goal.indicator.unit if goal else None,
                m.year,
                m.value,
                goal.baseline if goal else None,
                goal.baseline_year if goal else None,
                goal.target if goal else None,
                goal.target_year if goal else None,
                m.measured_on,
                m.source or None,
                m.note or None,
            ]
        )
    return Table(
        t("export_measurements"),
        [
            Column(t("col_strength_area")),
            Column(t("col_sub_goal")),
            Column(t("col_indicator")),
            Column(t("col_indicator_code")),
            Column(t("col_unit")),
            Column(t("col_year"), "integer", grouped=False),
            Column(t("col_value"), "decimal"),
            Column(t("col_baseline"), "decimal"),
            Column(t("col_baseline_year"), "integer", grouped=False),
            Column(t("col_target"), "decimal"),
            Column(t("col_target_year"), "integer", grouped=False),
            Column(t("col_measured_on"), "date"),
            Column(t("col_source")),
            Column(t("col_note")),
        ],
        rows,
    )
