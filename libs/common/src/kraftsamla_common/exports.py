"""Tables for spreadsheets: what every service offers for download beside its JSON lists.

A :class:`Table` is a title (the sheet's name), typed columns (a header in the reader's language
and a kind: text, integer, decimal, amount, date, percentage) and rows. It is written as

- **XLSX** (:func:`to_xlsx`, one sheet per table): numbers as numbers, dates as dates, each with a
  number format, a bold header row frozen in place, an autofilter and columns wide enough to read;
- **CSV in the reader's locale** (:func:`to_csv`): UTF-8 with a byte-order mark (so Excel reads
  it as UTF-8), ``;`` between fields and a decimal comma for Swedish and Finnish (what Excel
  expects there), ``,`` and a decimal point for English; dates ISO 8601.

Both neutralise text that a spreadsheet would run as a formula (OWASP, "CSV injection"): a text
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``.
Numbers stay numbers. A workbook cannot hold control characters: they are left out of it.

Over HTTP (:func:`table_response`): a list's download is the list's path with the suffix of the
format (``…/applications.xlsx``, ``…/applications.csv``), takes the list's own filters (no page:
at most :data:`MAX_ROWS` rows, 422 above), ``?lang=`` (else ``Accept-Language``) for the headers
and the CSV's locale, and answers as an attachment with a readable file name.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast
from urllib.parse import quote

from fastapi import Depends, Header, Query
from fastapi import Path as PathParam
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from starlette.concurrency import run_in_threadpool

from .errors import Unprocessable
from .i18n import Language, negotiate
from .service import Page

Kind = Literal["text", "integer", "decimal", "amount", "date", "percentage"]
Format = Literal["xlsx", "csv"]

MAX_ROWS = 50_000
"""The most rows one download holds: a list with more answers 422 (narrow it with its filters).
openpyxl writes 50,000–100,000 cells a second on one core: 50,000 applications (19 columns) take
about 20 s as XLSX and under a second as CSV."""

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
MEDIA_TYPES: dict[Format, str] = {"xlsx": XLSX_MEDIA_TYPE, "csv": CSV_MEDIA_TYPE}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP CSV injection)."""


@dataclass(frozen=True)
class Amount:
    """An amount in its own currency, where a column's rows are in different currencies."""

    value: float | int | Decimal
    currency: str


Cell = str | int | float | Decimal | date | datetime | Amount | None


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    digits: int | None = None
    """Decimals shown: by default 2 for decimals, 0 for amounts, 1 for percentages."""
    currency: str | None = None
    """An amount column's currency (a cell given as :class:`Amount` carries its own)."""
    grouped: bool = True
    """Thousands separators shown in a workbook (not for years)."""

    @property
    def decimals(self) -> int:
        if self.digits is not None:
            return self.digits
        return {"decimal": 2, "percentage": 1}.get(self.kind, 0)


@dataclass(frozen=True)
class Table:
    """A table for a spreadsheet: its title (the sheet's name), columns and rows, every text
    already in the reader's language. A percentage is given as a fraction (0.25 is 25 %)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]


def neutralise(text: str) -> str:
    """Text a spreadsheet would read as a formula, made plain with a leading ``'``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _utc(value: datetime) -> datetime:
    """Spreadsheets know no time zones: an aware time as UTC without its zone."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


# --------------------------------------------------------------------------- XLSX


def _finite(cell: Cell) -> bool:
    """Whether a number can be written as one (a workbook holds no infinity and no NaN)."""
    value = cell.value if isinstance(cell, Amount) else cell
    return not isinstance(value, float | Decimal) or math.isfinite(value)


def _number_format(column: Column, cell: Cell) -> str | None:
    places = "." + "0" * column.decimals if column.decimals else ""
    if isinstance(cell, bool) or not _finite(cell):
        return None
    if isinstance(cell, datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(cell, date):
        return "yyyy-mm-dd"
    if not isinstance(cell, (int, float, Decimal, Amount)):
        return None
    whole = "#,##0" if column.grouped else "0"
    if column.kind == "integer":
        return whole
    if column.kind == "percentage":
        return f"0{places}%"
    if column.kind == "amount":
        currency = cell.currency if isinstance(cell, Amount) else column.currency
        return f'{whole}{places} "{currency}"' if currency else f"{whole}{places}"
    return f"{whole}{places}"


def _xlsx_text(text: str) -> str:
    """Text a worksheet can hold (no control characters but tab, line feed and carriage return),
    made plain: stripped first, so that what is left cannot start a formula."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))


def _xlsx_value(cell: Cell) -> Any:
    if isinstance(cell, str):
        return _xlsx_text(cell)
    if not _finite(cell):
        return str(cell.value if isinstance(cell, Amount) else cell)
    if isinstance(cell, Amount):
        return cell.value
    if isinstance(cell, datetime):
        return _utc(cell)
    return cell


def _shown(column: Column, cell: Cell) -> int:
    """About how many characters a cell shows, for the column's width."""
    if cell is None:
        return 0
    if isinstance(cell, str):
        return max((len(line) for line in cell.splitlines()), default=0)
    if isinstance(cell, datetime):
        return 16
    if isinstance(cell, date):
        return 10
    value = cell.value if isinstance(cell, Amount) else cell
    currency = cell.currency if isinstance(cell, Amount) else column.currency
    scale = 100 if column.kind == "percentage" else 1
    text = f"{float(value) * scale:{',' if column.grouped else ''}.{column.decimals}f}"
    return len(text) + (len(currency) + 1 if currency and column.kind == "amount" else 0)


WIDTH_SAMPLE = 1000
"""Rows looked at to size the columns."""


def _widths(table: Table) -> list[int]:
    widths = []
    for i, column in enumerate(table.columns):
        seen = max((_shown(column, row[i]) for row in table.rows[:WIDTH_SAMPLE]), default=0)
        widths.append(min(max(len(column.header) + 3, seen + 2, 8), 60))
    return widths


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of ``[]:*?/\\`` nor control characters."""
    base = re.sub(r"[\[\]:*?/\\\t\r\n]", " ", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'")[:31]
    base = base.strip() or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _write_sheet(ws: WriteOnlyWorksheet, table: Table) -> None:
    columns = table.columns
    # A streaming sheet has a full sheet's column widths and filter (set before its rows), though
    # openpyxl's type stubs do not say so.
    layout = cast(Worksheet, ws)
    for i, width in enumerate(_widths(table), start=1):
        layout.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=_xlsx_text(column.header))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in table.rows:
        cells: list[Any] = []
        for column, value in zip(columns, row, strict=True):
            fmt = _number_format(column, value)
            if fmt is None:
                cells.append(_xlsx_value(value))
            else:
                cell = WriteOnlyCell(ws, value=_xlsx_value(value))
                cell.number_format = fmt
                cells.append(cell)
        ws.append(cells)
    last = get_column_letter(max(len(columns), 1))
    layout.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"


def to_xlsx(tables: Table | Sequence[Table], language: Language) -> bytes:
    """A workbook with one sheet per table, named by its title."""
    wb = Workbook(write_only=True)
    wb.properties.language = language
    taken: set[str] = set()
    for table in [tables] if isinstance(tables, Table) else tables:
        _write_sheet(wb.create_sheet(sheet_name(table.title, taken)), table)
    if not taken:
        _write_sheet(wb.create_sheet("Sheet"), Table("Sheet", [], []))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- CSV

SEPARATORS: dict[Language, tuple[str, str]] = {"sv": (";", ","), "fi": (";", ","), "en": (",", ".")}
"""Field separator and decimal mark a spreadsheet of each language reads CSV with."""


def _plain(value: float | int | Decimal, places: int | None = None) -> str:
    """A number without exponent or thousands separator: all its digits, or ``places`` of them."""
    if places is not None:
        return f"{Decimal(str(value)):.{places}f}"
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"{exact:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _csv_value(column: Column, cell: Cell, decimal_mark: str) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    if isinstance(cell, datetime):
        return _utc(cell).isoformat(sep=" ", timespec="minutes")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return str(cell).lower()
    value = cell.value if isinstance(cell, Amount) else cell
    if column.kind == "percentage":
        text = _plain(Decimal(str(value)) * 100, column.decimals) + "%"
    elif column.kind == "amount":
        text = _plain(value, max(column.decimals, 2))
    elif column.kind == "integer" or isinstance(value, int):
        text = _plain(value, 0)
    else:
        text = _plain(value)
    return text.replace(".", decimal_mark)


def to_csv(table: Table, language: Language) -> str:
    """The table as CSV for a spreadsheet of ``language``'s locale (with a byte-order mark)."""
    separator, decimal_mark = SEPARATORS[language]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow([neutralise(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(c, v, decimal_mark) for c, v in zip(table.columns, row, strict=True)])
    return out.getvalue()


# --------------------------------------------------------------------------- HTTP

FormatPath = Annotated[Format, PathParam(description="xlsx: a workbook; csv: in the reader's locale")]
"""The format of a download, from its path's suffix (``…/applications.{format}``)."""

TABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "XLSX, or CSV in the reader's locale, as an attachment",
        "content": {XLSX_MEDIA_TYPE: {}, "text/csv": {}},
    },
    422: {
        "description": f"An unknown format or filter, or more than {MAX_ROWS} rows match (narrow the "
        "download with the filters)"
    },
}
"""The responses of a download route, for the OpenAPI document."""

EXPORT_PAGE = Page(limit=MAX_ROWS, offset=0)
"""A list's page as a download asks for it: everything up to the bound."""


AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]


def reader_language(
    lang: Annotated[Language | None, Query(description="Headers and the CSV's locale: sv, en or fi")] = None,
    accept_language: AcceptLanguage = None,
) -> Language:
    """The reader's language: ``?lang=``, else the best of ``Accept-Language``, else English."""
    return lang or negotiate(accept_language)


ReaderLanguage = Annotated[Language, Depends(reader_language)]


def within_bound(count: int) -> None:
    """422 when a download would hold more than :data:`MAX_ROWS` rows."""
    if count > MAX_ROWS:
        raise Unprocessable(
            f"{count} rows match; a download holds at most {MAX_ROWS}. Narrow it with the list's filters."
        )


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9 ._()-]+", "-", plain).strip(" -") or "download"


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name as written (RFC 6266 ``filename*``) and in plain ASCII."""
    return f"attachment; filename=\"{_ascii(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_name(*parts: str | int | date | None, suffix: str) -> str:
    """A readable file name from its parts (``Ansökningar jamtland-harjedalen 2026-05-04.xlsx``)."""
    words = [str(p).strip() for p in parts if p is not None and str(p).strip()]
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", " ".join(words))
    return f"{name}.{suffix}"


def download(body: str | bytes, media_type: str, filename: str) -> Response:
    """An attachment (a PDF, a spreadsheet) with a readable file name."""
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": content_disposition(filename)}
    )


async def table_response(
    tables: Table | Sequence[Table], fmt: Format, language: Language, *name: str | int | date | None
) -> Response:
    """A download of one table as CSV in the reader's locale, or of one or more tables as an
    XLSX workbook (one sheet each); the file is named by ``name``'s parts. CSV holds one table."""
    if fmt == "csv":
        if not isinstance(tables, Table):
            if len(tables) != 1:
                raise ValueError("A CSV file holds one table.")
            tables = tables[0]
        body: str | bytes = to_csv(tables, language)
    else:
        body = await run_in_threadpool(to_xlsx, tables, language)
    return download(body, MEDIA_TYPES[fmt], file_name(*name, suffix=fmt))
