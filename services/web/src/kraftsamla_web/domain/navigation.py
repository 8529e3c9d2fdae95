"""Where a page may send a person next: only to a path of this application (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit

HOME = "/"


def local_path(target: str | None, default: str = HOME) -> str:
    """``target`` if it is a path on this site (``/regions/x?y=1``), else ``default``.

    Refused: absolute URLs (``https://evil.example``), scheme-relative ones (``//evil.example``),
    backslashes that browsers read as slashes (``/\\evil.example``), control characters, and
    anything that does not start with a single ``/``."""
    if not target or len(target) > 2000:
        return default
    if any(ord(c) < 0x20 or c == "\x7f" for c in target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
