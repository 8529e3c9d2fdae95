"""The application list's query kept in the URL, its pages, and the marking of matched terms."""

from __future__ import annotations

import httpx

from kraftsamla_web.adapters.services import Services
from kraftsamla_web.domain.applications import (
    PAGE_SIZE,
    ListQuery,
    area_names,
    best_fit_name,
    highlighted,
    matched_terms,
    paging,
)
from kraftsamla_web.settings import WebSettings
from kraftsamla_web.usecases.applications import load_applications


def test_the_query_keeps_what_the_service_takes_and_drops_the_rest() -> None:
    query = ListQuery.from_params(
        {
            "strength_area": "Energi",
            "level": "spets",
            "municipality": "2380",
            "review": "none'; drop",
            "status": "",
            "q": "  vätgas   Östersund ",
            "sort": "nonsense",
            "offset": "-5",
            "other": "x",
        }
    )
    assert dict(query.filters) == {"strength_area": "energi", "level": "spets", "municipality": "2380"}
    assert query.q == "vätgas Östersund"
    assert query.sort == "-received_at" and query.offset == 0
    params = query.service_params()
    assert params["limit"] == PAGE_SIZE and params["facets"] == "true" and "other" not in params
    assert ListQuery.from_params({"offset": "abc"}).offset == 0
    # Only values the service takes: a level, status… it knows, a code or id, a municipality code.
    odd = ListQuery.from_params(
        {
            "level": "top",
            "status": "granted",
            "funding_source": "erdf",
            "municipality": "Krokom",
            "strength_area": "a_b",
        }
    )
    assert dict(odd.filters) == {"status": "granted", "funding_source": "erdf"}


def test_links_keep_the_filters_and_change_only_what_is_asked() -> None:
    query = ListQuery.from_params({"level": "bas", "q": "a&b", "sort": "title", "offset": "25"})
    path = "/regions/r1/applications"
    assert query.url(path) == f"{path}?level=bas&q=a%26b&sort=title&offset=25"
    assert query.url(path, offset=0) == f"{path}?level=bas&q=a%26b&sort=title"
    assert ListQuery().url(path) == path


def test_paging_says_which_rows_and_where_the_neighbours_start() -> None:
    first = paging(0, 25, 60)
    assert (first.first, first.last, first.count, first.previous, first.next) == (1, 25, 60, None, 25)
    last = paging(50, 10, 60)
    assert (last.first, last.last, last.previous, last.next) == (51, 60, 25, None)
    assert paging(0, 0, 0).first == 0


def test_matched_terms_are_marked_whatever_their_case_and_the_rest_escaped() -> None:
    text = "<b>Vätgas</b> från elektrolys; vätgasdrift & mer"
    marked = str(highlighted(text, ["vätgas", "elektrolys", "vätgasdrift"]))
    assert marked == (
        "&lt;b&gt;<mark>Vätgas</mark>&lt;/b&gt; från <mark>elektrolys</mark>; "
        "<mark>vätgasdrift</mark> &amp; mer"
    )
    assert str(highlighted("a <i>", [])) == "a &lt;i&gt;"
    assert str(highlighted(None, ["x"])) == ""
    # A term that is itself markup is matched as text, and escaped.
    assert str(highlighted("x <s> y", ["<s>"])) == "x <mark>&lt;s&gt;</mark> y"


def test_terms_names_and_best_fit_from_the_answers() -> None:
    fits = [
        {"matched_terms": ["vätgas"], "evidence": [{"term": "elektrolys"}, {"term": "vätgas"}]},
        {"matched_terms": [], "evidence": []},
    ]
    assert matched_terms(fits) == ["vätgas", "elektrolys"]
    names = area_names(
        [
            {
                "strength_area_id": "id-1",
                "strength_area_code": "energi",
                "strength_area_name": {"sv": "Energi"},
            },
            {"strength_area_id": "id-2", "strength_area_code": "skog", "strength_area_name": None},
        ]
    )
    assert names == {"id-1": {"sv": "Energi"}, "energi": {"sv": "Energi"}}
    parts = [
        {"key": "placement_at", "params": {}},
        {"key": "rationale_best_fit_from", "params": {"area": {"sv": "E"}}},
    ]
    assert best_fit_name(parts) == {"sv": "E"}
    assert best_fit_name([]) is None


async def test_the_list_shows_codes_when_reporting_does_not_answer() -> None:
    """The strength areas' names are the latest report's: without it the list still comes."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "reporting.test":
            return httpx.Response(503, text="down")
        if request.url.host == "actors.test":
            return httpx.Response(404, json={})
        assert request.url.params["facets"] == "true" and request.url.params["level"] == "bas"
        return httpx.Response(
            200, json={"data": [], "count": 0, "facets": {"level": [{"value": "bas", "count": 0}]}}
        )

    settings = WebSettings(
        oidc_issuer="http://127.0.0.1:9",
        session_secret="s" * 40,  # type: ignore[arg-type]
        assessment_url="http://assessment.test",
        reporting_url="http://reporting.test",
        actors_url="http://actors.test",
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        found = await load_applications(
            Services(http, settings, "tok", "sv"), "r1", ListQuery.from_params({"level": "bas"})
        )
    assert found.area_names == {} and found.settings is None
    assert found.found.count == 0 and found.found.facets["level"][0].value == "bas"
