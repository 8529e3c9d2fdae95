"""A service's stop ends its background jobs, even one that goes on after its first cancellation."""

from __future__ import annotations

import asyncio

from kraftsamla_common.service import stop_jobs


async def test_a_job_that_swallows_its_cancellation_is_cancelled_again() -> None:
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed > 1:
                    raise

    async def polite() -> None:
        await asyncio.sleep(3600)

    tasks = [asyncio.create_task(stubborn()), asyncio.create_task(polite())]
    await asyncio.sleep(0.02)
    await asyncio.wait_for(stop_jobs(tasks, wait=0.1), timeout=5)
    assert all(t.done() for t in tasks) and swallowed == 2
