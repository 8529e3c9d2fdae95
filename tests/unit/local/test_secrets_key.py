"""The local launcher keeps the assessment service's secrets key in its data dir, readable by its
owner only, and gives the same key to every start (no process is started here)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from kraftsamla_local.servers import ServiceProcess, ensure_secrets_key


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    key = ensure_secrets_key(tmp_path / "data")
    path = tmp_path / "data" / "secrets.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Fernet(key.encode())  # a valid key
    assert ensure_secrets_key(tmp_path / "data") == key


def test_assessment_gets_the_key_and_the_others_do_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KRAFTSAMLA_SECRETS_KEY", raising=False)
    assessment = ServiceProcess("assessment", port=1, nats_url="nats://x:4222", data_dir=tmp_path)
    plans = ServiceProcess("plans", port=2, nats_url="nats://x:4222", data_dir=tmp_path)
    assert assessment.env()["KRAFTSAMLA_SECRETS_KEY"] == ensure_secrets_key(tmp_path)
    assert "KRAFTSAMLA_SECRETS_KEY" not in plans.env()
    # A key of the operator's wins.
    given = ServiceProcess(
        "assessment",
        port=1,
        nats_url="nats://x:4222",
        data_dir=tmp_path,
        extra_env={"KRAFTSAMLA_SECRETS_KEY": "theirs"},
    )
    assert given.env()["KRAFTSAMLA_SECRETS_KEY"] == "theirs"
