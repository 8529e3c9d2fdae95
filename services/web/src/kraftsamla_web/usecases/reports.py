"""A report version as people read it: the reporting service's HTML, in the reader's language."""

from __future__ import annotations

from ..adapters.services import Services


async def report_html(services: Services, region: str, number: int, language: str) -> str:
    return await services.text(
        "reporting", f"/reporting/regions/{region}/reports/{number}/html", {"lang": language}
    )
