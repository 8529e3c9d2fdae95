"""Readiness: each check within its deadline, one check at a time, its answer reused a moment."""

from __future__ import annotations

import asyncio

from kraftsamla_common.readiness import Readiness


async def test_a_check_that_does_not_answer_in_time_fails_and_the_others_still_count() -> None:
    async def hangs() -> bool:
        await asyncio.Event().wait()
        return True

    async def answers() -> bool:
        return True

    async def raises() -> bool:
        raise ConnectionError("refused")

    outcome = await Readiness(
        {"nats": hangs, "database": answers, "other": raises}, deadline=0.05, keep=0
    ).check()
    assert dict(outcome.checks) == {"nats": False, "database": True, "other": False}
    assert not outcome.ready


async def test_probes_arriving_together_share_one_check_and_its_answer_is_kept() -> None:
    calls = 0
    release = asyncio.Event()

    async def counted() -> bool:
        nonlocal calls
        calls += 1
        await release.wait()
        return True

    readiness = Readiness({"nats": counted}, deadline=10, keep=3600)
    probes = [asyncio.create_task(readiness.check()) for _ in range(20)]
    await asyncio.sleep(0)
    release.set()
    assert all(o.ready for o in await asyncio.gather(*probes))
    assert (await readiness.check()).ready
    assert calls == 1

    fresh = Readiness({"nats": counted}, deadline=10, keep=0)
    await fresh.check()
    await fresh.check()
    assert calls == 3
