"""Sign-in with the region's OpenID provider: authorization code with PKCE (S256), through
Authlib's Starlette client. The provider's endpoints and keys come from its discovery document
(``<issuer>/.well-known/openid-configuration``); the ID token's signature, issuer, audience,
expiry and nonce are checked by Authlib; the state and the PKCE verifier wait in the session."""

from __future__ import annotations

import warnings
from typing import Any

from authlib.deprecate import AuthlibDeprecationWarning  # with its own filter, before the one below
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..settings import WebSettings

with warnings.catch_warnings():
    # Authlib asks for its future HTTP client (httpx2) where httpx, which it still uses, is there.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.starlette_client import OAuth, OAuthError

__all__ = ["Identity", "OAuthError"]

NAME = "provider"


class Identity:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.oauth = OAuth()
        secret = settings.oidc_client_secret
        self.oauth.register(
            NAME,
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.oidc_scope,
                "code_challenge_method": "S256",
                "timeout": settings.service_timeout_seconds,
                **({} if secret else {"token_endpoint_auth_method": "none"}),
            },
        )

    @property
    def client(self) -> Any:
        return self.oauth.create_client(NAME)

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (read once, then kept)."""
        return dict(await self.client.load_server_metadata())

    async def redirect(self, request: Request, callback: str, language: str) -> RedirectResponse:
        """To the provider's sign-in page; it comes back to ``callback``."""
        response: RedirectResponse = await self.client.authorize_redirect(
            request, callback, ui_locales=language
        )
        return response

    async def complete(self, request: Request) -> dict[str, Any]:
        """The provider's answer at the callback: the tokens and the ID token's claims
        (``userinfo``); :class:`OAuthError` where it refused or the answer does not check out."""
        token: dict[str, Any] = await self.client.authorize_access_token(request)
        return token

    async def end_session_url(self, id_token_hint: str | None, after: str) -> str | None:
        """The provider's end-session endpoint with the hint and where to come back, if it has one."""
        from urllib.parse import urlencode

        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not endpoint:
            return None
        params = {"post_logout_redirect_uri": after, "client_id": self.settings.oidc_client_id}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
