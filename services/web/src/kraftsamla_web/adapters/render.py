"""Pages as HTML: Jinja2 templates (autoescaped) with the person's messages (gettext catalogues of
this package), numbers and dates formatted for their language by Babel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from kraftsamla_common.i18n import LANGUAGES, Language, Messages

from ..domain.navigation import navigation
from ..domain.person import Person
from . import session

PACKAGE = "kraftsamla_web"

_env = Environment(
    loader=PackageLoader(PACKAGE, "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def messages(language: Language) -> Messages:
    return Messages(language, (PACKAGE,))


def region_name(t: Messages, region: str, settings: dict[str, Any] | None) -> str:
    """A region by its name in the reader's language (from its country and county, as the actors
    service holds them: ``SE``/``23`` → "Region Jämtland Härjedalen"); its id where they are unknown."""
    if settings and settings.get("country") and settings.get("county"):
        key = f"region_{settings['country']}_{settings['county']}"
        if t.has(key):
            return t(key)
    return region


def _names(routes: Iterable[Any]) -> Iterator[str]:
    """The names of routes, those of included routers too (FastAPI keeps an included router as one
    entry holding the original router)."""
    for route in routes:
        if (included := getattr(route, "original_router", None)) is not None:
            yield from _names(included.routes)
        elif name := getattr(route, "name", None):
            yield name


def route_names(request: Request) -> frozenset[str]:
    """The names of the application's routes (the navigation shows the pages that exist)."""
    names: frozenset[str] | None = getattr(request.app.state, "route_names", None)
    if names is None:
        names = frozenset(_names(request.app.router.routes))
        request.app.state.route_names = names
    return names


def render(
    request: Request,
    template: str,
    *,
    language: Language,
    person: Person | None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    t = messages(language)
    region = context.get("region")
    nav = (
        navigation(region, request.url.path, person.role, route_names(request))
        if person is not None and isinstance(region, str) and region
        else None
    )
    html = _env.get_template(template).render(
        nav=nav,
        t=t,
        language=language,
        languages=LANGUAGES,
        person=person,
        csrf_token=session.csrf_token(request),
        flash=session.take_flash(request) if person is not None else None,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        region_label=context.pop("region_label", None),
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers.setdefault("Cache-Control", "no-store")
    return response
