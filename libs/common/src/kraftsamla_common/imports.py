"""Tables people upload: a CSV file (UTF-8; comma, semicolon or tab) or an Excel workbook (XLSX),
read the same way into a header and numbered rows of text, within the bounds of one import.

The counterpart of :mod:`.exports`. An XLSX file is read with openpyxl in read-only mode, its
first worksheet only; formulas are never evaluated (a cell holding one is marked, and the caller
refuses it with the row's line); dates become ISO dates (``2024-05-31``), whole numbers lose their
``.0``. More than :data:`MAX_BYTES` bytes (or an XLSX that would unpack to more than
:data:`MAX_UNPACKED` bytes), or more than :data:`MAX_ROWS` rows, is 413; a file that is neither is 422.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from .errors import PayloadTooLarge, Unprocessable

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
MAX_UNPACKED = 50 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
MEDIA_TYPES = (CSV, XLSX)
"""What an import endpoint accepts as its body (``Content-Type``)."""


@dataclass
class Row:
    """A line of the table: its number in the file (the header is line 1) and its cells as text."""

    line: int
    cells: list[str]
    formulas: set[int] = field(default_factory=set)
    """Indexes of cells that hold a formula (not evaluated: their text is the formula)."""


@dataclass
class Table:
    header: list[str]
    rows: list[Row]


def is_xlsx(raw: bytes, content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return media == XLSX or (media not in ("text/csv", "text/plain") and raw[:4] == b"PK\x03\x04")


def read_table(raw: bytes, content_type: str | None) -> Table:
    """The header and the non-empty rows of an uploaded CSV or XLSX file (413 and 422 as above)."""
    if len(raw) > MAX_BYTES:
        raise PayloadTooLarge(f"An import holds at most {MAX_BYTES // (1024 * 1024)} MB.")
    table = _xlsx(raw) if is_xlsx(raw, content_type) else _csv(raw)
    if not table.header or not any(h.strip() for h in table.header):
        raise Unprocessable(
            "The file cannot be read: it is empty; the first line must name the columns.",
            [{"pointer": "", "message": "the first line must name the columns"}],
        )
    return table


def _too_many() -> PayloadTooLarge:
    return PayloadTooLarge(f"An import holds at most {MAX_ROWS} rows; split the file.")


def _csv(raw: bytes) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable(
            "The file is not UTF-8 text; save the CSV as UTF-8 (or send an XLSX file)."
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return Table(header=[], rows=[])
    delimiter = max(",;\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    rows: list[Row] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many()
        rows.append(Row(line=reader.line_num, cells=[c.strip() for c in cells]))
    return Table(header=header, rows=rows)


def cell_text(value: Any) -> str:
    """A cell's value as the text a CSV would hold: dates as ISO dates, whole numbers without
    ``.0``, booleans as ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _xlsx(raw: bytes) -> Table:
    from openpyxl import load_workbook  # only where a workbook is read

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise PayloadTooLarge(
                    f"The workbook unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB; "
                    "split it or send a CSV file."
                )
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except PayloadTooLarge:
        raise
    except Exception:  # any reason the workbook cannot be opened gets the same answer
        raise Unprocessable(
            "The file cannot be read as an Excel workbook (XLSX); save it as .xlsx or as CSV.",
            [{"pointer": "", "message": "not an XLSX workbook"}],
        ) from None
    try:
        sheet = workbook.worksheets[0]
        header: list[str] = []
        rows: list[Row] = []
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            texts = [cell_text(c.value) for c in cells]
            while texts and not texts[-1]:
                texts.pop()  # read-only rows run to the last column asked for
            if number == 1:
                header = texts
                continue
            if not any(texts):
                continue
            if len(rows) >= MAX_ROWS:
                raise _too_many()
            formulas = {i for i, c in enumerate(cells) if getattr(c, "data_type", None) == "f"}
            rows.append(Row(line=number, cells=texts, formulas=formulas))
        while header and not header[-1]:
            header.pop()
        return Table(header=header, rows=rows)
    finally:
        workbook.close()
