"""Retention keeps storage flat: reassessment after reassessment, with short retention settings.

A region with N open applications; a webhook subscribed to its reassessment events (a local sink
that answers 200); then ``--runs`` times: one new application sent with an ``Idempotency-Key``, a
changed action plan published, every application reassessed, and the region's report naming the
new version. After each run (and a pause of ``--settle`` seconds) it counts the rows of the tables
retention prunes (outbox, inbox and audit log of every service, idempotency keys, webhook
deliveries, report versions), the assessments (kept: the record) and each stream's messages and
bytes. Nothing may be lost: every run's reassessment assessed every application, and at the end
every application is assessed against the last version and the last report names it.

Prints one JSON line: the settings used, the sizes run by run, and how the second half of the runs
compares with the first (flat: no size of the last runs half again above the first runs' largest).

    ./kraftsamla run python bench/retention.py [--n 200] [--runs 20] [--database sqlite|postgresql]
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import harness
import nats
from sqlalchemy import func, select, text

from kraftsamla_common.db import Database
from kraftsamla_common.events import DEADLETTER, stream_for
from kraftsamla_local import servers

AREA = "hallbar-energi"

SHORT = {
    "KRAFTSAMLA_ACK_WAIT_SECONDS": "3",
    "KRAFTSAMLA_MAX_DELIVER": "2",
    "KRAFTSAMLA_BACKOFF_SECONDS": "[0.5]",
    "KRAFTSAMLA_STREAM_DUPLICATE_WINDOW_SECONDS": "5",
    "KRAFTSAMLA_STREAM_MAX_AGE_SECONDS": "20",
    "KRAFTSAMLA_STREAM_MAX_BYTES": str(64 << 20),
    "KRAFTSAMLA_DEAD_LETTER_MAX_AGE_SECONDS": "60",
    "KRAFTSAMLA_INBOX_RETENTION_SECONDS": "20",
    "KRAFTSAMLA_OUTBOX_RETENTION_SECONDS": "5",
    "KRAFTSAMLA_AUDIT_RETENTION_SECONDS": "20",
    "KRAFTSAMLA_IDEMPOTENCY_TTL_SECONDS": "10",
    "KRAFTSAMLA_WEBHOOK_DELIVERY_RETENTION_SECONDS": "10",
    "KRAFTSAMLA_REPORT_KEEP_LATEST": "3",
    "KRAFTSAMLA_REPORT_RETENTION_SECONDS": "10",
    "KRAFTSAMLA_RETENTION_POLL_SECONDS": "1",
    "KRAFTSAMLA_RETENTION_BATCH_SIZE": "500",
    "KRAFTSAMLA_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]',
}
"""Retention in seconds instead of days (consistent: the inbox outlives the duplicate window and the
longest redelivery, (2 + 2) × (3 + 0.5) = 14 s; the streams keep events at least as long)."""

TABLES = {
    "plans": ("outbox", "inbox", "audit_log"),
    "actors": ("outbox", "inbox", "audit_log"),
    "assessment": ("outbox", "inbox", "audit_log", "idempotency_keys", "webhook_deliveries", "assessments"),
    "reporting": ("outbox", "inbox", "audit_log", "reports"),
}


async def table_sizes(p: harness.Platform) -> dict[str, int]:
    """Rows of each table retention prunes (and the assessments), by ``service.table``."""
    out: dict[str, int] = {}
    for service, tables in TABLES.items():
        db = Database(p.services[service].database_url)
        try:
            async with db.sessions() as session:
                for table in tables:
                    n = await session.scalar(select(func.count()).select_from(text(table)))
                    out[f"{service}.{table}"] = int(n or 0)
        finally:
            await db.dispose()
    return out


async def stream_sizes(p: harness.Platform) -> dict[str, dict[str, int]]:
    nc = await nats.connect(p.nats_url)
    try:
        js = nc.jetstream()
        out = {}
        for name in [*(stream_for(s).name for s in harness.SERVICES), DEADLETTER.name]:
            info = await js.stream_info(name)
            out[name] = {"messages": info.state.messages, "bytes": info.state.bytes}
        return out
    finally:
        await nc.close()


async def webhook(p: harness.Platform, url: str) -> None:
    async with p.client("assessment", "admin") as http:
        r = await http.post(
            f"/assessment/regions/{harness.RID}/webhooks",
            json={"url": url, "event_types": ["application.reassessed", "reassessment.completed"]},
        )
        if r.status_code != 201:
            raise RuntimeError(f"webhook not registered: {r.status_code} {r.text[:300]}")


async def one_with_key(p: harness.Platform, i: int) -> None:
    """One new application, sent twice with the same ``Idempotency-Key`` (the second answered from it)."""
    [app] = harness.applications(1, start=100_000 + i)
    app = {**app, "source": harness.SOURCE}
    async with p.client("assessment", "integrator") as http:
        url = f"/assessment/regions/{harness.RID}/applications"
        headers = {"Idempotency-Key": f"bench-{i}"}
        first = await http.post(url, json=app, headers=headers)
        again = await http.post(url, json=app, headers=headers)
        if first.status_code != 201 or again.status_code != 201 or first.content != again.content:
            raise RuntimeError(f"idempotent submission failed: {first.status_code} {again.status_code}")


async def bench(database: str, n: int, runs: int, settle: float) -> dict[str, Any]:
    sink = harness.TraceSink()  # answers 200 to every POST: the webhook's endpoint
    try:
        with harness.platform(database, env=SHORT) as p:
            plans = await harness.load_plans(p)
            plan_id = plans[AREA]
            await webhook(p, f"{sink.endpoint}/hook")
            await harness.push_bulk(p, harness.applications(n))
            await harness.wait_report(p, lambda r: r["content"]["assessments"]["current"] == n)
            total = n
            rows = []
            for i in range(runs):
                started = time.perf_counter()
                await one_with_key(p, i)
                total += 1
                before = (await harness.wait_reassessments_settled(p, len(plans) + i))["count"]
                version = await harness.publish_change(p, plan_id, "bredd" if i % 2 == 0 else "spets")
                newest = await harness.wait_reassessments_settled(p, before + 1)
                if newest["status"] != "completed" or newest["assessed"] != total:
                    raise RuntimeError(
                        f"run {i + 1}: not every application reassessed: {newest['summary'][:300]}"
                    )

                def current(report: dict[str, Any], version: int = version, total: int = total) -> bool:
                    return (
                        harness.names_version(report, plan_id, version)
                        and int(report["content"]["assessments"]["current"]) == total
                    )

                report = await harness.wait_report(p, current)
                run_s = time.perf_counter() - started
                await asyncio.sleep(settle)
                rows.append(
                    {
                        "run": i + 1,
                        "version": version,
                        "report": report["number"],
                        "run_s": round(run_s, 2),
                        "tables": await table_sizes(p),
                        "streams": await stream_sizes(p),
                    }
                )
            async with p.client("reporting", "viewer") as http:
                latest = (await http.get(f"/reporting/regions/{harness.RID}/reports/latest")).json()
            last_version = rows[-1]["version"]
            nothing_lost = (
                harness.names_version(latest, plan_id, last_version)
                and int(latest["content"]["assessments"]["current"]) == total
            )
    finally:
        sink.close()
    half = len(rows) // 2

    def peak(part: list[dict[str, Any]]) -> dict[str, int]:
        keys = [k for k in part[0]["tables"] if not k.endswith(".assessments")]
        out = {k: max(r["tables"][k] for r in part) for k in keys}
        for stream in part[0]["streams"]:
            out[f"stream.{stream}.bytes"] = max(r["streams"][stream]["bytes"] for r in part)
        return out

    first, last = peak(rows[:half]), peak(rows[half:])
    return {
        "applications": total,
        "runs": rows,
        "peak_first_half": first,
        "peak_second_half": last,
        # Flat: no size of the last runs is half again the first runs' peak (a run's own rows and a
        # stream's one or two messages vary; a table that kept every run would be ten times it).
        "flat": all(last[k] <= first[k] * 1.5 + 5 for k in first),
        "nothing_lost": bool(nothing_lost),
        "settings": SHORT,
        "settle_s": settle,
    }


def main() -> None:
    parser = harness.arguments(__doc__, 200)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between a run and its count")
    args = parser.parse_args()
    for n in args.n:
        figures = asyncio.run(bench(args.database, n, args.runs, args.settle))
        print(harness.line("retention", args.database, n, figures), flush=True)
        if not figures["nothing_lost"]:
            raise SystemExit("something was lost")
    servers.stop_all()


if __name__ == "__main__":
    main()
