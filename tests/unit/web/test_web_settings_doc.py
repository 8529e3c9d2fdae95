"""The web application's settings table in docs/web.md is the settings class, generated."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kraftsamla_web.settings import WebSettings, settings_table

DOC = Path(__file__).resolve().parents[3] / "docs" / "web.md"


def test_the_documented_settings_are_the_class() -> None:
    text = DOC.read_text()
    documented = text.split("<!-- web-settings:begin -->\n", 1)[1].split("<!-- web-settings:end -->", 1)[0]
    assert documented == settings_table()


def test_a_short_session_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRAFTSAMLA_OIDC_ISSUER", "https://id.example/")
    monkeypatch.setenv("KRAFTSAMLA_WEB_SESSION_SECRET", "short")
    with pytest.raises(ValidationError, match="at least 32"):
        WebSettings()  # type: ignore[call-arg]
    monkeypatch.setenv("KRAFTSAMLA_WEB_SESSION_SECRET", "s" * 32)
    assert WebSettings().oidc_issuer == "https://id.example"  # type: ignore[call-arg]
