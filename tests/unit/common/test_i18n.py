"""Catalogues: messages by key in three languages, plural forms, English as the fallback, and the
check that finds a key missing in a language or a placeholder that differs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from kraftsamla_common import i18n


def _write(root: Path, language: str, messages: dict[str, str | tuple[str, str]]) -> None:
    catalogue = Catalog(locale=i18n.LOCALES[language], domain="messages")  # type: ignore[index]
    for key, text in messages.items():
        catalogue.add((key, key) if isinstance(text, tuple) else key, text)
    target = root / "locale" / language / "LC_MESSAGES" / "messages.po"
    target.parent.mkdir(parents=True)
    with target.open("wb") as fp:
        write_po(fp, catalogue)


@pytest.fixture
def package(tmp_path: Path) -> Iterator[str]:
    name = f"catalogue_pkg_{tmp_path.name.replace('-', '_')}"
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    _write(root, "en", {"hello": "Hello {name}", "apps": ("{n} application", "{n} applications")})
    _write(root, "sv", {"hello": "Hej {name}", "apps": ("{n} ansökan", "{n} ansökningar")})
    _write(root, "fi", {"hello": "Hei {nimi}"})
    sys.path.insert(0, str(tmp_path))
    yield name
    sys.path.remove(str(tmp_path))
    i18n.read_catalogue.cache_clear()
    i18n.translations.cache_clear()


def test_messages_by_key_with_plural_forms_and_formats(package: str) -> None:
    sv = i18n.Messages("sv", [package])
    assert sv("hello", name="Åsa") == "Hej Åsa"
    assert sv.plural("apps", 1) == "1 ansökan"
    assert sv.plural("apps", 1234) == "1\xa0234 ansökningar"
    assert sv.has("hello") and sv.has("apps") and not sv.has("nothing")
    assert sv.money(1_250_000, "SEK") == "1\xa0250\xa0000\xa0SEK"
    assert sv.money(12.5, "SEK") == "12,50\xa0SEK"
    en = i18n.Messages("en", [package])
    assert en.plural("apps", 2) == "2 applications"
    assert en.money(12.5, "EUR") == "12.50\xa0EUR"


def test_a_missing_message_falls_back_to_english(package: str) -> None:
    assert i18n.Messages("fi", [package]).plural("apps", 3) == "3 applications"


def test_the_check_names_missing_keys_and_differing_placeholders(package: str) -> None:
    assert i18n.check_catalogues(package) == [
        f"{package} fi: 'apps' is missing",
        f"{package} fi: 'hello' fills ['nimi'], English ['name']",
    ]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fi-FI,fi;q=0.9,en;q=0.8", "fi"),
        ("sv-SE", "sv"),
        ("de", "en"),
        ("de, sv;q=0.2", "sv"),
        ("en-US,en;q=0.5", "en"),
        (None, "en"),
        ("sv;q=0, fi;q=0.4", "fi"),
    ],
)
def test_the_language_from_accept_language(header: str | None, language: str) -> None:
    assert i18n.negotiate(header) == language
