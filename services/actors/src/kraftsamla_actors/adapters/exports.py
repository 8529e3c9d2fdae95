"""The actor list and the engagements for spreadsheets: headers and values from the service's
catalogue (``kraftsamla_actors/locale``) in the reader's language, municipalities and strength
areas by name. Written as XLSX or CSV by :mod:`kraftsamla_common.exports`."""

from __future__ import annotations

from collections.abc import Sequence

from kraftsamla_common.exports import Column, Table
from kraftsamla_common.i18n import Language, Messages

from ..domain import reference
from ..persistence.tables import Actor, KnownStrengthArea
from ..usecases.engagements import EngagementList

PACKAGE = "kraftsamla_actors"


def _messages(language: Language) -> Messages:
    return Messages(language, (PACKAGE, "kraftsamla_common"))  # NACE sections are shared


def _municipality(code: str | None) -> str | None:
    """A municipality by its name (its code where the register has none)."""
    found = reference.municipality_by_code(code) if code else None
    return found.name if found else code


def _industry(t: Messages, nace: str | None) -> str | None:
    """An actor's industry by its NACE section's name in the reader's language (``70.22`` → M),
    else NACE's own English label."""
    if not nace:
        return None
    section = nace if nace.isalpha() else reference.nace_section(nace.replace(".", "")[:2])
    key = f"nace_{section}"
    return t(key) if section and t.has(key) else reference.nace_label(nace)


def actors_table(actors: Sequence[Actor], language: Language) -> Table:
    t = _messages(language)
    return Table(
        t("export_actors"),
        [
            Column(t("col_name")),
            Column(t("col_identifier")),
            Column(t("col_country")),
            Column(t("col_helix")),
            Column(t("col_municipality")),
            Column(t("col_municipality_code")),
            Column(t("col_nace")),
            Column(t("col_industry")),
            Column(t("col_size_class")),
            Column(t("col_registered"), "date"),
        ],
        [
            [
                a.name,
                a.identifier,
                t(f"country_{a.country}"),
                t(f"helix_{a.helix}"),
                _municipality(a.municipality),
                a.municipality,
                a.nace,
                _industry(t, a.nace),
                t(f"size_{a.size_class}") if a.size_class else None,
                a.created_at.date(),
            ]
            for a in actors
        ],
    )


def _area(t: Messages, area: KnownStrengthArea | None, fallback: str) -> str:
    return (t.text(area.name) or area.code) if area else fallback


def engagements_table(found: EngagementList, language: Language) -> Table:
    t = _messages(language)
    return Table(
        t("export_engagements"),
        [
            Column(t("col_date"), "date"),
            Column(t("col_title")),
            Column(t("col_kind")),
            Column(t("col_strength_areas")),
            Column(t("col_municipality")),
            Column(t("col_participants"), "integer"),
            Column(t("col_listed"), "integer"),
            Column(t("col_head_count"), "integer"),
        ],
        [
            [
                e.held_on,
                e.title,
                t(f"kind_{e.kind}"),
                ", ".join(_area(t, found.strength_areas.get(sa), sa) for sa in e.strength_area_ids),
                _municipality(e.municipality),
                len(people) + e.head_count,
                len(people),
                e.head_count,
            ]
            for e, people in found.rows
        ],
    )
