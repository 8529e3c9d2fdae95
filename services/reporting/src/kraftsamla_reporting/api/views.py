"""What the report routes share: the version reference and language parameters, the answers of a
PDF and a workbook, the reader's language, and a stored version as the API shows it."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Path as PathParam
from fastapi import Query

from kraftsamla_common.errors import Unavailable
from kraftsamla_common.exports import XLSX_MEDIA_TYPE
from kraftsamla_common.i18n import negotiate

from ..adapters.pdf import PdfUnavailable, printer_of
from ..domain.content import Language
from ..schemas import BuiltFromPublic, ReportContentPublic, ReportPublic, ReportSummaryPublic
from ..usecases.reports import ReportVersion

Ref = Annotated[str, PathParam(pattern=r"^(latest|[1-9]\d{0,8})$", description="A version number or latest")]
Lang = Annotated[
    Language | None, Query(description="Labels and headings: sv, en or fi (default: the region's)")
]

PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}},
    503: {"description": "No Chromium to print with"},
}
WORKBOOK_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "A workbook, a sheet per table"}
}


def reader_language(lang: Language | None, accept_language: str | None, default: Language) -> Language:
    """``?lang=``, else the best of ``Accept-Language``, else the content's own language."""
    return lang or negotiate(accept_language, default=default)


def report_public(r: ReportVersion) -> ReportPublic:
    return ReportPublic(
        id=UUID(r.id),
        region=r.region,
        number=r.number,
        generated_at=r.generated_at,
        built_from=BuiltFromPublic.model_validate(r.built_from),
        content=ReportContentPublic.model_validate(r.content),
    )


def summary_public(r: ReportVersion) -> ReportSummaryPublic:
    return ReportSummaryPublic(
        number=r.number, generated_at=r.generated_at, built_from=BuiltFromPublic.model_validate(r.built_from)
    )


async def print_pdf(state: dict[str, Any], page: str) -> bytes:
    """A page printed as PDF by the service's Chromium; 503 without one, or when it takes too long."""
    try:
        return await printer_of(state).pdf(page)
    except PdfUnavailable as exc:
        raise Unavailable(str(exc)) from exc
    except TimeoutError as exc:
        raise Unavailable("The PDF took too long to print; try again.") from exc
