"""The application list's query kept in the URL, its pages, and the marking of matched terms."""

from __future__ import annotations

from kraftsamla_web.domain.applications import (
    PAGE_SIZE,
    ListQuery,
    area_names,
    best_fit_name,
    highlighted,
    matched_terms,
    paging,
)


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
