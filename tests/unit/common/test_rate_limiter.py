"""The limits' own logic (kraftsamla_common.limits): token bucket arithmetic, Retry-After, the
local lease in front of the shared store, failing open, requests in flight per region, and who a
request is counted as. The middleware with a real NATS store is tested in
tests/integration/common/test_limits.py."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from kraftsamla_common.auth import ApiKeys, Role
from kraftsamla_common.limits import (
    Bucket,
    Gate,
    Grant,
    Limiter,
    LocalStore,
    Policy,
    available,
    client_address,
    identify,
    take,
    whole_seconds,
)

POLICY = Policy("identity", rate=2.0, burst=4)


class Clock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class CountingStore:
    """A store that keeps its buckets as the shared one would and counts the takes it is asked for."""

    def __init__(self) -> None:
        self.inner = LocalStore()
        self.takes = 0

    async def take(self, policy: Policy, key: str, want: int, now: float) -> Grant:
        self.takes += 1
        return self.inner.take_now(policy, key, want, now)


# ------------------------------------------------------------------------------ bucket arithmetic


def test_a_new_bucket_is_full_and_refills_at_the_rate_up_to_the_burst() -> None:
    first = take(None, 100.0, POLICY, 3)
    assert first.granted == 3 and first.bucket == Bucket(1.0, 100.0)
    assert available(first.bucket, 100.25, POLICY) == pytest.approx(1.5)
    assert available(first.bucket, 160.0, POLICY) == 4.0  # never above the burst
    # Asking for more than there is gives what there is, whole tokens only.
    partial = take(first.bucket, 100.5, POLICY, 5)
    assert partial.granted == 2 and partial.bucket.tokens == pytest.approx(0.0)


def test_an_empty_bucket_says_when_a_token_is_back() -> None:
    empty = Bucket(0.25, 50.0)
    refused = take(empty, 50.0, POLICY, 1)
    assert refused.granted == 0 and refused.retry_after == pytest.approx(0.375)  # 0.75 token at 2/s
    assert refused.bucket.tokens == pytest.approx(0.25)
    assert take(empty, 50.375, POLICY, 1).granted == 1
    assert whole_seconds(refused.retry_after) == 1
    assert [whole_seconds(s) for s in (0.0, 1.0, 1.0001, 2.5, 59.99)] == [1, 1, 2, 3, 60]
    slow = Policy("region", rate=0.1, burst=3)
    assert whole_seconds(take(Bucket(0.0, 0.0), 0.0, slow, 1).retry_after) == 10


def test_a_clock_behind_the_stored_one_adds_no_tokens() -> None:
    stored = Bucket(1.0, 200.0)  # written by a replica whose clock is ahead
    assert available(stored, 199.0, POLICY) == 1.0
    after = take(stored, 199.0, POLICY, 1)
    assert after.granted == 1 and after.bucket.at == 200.0  # keeps the later time


def test_buckets_are_stored_as_text_and_a_bad_value_reads_as_none() -> None:
    bucket = Bucket(12.5, 1_712_345_678.25)
    assert Bucket.decode(bucket.encode()) == bucket
    assert Bucket.decode(b"nonsense") is None and Bucket.decode(None) is None


def test_policies_describe_themselves_for_the_headers() -> None:
    assert Policy("identity", 20, 60).header() == '"identity";q=60;w=3'
    assert Policy("address", 0.5, 3).window == 6
    assert not Policy("off", 0, 10).enabled
    # A batch is a quarter second's worth, at most a fifth of the burst, at least one.
    assert [Policy("x", r, b).batch for r, b in ((20, 60), (1000, 100), (1, 1), (0.1, 50))] == [5, 20, 1, 1]


# ------------------------------------------------------------------------------ the limiter


async def test_the_limiter_refuses_after_the_burst_and_admits_again_at_the_rate() -> None:
    clock = Clock()
    limiter = Limiter(CountingStore(), clock=clock)
    verdicts = [await limiter.hit(POLICY, "a") for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, True, False]
    assert verdicts[-1].retry_after == 1 and verdicts[-1].policy is POLICY
    assert (await limiter.hit(POLICY, "b")).allowed  # another identity has its own bucket
    clock.now += 0.5  # one token back
    assert (await limiter.hit(POLICY, "a")).allowed
    assert not (await limiter.hit(POLICY, "a")).allowed
    clock.now += 60
    assert [(await limiter.hit(POLICY, "a")).allowed for _ in range(5)] == [True] * 4 + [False]


async def test_tokens_are_taken_in_batches_and_a_refusal_is_answered_from_memory() -> None:
    clock = Clock()
    store = CountingStore()
    limiter = Limiter(store, clock=clock)
    policy = Policy("identity", rate=100, burst=200)  # batches of 25
    assert all([(await limiter.hit(policy, "k")).allowed for _ in range(200)])
    assert store.takes == 8
    assert not (await limiter.hit(policy, "k")).allowed
    takes = store.takes
    for _ in range(1000):  # a flood within the same hundredth of a second
        assert not (await limiter.hit(policy, "k")).allowed
    assert store.takes == takes
    clock.now += 0.01  # a token is due back: the store is asked again
    assert (await limiter.hit(policy, "k")).allowed and store.takes == takes + 1


async def test_concurrent_requests_wait_for_one_take() -> None:
    class SlowStore(CountingStore):
        async def take(self, policy: Policy, key: str, want: int, now: float) -> Grant:
            await asyncio.sleep(0.01)
            return await super().take(policy, key, want, now)

    store = SlowStore()
    limiter = Limiter(store, clock=Clock())
    policy = Policy("identity", rate=40, burst=100)  # batches of 10
    verdicts = await asyncio.gather(*(limiter.hit(policy, "k") for _ in range(10)))
    assert all(v.allowed for v in verdicts) and store.takes == 1


async def test_replicas_sharing_a_store_never_admit_more_than_the_bucket_holds() -> None:
    clock = Clock()
    shared = CountingStore()
    replicas = [Limiter(shared, clock=clock) for _ in range(3)]
    policy = Policy("identity", rate=10, burst=30)
    admitted = 0
    for i in range(300):
        admitted += (await replicas[i % 3].hit(policy, "k")).allowed
    assert admitted == 30
    # A second later: ten tokens more, less what leases left unspent (at most a batch a replica).
    clock.now += 1.0
    admitted = sum([(await replicas[i % 3].hit(policy, "k")).allowed for i in range(300)])
    assert 10 - 3 * policy.batch <= admitted <= 10


async def test_a_token_given_back_is_spent_again() -> None:
    limiter = Limiter(CountingStore(), clock=Clock())
    policy = Policy("identity", rate=1, burst=1)
    assert (await limiter.hit(policy, "k")).allowed
    limiter.give_back(policy, "k")
    assert (await limiter.hit(policy, "k")).allowed
    assert not (await limiter.hit(policy, "k")).allowed


async def test_a_limit_of_zero_a_second_is_off() -> None:
    store = CountingStore()
    limiter = Limiter(store, clock=Clock())
    off = Policy("identity", rate=0, burst=1)
    assert all([(await limiter.hit(off, "k")).allowed for _ in range(100)]) and store.takes == 0


async def test_a_store_that_does_not_answer_fails_open_to_local_buckets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class DeadStore:
        calls = 0

        async def take(self, policy: Policy, key: str, want: int, now: float) -> Grant:
            DeadStore.calls += 1
            await asyncio.sleep(10)
            raise AssertionError("never answers")

    clock = Clock()
    limiter = Limiter(DeadStore(), clock=clock, timeout=0.05, pause=5.0)
    caplog.set_level(logging.WARNING, logger="kraftsamla_common.limits")
    policy = Policy("identity", rate=1, burst=3)
    # Requests go on (limited by this process's own bucket), the store is not asked during the pause.
    assert [(await limiter.hit(policy, "k")).allowed for _ in range(4)] == [True, True, True, False]
    assert DeadStore.calls == 1
    assert any("shared store did not answer" in r.getMessage() for r in caplog.records)
    clock.now += 6.0  # the pause is over: the store is tried again
    assert (await limiter.hit(policy, "k")).allowed and DeadStore.calls == 2


# ------------------------------------------------------------------------------ requests in flight


async def test_a_region_alone_has_its_places_then_a_queue_then_refusals() -> None:
    gate = Gate(limit=2, queue=2, wait=5.0, clock=Clock())
    assert await gate.enter("a") and await gate.enter("a")
    first = asyncio.create_task(gate.enter("a"))
    second = asyncio.create_task(gate.enter("a"))
    await asyncio.sleep(0)
    assert not first.done() and not second.done()
    assert not await gate.enter("a")  # the queue is full: refused at once
    gate.leave("a", 0.0)
    assert await first and not second.done() and gate.active("a") == 2
    gate.leave("a", 0.0)
    assert await second
    for _ in range(2):
        gate.leave("a", 0.0)
    assert gate.active("a") == 0


async def test_while_other_regions_ask_each_has_one_place() -> None:
    clock = Clock()
    gate = Gate(limit=4, queue=10, wait=5.0, clock=clock)
    assert all([await gate.enter("a") for _ in range(4)])  # alone: four at once
    assert await gate.enter("b")  # another region goes on at once, beside them
    assert gate.places("a", clock.now) == 1 and gate.places("b", clock.now) == 1
    waiting = asyncio.create_task(gate.enter("a"))
    await asyncio.sleep(0)
    for _ in range(3):  # a's requests end; while b asks, a's next waits until a has none in progress
        gate.leave("a", 0.0)
        await asyncio.sleep(0)
        assert not waiting.done()
    gate.leave("a", 0.0)
    assert await waiting and gate.active("a") == 1
    gate.leave("b", 0.0)
    clock.now += 0.5  # b asked half a second ago: still one each
    assert gate.places("a", clock.now) == 1
    clock.now += 0.6  # a second without b: a has its four places again
    assert gate.places("a", clock.now) == 4
    assert all([await gate.enter("a") for _ in range(3)]) and gate.active("a") == 4


async def test_while_others_ask_a_region_pauses_as_long_as_its_last_request_took() -> None:
    clock = Clock()
    gate = Gate(limit=4, queue=10, wait=5.0, pace=0.25, clock=clock)
    assert await gate.enter("b")  # b is asking
    assert await gate.enter("a")
    waiting = asyncio.create_task(gate.enter("a"))  # a's burst: one more waits
    await asyncio.sleep(0)
    clock.now += 0.04
    gate.leave("a", 0.04)  # a's request took 40 ms
    await asyncio.sleep(0.01)
    assert not waiting.done()  # not before another 40 ms have passed
    clock.now += 0.04
    assert await asyncio.wait_for(waiting, 1.0)
    # A long request makes the next wait a quarter of a second at most.
    gate.leave("a", 30.0)
    waiting = asyncio.create_task(gate.enter("a"))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    clock.now += 0.25
    assert await asyncio.wait_for(waiting, 1.0)
    # Alone again (b done and silent for over a second): no pause, four at once.
    gate.leave("a", 0.5)
    gate.leave("b", 0.0)
    clock.now += 1.1
    gate_is_free = [await gate.enter("a") for _ in range(4)]
    assert all(gate_is_free) and gate.active("a") == 4


async def test_requests_without_credentials_make_no_region_yield() -> None:
    clock = Clock()
    gate = Gate(limit=3, queue=0, wait=0, clock=clock)
    assert all([await gate.enter("") for _ in range(3)]) and not await gate.enter("")
    assert gate.places("a", clock.now) == 3
    assert all([await gate.enter("a") for _ in range(3)])


async def test_a_request_waits_at_most_the_queue_time() -> None:
    gate = Gate(limit=1, queue=5, wait=0.05)
    assert await gate.enter("a")
    assert not await gate.enter("a")  # waited 0.05 s, then refused
    gate.leave("a", 0.0)
    assert gate.active("a") == 0 and await gate.enter("a")


async def test_a_waiting_request_whose_client_leaves_gives_up_its_turn() -> None:
    gate = Gate(limit=1, queue=5, wait=5.0)
    assert await gate.enter("a")
    waiting = asyncio.create_task(gate.enter("a"))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    gate.leave("a", 0.0)
    assert gate.active("a") == 0


async def test_a_gate_of_zero_is_off() -> None:
    gate = Gate(limit=0, queue=0, wait=0)
    assert all([await gate.enter("a") for _ in range(100)])


# ------------------------------------------------------------------------------ who, from where


def scope(peer: str, *headers: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "http",
        "client": (peer, 50000),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
    }


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    from ipaddress import ip_network

    proxies = (ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32"))
    forged = ("X-Forwarded-For", "203.0.113.9")
    assert client_address(scope("198.51.100.7", forged), ()) == "198.51.100.7"
    assert client_address(scope("198.51.100.7", forged), proxies) == "198.51.100.7"  # not a proxy
    assert client_address(scope("127.0.0.1", forged), proxies) == "203.0.113.9"
    # Read from the right: what the client wrote itself (left of the first untrusted hop) is ignored.
    chain = ("X-Forwarded-For", "1.2.3.4, 203.0.113.9, 10.1.2.3")
    assert client_address(scope("10.0.0.5", chain), proxies) == "203.0.113.9"
    split = [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "203.0.113.9")]
    assert client_address(scope("10.0.0.5", *split), proxies) == "203.0.113.9"
    # Nothing forwarded, or nothing readable: the proxy itself.
    assert client_address(scope("10.0.0.5"), proxies) == "10.0.0.5"
    assert client_address(scope("10.0.0.5", ("X-Forwarded-For", "junk")), proxies) == "10.0.0.5"
    assert client_address(scope("10.0.0.5", ("X-Forwarded-For", "[2001:db8::1]:443")), proxies) == (
        "2001:db8::/64"
    )


def test_ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4() -> None:
    assert client_address(scope("2001:db8:1:2:aaaa::1"), ()) == "2001:db8:1:2::/64"
    assert client_address(scope("2001:db8:1:2:bbbb::9"), ()) == "2001:db8:1:2::/64"
    assert client_address(scope("::ffff:192.0.2.4"), ()) == "192.0.2.4"
    assert client_address({"type": "http", "headers": []}, ()) == "unknown"


async def test_identity_is_what_the_credentials_prove(tmp_path: Path) -> None:
    path = tmp_path / "api-keys.json"
    entries = [
        {"name": "nyps", "sha256": hashlib.sha256(b"good").hexdigest(), "region": "r1", "role": "integrator"},
        {
            "name": "old",
            "sha256": hashlib.sha256(b"gone").hexdigest(),
            "region": "r1",
            "role": "admin",
            "revoked": True,
        },
    ]
    path.write_text(json.dumps({"keys": entries}))
    keys = ApiKeys(path)
    basic = "Basic " + base64.b64encode(b"anyone:good").decode()
    found = await identify(scope("1.2.3.4", ("X-API-Key", "good")), keys, None)
    assert found is not None and found.name == "nyps" and found.role is Role.INTEGRATOR
    assert await identify(scope("1.2.3.4", ("Authorization", basic)), keys, None) == found
    assert await identify(scope("1.2.3.4", ("X-API-Key", "bad")), keys, None) is None
    assert await identify(scope("1.2.3.4", ("X-API-Key", "gone")), keys, None) is None  # revoked
    assert await identify(scope("1.2.3.4", ("Authorization", "Basic !!!")), keys, None) is None
    assert await identify(scope("1.2.3.4", ("Authorization", "Bearer x.y.z")), keys, None) is None
    assert await identify(scope("1.2.3.4"), keys, None) is None
