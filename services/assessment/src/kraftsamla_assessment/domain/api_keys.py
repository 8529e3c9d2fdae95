"""API keys a region administrator issues: what a name may be, which roles may be given, how long
a key may live.

* **Names** are lower-case letters, digits and hyphens, 1 to 64 characters, beginning and ending
  with a letter or a digit (``nyps-production``). A name is the caller's identity in the audit log
  and the rate limits, so it is unique on the platform and never given again, even once its key
  is revoked.
* **Roles**: an administrator gives ``admin``, ``assessor``, ``viewer`` or ``integrator`` keys of
  their own region; the platform operator's keys are the key file's only. An integrator's key
  names its funding system (``source``), no other key does.
* **Lifetime**: every key issued over the API expires, by default a year after it is issued, at
  most three years after.
"""

from __future__ import annotations

from datetime import datetime, timedelta

NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
MAX_NAME = 64
SOURCE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
"""A funding system's id, as applications and webhooks name it."""
DEFAULT_LIFETIME = timedelta(days=365)
MAX_LIFETIME = timedelta(days=3 * 365 + 1)
"""Three years (one of them a leap year)."""
SHOWN_CHARACTERS = 4
"""How many of a key's last characters its listing shows, for a person to tell keys apart."""


def source_refusal(role: str, source: str | None) -> str | None:
    """Why the role and the funding system do not go together, or None."""
    if role == "integrator" and source is None:
        return "an integrator's key names its funding system: give source"
    if role != "integrator" and source is not None:
        return "only an integrator's key names a funding system: leave out source"
    return None


def expiry_refusal(expires: datetime, now: datetime) -> str | None:
    """Why a key may not expire then, or None."""
    if expires <= now:
        return "expires must be in the future"
    if expires - now > MAX_LIFETIME:
        latest = (now + MAX_LIFETIME).isoformat(timespec="seconds")
        return f"a key lives at most three years: expires at the latest {latest}"
    return None


def expiry(expires: datetime | None, now: datetime) -> datetime:
    """When a new key expires: as asked, else a year from now."""
    return expires if expires is not None else now + DEFAULT_LIFETIME


def shown_end(key: str) -> str:
    """The part of a key its listing shows."""
    return key[-SHOWN_CHARACTERS:]
