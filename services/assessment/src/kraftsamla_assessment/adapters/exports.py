"""The application list for spreadsheets: each application with its assessment as it stands after
a reviewer's overrides, headers and values from the service's catalogue
(``kraftsamla_assessment/locale``) in the reader's language, strength areas and municipalities by
name. Written as XLSX or CSV by :mod:`kraftsamla_common.exports`."""

from __future__ import annotations

from uuid import UUID

from kraftsamla_common.exports import Amount, Cell, Column, Table
from kraftsamla_common.i18n import Language, Messages
from kraftsamla_common.municipalities import municipality_by_code

from ..domain.reviews import effective_of
from ..persistence.tables import Application, Assessment
from ..usecases.applications import ApplicationList, StrengthAreaName

PACKAGE = "kraftsamla_assessment"


def _area(t: Messages, area: StrengthAreaName | None, sa_id: UUID | None) -> str | None:
    if sa_id is None:
        return None
    return (t.text(area.name) or area.code) if area else str(sa_id)


def _plan_version(assessment: Assessment, sa_id: UUID | None) -> int | None:
    """The version of the strength area's action plan the assessment was made against."""
    for ref in assessment.plan_versions if sa_id else ():
        if ref.get("strength_area_id") == str(sa_id):
            return int(ref["version"])
    return None


def _row(
    t: Messages, app: Application, a: Assessment | None, areas: dict[str, StrengthAreaName]
) -> list[Cell]:
    eff = effective_of(a.strength_area_id, a.level, a.recommendation, a.details, app.review) if a else None
    sa_id = eff.strength_area_id if eff else None
    places = (municipality_by_code(code) for code in app.municipalities)
    return [
        app.title,
        app.applicant_name,
        app.applicant_identifier,
        ", ".join(m.name if m else code for m, code in zip(places, app.municipalities, strict=True)),
        _area(t, areas.get(str(sa_id)) if sa_id else None, sa_id),
        t(f"level_{eff.level}") if eff and eff.level else None,
        a.score if a else None,
        t(f"recommendation_{eff.recommendation}").capitalize() if eff else None,
        Amount(app.requested_amount, app.currency),
        Amount(app.total_budget, app.currency) if app.total_budget is not None else None,
        Amount(app.granted_amount, app.currency) if app.granted_amount is not None else None,
        app.currency,
        t(f"status_{app.status}"),
        t(f"review_{(app.review or {}).get('state', 'none')}"),
        _plan_version(a, sa_id) if a else None,
        app.received_at.date(),
        app.decided_on,
        app.source,
        app.external_id,
    ]


def applications_table(found: ApplicationList, language: Language) -> Table:
    t = Messages(language, (PACKAGE,))
    return Table(
        t("export_applications"),
        [
            Column(t("col_title")),
            Column(t("col_applicant")),
            Column(t("col_applicant_identifier")),
            Column(t("col_municipalities")),
            Column(t("col_strength_area")),
            Column(t("col_level")),
            Column(t("col_score"), "decimal"),
            Column(t("col_recommendation")),
            Column(t("col_requested_amount"), "amount"),
            Column(t("col_total_budget"), "amount"),
            Column(t("col_granted_amount"), "amount"),
            Column(t("col_currency")),
            Column(t("col_status")),
            Column(t("col_review")),
            Column(t("col_plan_version"), "integer"),
            Column(t("col_received"), "date"),
            Column(t("col_decided_on"), "date"),
            Column(t("col_source")),
            Column(t("col_external_id")),
        ],
        [_row(t, app, a, found.strength_areas) for app, a in found.rows],
    )
