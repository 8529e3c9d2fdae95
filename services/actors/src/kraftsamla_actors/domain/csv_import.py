"""Reading the region's list of actors from a table (CSV or XLSX): columns in English or their
Swedish and Finnish names (the bounds of one import are :mod:`kraftsamla_common.imports`')."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

ImportMode = Literal["all_or_nothing", "valid_rows"]
"""all_or_nothing: import every row or none; valid_rows: import the good rows."""
CSV_COLUMNS = ("name", "country", "identifier", "helix", "municipality", "nace", "size_class")
CSV_ALIASES = {
    "namn": "name",
    "nimi": "name",
    "land": "country",
    "maa": "country",
    "organisationsnummer": "identifier",
    "orgnr": "identifier",
    "y-tunnus": "identifier",
    "ytunnus": "identifier",
    "kommun": "municipality",
    "kommunkod": "municipality",
    "kunta": "municipality",
    "kuntanumero": "municipality",
    "sni": "nace",
    "toimiala": "nace",
    "storlek": "size_class",
    "size": "size_class",
}


class CsvFormatError(ValueError):
    """A file that cannot be read as the actors CSV at all (no header, unknown columns)."""


def read_actors_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of an actors CSV as ``(line number, {column: value})``, empty cells left out.

    The first line is the header (column names in English, or the Swedish and Finnish aliases);
    the delimiter is a comma, semicolon or tab, whichever the header uses.
    """
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise CsvFormatError("the file is empty: the first line must name the columns")
    delimiter = max(",;\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    return actor_rows(header, [(line, cells, set()) for line, cells in rows])


def actor_rows(
    header: list[str], rows: list[tuple[int, list[str], set[int]]]
) -> list[tuple[int, dict[str, str]]]:
    """The rows of an actors table (from CSV or XLSX) as ``(line number, {column: value})``, empty
    cells left out: ``header`` names the columns (in English, or the Swedish and Finnish aliases),
    each row comes with its line and the indexes of cells that hold a formula (refused: a formula
    is not evaluated)."""
    names = [CSV_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    unknown = [n for n in names if n and n not in CSV_COLUMNS]
    if unknown:
        raise CsvFormatError(
            f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(CSV_COLUMNS)}"
        )
    for required in ("name", "country", "identifier", "helix"):
        if required not in names:
            raise CsvFormatError(f"the column {required!r} is missing")
    out: list[tuple[int, dict[str, str]]] = []
    for line, cells, formulas in rows:
        row = {n: c.strip() for n, c in zip(names, cells, strict=False) if n and c.strip()}
        if any(c.strip() for c in cells[len(names) :]):
            row["__extra__"] = "1"
        for i in sorted(formulas):
            if i < len(names) and names[i]:
                row["__formula__"] = names[i]
                break
        out.append((line, row))
    return out


class RowError(NamedTuple):
    """What is wrong with one line of the file (``field`` None: the line as a whole)."""

    line: int
    field: str | None
    message: str


class ImportedRow(NamedTuple):
    line: int
    actor_id: str | None
    """None in a dry run for an actor that would be registered."""
    status: Literal["created", "existing"]


@dataclass
class ImportReport:
    """What an import did with each line: the actors it created or found, and the bad lines."""

    mode: ImportMode
    dry_run: bool
    rows: int
    rejected: int
    errors: list[RowError]
    created: int = 0
    existing: int = 0
    imported: list[ImportedRow] = field(default_factory=list)
