"""Reassessment end to end, beside its floor.

A region with N open applications (made like the demo's, Swedish texts); a changed action plan
is published through the plans API; measured: the seconds until every application has a current
assessment for the new version (the reassessment completed), and until the region's report names
that version with every application current. The floor: the same N assessments computed in one
process with no bus and no HTTP, plus writing their rows in one batch to the same database.
Repeated ``--runs`` times (the plan's level changes back and forth) to show memory staying flat.
Prints one JSON line per N.

    ./kraftsamla run python bench/reassessment.py --n 1000 10000 [--database sqlite|postgresql] [--runs 3] [--change level|word] [--replicas 2]
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

import harness
from sqlalchemy import Column, Index, MetaData, Table, UniqueConstraint, insert, select

from kraftsamla_assessment.persistence.tables import Application, Assessment
from kraftsamla_assessment.usecases import assessing
from kraftsamla_common import service
from kraftsamla_common.db import ALL_REGIONS, Database
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_local import servers

AREA = "hallbar-energi"


def like(source: Table, name: str) -> Table:
    """An empty table shaped like ``source``: its columns, key, unique constraints and indexes
    (no foreign keys: the floor writes rows, it does not check them)."""
    table = Table(
        name,
        MetaData(),
        *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable) for c in source.columns),
    )
    for constraint in source.constraints:
        if isinstance(constraint, UniqueConstraint):
            table.append_constraint(UniqueConstraint(*(c.name for c in constraint.columns)))
    for index in source.indexes:
        Index(f"{name}_{index.name}", *(table.c[c.name] for c in index.columns), unique=bool(index.unique))
    return table


async def floor(p: harness.Platform) -> dict[str, float]:
    """The same assessments in this process: compute, then write the rows in one transaction
    (with the services' garbage-collector settings)."""
    service.tune_gc()
    db = Database(p.services["assessment"].database_url)
    try:
        async with db.session(ALL_REGIONS) as session:
            uow = UnitOfWork(session, source="bench", region=harness.RID)
            assessor = await assessing.load_assessor(uow)
            assert assessor is not None
            portfolio = await assessing.load_portfolio(uow)
            apps = (await session.scalars(select(Application).where(Application.region == harness.RID))).all()
            session.expunge_all()
        table = like(cast(Table, Assessment.__table__), "bench_floor_assessments")
        async with db.engine.begin() as conn:
            await conn.run_sync(table.create)
        columns = [c.key for c in table.columns]
        start = time.perf_counter()
        rows = []
        for app in apps:
            row = assessing.new_assessment(
                app, assessor.assess(portfolio.facts(app), portfolio.region), "reassessment"
            )
            rows.append({c: getattr(row, c) for c in columns})
        computed = time.perf_counter() - start
        async with db.session(ALL_REGIONS) as session, session.begin():
            await session.execute(insert(table), rows)
        return {"floor_s": time.perf_counter() - start, "floor_compute_s": computed, "n": len(rows)}
    finally:
        await db.dispose()


async def run_once(
    p: harness.Platform, plan_id: str, n: int, level: str, before: int, word: str | None = None
) -> dict[str, Any]:
    start = time.perf_counter()
    version = await harness.publish_change(p, plan_id, level, word)
    published = time.perf_counter() - start
    newest = await harness.wait_reassessments_settled(p, before + 1)
    assessed_s = time.perf_counter() - start
    if newest["status"] != "completed" or newest["assessed"] != n:
        raise RuntimeError(f"reassessment did not cover every application: {newest['summary'][:300]}")

    def current(report: dict[str, Any]) -> bool:
        return (
            harness.names_version(report, plan_id, version)
            and int(report["content"]["assessments"]["current"]) == n
        )

    await harness.wait_report(p, current)
    report_s = time.perf_counter() - start
    return {
        "version": version,
        "publish_s": round(published, 3),
        "assessed_s": round(assessed_s, 3),
        "report_s": round(report_s, 3),
        "moved": len(newest["moved"]),
        "carried": newest.get("carried", 0),
        "rss_mb": p.memory_mb(),
    }


async def bench(database: str, n: int, runs: int, change: str = "level", replicas: int = 1) -> dict[str, Any]:
    with harness.platform(database, replicas=replicas) as p:
        plans = await harness.load_plans(p)
        plan_id = plans[AREA]
        apps = harness.applications(n)
        intake_s = await harness.push_bulk(p, apps)
        await harness.wait_report(p, lambda r: r["content"]["assessments"]["current"] == n)
        results = []
        for i in range(runs):
            before = (await harness.wait_reassessments_settled(p, len(plans) + i))["count"]
            if change == "level":
                results.append(await run_once(p, plan_id, n, "bredd" if i % 2 == 0 else "spets", before))
            else:  # a word no application holds: a plan change that touches none
                results.append(await run_once(p, plan_id, n, "bredd", before, word=f"kraftsamlingsord{i}"))
        peak = p.memory_mb("VmHWM")
        fl = await floor(p)
    best = min(results, key=lambda r: r["assessed_s"])
    text = [
        len(a["title"]) + len(a["summary"]) + sum(len(v) for v in (a.get("sustainability") or {}).values())
        for a in apps
    ]
    return {
        "end_to_end_assessed_s": best["assessed_s"],
        "end_to_end_report_s": best["report_s"],
        "floor_s": round(fl["floor_s"], 3),
        "floor_compute_s": round(fl["floor_compute_s"], 3),
        "ratio": round(best["assessed_s"] / fl["floor_s"], 2),
        "applications_per_s": round(n / best["assessed_s"]),
        "peak_rss_mb": peak,
        "runs": results,
        "intake_s": round(intake_s, 3),
        "mean_text_chars": round(sum(text) / len(text)),
    }


def main() -> None:
    parser = harness.arguments(__doc__, 1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="assessment processes sharing the reassessment's batches (one durable consumer)",
    )
    parser.add_argument(
        "--change",
        choices=["level", "word"],
        default="level",
        help="level: the first priority's level, back and forth (touches the applications holding its "
        "terms); word: a word no application holds added to its vocabulary (touches none)",
    )
    args = parser.parse_args()
    for n in args.n:
        result = asyncio.run(bench(args.database, n, args.runs, args.change, args.replicas))
        figures = result | {"change": args.change, "replicas": args.replicas}
        print(harness.line("reassessment", args.database, n, figures), flush=True)
    servers.stop_all()


if __name__ == "__main__":
    main()
