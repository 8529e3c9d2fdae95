"""Tables for spreadsheets: XLSX with typed cells, CSV in the reader's locale, formulas made plain."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kraftsamla_common.errors import Problem
from kraftsamla_common.exports import (
    MAX_ROWS,
    Amount,
    Column,
    Table,
    content_disposition,
    file_name,
    neutralise,
    sheet_name,
    to_csv,
    to_xlsx,
    within_bound,
)

TABLE = Table(
    "Ansökningar",
    [
        Column("Titel"),
        Column("Antal", "integer"),
        Column("Poäng", "decimal"),
        Column("Sökt belopp", "amount"),
        Column("Beviljat (SEK)", "amount", currency="SEK"),
        Column("Inkommen", "date"),
        Column("Andel", "percentage"),
        Column("År", "integer", grouped=False),
    ],
    [
        ["Vätgas i Östersund", 3, 7.25, Amount(850000, "SEK"), 500000.5, date(2026, 1, 31), 0.125, 2026],
        ['=HYPERLINK("http://x")', 1234567, Decimal("0.1"), Amount(12.5, "EUR"), None, None, 1, None],
        ["-2+3", 0, 1e-7, Amount(0, "SEK"), 0, datetime(2026, 3, 1, 12, 30, tzinfo=UTC), None, 1999],
    ],
)


def test_formula_like_text_is_made_plain_and_numbers_stay_numbers() -> None:
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    for text in ("1+2", "Vätgas", "", "a=b", " =1"):
        assert neutralise(text) == text
    rows = list(csv.reader(io.StringIO(to_csv(TABLE, "en").lstrip("\ufeff"))))
    assert rows[2][0] == '\'=HYPERLINK("http://x")' and rows[3][0] == "'-2+3"
    assert rows[3][1] == "0" and rows[2][1] == "1234567"  # a number is never prefixed
    sheet = load_workbook(io.BytesIO(to_xlsx(TABLE, "en"))).active
    assert sheet is not None
    assert sheet["A3"].value == '\'=HYPERLINK("http://x")' and sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "'-2+3"


def test_control_characters_are_left_out_of_a_workbook_before_formulas_are_made_plain() -> None:
    table = Table("t\x01", [Column("a\x02b")], [["\x03=1+2"], ["ok\x1f\tline\r\nnext"]])
    ws = load_workbook(io.BytesIO(to_xlsx(table, "sv")))["t"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows == [["ab"], ["'=1+2"], ["ok\tline\nnext"]]  # XML reads a line's end back as \n


def test_csv_in_swedish_and_finnish_opens_as_columns_with_a_decimal_comma() -> None:
    for language in ("sv", "fi"):
        text = to_csv(TABLE, language)  # type: ignore[arg-type]
        assert text.startswith("\ufeff")
        assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert rows[0] == [
            "Titel",
            "Antal",
            "Poäng",
            "Sökt belopp",
            "Beviljat (SEK)",
            "Inkommen",
            "Andel",
            "År",
        ]
        assert rows[1] == [
            "Vätgas i Östersund",
            "3",
            "7,25",
            "850000,00",
            "500000,50",
            "2026-01-31",
            "12,5%",
            "2026",
        ]
        assert rows[2][1:5] == ["1234567", "0,1", "12,50", ""]
        assert rows[3][2] == "0,0000001" and rows[3][5] == "2026-03-01 12:30"
        assert all(len(r) == 8 for r in rows)
        assert "\r\n" in text


def test_csv_in_english_uses_commas_and_a_decimal_point() -> None:
    text = to_csv(TABLE, "en")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == [
        "Vätgas i Östersund",
        "3",
        "7.25",
        "850000.00",
        "500000.50",
        "2026-01-31",
        "12.5%",
        "2026",
    ]
    assert ";" not in text.splitlines()[1]


def test_a_text_with_the_separator_or_quotes_stays_one_field() -> None:
    table = Table("t", [Column("a"), Column("b", "decimal")], [['Ja; nej, "kanske"\nrad två', 1.5]])
    rows = list(csv.reader(io.StringIO(to_csv(table, "sv").lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ['Ja; nej, "kanske"\nrad två', "1,5"]


def test_xlsx_cells_are_typed_with_number_formats_and_a_bold_frozen_filtered_header() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(TABLE, "sv")))
    assert book.sheetnames == ["Ansökningar"]
    ws = book["Ansökningar"]
    assert [c.value for c in ws[1]] == [c.header for c in TABLE.columns]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H4"
    a, b, c, d, e, f, g, h = ws[2]
    assert a.value == "Vätgas i Östersund"
    assert b.value == 3 and b.data_type == "n" and b.number_format == "#,##0"
    assert c.value == 7.25 and c.number_format == "#,##0.00"
    assert d.value == 850000 and d.number_format == '#,##0 "SEK"'
    assert e.value == 500000.5 and e.number_format == '#,##0 "SEK"'
    assert f.value == datetime(2026, 1, 31) and f.is_date and f.number_format == "yyyy-mm-dd"
    assert g.value == 0.125 and g.number_format == "0.0%"
    assert h.value == 2026 and h.number_format == "0"  # a year, without a thousands separator
    assert ws["D3"].number_format == '#,##0 "EUR"' and ws["D3"].value == 12.5
    assert ws["E3"].value is None
    assert ws["F4"].value == datetime(2026, 3, 1, 12, 30) and ws["F4"].number_format == "yyyy-mm-dd hh:mm"
    widths = [ws.column_dimensions[x].width for x in "ABCDEFG"]
    assert widths[0] >= len("Vätgas i Östersund") and all(8 <= w <= 60 for w in widths)
    assert book.properties.language == "sv"


def test_a_workbook_holds_one_sheet_per_table_with_valid_unique_names() -> None:
    long = Table("Partnerskap och styrgrupper: sammansättning per område", [Column("x")], [["y"]])
    book = load_workbook(io.BytesIO(to_xlsx([TABLE, long, long], "sv")))
    assert book.sheetnames[0] == "Ansökningar"
    assert all(len(n) <= 31 and ":" not in n for n in book.sheetnames)
    assert len(set(book.sheetnames)) == 3
    assert sheet_name("a/b?c", set()) == "a b c"
    empty = load_workbook(io.BytesIO(to_xlsx(Table("Tom", [Column("x")], []), "fi")))
    assert [c.value for c in empty["Tom"][1]] == ["x"] and empty["Tom"].max_row == 1


def test_file_names_are_readable_and_safe_in_the_header() -> None:
    name = file_name("Ansökningar", "jamtland-harjedalen", date(2026, 5, 4), suffix="xlsx")
    assert name == "Ansökningar jamtland-harjedalen 2026-05-04.xlsx"
    header = content_disposition(name)
    assert header.startswith('attachment; filename="Ansokningar jamtland-harjedalen 2026-05-04.xlsx"')
    assert "filename*=UTF-8''Ans%C3%B6kningar%20jamtland-harjedalen%202026-05-04.xlsx" in header
    assert file_name('a"b/c', None, suffix="csv") == "a-b-c.csv"
    assert content_disposition('x".csv').startswith('attachment; filename="x-.csv";')


def test_a_download_is_bounded() -> None:
    within_bound(MAX_ROWS)
    with pytest.raises(Problem) as raised:
        within_bound(MAX_ROWS + 1)
    assert raised.value.status == 422
