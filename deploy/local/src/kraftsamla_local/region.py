"""A region's archive: exported from one platform, imported into another (a region moving between
hosts), over the services' operator routes (docs/decisions/0025-region-lifecycle.md).

    python -m kraftsamla_local.region export --region jamtland-harjedalen --out jh.zip
    python -m kraftsamla_local.region import jh.zip

``--url`` is the gateway (default ``http://localhost:8000``), the operator's key is
``KRAFTSAMLA_OPERATOR_KEY``. The archive is a zip:

* ``manifest.json``: the region, when, from where, what each service gave (rows by table, events);
* ``region.json``: the region's record and its keys' records (SHA-256 hashes, never a key: keep
  the archive as secret as the key file);
* ``<service>/tables/<table>.json``: every row of the region in each table of each service;
* ``<service>/events.json``: the region's messages in the service's stream (subject, headers,
  data in base64), oldest first;
* ``reporting/reports/<number>.pdf``: each report version (or the latest, ``--pdf latest``) as PDF,
  rendered at export (reports are kept as their content and rendered on request).

Import: the region's record and keys first (the region then exists in every service), then every
service's rows (each service marks the archive's events handled by its consumers in the same
transaction), then the events put back into their streams, which the consumers skip: the rows hold
what they did with them already. A region its platform's key file sets up (the demo's) has no
record in the archive: the platform it goes to must set it up in its own key file first.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import sys
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

SERVICES = ("actors", "plans", "assessment", "reporting")
FORMAT = 1


class ArchiveError(Exception):
    """A service refused a step; what it answered."""


def _check(r: httpx.Response, step: str) -> Any:
    if r.status_code >= 300:
        raise ArchiveError(f"{step}: {r.status_code} {r.text[:500]}")
    return r.json() if r.content and r.headers.get("content-type", "").endswith("json") else None


async def export_region(
    clients: Mapping[str, httpx.AsyncClient], region: str, headers: Mapping[str, str], *, pdf: str = "all"
) -> bytes:
    """The region's archive (zip) from the services ``clients`` reach (one per service, or the same
    gateway client for all)."""
    out = io.BytesIO()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "region": region,
        "exported_at": datetime.now(UTC).isoformat(),
        "services": {},
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        record = _check(
            await clients["assessment"].get(
                f"/assessment/regions/{region}/lifecycle/record", headers=headers
            ),
            "the region's record",
        )
        z.writestr("region.json", json.dumps(record, ensure_ascii=False, indent=1))
        for service in SERVICES:
            part = _check(
                await clients[service].get(f"/{service}/regions/{region}/lifecycle/export", headers=headers),
                f"{service}: export",
            )
            for table, rows in part["tables"].items():
                z.writestr(f"{service}/tables/{table}.json", json.dumps(rows, ensure_ascii=False))
            z.writestr(f"{service}/events.json", json.dumps(part["events"]))
            manifest["services"][service] = {
                "rows": {t: len(r) for t, r in part["tables"].items()},
                "events": len(part["events"]),
            }
        manifest["reports"] = await _pdfs(clients["reporting"], region, headers, z, pdf)
        z.writestr("manifest.json", json.dumps(manifest, indent=1))
    return out.getvalue()


async def _pdfs(
    client: httpx.AsyncClient, region: str, headers: Mapping[str, str], z: zipfile.ZipFile, which: str
) -> dict[str, Any]:
    if which == "none":
        return {"pdf": "none"}
    numbers: list[int] = []
    offset = 0
    while True:
        page = _check(
            await client.get(
                f"/reporting/regions/{region}/reports",
                params={"limit": 200, "offset": offset},
                headers=headers,
            ),
            "reporting: the report versions",
        )
        numbers += [r["number"] for r in page["data"]]
        offset += len(page["data"])
        if not page["data"] or offset >= page["count"]:
            break
    numbers = sorted(numbers)[-1:] if which == "latest" else sorted(numbers)
    for number in numbers:
        r = await client.get(
            f"/reporting/regions/{region}/reports/{number}/pdf", headers=headers, timeout=120
        )
        if r.status_code != 200:
            raise ArchiveError(f"reporting: report {number} as PDF: {r.status_code} {r.text[:300]}")
        z.writestr(f"reporting/reports/{number}.pdf", r.content)
    return {"pdf": which, "numbers": numbers}


def read_archive(data: bytes) -> dict[str, Any]:
    """The archive's manifest, region record, and every service's rows and events."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        manifest = json.loads(z.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise ArchiveError(f"not an archive of format {FORMAT}")
        parts: dict[str, Any] = {}
        for service in SERVICES:
            tables = {}
            prefix = f"{service}/tables/"
            for name in z.namelist():
                if name.startswith(prefix) and name.endswith(".json"):
                    tables[name[len(prefix) : -len(".json")]] = json.loads(z.read(name))
            parts[service] = {"tables": tables, "events": json.loads(z.read(f"{service}/events.json"))}
        return {"manifest": manifest, "record": json.loads(z.read("region.json")), "services": parts}


async def import_region(
    clients: Mapping[str, httpx.AsyncClient], data: bytes, headers: Mapping[str, str], *, wait: float = 30.0
) -> dict[str, Any]:
    """Import an archive into the platform ``clients`` reach; what each service took."""
    archive = read_archive(data)
    region = archive["manifest"]["region"]
    record = archive["record"]
    if record.get("region") is None and not record.get("keys"):
        # A region its platform's key file sets up: the file here must set it up too.
        await _known_everywhere(
            clients,
            region,
            headers,
            0,
            unknown=f"region {region} was set up by its platform's key file, so the archive holds no "
            "record of it: set it up here as well (the key file, or POST /assessment/regions) and "
            "import again",
        )
    else:
        _check(
            await clients["assessment"].post("/assessment/regions/restore", json=record, headers=headers),
            "the region's record",
        )
        await _known_everywhere(clients, region, headers, wait)
    handled = [
        (e["headers"]["Nats-Msg-Id"], e["headers"]["Kraftsamla-Event-Type"])
        for part in archive["services"].values()
        for e in part["events"]
        if "Nats-Msg-Id" in (e.get("headers") or {}) and "Kraftsamla-Event-Type" in e["headers"]
    ]
    taken: dict[str, Any] = {}
    for service in SERVICES:
        part = archive["services"][service]
        taken[service] = _check(
            await clients[service].put(
                f"/{service}/regions/{region}/lifecycle/import",
                json={"tables": part["tables"], "handled": handled},
                headers=headers,
                timeout=300,
            ),
            f"{service}: import",
        )
    for service in SERVICES:
        events = archive["services"][service]["events"]
        if events:
            _check(
                await clients[service].post(
                    f"/{service}/regions/{region}/lifecycle/events", json={"events": events}, headers=headers
                ),
                f"{service}: events",
            )
    return taken


async def _known_everywhere(
    clients: Mapping[str, httpx.AsyncClient],
    region: str,
    headers: Mapping[str, str],
    wait: float,
    *,
    unknown: str | None = None,
) -> None:
    deadline = asyncio.get_running_loop().time() + wait
    for service in SERVICES:
        while True:
            r = await clients[service].get(f"/{service}/regions", headers=headers)
            if r.status_code == 200 and region in {x["id"] for x in r.json()["data"]}:
                break
            if asyncio.get_running_loop().time() > deadline:
                raise ArchiveError(unknown or f"{service} does not know region {region} after {wait:.0f} s")
            await asyncio.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kraftsamla_local.region", description=__doc__.split("\n")[0]
    )
    url_help = "the platform's gateway (default $KRAFTSAMLA_URL or http://localhost:8000)"
    parser.add_argument(
        "--url", default=os.environ.get("KRAFTSAMLA_URL", "http://localhost:8000"), help=url_help
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_export = sub.add_parser("export", help="the region's archive")
    p_export.add_argument("--region", required=True)
    p_export.add_argument("--out", type=Path, required=True)
    p_export.add_argument("--pdf", choices=["all", "latest", "none"], default="all")
    p_import = sub.add_parser("import", help="an archive into this platform")
    p_import.add_argument("archive", type=Path)
    for p in (p_export, p_import):
        # Before or after the command alike.
        p.add_argument("--url", default=argparse.SUPPRESS, help=url_help)
    args = parser.parse_args(argv)
    key = os.environ.get("KRAFTSAMLA_OPERATOR_KEY")
    if not key:
        print("error: set KRAFTSAMLA_OPERATOR_KEY to the platform operator's key", file=sys.stderr)
        return 2
    headers = {"X-API-Key": key}

    async def run() -> None:
        async with httpx.AsyncClient(base_url=args.url, timeout=60) as client:
            clients = dict.fromkeys(SERVICES, client)
            if args.command == "export":
                args.out.write_bytes(await export_region(clients, args.region, headers, pdf=args.pdf))
                print(f"{args.region}: {args.out}")
            else:
                taken = await import_region(clients, args.archive.read_bytes(), headers)
                for service, what in taken.items():
                    print(
                        f"{service}: {sum(what['rows'].values())} rows, {what['marked']} events marked handled"
                    )

    try:
        asyncio.run(run())
    except ArchiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
