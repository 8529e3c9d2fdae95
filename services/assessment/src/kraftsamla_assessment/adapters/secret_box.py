"""Webhook signing secrets encrypted at rest, with the keys of ``KRAFTSAMLA_SECRETS_KEY``.

Each secret is kept as ``fernet:<token>`` (Fernet: AES-128-CBC and HMAC-SHA256, from the
``cryptography`` package). The setting holds one key or several, separated by commas, newest
first: the newest encrypts, every one decrypts (``MultiFernet``), so a key is rotated by putting a
new one first, restarting (each start re-encrypts the stored secrets with the newest key) and
then dropping the old one (docs/configuration.md, "Secrets at rest").

A key is 32 random bytes in URL-safe base64:
``python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'``.
"""

from __future__ import annotations

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pydantic import SecretStr

PREFIX = "fernet:"

__all__ = ["PREFIX", "InvalidToken", "MissingKey", "SecretBox", "box_for"]


class MissingKey(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "KRAFTSAMLA_SECRETS_KEY is not set: the assessment service encrypts webhook signing "
            "secrets with it and does not start without one. Make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' "
            "(./kraftsamla up keeps one in <data dir>/secrets.key)."
        )


class SecretBox:
    """Seals secrets with the newest key; opens them with any."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise MissingKey()
        try:
            self._fernets = [Fernet(k.encode()) for k in keys]
        except ValueError:
            raise ValueError(
                "KRAFTSAMLA_SECRETS_KEY: each key must be 32 bytes in URL-safe base64 (a Fernet key)"
            ) from None
        self._all = MultiFernet(self._fernets)

    def seal(self, secret: str) -> str:
        return PREFIX + self._all.encrypt(secret.encode()).decode("ascii")

    def open(self, stored: str) -> str:
        """The secret; a value kept before secrets were encrypted is the secret itself (it is
        encrypted at the next start). :class:`InvalidToken` when no key opens it."""
        if not stored.startswith(PREFIX):
            return stored
        return self._all.decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()

    def reseal(self, stored: str) -> str | None:
        """The stored value sealed with the newest key; None when it already is.
        :class:`InvalidToken` when no key opens it."""
        if not stored.startswith(PREFIX):
            return self.seal(stored)
        token = stored.removeprefix(PREFIX).encode("ascii")
        try:
            self._fernets[0].decrypt(token)
            return None
        except InvalidToken:
            return PREFIX + self._all.rotate(token).decode("ascii")


def keys_of(setting: SecretStr | None) -> list[str]:
    if setting is None:
        return []
    return [k.strip() for k in setting.get_secret_value().split(",") if k.strip()]


@functools.lru_cache(maxsize=8)
def _box(keys: tuple[str, ...]) -> SecretBox:
    return SecretBox(list(keys))


def box_for(setting: SecretStr | None) -> SecretBox:
    """The box of ``KRAFTSAMLA_SECRETS_KEY``; :class:`MissingKey` when it is not set."""
    return _box(tuple(keys_of(setting)))
