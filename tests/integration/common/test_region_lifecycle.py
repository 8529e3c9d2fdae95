"""A region's lifecycle over the API, with the four services running in the test's process on real
NATS JetStream and real databases (SQLite; PostgreSQL where it can be started): the operator creates
two regions (each with its first administrator key, shown once), both are filled through the
services' APIs, one is deleted, and then no row of any table of any service, no message of any
stream and no record of the key bucket is of it, while the other region's rows and messages are as
they were (counted and hashed before and after).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from sqlalchemy import MetaData, select

from helpers import OPERATOR, PROGRAMME, StartService, application, eventually, headers
from kraftsamla_common.events import (
    CATALOGUE,
    DEADLETTER,
    PLATFORM_REGION,
    WHEEL_FACTORS,
    service_of,
    stream_for,
)
from kraftsamla_common.keystore import BUCKET

SERVICES = ("assessment", "actors", "plans", "reporting")
STREAMS = sorted({stream_for(service_of(t)).name for t in CATALOGUE} | {DEADLETTER.name})


@pytest.fixture
async def platform(start_service: StartService) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    async with (
        start_service("assessment") as assessment,
        start_service("actors") as actors,
        start_service("plans") as plans,
        start_service("reporting", report_debounce_seconds=0.1) as reporting,
    ):
        yield {"assessment": assessment, "actors": actors, "plans": plans, "reporting": reporting}


def new_region(region: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": region,
        "name": {"sv": f"Region {region}", "en": f"Region {region}", "fi": f"Alue {region}"},
        "country": "SE",
        "languages": ["sv", "en"],
        **extra,
    }


async def create(svc: dict[str, httpx.AsyncClient], region: str) -> dict[str, str]:
    """The region created by the operator; the headers of its first administrator key."""
    r = await svc["assessment"].post("/assessment/regions", json=new_region(region), headers=OPERATOR)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["id"] == region and body["name"]["sv"] == f"Region {region}"
    assert body["admin_key"]["role"] == "admin" and body["admin_key"]["name"] == f"{region}-admin"
    admin = {"X-API-Key": body["admin_key"]["key"]}

    async def known_everywhere() -> bool | None:
        for name, client in svc.items():
            r = await client.get(f"/{name}/regions", headers=OPERATOR)
            if region not in {x["id"] for x in r.json()["data"]}:
                return None
        return True

    await eventually(known_everywhere, timeout=10)
    return admin


async def fill(svc: dict[str, httpx.AsyncClient], region: str, admin: dict[str, str]) -> None:
    """Settings, a programme, a self-assessment and an application: rows in every service, events
    in every stream, and a report."""
    r = await svc["actors"].put(
        f"/actors/regions/{region}/settings", json={"country": "SE", "county": "23"}, headers=admin
    )
    assert r.status_code == 200, r.text
    r = await svc["plans"].post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=admin)
    assert r.status_code == 201, r.text
    url = f"/plans/regions/{region}/programmes/{r.json()['id']}/self-assessments/2024"
    scores = {"scores": {f: {"score": 3, "comment": ""} for f in WHEEL_FACTORS}}
    r = await svc["plans"].put(url, json=scores, headers=admin)
    assert r.status_code == 201, r.text
    r = await svc["assessment"].post(
        f"/assessment/regions/{region}/applications", json=application(1), headers=OPERATOR
    )
    assert r.status_code in (201, 202), r.text

    async def report() -> dict[str, Any] | None:
        r = await svc["reporting"].get(f"/reporting/regions/{region}/reports/latest", headers=admin)
        if r.status_code != 200 or not r.json()["content"].get("self_assessment"):
            return None
        return dict(r.json())

    await eventually(report, timeout=30)


async def rows_of(client: httpx.AsyncClient) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of a service's database, by table."""
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    out: dict[str, list[dict[str, Any]]] = {}
    async with db.engine.connect() as conn:
        md = MetaData()
        await conn.run_sync(md.reflect)
        for table in md.sorted_tables:
            result = await conn.execute(select(table))
            out[table.name] = [dict(row._mapping) for row in result]
    return out


def of_region(rows: dict[str, list[dict[str, Any]]], region: str) -> dict[str, list[dict[str, Any]]]:
    """The rows that name the region: its column, or the region anywhere in the row."""
    return {
        name: [r for r in table if r.get("region") == region or region in json.dumps(r, default=str)]
        for name, table in rows.items()
    }


def deletion_record(row: dict[str, Any]) -> bool:
    return row.get("region") == PLATFORM_REGION and "assessment.region.deleted.v1" in json.dumps(
        row, default=str
    )


def digest(rows: list[Any]) -> str:
    return hashlib.sha256(
        json.dumps(sorted(json.dumps(r, default=str, sort_keys=True) for r in rows)).encode()
    ).hexdigest()


async def stream_messages(nats_url: str) -> dict[str, list[tuple[str, bytes]]]:
    """Every message of every stream of the platform: subject and data."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        out: dict[str, list[tuple[str, bytes]]] = {}
        for stream in [*STREAMS, f"KV_{BUCKET}"]:
            info = await js.stream_info(stream)
            found = []
            seq = info.state.first_seq
            while info.state.messages and seq <= info.state.last_seq:
                try:
                    msg = await js.get_msg(stream, seq=seq, subject=">", next=True)
                except nats.js.errors.NotFoundError:
                    break
                found.append((msg.subject, msg.data or b""))
                seq = msg.seq + 1
            out[stream] = found
        return out
    finally:
        await nc.close()


def messages_of(messages: dict[str, list[tuple[str, bytes]]], region: str) -> list[tuple[str, str, bytes]]:
    return [
        (stream, subject, data)
        for stream, found in messages.items()
        for subject, data in found
        if f".{region}." in f"{subject}." or region.encode() in data
    ]


async def snapshot(svc: dict[str, httpx.AsyncClient], nats_url: str, region: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, client in svc.items():
        for table, rows in of_region(await rows_of(client), region).items():
            out[f"{name}.{table}"] = (len(rows), digest(rows))
    out["messages"] = sorted((s, sub) for s, sub, d in messages_of(await stream_messages(nats_url), region))
    out["messages-digest"] = digest(
        [(s, sub, d.decode()) for s, sub, d in messages_of(await stream_messages(nats_url), region)]
    )
    return out


async def test_a_region_is_created_over_the_api_and_deleted_everywhere_leaving_the_other_untouched(
    platform: dict[str, httpx.AsyncClient], nats_url: str, region: str, other_region: str, tmp_path: Path
) -> None:
    svc = platform
    gone, kept = f"a{region}", f"b{other_region}"

    # Bad input changes nothing; only the operator creates regions.
    post = svc["assessment"].post
    for bad in (
        new_region("Not_A_Slug"),
        new_region("platform"),
        new_region(gone, languages=["sv", "fi"], name={"sv": "Region"}),
        new_region(gone, country="NO"),
        new_region(gone, settings={}),
    ):
        r = await post("/assessment/regions", json=bad, headers=OPERATOR)
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await post("/assessment/regions", json=new_region(gone), headers=headers(region, "admin"))
    assert r.status_code == 403, r.text
    r = await post("/assessment/regions", json=new_region(region), headers=OPERATOR)
    assert r.status_code == 409, r.text  # a region of the key file

    gone_admin = await create(svc, gone)
    kept_admin = await create(svc, kept)
    r = await post("/assessment/regions", json=new_region(gone), headers=OPERATOR)
    assert r.status_code == 409, r.text
    r = await svc["assessment"].get(f"/assessment/regions/{gone}/audit", headers=gone_admin)
    assert r.status_code == 200 and r.json()["data"][0]["events"][0]["type"] == "assessment.region.created.v1"

    await asyncio.gather(fill(svc, gone, gone_admin), fill(svc, kept, kept_admin))
    await asyncio.sleep(1.0)  # the reports' regeneration settled
    before = await snapshot(svc, nats_url, kept)
    assert before["reporting.reports"][0] > 0 and before["plans.programmes"][0] == 1
    present = await snapshot(svc, nats_url, gone)
    for name in SERVICES:
        assert present[f"{name}.audit_log"][0] > 0 or name == "reporting", present

    # Deleting asks for the id again; only the operator deletes; another region's admin gets 404.
    delete = svc["assessment"].delete
    r = await delete(f"/assessment/regions/{gone}", params={"confirm": kept}, headers=OPERATOR)
    assert r.status_code == 422, r.text
    r = await delete(f"/assessment/regions/{gone}", params={"confirm": gone}, headers=gone_admin)
    assert r.status_code == 403, r.text
    r = await delete(f"/assessment/regions/{gone}", params={"confirm": gone}, headers=kept_admin)
    assert r.status_code == 404, r.text
    r = await delete(f"/assessment/regions/{gone}", params={"confirm": gone}, headers=OPERATOR)
    assert r.status_code == 202, r.text

    rows_left: dict[str, Any] = {}

    async def no_row_left() -> bool:
        rows_left.clear()
        for name, client in svc.items():
            rows = of_region(await rows_of(client), gone)
            for table, found in rows.items():
                # The record of the deletion itself (its audit row, its event), under the platform.
                found = [r for r in found if not deletion_record(r)]
                if found and table != "inbox":
                    rows_left[f"{name}.{table}"] = found
        return not rows_left

    try:
        await eventually(no_row_left, timeout=20)
    except AssertionError:
        raise AssertionError(f"rows of the region left: {rows_left}") from None
    messages = await stream_messages(nats_url)
    left = messages_of(messages, gone)
    # The announcement of the deletion, under the platform's subjects, names the region; the key
    # bucket keeps the purge markers of its entries (a subject, no record).
    assert all(
        (
            subject.startswith("s3.platform.assessment.region.deleted")
            or (stream == f"KV_{BUCKET}" and not data)
        )
        for stream, subject, data in left
    ), left
    for name, client in svc.items():
        r = await client.get(f"/{name}/regions", headers=OPERATOR)
        assert gone not in {x["id"] for x in r.json()["data"]}
        r = await client.get(f"/{name}/regions/{gone}/audit", headers=OPERATOR)
        assert r.status_code == 404
    r = await svc["plans"].get(f"/plans/regions/{gone}/programmes", headers=gone_admin)
    assert r.status_code == 401
    files = await asyncio.to_thread(lambda: [p for p in tmp_path.rglob("*") if gone in p.name])
    assert not files  # no file of it (reports are rendered on request)

    # The other region, as it was; deleting again finds no region.
    after = await snapshot(svc, nats_url, kept)
    assert set(after["messages"]) == set(before["messages"]), set(after["messages"]) ^ set(before["messages"])
    assert after == before
    r = await delete(f"/assessment/regions/{gone}", params={"confirm": gone}, headers=OPERATOR)
    assert r.status_code == 404, r.text


async def empty_nats(nats_url: str) -> None:
    """NATS as a fresh platform's: every stream and bucket emptied, no consumers."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for info in await js.streams_info():
            for consumer in await js.consumers_info(info.config.name):
                await js.delete_consumer(info.config.name, consumer.name)
            await js.purge_stream(info.config.name)
    finally:
        await nc.close()


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A report version minus what a version built anew has of its own: its id, number and time."""
    return {k: v for k, v in report.items() if k not in ("id", "number", "generated_at")}


async def test_a_region_exported_deleted_and_imported_into_a_fresh_platform_gives_the_same_report(
    start_service: StartService, nats_url: str, region: str
) -> None:
    from kraftsamla_local.region import export_region, import_region, read_archive
    from kraftsamla_reporting.adapters.pdf import find_chromium

    moved = f"m{region}"
    services = ("assessment", "actors", "plans", "reporting")

    async with contextlib.AsyncExitStack() as stack:
        svc = {
            name: await stack.enter_async_context(start_service(name, report_debounce_seconds=0.1))
            for name in services
        }
        admin = await create(svc, moved)
        await fill(svc, moved, admin)
        await asyncio.sleep(1.0)
        r = await svc["reporting"].get(f"/reporting/regions/{moved}/reports/latest", headers=admin)
        before = r.json()
        rows_before = {name: of_region(await rows_of(client), moved) for name, client in svc.items()}
        pdf = "latest" if find_chromium() else "none"
        archive = await export_region(svc, moved, OPERATOR, pdf=pdf)

        r = await svc["assessment"].delete(
            f"/assessment/regions/{moved}", params={"confirm": moved}, headers=OPERATOR
        )
        assert r.status_code == 202, r.text

    content = read_archive(archive)
    assert content["manifest"]["region"] == moved and content["record"]["region"]["id"] == moved
    for name in services:
        tables = content["services"][name]["tables"]
        for table, rows in rows_before[name].items():
            if table != "inbox":
                assert len(tables.get(table, [])) == len([r for r in rows if not deletion_record(r)]), table
        assert content["services"][name]["events"], name
    if pdf == "latest":
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            (report_pdf,) = [n for n in z.namelist() if n.startswith("reporting/reports/")]
            assert z.read(report_pdf).startswith(b"%PDF")

    await empty_nats(nats_url)
    async with contextlib.AsyncExitStack() as stack:
        fresh = {
            name: await stack.enter_async_context(start_service(name, report_debounce_seconds=0.1))
            for name in services
        }
        taken = await import_region(fresh, archive, OPERATOR)
        assert taken["reporting"]["rows"]["reports"] >= 1
        assert all(taken[name]["marked"] > 0 for name in ("actors", "assessment", "reporting")), taken

        # The same admin key works here; the same report is the latest.
        r = await fresh["reporting"].get(f"/reporting/regions/{moved}/reports/latest", headers=admin)
        assert r.status_code == 200, r.text
        assert comparable(r.json()) == comparable(before)
        # The republished events were skipped by every consumer (handled already): after the
        # consumers have read them, every row is as imported and the report is still the same.
        await asyncio.sleep(2.0)
        for name, client in fresh.items():
            info = client.app.state.ctx.bus  # type: ignore[attr-defined]
            state = await info.state()
            assert all(c["pending"] == 0 for c in state.consumers.values()), (name, state.consumers)
            rows = of_region(await rows_of(client), moved)
            for table, found in rows.items():
                if table in ("inbox", "outbox"):
                    continue
                if table == "audit_log":  # and the import's own row
                    (imported,) = [a for a in found if a["route"].endswith("/lifecycle/import")]
                    assert imported["actor"] == "key-operator" and imported["method"] == "PUT"
                    found = [a for a in found if a is not imported]
                assert len(found) == len(content["services"][name]["tables"].get(table, [])), (name, table)
        r = await fresh["reporting"].get(f"/reporting/regions/{moved}/reports/latest", headers=admin)
        assert comparable(r.json()) == comparable(before)
        r = await fresh["plans"].get(f"/plans/regions/{moved}/programmes", headers=admin)
        assert r.status_code == 200 and r.json()["count"] == 1, r.text


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_region_of_the_key_file_moves_to_a_platform_whose_key_file_names_it(
    start_service: StartService, nats_url: str, region: str
) -> None:
    """A region set up by the key file (as the demo's are) has no record to carry: its archive goes
    into a platform whose own key file names it, and into one that does not only with a clear
    refusal before anything is written."""
    from kraftsamla_local.region import ArchiveError, export_region, import_region, read_archive

    services = ("assessment", "actors", "plans", "reporting")
    async with contextlib.AsyncExitStack() as stack:
        svc = {
            name: await stack.enter_async_context(start_service(name, report_debounce_seconds=0.1))
            for name in services
        }
        await fill(svc, region, headers(region, "admin"))
        await asyncio.sleep(1.0)
        r = await svc["reporting"].get(f"/reporting/regions/{region}/reports/latest", headers=OPERATOR)
        before = r.json()
        archive = await export_region(svc, region, OPERATOR, pdf="none")
    assert read_archive(archive)["record"] == {"region": None, "keys": []}

    await empty_nats(nats_url)
    async with contextlib.AsyncExitStack() as stack:
        fresh = {
            name: await stack.enter_async_context(start_service(name, report_debounce_seconds=0.1))
            for name in services
        }
        # Renamed to a region no key file names: refused, and nothing written.
        unknown = f"u{region[1:]}"
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            renamed = io.BytesIO()
            with zipfile.ZipFile(renamed, "w") as out:
                for name in z.namelist():
                    data = z.read(name)
                    out.writestr(name, data.replace(region.encode(), unknown.encode()))
        with pytest.raises(ArchiveError, match="key file"):
            await import_region(fresh, renamed.getvalue(), OPERATOR)
        for name, client in fresh.items():
            assert not any(of_region(await rows_of(client), unknown).values()), name

        taken = await import_region(fresh, archive, OPERATOR)
        assert taken["reporting"]["rows"]["reports"] >= 1
        r = await fresh["reporting"].get(f"/reporting/regions/{region}/reports/latest", headers=OPERATOR)
        assert r.status_code == 200, r.text
        assert comparable(r.json()) == comparable(before)


@pytest.mark.parametrize("db_backend", ["postgresql"])
async def test_services_that_own_nothing_delete_a_region_as_the_tables_owner(
    nats_url: str, database_factory: Any, service_role: str, api_keys_file: Path, region: str
) -> None:
    """On PostgreSQL a service runs as a role that may not delete audit rows and sees one region at
    a time; the deletion runs as the tables' owner (``KRAFTSAMLA_DATABASE_ADMIN_URL``)."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from helpers import running, service_settings
    from kraftsamla_local import servers

    gone = f"w{region}"
    owners = {name: database_factory(name) for name in SERVICES}
    async with contextlib.AsyncExitStack() as stack:
        svc = {}
        for name in SERVICES:
            spec = importlib.import_module(f"kraftsamla_{name}.app").spec
            settings = service_settings(
                name,
                database_url=servers.as_role(owners[name], service_role),
                database_admin_url=owners[name],
                nats_url=nats_url,
                api_keys_file=api_keys_file,
                relay_poll_seconds=0.2,
                report_debounce_seconds=0.1,
            )
            svc[name] = await stack.enter_async_context(running(spec, settings))
        admin = await create(svc, gone)
        await fill(svc, gone, admin)

        async def left() -> dict[str, int]:
            counts: dict[str, int] = {}
            for name, url in owners.items():
                engine = create_async_engine(url)
                try:
                    async with engine.connect() as conn:
                        md = MetaData()
                        await conn.run_sync(md.reflect)
                        for table in md.sorted_tables:
                            if "region" in table.c:
                                n = len(
                                    (await conn.execute(select(table).where(table.c.region == gone))).all()
                                )
                                if n:
                                    counts[f"{name}.{table.name}"] = n
                finally:
                    await engine.dispose()
            return counts

        assert (await left()).get("assessment.audit_log")
        r = await svc["assessment"].delete(
            f"/assessment/regions/{gone}", params={"confirm": gone}, headers=OPERATOR
        )
        assert r.status_code == 202, r.text
        remaining: dict[str, int] = {}

        async def none_left() -> bool:
            remaining.clear()
            remaining.update(await left())
            return not remaining

        try:
            await eventually(none_left, timeout=20)
        except AssertionError:
            raise AssertionError(f"rows left: {remaining}") from None
