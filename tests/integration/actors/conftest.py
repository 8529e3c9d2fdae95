"""The actors service running in the test's process, on the test's database backend and NATS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from helpers import StartService


@pytest.fixture
async def client(start_service: StartService) -> AsyncIterator[httpx.AsyncClient]:
    async with start_service("actors") as client:
        yield client
