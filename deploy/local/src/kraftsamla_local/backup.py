"""A backup of the whole platform, and its restore into fresh databases and a fresh NATS
(docs/operations.md#backup-and-restore).

    python -m kraftsamla_local.backup create --out DIR [--data-dir data] [--nats URL] [--db SERVICE=URL ...]
    python -m kraftsamla_local.backup restore DIR --data-dir NEW [--nats URL] [--db SERVICE=URL ...]

A service's database is ``<data dir>/<service>.db`` (SQLite) unless ``--db`` names its URL
(PostgreSQL: dumped with ``pg_dump -Fc``, restored with ``pg_restore`` into an empty database).
The backup folder holds:

* ``databases/<service>.db`` (SQLite, through its online backup API, never a copy of the live file)
  or ``databases/<service>.dump`` (PostgreSQL, custom format);
* ``streams/<stream>.json``: every stream's configuration, its durable consumers' configurations
  and every message (sequence, subject, headers, payload in base64); the key buckets
  (``KV_KRAFTSAMLA_KEYS``…) are streams too;
* ``files/``: the data dir's secrets (``secrets.key``, ``api-keys.json``) where there are any;
* ``manifest.json``: when each part was taken, each table's row count, each stream's last sequence
  and message count.

Order: the databases first, then the streams. Every event a database has marked sent (outbox) is
then in the streams' copy; an event a consumer had not handled yet when its database was copied is
in the streams' copy and is not in that consumer's inbox, so it is delivered after the restore.

Restore: the databases first, then every stream created anew (the services' own streams with the
services' declaration, :func:`kraftsamla_common.bus.stream_config`; the others, such as the key
buckets, with their saved configuration) and its messages put back in their order under their
``Nats-Msg-Id``; then each durable consumer created before its service starts, delivering from the
first message of its stream that its inbox (or the dead letters) does not hold: the restored
platform does not hand its consumers again what they had handled.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy, StreamConfig
from sqlalchemy import MetaData, func, select
from sqlalchemy.ext.asyncio import create_async_engine

from kraftsamla_common.bus import stream_config
from kraftsamla_common.events import DEADLETTER, stream_for
from kraftsamla_common.lifecycle import put_back, stream_events
from kraftsamla_common.settings import Settings, nats_servers

SERVICES = ("actors", "plans", "assessment", "reporting")
FORMAT = 1
FILES = ("secrets.key", "api-keys.json", "demo-api-keys.json", ".demo-loaded")
"""What else of a data dir a restored platform needs: the key that encrypts what assessment keeps,
the file of API keys (where the platform uses one), and the local launcher's demo keys and its mark
that the demo is loaded (so ``up`` on the restored data dir does not load it again)."""


class BackupError(Exception):
    """A step that cannot be done; what to do about it."""


def database_urls(data_dir: Path, given: Mapping[str, str]) -> dict[str, str]:
    """Each service's database: ``given`` or its SQLite file in ``data_dir``."""
    return {s: given.get(s) or f"sqlite+aiosqlite:///{data_dir.resolve() / f'{s}.db'}" for s in SERVICES}


def _sqlite_path(url: str) -> Path | None:
    return Path(url.split(":///", 1)[1]) if url.startswith("sqlite") else None


def _libpq(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+asyncpg://``) as libpq takes it (``postgresql://``)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def row_counts(url: str) -> dict[str, int]:
    """Every table of a database and its number of rows."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            md = MetaData()
            await conn.run_sync(md.reflect)
            return {
                t.name: int((await conn.execute(select(func.count()).select_from(t))).scalar_one())
                for t in md.sorted_tables
            }
    finally:
        await engine.dispose()


def dump_database(url: str, out: Path) -> Path:
    """One database copied while the service may be running: SQLite through its online backup API
    (a consistent snapshot, whatever is being written), PostgreSQL with ``pg_dump -Fc``."""
    path = _sqlite_path(url)
    if path is not None:
        if not path.exists():
            raise BackupError(f"no database at {path}")
        target = out.with_suffix(".db")
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return target
    target = out.with_suffix(".dump")
    subprocess.run(["pg_dump", "-Fc", "--file", str(target), _libpq(url)], check=True)
    return target


def restore_database(dump: Path, url: str) -> None:
    """A database restored from its dump into a place that holds none: SQLite the backup file
    (written anew through the backup API), PostgreSQL with ``pg_restore`` into an empty database."""
    path = _sqlite_path(url)
    if path is not None:
        if path.exists():
            raise BackupError(f"{path} exists: restore into a fresh data dir")
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return
    subprocess.run(["pg_restore", "--exit-on-error", "--dbname", _libpq(url), str(dump)], check=True)


async def save_streams(nats_url: str, out: Path) -> dict[str, Any]:
    """Every stream (the key buckets' too): configuration, durable consumers, messages."""
    nc = await nats.connect(nats_servers(nats_url))
    summary: dict[str, Any] = {}
    try:
        js = nc.jetstream()
        for info in await js.streams_info():
            name = str(info.config.name)
            state = info.state
            messages = await stream_events(js, name)
            consumers = [
                {**c.config.as_dict(), "ack_floor": c.ack_floor.stream_seq if c.ack_floor else 0}
                for c in await js.consumers_info(name)
                if c.config.durable_name
            ]
            saved = {
                "config": info.config.as_dict(),
                "last_seq": state.last_seq,
                "consumers": consumers,
                "messages": messages,
            }
            (out / f"{name}.json").write_text(json.dumps(saved))
            summary[name] = {
                "last_seq": state.last_seq,
                "messages": len(messages),
                "consumers": sorted(c["durable_name"] for c in consumers),
            }
    finally:
        await nc.close()
    return summary


async def create(out: Path, data_dir: Path, nats_url: str, dbs: Mapping[str, str]) -> dict[str, Any]:
    """The backup in ``out`` (made; must not hold one already); its manifest."""
    if (out / "manifest.json").exists():
        raise BackupError(f"{out} holds a backup already")
    for part in ("databases", "streams", "files"):
        _private_dir(out / part)
    os.chmod(out, 0o700)
    manifest: dict[str, Any] = {"format": FORMAT, "started_at": _now(), "databases": {}}
    # The databases first: what they have marked sent is then in the streams' copy.
    for service, url in database_urls(data_dir, dbs).items():
        started = _now()
        counts = await row_counts(url)
        file = dump_database(url, out / "databases" / service)
        manifest["databases"][service] = {
            "file": f"databases/{file.name}",
            "kind": "sqlite" if file.suffix == ".db" else "postgresql",
            "taken_at": started,
            "rows": counts,
        }
    manifest["streams_taken_at"] = _now()
    manifest["streams"] = await save_streams(nats_url, out / "streams")
    manifest["files"] = []
    for name in FILES:
        if (data_dir / name).exists():
            shutil.copy2(data_dir / name, out / "files" / name)
            os.chmod(out / "files" / name, 0o600)
            manifest["files"].append(name)
    manifest["finished_at"] = _now()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


# ------------------------------------------------------------------ restore


async def handled_events(urls: Mapping[str, str]) -> dict[str, set[str]]:
    """Consumer → the ids of the events its inbox holds, from every restored database."""
    out: dict[str, set[str]] = {}
    for url in urls.values():
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                md = MetaData()
                await conn.run_sync(md.reflect, only=lambda name, _: name == "inbox")
                if "inbox" not in md.tables:
                    continue
                table = md.tables["inbox"]
                for consumer, event_id in await conn.execute(select(table.c.consumer, table.c.event_id)):
                    out.setdefault(consumer, set()).add(str(event_id))
        finally:
            await engine.dispose()
    return out


def dead_lettered(saved: Mapping[str, Any]) -> dict[str, set[str]]:
    """Consumer → the ids of the events it dead-lettered (handled too: not to be delivered again)."""
    out: dict[str, set[str]] = {}
    for message in saved.get(DEADLETTER.name, {}).get("messages", []):
        headers = message.get("headers") or {}
        consumer, msg_id = headers.get("Kraftsamla-Consumer"), headers.get("Nats-Msg-Id", "")
        if consumer and msg_id.startswith(f"{consumer}:"):
            out.setdefault(consumer, set()).add(msg_id[len(consumer) + 1 :])
    return out


def _matches(subject: str, pattern: str) -> bool:
    """A NATS subject against a filter (``*`` one token, ``>`` the rest)."""
    s, p = subject.split("."), pattern.split(".")
    for i, token in enumerate(p):
        if token == ">":
            return len(s) > i
        if i >= len(s) or (token != "*" and token != s[i]):
            return False
    return len(s) == len(p)


def start_sequence(
    messages: list[dict[str, Any]],
    filters: list[str],
    handled: set[str],
    *,
    ack_floor: int = 0,
    pruned_before: datetime | None = None,
) -> int:
    """Where a consumer reading ``filters`` starts: its first message it has not handled; after the
    last when it handled them all.

    Handled: in its inbox (or its dead letters); or acknowledged by the consumer (``ack_floor``, the
    saved stream sequence) and taken by the stream before ``pruned_before`` (the databases' copy
    less the inbox's retention), whose inbox row retention may have removed. A message acknowledged
    after the databases were copied is in no inbox and newer than that: delivered again."""
    last = 0
    for m in messages:
        last = m["new_seq"]
        if filters and not any(_matches(m["subject"], f) for f in filters):
            continue
        if (m.get("headers") or {}).get("Nats-Msg-Id") in handled:
            continue
        if (
            pruned_before is not None
            and m.get("seq", 0) <= ack_floor
            and m.get("time")
            and datetime.fromisoformat(m["time"]) < pruned_before
        ):
            continue
        return int(m["new_seq"])
    return last + 1


def _own_config(name: str, saved: Mapping[str, Any], settings: Settings) -> StreamConfig:
    """The stream as its service declares it, or as it was saved (key buckets and others)."""
    for service in SERVICES:
        if stream_for(service).name == name:
            return stream_config(stream_for(service), settings.stream_replicas, settings)
    if name == DEADLETTER.name:
        return stream_config(DEADLETTER, settings.stream_replicas, settings)
    config = dict(saved["config"])
    config.pop("sealed", None)
    stream: StreamConfig = StreamConfig.from_response(config)
    return stream


async def restore_streams(
    source: Path, nats_url: str, urls: Mapping[str, str], settings: Settings, databases_taken: datetime
) -> dict[str, Any]:
    """Every saved stream into a NATS that holds none of them, then every durable consumer."""
    pruned_before = databases_taken - timedelta(seconds=settings.inbox_retention_seconds)
    saved = {p.stem: json.loads(p.read_text()) for p in sorted((source / "streams").glob("*.json"))}
    handled = await handled_events(urls)
    for consumer, ids in dead_lettered(saved).items():
        handled.setdefault(consumer, set()).update(ids)
    nc = await nats.connect(nats_servers(nats_url))
    summary: dict[str, Any] = {}
    try:
        js = nc.jetstream()
        existing = {str(i.config.name) for i in await js.streams_info()}
        if clash := sorted(existing & set(saved)):
            raise BackupError(f"NATS holds {', '.join(clash)} already: restore into a fresh NATS")
        for name, stream in saved.items():
            await js.add_stream(_own_config(name, stream, settings))
            for m in stream["messages"]:
                m["new_seq"] = await put_back(
                    js, m["subject"], base64.b64decode(m["data"]), m.get("headers") or {}
                )
            starts = {}
            for raw in stream["consumers"]:
                saved_consumer = dict(raw)
                ack_floor = int(saved_consumer.pop("ack_floor", 0) or 0)
                config = ConsumerConfig.from_response(saved_consumer)
                filters = config.filter_subjects or ([config.filter_subject] if config.filter_subject else [])
                start = start_sequence(
                    stream["messages"],
                    filters,
                    handled.get(config.durable_name or "", set()),
                    ack_floor=ack_floor,
                    pruned_before=pruned_before,
                )
                config.deliver_policy = DeliverPolicy.BY_START_SEQUENCE
                config.opt_start_seq = start
                config.opt_start_time = None
                await js.add_consumer(name, config)
                starts[config.durable_name] = start
            info = await js.stream_info(name)
            summary[name] = {
                "messages": info.state.messages,
                "saved": len(stream["messages"]),
                "consumers_start_at": starts,
            }
    finally:
        await nc.close()
    return summary


async def restore(
    source: Path, data_dir: Path, nats_url: str, dbs: Mapping[str, str], settings: Settings | None = None
) -> dict[str, Any]:
    """The backup in ``source`` restored: databases, files, streams; what was done."""
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a backup of format {FORMAT}")
    urls = database_urls(data_dir, dbs)
    _private_dir(data_dir)
    done: dict[str, Any] = {"databases": {}}
    for service, url in urls.items():
        entry = manifest["databases"][service]
        restore_database(source / entry["file"], url)
        counts = await row_counts(url)
        if counts != entry["rows"]:
            raise BackupError(f"{service}: restored rows {counts} differ from the backup's {entry['rows']}")
        done["databases"][service] = sum(counts.values())
    for name in manifest.get("files", []):
        if not (data_dir / name).exists():
            shutil.copy2(source / "files" / name, data_dir / name)
            os.chmod(data_dir / name, 0o600)
    taken = datetime.fromisoformat(manifest["started_at"])
    done["streams"] = await restore_streams(source, nats_url, urls, settings or Settings(), taken)
    for name, stream in done["streams"].items():
        if stream["messages"] != stream["saved"]:
            raise BackupError(f"{name}: {stream['messages']} messages restored of {stream['saved']}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kraftsamla_local.backup", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("create", "restore"):
        p = sub.add_parser(name)
        if name == "create":
            p.add_argument("--out", type=Path, required=True, help="the backup's folder (new)")
        else:
            p.add_argument("backup", type=Path, help="the backup's folder")
        p.add_argument("--data-dir", type=Path, default=Path(os.environ.get("KRAFTSAMLA_DATA_DIR", "data")))
        p.add_argument("--nats", default=os.environ.get("KRAFTSAMLA_NATS_URL", "nats://127.0.0.1:4222"))
        p.add_argument(
            "--db", action="append", default=[], metavar="SERVICE=URL", help="a service's database"
        )
    args = parser.parse_args(argv)
    dbs = dict(d.split("=", 1) for d in args.db)
    if unknown := sorted(set(dbs) - set(SERVICES)):
        parser.error(f"no such service: {', '.join(unknown)}")
    started = time.monotonic()
    try:
        if args.command == "create":
            manifest = asyncio.run(create(args.out, args.data_dir, args.nats, dbs))
            for service, entry in manifest["databases"].items():
                print(f"{service}: {sum(entry['rows'].values())} rows -> {entry['file']}")
            for stream, entry in manifest["streams"].items():
                print(f"{stream}: {entry['messages']} messages (last sequence {entry['last_seq']})")
        else:
            done = asyncio.run(restore(args.backup, args.data_dir, args.nats, dbs))
            for service, rows in done["databases"].items():
                print(f"{service}: {rows} rows restored")
            for stream, entry in done["streams"].items():
                print(
                    f"{stream}: {entry['messages']} messages; consumers start at {entry['consumers_start_at']}"
                )
    except (BackupError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
