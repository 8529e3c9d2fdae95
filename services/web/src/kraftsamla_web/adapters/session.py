"""The person's session, kept in the signed, HttpOnly, SameSite=Lax cookie of Starlette's
SessionMiddleware: who they are, the token the services accept, their language, the CSRF token of
their forms. Nothing else of the session is read or written elsewhere."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.requests import Request

from ..domain.person import Person

LANGUAGE_COOKIE = "kraftsamla_language"
"""The language a person chose, kept beyond a sign-out (it is no secret) for the sign-in page."""


def _data(request: Request) -> dict[str, Any]:
    data: dict[str, Any] = request.session
    return data


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use), for the hidden field of every form."""
    data = _data(request)
    token = data.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        data["csrf"] = token
    return token


def csrf_matches(request: Request, sent: object) -> bool:
    token = _data(request).get("csrf")
    return isinstance(token, str) and isinstance(sent, str) and hmac.compare_digest(token, sent)


def person(request: Request) -> Person | None:
    data = _data(request).get("person")
    if not isinstance(data, dict) or not isinstance(_data(request).get("token"), str):
        return None
    try:
        return Person.from_dict(data)
    except (KeyError, TypeError):
        return None


def bearer(request: Request) -> str:
    return str(_data(request)["token"])


def id_token_hint(request: Request) -> str | None:
    data = _data(request)
    hint = data.get("token") if data.get("hint_is_token") else data.get("id_token")
    return hint if isinstance(hint, str) else None


def start_sign_in(request: Request, next_path: str) -> None:
    """Before the provider: forget any earlier sign-in, remember where to go after."""
    data = _data(request)
    for key in ("person", "token", "id_token", "sid"):
        data.pop(key, None)
    data["next"] = next_path


def next_path(request: Request) -> str | None:
    value = _data(request).get("next")
    return value if isinstance(value, str) else None


def sign_in(request: Request, who: Person, token: str, id_token: str | None, language: str | None) -> None:
    """Rotate the session: nothing of the one before the sign-in is kept (no fixation), a new CSRF
    token and session id are made; the chosen language is carried over."""
    data = _data(request)
    data.clear()
    data["sid"] = secrets.token_urlsafe(16)
    data["csrf"] = secrets.token_urlsafe(32)
    data["person"] = who.as_dict()
    data["token"] = token
    if id_token == token:
        data["hint_is_token"] = True  # not kept twice: a cookie holds 4 kB
    elif id_token is not None:
        data["id_token"] = id_token
    if language:
        data["language"] = language


def sign_out(request: Request) -> None:
    _data(request).clear()


def chosen_language(request: Request) -> str | None:
    value = _data(request).get("language") or request.cookies.get(LANGUAGE_COOKIE)
    return value if isinstance(value, str) else None


def choose_language(request: Request, language: str) -> None:
    _data(request)["language"] = language


def flash(request: Request, key: str, kind: str = "done", n: int | None = None, **params: str) -> None:
    """A message for the next page the person sees (after a form's redirect): a catalogue key,
    its parameters, and whether it tells of something done or refused; with ``n``, the key's
    plural form for that many."""
    _data(request)["flash"] = {"key": key, "kind": kind, "params": params, "n": n}


def take_flash(request: Request) -> dict[str, Any] | None:
    """The message left for this page, once (it is gone after)."""
    value = _data(request).pop("flash", None)
    return value if isinstance(value, dict) and isinstance(value.get("key"), str) else None
