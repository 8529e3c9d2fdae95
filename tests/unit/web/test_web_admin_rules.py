"""The administration pages' pure rules: the forms' JSON, the services' pointers back at the fields,
and the audit log's merge, filters and pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from kraftsamla_common.i18n import Messages
from kraftsamla_web.domain.admin import (
    AUDIT_PAGE,
    AUDIT_SERVICES,
    KNOWN_ACTIONS,
    AuditPage,
    AuditQuery,
    AuditRow,
    action_key,
    action_of,
    counties,
    errors_at_fields,
    field_of,
    filter_batch,
    fresh,
    key_body,
    key_counts,
    merge_page,
    parse_number,
    refused_codes,
    rubric_body,
    rubric_fields,
    rubric_form,
    service_of,
    settings_body,
    settings_form,
    webhook_body,
    weight_shares,
)

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def test_a_key_s_form_sends_the_funding_system_for_an_integrator_only() -> None:
    body, wrong = key_body(
        {"name": " nyps-prod ", "role": "integrator", "source": "nyps", "expires": "2027-06-30"}
    )
    assert body == {
        "name": "nyps-prod",
        "role": "integrator",
        "source": "nyps",
        "expires": "2027-06-30T00:00:00+00:00",
    }
    assert wrong == {}
    body, wrong = key_body(
        {"name": "lisa", "role": "viewer", "source": "nyps", "organisation": "202100-5752"}
    )
    assert body == {"name": "lisa", "role": "viewer", "organisation": "202100-5752"}
    _, wrong = key_body({"name": "x", "role": "integrator", "source": " ", "expires": "30.6.2027"})
    assert wrong == {"source": "form_error_key_source_missing", "expires": "form_error_key_expires"}


def test_pointers_name_the_fields_and_a_rule_across_fields_the_field_it_names() -> None:
    keys = ("name", "role", "source", "organisation", "expires")
    assert field_of("/name", keys) == "name"
    assert field_of("/expires", keys) == "expires"
    assert field_of("", keys, "expires must be in the future") == "expires"
    assert field_of("", keys, "an integrator's key names its funding system: give source") == "source"
    assert field_of("", keys, "something else") == ""
    settings = ("country", "county", "municipalities", "dominance_threshold")
    assert field_of("/municipalities/3", settings) == "municipalities"
    assert field_of("/unknown", settings) == ""
    rubric = rubric_fields({"criteria": [{}, {}]})
    assert field_of("/rubric/criteria/1/weight", rubric) == "weight_1"
    assert field_of("/rubric/criteria/7/weight", rubric) == ""
    assert field_of("/rubric/thresholds/strong", rubric) == "strong"
    assert field_of("/rubric/thresholds", rubric) == "thresholds"
    assert field_of("/rubric/scale_max", rubric) == "scale_max"


def test_errors_are_worded_by_the_catalogue_else_by_the_service() -> None:
    t = Messages("sv", ("kraftsamla_web",))
    errors = [
        {"pointer": "/rubric/criteria/1/weight", "message": "Input should be greater than 0"},
        {"pointer": "/rubric/thresholds", "message": "Value error, thresholds must be ordered"},
        {"pointer": "/rubric/criteria", "message": "Value error, criterion ids must be unique"},
    ]
    found = errors_at_fields(errors, "rubric", rubric_fields({"criteria": [{}, {}]}), t.has, t)
    assert found == {
        "weight_1": "Ange en vikt över 0 och högst 100.",
        "thresholds": t("form_error_rubric_thresholds"),
        "": "criterion ids must be unique",
    }


def test_a_webhook_s_form_sends_the_events_ticked_once() -> None:
    body = webhook_body(
        {"url": " https://nyps.example.se/h ", "source": "", "description": "NYPS"},
        ["application.assessed", "application.assessed", "reassessment.completed"],
    )
    assert body == {
        "url": "https://nyps.example.se/h",
        "event_types": ["application.assessed", "reassessment.completed"],
        "description": "NYPS",
    }


def test_the_settings_form_takes_a_county_of_the_country_or_codes_and_a_percentage() -> None:
    body, wrong = settings_body({"country": "SE", "county": "SE-23", "dominance_threshold": "40,5 %"})
    assert body == {"country": "SE", "county": "23", "dominance_threshold": 0.405}
    assert wrong == {}
    body, wrong = settings_body({"country": "SE", "county": "FI-19", "dominance_threshold": "lots"})
    assert wrong == {
        "county": "form_error_settings_county_country",
        "dominance_threshold": "form_error_settings_dominance_threshold",
    }
    body, wrong = settings_body({"country": "FI", "county": "", "municipalities": "698, 320;047"})
    assert body["municipalities"] == ["698", "320", "047"] and "county" not in body and wrong == {}
    _, wrong = settings_body({"country": "FI", "county": "", "municipalities": " "})
    assert wrong == {"county": "form_error_settings_nothing"}
    assert refused_codes([{"pointer": "/municipalities/1"}, {"pointer": "/county"}], ["698", "999"]) == [
        "999"
    ]
    assert settings_form(
        {"country": "SE", "county": "23", "municipalities": [], "dominance_threshold": 0.5}
    ) == {
        "country": "SE",
        "county": "SE-23",
        "municipalities": "",
        "dominance_threshold": "50",
    }
    assert "23" in counties("SE") and "19" in counties("FI") and "23" not in counties("FI")


def test_a_new_rubric_keeps_the_criteria_of_the_version_it_was_made_from() -> None:
    base = {
        "criteria": [
            {"id": "fit", "label": {"sv": "Träffbild"}, "measure": "strategic_fit", "weight": 40},
            {"id": "geo", "label": {"sv": "Geografi"}, "measure": "geography", "weight": 10},
        ],
        "scale_max": 5,
        "thresholds": {"strong": 0.65, "moderate": 0.45, "weak": 0.2},
    }
    form = rubric_form(base)
    assert form == {
        "weight_0": "40",
        "weight_1": "10",
        "scale_max": "5",
        "strong": "65",
        "moderate": "45",
        "weak": "20",
    }
    body, wrong = rubric_body(base, {**form, "weight_1": "12,5", "strong": "70"})
    assert wrong == {}
    assert body["rubric"]["criteria"][1] == {
        "id": "geo",
        "label": {"sv": "Geografi"},
        "measure": "geography",
        "weight": 12.5,
    }
    assert body["rubric"]["thresholds"] == {"strong": 0.7, "moderate": 0.45, "weak": 0.2}
    assert body["rubric"]["scale_max"] == 5
    _, wrong = rubric_body(base, {**form, "weight_0": "fyrtio"})
    assert wrong == {"weight_0": "form_error_rubric_weight"}
    assert weight_shares(base["criteria"]) == [0.8, 0.2]
    assert parse_number("1 250,5") == 1250.5 and parse_number("nan") is None


def test_key_counts_say_how_many_are_active_for_funding_systems_and_end_soon() -> None:
    keys: list[dict[str, Any]] = [
        {"state": "active", "role": "integrator", "expires": T0 + timedelta(days=10)},
        {"state": "active", "role": "admin", "expires": None},
        {"state": "revoked", "role": "integrator", "expires": T0 + timedelta(days=10)},
        {"state": "active", "role": "integrator", "expires": T0 + timedelta(days=300)},
    ]
    counts = key_counts(keys, T0)
    assert (counts.active, counts.integrators, counts.expiring) == (3, 2, 1)


def test_an_action_is_its_first_event_else_its_write_and_each_known_one_is_worded() -> None:
    assert action_of(
        "POST", "/assessment/regions/{region}/api-keys", [{"type": "assessment.api_key.issued.v1"}]
    ) == ("assessment.api_key.issued.v1")
    assert action_of("POST", "/assessment/regions/{region}/webhooks", []) == "POST /assessment/webhooks"
    assert action_key("POST /assessment/webhooks") == "audit_post_assessment_webhooks"
    assert service_of("plans.programme.created.v1") == "plans"
    assert service_of("PUT /reporting/sharing") == "reporting"
    for language in ("sv", "en", "fi"):
        t = Messages(language, ("kraftsamla_web",))  # type: ignore[arg-type]
        missing = [a for a in KNOWN_ACTIONS if not t.has(action_key(a))]
        assert missing == [], language
    assert {service_of(a) for a in KNOWN_ACTIONS} == set(AUDIT_SERVICES)


def _row(service: str, n: int, at: datetime, *events: str) -> AuditRow:
    return AuditRow(
        service=service,
        id=f"{service[0]}{n:04d}",
        at=at,
        actor="user:anna",
        role="admin",
        source=None,
        method="POST",
        route=f"/{service}/regions/{{region}}/things",
        events=tuple({"type": e, "subject": "x"} for e in events),
    )


def test_the_query_keeps_what_the_services_take_and_its_pages_in_the_url() -> None:
    q = AuditQuery.from_params(
        {
            "service": "nope",
            "actor": "user:anna",
            "what": "assessment.api_key.issued.v1",
            "from": "2026-05-01",
            "to": "2026-05-03",
            "before": "2026-05-02T10:00:00+00:00",
            "seen": "a1,b2,<script>",
        }
    )
    assert q.service == "" and q.actor == "user:anna" and q.since == date(2026, 5, 1)
    assert q.seen == ("a1", "b2") and q.services == ("assessment",)
    params = q.service_params(50, seen=2)
    assert params["limit"] == 52 and params["actor"] == "user:anna"
    assert params["since"] == "2026-05-01T00:00:00+00:00"
    assert params["until"] == "2026-05-02T10:00:00.000001+00:00"  # before the day's end, at the start
    assert AuditQuery.from_params({"what": "plans.programme.created.v1", "service": "actors"}).services == ()
    assert AuditQuery.from_params({}).services == AUDIT_SERVICES
    assert AuditQuery.from_params({"actor": "a b", "what": "made.up"}) == AuditQuery()
    url = q.url("/r/admin/audit", start=(T0, ("x1",)))
    assert url.startswith(
        "/r/admin/audit?actor=user%3Aanna&what=assessment.api_key.issued.v1&from=2026-05-01"
    )
    assert "before=2026-05-04T09%3A00%3A00%2B00%3A00&seen=x1" in url
    assert AuditQuery.from_params({"seen": "a1"}).seen == ()  # without a start, nothing was seen


def test_the_merged_page_is_the_newest_rows_of_all_services_and_starts_where_the_last_ended() -> None:
    plans = [_row("plans", n, T0 - timedelta(minutes=2 * n)) for n in range(AUDIT_PAGE)]
    actors = [_row("actors", n, T0 - timedelta(minutes=2 * n + 1)) for n in range(AUDIT_PAGE)]
    page = merge_page({"plans": plans, "actors": actors}, AuditQuery(), {"plans": True, "actors": True})
    assert len(page.rows) == AUDIT_PAGE
    assert [r.service for r in page.rows[:4]] == ["plans", "actors", "plans", "actors"]
    last = page.rows[-1]
    assert page.next_start == (last.at, (last.id,))
    # Two rows at the same instant: the next page shows the one not shown yet, and none twice.
    same = [_row("plans", 1, T0), _row("actors", 2, T0), _row("plans", 3, T0 - timedelta(seconds=1))]
    assert [r.id for r in fresh(same, T0, {"p0001"})] == ["a0002", "p0003"]
    # Nothing more in any service: no next page.
    page = merge_page({"plans": plans[:3]}, AuditQuery(), {"plans": False})
    assert len(page.rows) == 3 and page.next_start is None


def test_filtering_by_what_was_done_fills_the_page_from_batches_and_says_where_the_next_starts() -> None:
    q = AuditQuery(what="assessment.api_key.revoked.v1")
    batch = [
        _row(
            "assessment",
            n,
            T0 - timedelta(minutes=n),
            "assessment.api_key.revoked.v1" if n % 3 == 0 else "x.v1",
        )
        for n in range(9)
    ]
    page = AuditPage()
    start = filter_batch(page, batch, q, None, ())
    assert [r.id for r in page.rows] == ["a0000", "a0003", "a0006"]
    assert start == (batch[-1].at, (batch[-1].id,))  # looked at all: the next read starts after them
    many = [
        _row("assessment", n, T0 - timedelta(seconds=n), "assessment.api_key.revoked.v1") for n in range(60)
    ]
    page = AuditPage()
    assert filter_batch(page, many, q, None, ()) is None
    assert len(page.rows) == AUDIT_PAGE and page.next_start == (
        many[AUDIT_PAGE - 1].at,
        (many[AUDIT_PAGE - 1].id,),
    )
    q = AuditQuery(what="POST /assessment/webhooks")
    page = AuditPage()
    row = AuditRow(
        "assessment",
        "w1",
        T0,
        "user:anna",
        "admin",
        None,
        "POST",
        "/assessment/regions/{region}/webhooks",
        (),
    )
    filter_batch(page, [row, *batch], q, None, ())
    assert [r.id for r in page.rows] == ["w1"]


def _entry(n: int, at: datetime, event: str = "x.v1") -> dict[str, Any]:
    return {
        "id": f"e{n:04d}",
        "at": at.isoformat(),
        "actor": "user:anna",
        "role": "admin",
        "source": None,
        "method": "POST",
        "route": "/assessment/regions/{region}/api-keys",
        "path": "/assessment/regions/r1/api-keys",
        "events": [{"type": event, "subject": "k"}],
        "trace_id": None,
        "correlation_id": "c",
    }


async def test_the_audit_page_asks_each_service_once_and_shows_the_rest_when_one_does_not_answer() -> None:
    import httpx

    from kraftsamla_web.adapters.services import Services
    from kraftsamla_web.settings import WebSettings
    from kraftsamla_web.usecases.admin import load_audit

    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if request.url.path.endswith("/settings"):
            return httpx.Response(404, json={})
        if request.url.host == "plans.test":
            return httpx.Response(500, text="down")
        service = request.url.host.split(".")[0]
        offset = AUDIT_SERVICES.index(service)
        rows = [_entry(100 * offset + n, T0 - timedelta(minutes=4 * n + offset)) for n in range(3)]
        return httpx.Response(200, json={"data": rows, "count": 3})

    settings = WebSettings(
        oidc_issuer="http://127.0.0.1:9",
        session_secret="s" * 40,  # type: ignore[arg-type]
        **{f"{s}_url": f"http://{s}.test" for s in AUDIT_SERVICES},
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        services = Services(http, settings, "tok", "sv")
        found = await load_audit(services, "r1", AuditQuery.from_params({"actor": "user:anna"}))
    assert found.missing == ["plans"] and found.count == 9
    assert [r.service for r in found.page.rows[:3]] == ["assessment", "actors", "reporting"]
    assert found.page.next_start is None
    audits = [r for r in asked if r.url.path.endswith("/audit")]
    assert len(audits) == 4 and all(r.url.params["actor"] == "user:anna" for r in audits)
    assert all(r.url.params["limit"] == "50" for r in audits)

    # By what was done: that action's one service, read in batches until the page is full, or as
    # far as three reads go (the page then says how far back it looked).
    every = 10

    def batches(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if request.url.path.endswith("/settings"):
            return httpx.Response(404, json={})
        until = datetime.fromisoformat(request.url.params["until"]) if "until" in request.url.params else None
        start = 0 if until is None else int((T0 - until).total_seconds() // 60) + 1
        limit = int(request.url.params["limit"])
        rows = [
            _entry(
                n, T0 - timedelta(minutes=n), "assessment.api_key.revoked.v1" if n % every == 0 else "x.v1"
            )
            for n in range(start, start + limit)
        ]
        return httpx.Response(200, json={"data": rows, "count": 10_000})

    query = AuditQuery.from_params({"what": "assessment.api_key.revoked.v1"})
    for every, shown, last in ((10, AUDIT_PAGE, "e0490"), (100, 6, "e0599")):
        asked.clear()
        async with httpx.AsyncClient(transport=httpx.MockTransport(batches)) as http:
            found = await load_audit(Services(http, settings, "tok", "sv"), "r1", query)
        audits = [r for r in asked if r.url.path.endswith("/audit")]
        assert {r.url.host for r in audits} == {"assessment.test"} and len(audits) == 3
        assert len(found.page.rows) == shown and found.page.rows[1].id == f"e{every:04d}"
        assert found.count is None and found.page.next_start is not None
        assert found.page.next_start[1] == (last,)
        assert (found.page.looked_back_to is not None) == (shown < AUDIT_PAGE)
