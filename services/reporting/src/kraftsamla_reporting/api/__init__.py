"""HTTP routes of the reporting service: /reporting/regions/{region}/…

A report version is JSON (``/reports/{number}``), HTML for the browser (``…/html``), PDF for the
committee (``…/pdf``) and tables for spreadsheets (``…/tables.xlsx``, a sheet per table, and each
table as ``…/{table}.xlsx`` or ``.csv`` in the reader's locale, e.g. ``…/portfolio.csv``);
``{ref}`` is a version number or ``latest``, ``?lang=sv|en|fi`` the reader's language (the region's
by default). Two versions compare as JSON or HTML; any period is built live from the read models.
"""

from fastapi import APIRouter

from . import comparisons, cooperation, documents, follow_up, reports, sharing

router = APIRouter(tags=["reporting"])
# /reports/compare before /reports/{number}, which would take "compare" for a number.
for module in (comparisons, reports, documents, follow_up, sharing, cooperation):
    router.include_router(module.router)
