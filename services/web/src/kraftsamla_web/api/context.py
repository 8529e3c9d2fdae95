"""What every page route needs: the person (or a redirect to sign in), the page's language, the
services as this person asks them, the CSRF check of every form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.responses import HTMLResponse

from kraftsamla_common.i18n import Language, Messages

from ..adapters import render as html
from ..adapters import session
from ..adapters.services import Services
from ..domain.language import choose_language
from ..domain.person import Person


class SignInNeeded(Exception):
    """No one is signed in (or their token ended): the page sends them to sign in, then back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageNotFound(Exception):
    """404: not there, or not for this person (another region's page looks the same)."""


class CsrfRefused(Exception):
    """403: a form came without the session's CSRF token."""


def page_language(request: Request) -> Language:
    who = session.person(request)
    return choose_language(
        session.chosen_language(request),
        who.locale if who else None,
        request.headers.get("accept-language"),
    )


@dataclass
class Page:
    """One request's page: who asks, in which language, and the services as they ask them."""

    request: Request
    person: Person
    language: Language
    services: Services

    @property
    def t(self) -> Messages:
        return html.messages(self.language)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return html.render(
            self.request,
            template,
            language=self.language,
            person=self.person,
            status_code=status_code,
            **context,
        )


def signed_in(request: Request) -> Page:
    who = session.person(request)
    if who is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(path)
    language = page_language(request)
    services = Services(request.app.state.http, request.app.state.settings, session.bearer(request), language)
    return Page(request=request, person=who, language=language, services=services)


async def checked_form(request: Request) -> dict[str, str]:
    """The form of a POST, once its CSRF token matched the session's (403 otherwise)."""
    form = await request.form()
    if not session.csrf_matches(request, form.get("csrf_token")):
        raise CsrfRefused()
    return {k: v for k, v in form.items() if isinstance(v, str)}


PageDep = Annotated[Page, Depends(signed_in)]
FormDep = Annotated[dict[str, str], Depends(checked_form)]
LanguageDep = Annotated[Language, Depends(page_language)]
