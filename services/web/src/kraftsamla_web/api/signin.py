"""Sign-in with the region's OpenID provider, sign-out, and the language a person chooses."""

from __future__ import annotations

import logging

import httpx
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..adapters import render as html
from ..adapters import session
from ..adapters.identity import Identity, OAuthError
from ..domain.language import as_language
from ..domain.navigation import local_path
from ..domain.person import NotAPerson, bearer_token, person_from_claims
from ..settings import WebSettings
from .context import FormDep, LanguageDep

router = APIRouter()
log = logging.getLogger(__name__)


def _absolute(request: Request, name: str) -> str:
    settings: WebSettings = request.app.state.settings
    path = str(request.app.url_path_for(name))
    if settings.public_url:
        return settings.public_url.rstrip("/") + path
    return str(request.url_for(name))


def _sign_in_page(
    request: Request, language: str, next_path: str, *, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    return html.render(
        request,
        "signin.html.j2",
        language=as_language(language) or "sv",
        person=None,
        next_path=next_path,
        error=error,
        status_code=status_code,
    )


@router.get("/signin", name="signin")
async def sign_in_page(request: Request, language: LanguageDep, next: str | None = None) -> Response:
    target = local_path(next)
    who = session.person(request)
    if who is not None:
        return RedirectResponse(who.home if target == "/" else target, status_code=303)
    return _sign_in_page(request, language, target)


@router.post("/signin")
async def start_sign_in(request: Request, form: FormDep, language: LanguageDep) -> Response:
    """To the provider, with a state, a nonce and a PKCE challenge kept in the session."""
    target = local_path(form.get("next"))
    session.start_sign_in(request, target)
    identity: Identity = request.app.state.identity
    try:
        return await identity.redirect(request, _absolute(request, "signin_callback"), language)
    except (OAuthError, httpx.HTTPError, ValueError):
        log.warning("the identity provider could not be reached", exc_info=True)
        return _sign_in_page(request, language, target, error="signin_unavailable", status_code=503)


@router.get("/signin/callback", name="signin_callback")
async def sign_in_callback(request: Request, language: LanguageDep) -> Response:
    """The provider's answer: check it, then rotate the session and keep the person in it."""
    identity: Identity = request.app.state.identity
    target = local_path(session.next_path(request))
    try:
        token = await identity.complete(request)
        who = person_from_claims(token.get("userinfo") or {})
    except NotAPerson:
        session.sign_out(request)
        return _sign_in_page(request, language, "/", error="signin_no_role", status_code=403)
    except (OAuthError, httpx.HTTPError, ValueError, KeyError):
        log.warning("a sign-in was refused", exc_info=True)
        session.sign_out(request)
        return _sign_in_page(request, language, target, error="signin_failed", status_code=400)
    bearer = bearer_token(token)
    if bearer is None:
        session.sign_out(request)
        return _sign_in_page(request, language, target, error="signin_failed", status_code=400)
    session.sign_in(request, who, bearer, token.get("id_token"), session.chosen_language(request))
    return RedirectResponse(who.home if target == "/" else target, status_code=303)


@router.post("/signout")
async def sign_out(request: Request, form: FormDep) -> Response:
    """Forget the person here, then end their session at the provider if it offers that."""
    hint = session.id_token_hint(request)
    session.sign_out(request)
    identity: Identity = request.app.state.identity
    after = _absolute(request, "signed_out")
    try:
        url = await identity.end_session_url(hint, after)
    except (OAuthError, httpx.HTTPError, ValueError):
        url = None
    return RedirectResponse(url or after, status_code=303)


@router.get("/signed-out", name="signed_out")
async def signed_out(request: Request, language: LanguageDep) -> Response:
    return html.render(request, "signed_out.html.j2", language=language, person=session.person(request))


@router.post("/language")
async def choose_language(request: Request, form: FormDep) -> Response:
    """Remember the language a person chose: in the session, and in a cookie for the sign-in page."""
    response = RedirectResponse(local_path(form.get("next")), status_code=303)
    language = as_language(form.get("language"))
    if language is not None:
        session.choose_language(request, language)
        settings: WebSettings = request.app.state.settings
        response.set_cookie(
            session.LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=settings.session_https_only,
        )
    return response
