"""Reports' rules: why each report version was made, which files there are and how a file passed on
is named and typed, the period of a follow-up asked for in a form."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from kraftsamla_web.adapters.services import NotFound, Services, TooLarge
from kraftsamla_web.domain.reports import (
    MEDIA_TYPES,
    TABLES,
    Reason,
    downloadable,
    file_name,
    media_type,
    period,
    reasons,
    report_ref,
    version_lines,
)
from kraftsamla_web.settings import WebSettings

pytestmark = pytest.mark.unit

ENERGY, FOREST = "area-energy", "area-forest"


def version(number: int, plans: dict[str, tuple[str, int]], marks: dict[str, str]) -> dict[str, Any]:
    return {
        "number": number,
        "generated_at": f"2026-05-0{number}T10:00:00Z",
        "built_from": {
            "plan_versions": [
                {"action_plan_id": p, "strength_area_id": a, "version": v} for p, (a, v) in plans.items()
            ],
            "sources": {s: {"last_event_id": e} for s, e in marks.items()},
        },
    }


V1 = version(1, {}, {"assessment": "a1"})
V2 = version(2, {"p1": (ENERGY, 1)}, {"assessment": "a1", "plans": "p-1"})
V3 = version(3, {"p1": (ENERGY, 2), "p2": (FOREST, 1)}, {"assessment": "a2", "plans": "p-2"})
V4 = version(4, {"p2": (FOREST, 1)}, {"assessment": "a2", "plans": "p-3", "actors": "x1"})
V5 = version(5, {"p2": (FOREST, 1)}, {"assessment": "a2", "plans": "p-3", "actors": "x1"})


def test_why_each_version_was_made_beside_the_one_before() -> None:
    assert reasons(V1, None) == [Reason("first")]
    # a plan's first version: the plan says it, not "changes to the plans" as well
    assert reasons(V2, V1) == [Reason("plan", strength_area_id=ENERGY, version=1)]
    assert reasons(V3, V2) == [
        Reason("plan", strength_area_id=ENERGY, version=2),
        Reason("plan", strength_area_id=FOREST, version=1),
        Reason("source", service="assessment"),
    ]
    assert reasons(V4, V3) == [
        Reason("plan_gone", strength_area_id=ENERGY),
        Reason("source", service="actors"),
    ]
    assert reasons(V5, V4) == [Reason("other")]  # made again with no news (sharing, time)
    assert reasons(V4, None) == []  # the one before not known: nothing is said


def test_a_page_of_versions_says_why_each_was_made_with_the_one_beyond_the_page() -> None:
    newest_first = [V5, V4, V3]
    lines = version_lines(newest_first, 2)
    assert [v.number for v in lines] == [5, 4]
    assert lines[1].reasons[0] == Reason("plan_gone", strength_area_id=ENERGY)
    assert lines[0].plan_versions == [(FOREST, 1)]
    # the last of the whole list (not the first version) has no one before it to tell by
    assert version_lines([V5, V4], 2)[1].reasons == []
    # versions that do not follow each other are not compared
    assert version_lines([V5, V3], 2)[0].reasons == []


def test_report_versions_and_files_in_a_path() -> None:
    assert [report_ref(r) for r in ("latest", "12", "0", "-1", "1e3", "12/../1")] == [
        "latest",
        "12",
        None,
        None,
        None,
        None,
    ]
    assert downloadable("tables", "xlsx") and not downloadable("tables", "csv")
    assert all(downloadable(t, f) for t in TABLES for f in ("xlsx", "csv"))
    assert not downloadable("../reports", "csv") and not downloadable("portfolio", "pdf")


def test_a_file_is_passed_on_with_the_media_type_of_its_format_and_a_safe_name() -> None:
    assert media_type("pdf", "text/html") == MEDIA_TYPES["pdf"]
    assert (
        media_type("csv", "text/csv; charset=utf-8; header=present")
        == "text/csv; charset=utf-8; header=present"
    )
    assert media_type("xlsx", "application/octet-stream") == MEDIA_TYPES["xlsx"]
    said = "attachment; filename=\"Portfolj.csv\"; filename*=UTF-8''Portf%C3%B6lj%20jamtland%203.csv"
    assert file_name(said, "x.csv") == "Portfölj jamtland 3.csv"
    assert file_name('attachment; filename="../../etc/passwd"', "x") == "passwd"
    assert file_name('attachment; filename="a\\\\b:c.pdf"', "x") == "b-c.pdf"
    assert file_name(None, "fallback.pdf") == "fallback.pdf"


def test_the_period_of_a_follow_up() -> None:
    today = date(2026, 5, 4)
    assert period(None, None, today) == period("", "", today)
    assert (period(None, None, today).start, period(None, None, today).end) == (date(2026, 1, 1), today)
    asked = period("2025-07-01", "2025-12-31", today)
    assert (asked.start, asked.end, asked.error) == (date(2025, 7, 1), date(2025, 12, 31), None)
    assert period("2025-12-31", "2025-07-01", today).error == "reports_period_error_order"
    assert period("2025-13-01", "2025-12-31", today).error == "reports_period_error_dates"
    assert period("1899-12-31", "2025-12-31", today).error == "reports_period_error_dates"
    assert period("1990-01-01", "2025-12-31", today).error == "reports_period_error_long"


def _services(answer: Any) -> tuple[httpx.AsyncClient, Services]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    settings = WebSettings(
        oidc_issuer="http://127.0.0.1:9",
        session_secret="s" * 40,  # type: ignore[arg-type]
        reporting_url="http://reporting.test",
    )
    return http, Services(http, settings, "tok", "sv")


async def test_a_file_is_read_as_it_comes_and_never_beyond_its_bound() -> None:
    body = b"%PDF-1.7 " + b"x" * 1000

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=body,
            headers={
                "content-type": "application/pdf",
                "content-disposition": 'attachment; filename="r.pdf"',
            },
        )

    http, services = _services(answer)
    async with http:
        found = await services.file("reporting", "/reporting/regions/x1/reports/3/pdf", limit=2000)
        assert (found.content, found.media_type, found.disposition) == (
            body,
            "application/pdf",
            'attachment; filename="r.pdf"',
        )
        with pytest.raises(TooLarge):  # by the length it declares
            await services.file("reporting", "/reporting/regions/x1/reports/3/pdf", limit=100)

    async def chunks() -> Any:
        for _ in range(10):
            yield b"y" * 60

    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks(), headers={"content-type": "text/csv"})

    http, services = _services(streamed)
    async with http:
        with pytest.raises(TooLarge):  # by what comes, where no length is declared
            await services.file("reporting", "/x", limit=500)

    def refused(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={})

    http, services = _services(refused)
    async with http:
        with pytest.raises(NotFound):
            await services.file("reporting", "/x", limit=500)
