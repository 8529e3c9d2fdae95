"""PostgreSQL as the second wall: the services run as a role that owns nothing and bypasses
nothing, and row-level security admits only the rows of the region a transaction works for —
also to a query that forgets to say which region it means."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from helpers import OPERATOR, headers, running, service_settings
from kraftsamla_actors.app import spec as actors_spec
from kraftsamla_assessment.app import spec as assessment_spec
from kraftsamla_common.db import ALL_REGIONS, Database
from kraftsamla_common.service import ServiceSpec
from kraftsamla_local import servers
from kraftsamla_plans.app import spec as plans_spec
from kraftsamla_reporting.app import spec as reporting_spec

pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])

PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "energi", "name": {"sv": "Hållbar energi"}, "sdgs": [7]}],
}


def walled(
    spec: ServiceSpec, owner_url: str, role: str, nats_url: str, api_keys_file: Path
) -> contextlib.AbstractAsyncContextManager[httpx.AsyncClient]:
    settings = service_settings(
        spec.name,
        database_url=servers.as_role(owner_url, role),
        database_admin_url=owner_url,
        nats_url=nats_url,
        api_keys_file=api_keys_file,
    )
    return running(spec, settings)


@pytest.mark.parametrize("spec", [plans_spec, actors_spec, assessment_spec, reporting_spec], ids=str)
async def test_the_service_role_owns_nothing_and_every_regional_table_is_walled(
    spec: ServiceSpec,
    nats_url: str,
    database_factory: Callable[[str], str],
    service_role: str,
    api_keys_file: Path,
) -> None:
    owner_url = database_factory(spec.name)
    async with walled(spec, owner_url, service_role, nats_url, api_keys_file) as client:
        assert (await client.get(f"/{spec.name}/readyz")).status_code == 200
    owner = Database(owner_url)
    try:
        async with owner.engine.connect() as conn:
            flags = (
                await conn.execute(
                    text(
                        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles"
                        " WHERE rolname = :r"
                    ),
                    {"r": service_role},
                )
            ).one()
            assert not any(flags)
            owned = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
                    " WHERE r.rolname = :r"
                ),
                {"r": service_role},
            )
            assert owned == 0
            regional = (
                await conn.execute(
                    text(
                        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                        " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)"
                        " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
                        " WHERE c.relkind = 'r' AND a.attname = 'region'"
                        " AND c.relnamespace = current_schema()::regnamespace"
                    )
                )
            ).all()
            assert {"audit_log", "outbox"} <= {name for name, *_ in regional}
            unwalled = [name for name, on, _force, policies in regional if not on or policies != 1]
            assert not unwalled, f"tables with a region but no row-level security: {unwalled}"

            def may(table: str, what: str) -> str:
                return f"has_table_privilege('{service_role}', '{table}', '{what}')"

            rights = (
                await conn.execute(
                    text(
                        f"SELECT {may('audit_log', 'INSERT')}, {may('audit_log', 'SELECT')},"
                        f" {may('audit_log', 'UPDATE')}, {may('audit_log', 'DELETE')},"
                        f" {may('alembic_version', 'SELECT')}, {may('outbox', 'DELETE')}"
                    )
                )
            ).one()
            assert tuple(rights) == (True, True, False, False, False, True)
    finally:
        await owner.dispose()


@pytest.fixture
async def plans(
    nats_url: str, database_factory: Callable[[str], str], service_role: str, api_keys_file: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    owner_url = database_factory("plans")
    async with walled(plans_spec, owner_url, service_role, nats_url, api_keys_file) as client:
        yield client, servers.as_role(owner_url, service_role)


async def test_a_transaction_sees_and_changes_only_its_regions_rows(
    plans: tuple[httpx.AsyncClient, str], region: str, other_region: str
) -> None:
    client, service_url = plans
    # The service works under the wall: writes, reads, the audit log, the operator.
    for r in (region, other_region):
        created = await client.post(f"/plans/regions/{r}/programmes", json=PROGRAMME, headers=headers(r))
        assert created.status_code == 201, created.text
        listed = await client.get(f"/plans/regions/{r}/programmes", headers=headers(r, "viewer"))
        assert listed.json()["count"] == 1
        assert (await client.get(f"/plans/regions/{r}/audit", headers=OPERATOR)).json()["count"] == 1

    db = Database(service_url)
    try:

        async def regions(session_region: str | None, table: str) -> set[str]:
            session = db.sessions() if session_region is None else db.session(session_region)
            async with session as s:
                return set((await s.scalars(text(f"SELECT region FROM {table}"))).all())

        # A query with no region in it still returns only its transaction's region's rows.
        for table in ("programmes", "strength_areas", "action_plans", "outbox", "audit_log"):
            assert await regions(region, table) == {region}, table
            assert await regions(other_region, table) == {other_region}, table
            assert await regions(ALL_REGIONS, table) >= {region, other_region}, table
            assert await regions(None, table) == set(), table  # opened for no region: nothing

        async with db.session(region) as s, s.begin():
            # Another region's rows cannot be changed …
            changed = await s.execute(
                text("UPDATE programmes SET title = 'taken' WHERE region = :r"), {"r": other_region}
            )
            assert changed.rowcount == 0  # type: ignore[attr-defined]
        with pytest.raises(DBAPIError, match="row-level security"):
            async with db.session(region) as s, s.begin():
                # … nor can this region's rows be moved into another.
                await s.execute(text("UPDATE programmes SET region = :r"), {"r": other_region})
        # The role can neither rewrite history, nor lift the wall, nor make tables.
        for statement, error in (
            ("DELETE FROM audit_log", "permission denied"),
            ("UPDATE audit_log SET actor = 'nobody'", "permission denied"),
            ("ALTER TABLE programmes DISABLE ROW LEVEL SECURITY", "must be owner"),
            ("CREATE TABLE elsewhere (id int)", "permission denied"),
        ):
            with pytest.raises(DBAPIError, match=error):
                async with db.session(region) as s, s.begin():
                    await s.execute(text(statement))
    finally:
        await db.dispose()
    listed = await client.get(f"/plans/regions/{other_region}/programmes", headers=headers(other_region))
    assert listed.json()["data"][0]["title"] == PROGRAMME["title"]
