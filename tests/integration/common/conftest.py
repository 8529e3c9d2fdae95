"""The plans service's settings for the tests of the limits (test_limits.py, test_fairness.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import service_settings
from kraftsamla_common.settings import Settings

PlansSettings = Callable[..., Settings]


@pytest.fixture
def plans_settings(
    database_factory: Callable[[str], str], nats_url: str, api_keys_file: Path
) -> PlansSettings:
    """Makes the plans service's settings on a fresh database of the test's backend and the test's
    NATS, with ``overrides`` (the limits under test): ``plans_settings(rate_limit_burst=3)``."""

    def make(**overrides: Any) -> Settings:
        return service_settings(
            "plans",
            database_url=database_factory("plans"),
            nats_url=nats_url,
            api_keys_file=api_keys_file,
            **overrides,
        )

    return make
