"""The report's tables for spreadsheets: every table in every language, things by their names."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from test_report_builder import NOW, _inputs

from kraftsamla_common.exports import Amount, to_csv, to_xlsx
from kraftsamla_common.i18n import LANGUAGES, Language
from kraftsamla_reporting.adapters.exports import TABLE_NAMES, ReportTables
from kraftsamla_reporting.adapters.labels import Labels
from kraftsamla_reporting.domain.inputs import ReportInputs
from kraftsamla_reporting.domain.report import build_report
from kraftsamla_reporting.persistence.report_json import content_json
from kraftsamla_reporting.schemas import ReportContentPublic


def content_of(inputs: ReportInputs) -> ReportContentPublic:
    content, _ = build_report(inputs, NOW)
    return ReportContentPublic.model_validate(content_json(content))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("inputs", [_inputs(), ReportInputs(region="lappi")], ids=["full", "empty"])
def test_every_table_is_whole_in_every_language(language: Language, inputs: ReportInputs) -> None:
    tables = ReportTables(content_of(inputs), language).all()
    assert len(tables) == len(TABLE_NAMES)
    titles = [t.title for t in tables]
    assert len(set(titles)) == len(titles) and all(len(t) <= 31 for t in titles)
    for table in tables:
        assert all(c.header and not c.header.startswith(("sheet_", "col_")) for c in table.columns)
        assert all(len(row) == len(table.columns) for row in table.rows), table.title
        to_csv(table, language)
    book = load_workbook(io.BytesIO(to_xlsx(tables, language)))
    assert book.sheetnames == titles


def test_strength_areas_and_values_by_their_names_amounts_in_their_currency() -> None:
    portfolio = ReportTables(content_of(_inputs()), "sv").table("portfolio")
    areas = {row[0] for row in portfolio.rows}
    assert {"Hållbar energi", "Digitala lösningar", "Utan styrkeområde"} <= areas
    assert not areas & {"energi", "digitalt"}
    levels = {row[1] for row in portfolio.rows}
    assert levels <= {"Bas", "Bredd", "Spets", "Ingen nivå"}
    eur = next(row for row in portfolio.rows if row[3] == "EUR")
    assert eur[8] == Amount(20_000, "EUR")
    text = to_csv(portfolio, "sv")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Styrkeområde" and any(r[8] == "150000,50" for r in rows[1:])


def test_every_message_the_tables_ask_for_is_in_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: set[str] = set()
    call = Labels.__call__

    def spy(self: Labels, key: str, /, **params: object) -> str:
        asked.add(key)
        return call(self, key, **params)

    monkeypatch.setattr(Labels, "__call__", spy)
    ReportTables(content_of(_inputs()), "fi").all()
    missing = {k for k in asked if not Labels("en").has(k)}
    assert asked and not missing
