"""Uploaded tables read alike from CSV and XLSX (kraftsamla_common.imports), within their bounds."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from kraftsamla_common.errors import PayloadTooLarge, Unprocessable
from kraftsamla_common.imports import MAX_ROWS, XLSX, cell_text, read_table


def book(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_csv_with_any_of_three_delimiters_and_a_bom() -> None:
    for sep in (",", ";", "\t"):
        t = read_table(f"\ufeffa{sep}b\n1{sep}2\n\n3{sep}4\n".encode(), "text/csv")
        assert t.header == ["a", "b"]
        assert [(r.line, r.cells) for r in t.rows] == [(2, ["1", "2"]), (4, ["3", "4"])]


def test_xlsx_cells_become_text_and_formulas_are_marked_not_evaluated() -> None:
    t = read_table(
        book(
            [
                ["a", "b", "c", "d"],
                [1.0, 2.5, datetime(2024, 5, 31), "=A2+B2"],
                [None] * 4,
                [True, date(2023, 1, 2), "x", 7],
            ]
        ),
        XLSX,
    )
    assert t.header == ["a", "b", "c", "d"]
    assert [(r.line, r.cells) for r in t.rows] == [
        (2, ["1", "2.5", "2024-05-31", "=A2+B2"]),
        (4, ["true", "2023-01-02", "x", "7"]),
    ]
    assert t.rows[0].formulas == {3} and t.rows[1].formulas == set()
    # Sniffed by its first bytes when sent without its media type.
    assert read_table(book([["a"], [1]]), None).rows[0].cells == ["1"]
    assert cell_text(datetime(2024, 5, 31, 12, 30)) == "2024-05-31T12:30:00"


def test_bounds_and_unreadable_files() -> None:
    with pytest.raises(PayloadTooLarge):
        read_table(b"a\n" + b"1\n" * (MAX_ROWS + 1), "text/csv")
    with pytest.raises(PayloadTooLarge):
        read_table(book([["a"]] + [[1]] * (MAX_ROWS + 1)), XLSX)
    with pytest.raises(PayloadTooLarge):
        read_table(b"x" * (5 * 1024 * 1024 + 1), "text/csv")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"0" * (60 * 1024 * 1024))
    with pytest.raises(PayloadTooLarge):
        read_table(bomb.getvalue(), XLSX)
    for raw, media in ((b"PK\x03\x04nonsense", XLSX), (b"\xff\xfe\x00", "text/csv"), (b"", "text/csv")):
        with pytest.raises(Unprocessable):
            read_table(raw, media)
