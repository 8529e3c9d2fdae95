"""Where a page may send a person next (only to a path of this application: no open redirect), and
the region's navigation: its sections and their pages."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Entry:
    """A page of a region in the navigation: its message key, its route's name, its path under
    ``/regions/{region}``, and the roles that see it (empty: everyone of the region)."""

    key: str
    route: str
    path: str
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Section:
    """A part of the region's work: its entry in the header, and its pages (tabs) below it."""

    entry: Entry
    pages: tuple[Entry, ...] = ()

    def holds(self, path: str) -> bool:
        prefixes = [self.entry.path, *(p.path for p in self.pages)]
        return any(path == p or (p and path.startswith(p + "/")) for p in prefixes)


ADMINS = frozenset({"admin", "operator"})

SECTIONS: tuple[Section, ...] = (
    Section(Entry("nav_desk", "desk", "")),
    Section(
        Entry("nav_applications", "applications", "/applications"),
        (
            Entry("nav_applications", "applications", "/applications"),
            Entry("nav_reassessments", "reassessments", "/reassessments"),
        ),
    ),
    Section(
        Entry("nav_plans", "action_plans", "/plans"),
        (
            Entry("nav_programme", "programme", "/programme"),
            Entry("nav_action_plans", "action_plans", "/plans"),
            Entry("nav_local_plans", "local_plans", "/local-plans"),
            Entry("nav_checklist", "checklist", "/checklist"),
            Entry("nav_self_assessment", "self_assessment", "/self-assessment"),
        ),
    ),
    Section(
        Entry("nav_actors", "actors", "/actors"),
        (
            Entry("nav_actors", "actors", "/actors"),
            Entry("nav_partnerships", "partnerships", "/partnerships"),
            Entry("nav_engagements", "engagements", "/engagements"),
        ),
    ),
    Section(Entry("nav_indicators", "indicators", "/indicators")),
    Section(Entry("nav_reports", "reports", "/reports")),
    Section(
        Entry("nav_admin", "admin", "/admin", ADMINS),
        (
            Entry("nav_admin_keys", "admin_keys", "/admin/keys", ADMINS),
            Entry("nav_admin_webhooks", "admin_webhooks", "/admin/webhooks", ADMINS),
            Entry("nav_admin_rubric", "admin_rubric", "/admin/rubric", ADMINS),
            Entry("nav_admin_audit", "admin_audit", "/admin/audit", ADMINS),
            Entry("nav_admin_settings", "admin_settings", "/admin/settings", ADMINS),
        ),
    ),
)
"""The region's navigation. An entry is shown when its route exists in the application and the
person's role may see it; the services still decide what the person may do there."""


@dataclass(frozen=True)
class Link:
    key: str
    href: str
    current: bool
    exact: bool = False

    @property
    def aria_current(self) -> str | None:
        """``page`` on the page itself, ``true`` on the section or tab a page lies within."""
        return "page" if self.exact else ("true" if self.current else None)


@dataclass(frozen=True)
class Navigation:
    sections: tuple[Link, ...]
    tabs: tuple[Link, ...]


def navigation(region: str, path: str, role: str, routes: frozenset[str]) -> Navigation:
    """The header's sections and the current section's tabs for a page at ``path``."""
    base = f"/regions/{region}"
    here = path[len(base) :] if path == base or path.startswith(base + "/") else None

    def shown(e: Entry) -> bool:
        return e.route in routes and (not e.roles or role in e.roles)

    current = next((s for s in SECTIONS[1:] if here is not None and s.holds(here)), None)
    if current is None and here == "":
        current = SECTIONS[0]
    sections = tuple(
        Link(s.entry.key, base + s.entry.path, s is current, here == s.entry.path)
        for s in SECTIONS
        if shown(s.entry)
    )
    tabs: tuple[Link, ...] = ()
    if current is not None and here is not None:
        visible = [p for p in current.pages if shown(p)]
        if len(visible) > 1:
            tabs = tuple(
                Link(p.key, base + p.path, here == p.path or here.startswith(p.path + "/"), here == p.path)
                for p in visible
            )
    return Navigation(sections, tabs)
