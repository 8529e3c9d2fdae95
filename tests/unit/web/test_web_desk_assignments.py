"""The administrator's desk: who has how many applications waiting for their review and since
when, and how many wait for no one, from one call to the assessment service, each number a link
to the list filtered so; the list keeps an assessor's name as written and ``waiting`` in its URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from kraftsamla_web.adapters.services import Services
from kraftsamla_web.domain.applications import ListQuery
from kraftsamla_web.domain.assignments import assignment_overview
from kraftsamla_web.schemas import ApplicationList, Desk, FacetValue, ReassessmentList
from kraftsamla_web.settings import WebSettings
from kraftsamla_web.usecases.desk import load_desk

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LIST = "/regions/r1/applications"


def test_the_list_keeps_an_assessor_as_written_and_the_waiting_ones() -> None:
    query = ListQuery.from_params({"assigned_to": " user:Lisa ", "waiting": "true", "level": "BAS"})
    assert dict(query.filters) == {"assigned_to": "user:Lisa", "level": "bas"}
    assert query.waiting and query.narrowed
    params = query.service_params()
    assert params["assigned_to"] == "user:Lisa" and params["waiting"] == "true"
    assert query.url(LIST) == f"{LIST}?level=bas&assigned_to=user%3ALisa&waiting=true"
    assert ListQuery.from_params({"waiting": "true"}).narrowed
    # "me" is the service's word for the caller (the list names assessors), a space is no name.
    for odd in ("me", "user: lisa", ""):
        assert ListQuery.from_params({"assigned_to": odd}).filters == {}
    nobody = ListQuery.from_params({"assigned_to": "none", "waiting": "yes"})
    assert dict(nobody.filters) == {"assigned_to": "none"} and not nobody.waiting
    assert nobody.service_params()["waiting"] is None


def _facet(value: str | None, count: int, oldest: datetime | None = None) -> FacetValue:
    return FacetValue(value=value, count=count, oldest_assigned_at=oldest)


def test_the_overview_counts_each_assessor_and_those_of_no_one() -> None:
    overview = assignment_overview(
        7,
        [
            _facet("user:lisa", 3, NOW - timedelta(days=12, hours=3)),
            _facet(None, 2),
            _facet("user:bo", 2, NOW - timedelta(hours=5)),
        ],
        LIST,
        NOW,
    )
    assert overview.waiting == 7 and overview.no_one == 2
    assert [(a.assessor, a.waiting, a.days) for a in overview.assessors] == [
        ("user:lisa", 3, 12),
        ("user:bo", 2, 0),
    ]
    lisa = urlsplit(overview.assessors[0].href)
    assert lisa.path == LIST and parse_qs(lisa.query) == {"assigned_to": ["user:lisa"], "waiting": ["true"]}
    # The link opens the list with exactly those filters.
    again = ListQuery.from_params({k: v[0] for k, v in parse_qs(lisa.query).items()})
    assert again.service_params()["assigned_to"] == "user:lisa" and again.waiting
    assert overview.no_one_href == f"{LIST}?assigned_to=none&waiting=true"
    empty = assignment_overview(0, [], LIST, NOW)
    assert empty.assessors == [] and empty.no_one == 0


def _settings() -> WebSettings:
    return WebSettings(
        oidc_issuer="http://127.0.0.1:9",
        session_secret="s" * 40,  # type: ignore[arg-type]
        assessment_url="http://assessment.test",
        reporting_url="http://reporting.test",
        actors_url="http://actors.test",
        plans_url="http://plans.test",
    )


@pytest.mark.parametrize(
    ("queue", "overview", "calls"), [(False, False, 9), (True, False, 10), (False, True, 10)]
)
async def test_the_overview_is_one_call_more(queue: bool, overview: bool, calls: int) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path.endswith("/applications"):
            facets = {
                "assigned_to": [{"value": "user:lisa", "count": 1, "oldest_assigned_at": NOW.isoformat()}]
            }
            return httpx.Response(200, json={"data": [], "count": 1, "facets": facets})
        if path.endswith(("/reassessments", "/action-plans", "/programmes")):
            return httpx.Response(200, json={"data": [], "count": 0})
        if path.endswith("/composition"):
            return httpx.Response(200, json={"gaps": []})
        return httpx.Response(404, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        desk = await load_desk(Services(http, _settings(), "tok", "fi"), "r1", queue=queue, overview=overview)
    # No programme this year, nor any: asked twice, and no checklist to read (nine calls still).
    assert len(seen) == calls
    asked = [dict(r.url.params) for r in seen if r.url.path.endswith("/applications")]
    assert ({"waiting": "true", "facets": "assigned_to", "limit": "1"} in asked) is overview
    if overview:
        assert desk.waiting is not None
        assert [f.value for f in desk.waiting.facets["assigned_to"] or []] == ["user:lisa"]
    else:
        assert desk.waiting is None


def _render(language: str, overview: Any) -> str:
    from kraftsamla_common.i18n import LANGUAGES
    from kraftsamla_web.adapters.render import _env, messages

    empty = ApplicationList(data=[], count=0)
    desk = Desk(
        region="r1",
        settings=None,
        queue=None,
        needs_review=empty,
        not_reviewed=empty,
        reassessments=ReassessmentList(data=[], count=0),
        report=None,
    )
    return str(
        _env.get_template("desk.html.j2").render(
            t=messages(language),  # type: ignore[arg-type]
            language=language,
            languages=LANGUAGES,
            person=None,
            csrf_token="x",
            here="/regions/r1",
            region_label="r1",
            region="r1",
            desk=desk,
            assignments=overview,
            overdue=None,
            checklist_gaps=None,
            partnership_gaps=None,
        )
    )


@pytest.mark.parametrize(
    ("language", "days", "today", "no_one", "one_no_one"),
    [
        (
            "sv",
            "för 12 dagar sedan",
            "i dag",
            "2 ansökningar som väntar på granskning har ingen bedömare",
            "1 ansökan som väntar på granskning har ingen bedömare",
        ),
        (
            "en",
            "12 days ago",
            "today",
            "2 applications waiting for review have no assessor",
            "1 application waiting for review has no assessor",
        ),
        (
            "fi",
            "12 päivää sitten",
            "tänään",
            "Ilman arvioijaa on 2 tarkastusta odottavaa hakemusta",
            "Ilman arvioijaa on 1 tarkastusta odottava hakemus",
        ),
    ],
)
def test_the_overview_reads_in_each_language(
    language: str, days: str, today: str, no_one: str, one_no_one: str
) -> None:
    facet = [
        _facet("user:lisa", 3, NOW - timedelta(days=12)),
        _facet(None, 2),
        _facet("user:bo", 1, NOW - timedelta(hours=1)),
    ]
    html = _render(language, assignment_overview(6, facet, LIST, NOW))
    assert '<th scope="row">user:lisa</th>' in html
    assert f'<a href="{LIST}?assigned_to=user%3Alisa&amp;waiting=true">3</a>' in html
    assert days in html and today in html
    assert f'<a href="{LIST}?assigned_to=none&amp;waiting=true">{no_one}</a>' in html
    one = _render(language, assignment_overview(2, [_facet("user:bo", 1, NOW), _facet(None, 1)], LIST, NOW))
    assert one_no_one in one
    assert 'id="assignments-no-one"' in _render(language, assignment_overview(0, [], LIST, NOW))
    assert 'id="assignments"' not in _render(language, None)
