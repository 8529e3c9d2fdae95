"""See and replay dead-lettered messages: the operator's command.

    python -m kraftsamla_common.deadletter [--nats nats://…] list
    python -m kraftsamla_common.deadletter [--nats nats://…] replay SEQ [SEQ …] | --all

``--nats`` comes before the command (default: ``KRAFTSAMLA_NATS_URL``); the local launcher's NATS
is ``nats://127.0.0.1:14222``.

A message lands in the ``DEADLETTER`` stream (subject ``deadletter.<consumer>.<kind of error>.<region>.<event type>``) after its
consumer failed it ``max_deliver`` times, or at once when it cannot be parsed. Replaying
publishes it again to its original subject (a fresh ``Nats-Msg-Id``, so JetStream does not
drop it as a duplicate) and removes it from the dead-letter stream. The failed attempts left no
inbox row, so the consumer handles it as new. It is addressed to that consumer alone (the
``Kraftsamla-Replay-For`` header): the other consumers of the subject, which handled the event long
ago and may have pruned its inbox row since, acknowledge it without handling it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

import nats

from .events import DEADLETTER
from .settings import Settings, nats_servers


async def _messages(js: Any) -> list[Any]:
    info = await js.stream_info(DEADLETTER.name)
    out = []
    if info.state.messages:
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            try:
                out.append(await js.get_msg(DEADLETTER.name, seq=seq))
            except nats.js.errors.NotFoundError:
                continue  # already replayed (deleted)
    return out


def _event_type(subject: str) -> str | None:
    """The event type of an event's subject (``s3.<region>.<event type>``)."""
    parts = subject.split(".", 2)
    return parts[2] if len(parts) == 3 else None


async def list_dead(url: str) -> list[dict[str, Any]]:
    nc = await nats.connect(nats_servers(url))
    try:
        return [
            {
                "seq": m.seq,
                "consumer": (m.headers or {}).get("Kraftsamla-Consumer"),
                "subject": (m.headers or {}).get("Kraftsamla-Original-Subject"),
                "type": _event_type((m.headers or {}).get("Kraftsamla-Original-Subject", "")),
                "error": (m.headers or {}).get("Kraftsamla-Error"),
            }
            for m in await _messages(nc.jetstream())
        ]
    finally:
        await nc.close()


async def replay(url: str, seqs: list[int] | None) -> int:
    """Replay the given dead letters (all when ``seqs`` is None); returns how many."""
    nc = await nats.connect(nats_servers(url))
    try:
        js = nc.jetstream()
        count = 0
        for m in await _messages(js):
            if seqs is not None and m.seq not in seqs:
                continue
            headers = {
                k: v
                for k, v in (m.headers or {}).items()
                if not k.startswith("Kraftsamla-") and not k.startswith("Nats-")
            }
            subject = (m.headers or {})["Kraftsamla-Original-Subject"]
            consumer = (m.headers or {}).get("Kraftsamla-Consumer")
            if consumer:
                headers["Kraftsamla-Replay-For"] = consumer
            headers["Nats-Msg-Id"] = f"replay-{m.seq}-{(m.headers or {}).get('Nats-Msg-Id', '')}"
            await js.publish(subject, m.data, headers=headers)
            await js.delete_msg(DEADLETTER.name, m.seq)
            count += 1
        return count
    finally:
        await nc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kraftsamla_common.deadletter",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--nats", default=Settings().nats_url, help="NATS URL (default: KRAFTSAMLA_NATS_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list dead-lettered messages as JSON lines")
    rp = sub.add_parser("replay", help="publish dead letters again to their original subject")
    rp.add_argument("seq", nargs="*", type=int)
    rp.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "list":
        for row in asyncio.run(list_dead(args.nats)):
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if not args.seq and not args.all:
        parser.error("name the sequence numbers to replay, or --all")
    n = asyncio.run(replay(args.nats, None if args.all else args.seq))
    print(f"replayed {n} message(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
