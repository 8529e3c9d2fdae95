"""The configuration table in docs/configuration.md is the settings class, generated, not retyped."""

from __future__ import annotations

import re
from pathlib import Path

from kraftsamla_common.settings import Settings, configuration_table

DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


def test_the_documented_table_is_the_settings_class() -> None:
    text = DOC.read_text()
    documented = re.search(r"<!-- settings:begin -->\n(.*?)<!-- settings:end -->", text, re.S)
    assert documented, "docs/configuration.md lost its settings markers"
    assert documented.group(1) == configuration_table(), (
        "docs/configuration.md is stale: paste the output of"
        " `./kraftsamla run python -m kraftsamla_common.settings` between its markers"
    )


def test_every_setting_is_described() -> None:
    undocumented = [name for name, field in Settings.model_fields.items() if not field.description]
    assert not undocumented
    for name in Settings.model_fields:
        if name != "service":
            assert f"`KRAFTSAMLA_{name.upper()}`" in configuration_table()


def test_a_clusters_servers_are_given_comma_separated() -> None:
    import pytest
    from pydantic import ValidationError

    from kraftsamla_common.settings import nats_servers

    three = Settings(nats_url="nats://a:4222, nats://b:4222,nats://c:4222,")
    assert three.nats_servers == ["nats://a:4222", "nats://b:4222", "nats://c:4222"]
    assert Settings(nats_url="nats://127.0.0.1:4222").nats_servers == ["nats://127.0.0.1:4222"]
    assert nats_servers("nats://x:1") == ["nats://x:1"]
    with pytest.raises(ValidationError, match="names no server"):
        Settings(nats_url=" , ")
