"""The rules of keys a region administrator issues: names, roles with their funding system, and
how long a key may live."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from kraftsamla_assessment.domain.api_keys import (
    NAME_PATTERN,
    expiry,
    expiry_refusal,
    shown_end,
    source_refusal,
)

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("nyps", True),
        ("1", True),
        ("nyps-production-2026", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("-nyps", False),
        ("nyps-", False),
        ("Nyps", False),
        ("nyps_prod", False),
        ("user:abc", False),
        ("nyps.prod", False),
        ("", False),
    ],
)
def test_a_name_is_lower_case_letters_digits_and_hyphens(name: str, ok: bool) -> None:
    assert bool(re.fullmatch(NAME_PATTERN, name)) is ok


def test_an_integrator_and_only_an_integrator_names_its_funding_system() -> None:
    assert source_refusal("integrator", "nyps") is None
    assert source_refusal("viewer", None) is None
    assert "give source" in (source_refusal("integrator", None) or "")
    assert "leave out source" in (source_refusal("admin", "nyps") or "")


def test_a_key_expires_in_the_future_and_within_three_years() -> None:
    assert expiry_refusal(NOW + timedelta(seconds=1), NOW) is None
    assert expiry_refusal(NOW + timedelta(days=3 * 365 + 1), NOW) is None
    assert expiry_refusal(NOW, NOW) == "expires must be in the future"
    assert "at most three years" in (expiry_refusal(NOW + timedelta(days=3 * 365 + 2), NOW) or "")
    assert expiry(None, NOW) == NOW + timedelta(days=365)
    assert expiry(NOW + timedelta(days=7), NOW) == NOW + timedelta(days=7)


def test_a_listing_shows_the_last_four_characters() -> None:
    assert shown_end("Zq3-abcdefx7Qz") == "x7Qz"
