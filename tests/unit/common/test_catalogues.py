"""Every service's catalogues are whole in sv, en and fi, and every message its downloads ask for
is in them (a missing one would show its key as a header or a value)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest

from kraftsamla_common.events import (
    ApplicationStatus,
    EngagementKind,
    Helix,
    Level,
    Recommendation,
    SizeClass,
)
from kraftsamla_common.i18n import check_catalogues, read_catalogue

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = sorted(p.parent.name for p in ROOT.glob("services/*/src/kraftsamla_*/locale"))

VALUES: dict[str, dict[str, Any]] = {
    "kraftsamla_assessment": {
        "level": Level,
        "recommendation": Recommendation,
        "status": ApplicationStatus,
        "review": ("none", "confirmed", "overridden", "needs_review"),
    },
    "kraftsamla_actors": {"helix": Helix, "size": SizeClass, "kind": EngagementKind, "country": ("SE", "FI")},
    "kraftsamla_plans": {},
}
"""The values a download names by ``t(f"<prefix>_{value}")``, per package."""


def test_the_services_have_catalogues() -> None:
    assert set(VALUES) | {"kraftsamla_reporting"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_catalogues_are_whole(package: str) -> None:
    assert check_catalogues(package) == []


@pytest.mark.parametrize("package", sorted(VALUES))
def test_every_message_a_download_names_is_there(package: str) -> None:
    source = (
        ROOT / "services" / package.removeprefix("kraftsamla_") / "src" / package / "adapters" / "exports.py"
    )
    text = source.read_text()
    keys = {m.id for m in read_catalogue(package, "en") if m.id}
    named = set(re.findall(r'\bt\("([a-z0-9_]+)"\)', text))
    assert named and not named - keys
    prefixes = set(re.findall(r'\bt\(f"([a-z0-9]+)_\{', text))
    assert prefixes == set(VALUES[package])
    for prefix, values in VALUES[package].items():
        wanted = {f"{prefix}_{v}" for v in (get_args(values) or values)}
        assert not wanted - keys, prefix
