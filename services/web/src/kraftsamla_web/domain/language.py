"""Which language a person reads: their own choice, else their token's locale, else the browser's."""

from __future__ import annotations

from kraftsamla_common.i18n import LANGUAGES, Language, negotiate


def as_language(value: str | None) -> Language | None:
    """``sv``, ``en`` or ``fi`` from a choice or a locale (``sv-SE``, ``fi_FI``); None otherwise."""
    if not value:
        return None
    code = value.replace("_", "-").split("-")[0].lower()
    for language in LANGUAGES:
        if code == language:
            return language
    return None


def choose_language(chosen: str | None, token_locale: str | None, accept_language: str | None) -> Language:
    return as_language(chosen) or as_language(token_locale) or negotiate(accept_language, default="sv")
