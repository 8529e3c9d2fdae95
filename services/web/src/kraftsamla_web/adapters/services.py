"""The one client of the four services' public APIs: every call carries the signed-in person's
bearer token (the services authorise it: the web application decides nothing they would not) and
the page's language; calls a page needs together are made at once (:meth:`Services.gather`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

import httpx

from ..settings import WebSettings
from .timing import count_call

T = TypeVar("T")

SERVICES = ("plans", "actors", "assessment", "reporting")


class ServiceError(Exception):
    def __init__(self, service: str, path: str, status: int | None, detail: str = "") -> None:
        super().__init__(f"{service} {path}: {status} {detail}".strip())
        self.service = service
        self.path = path
        self.status = status


class SignedOut(ServiceError):
    """The service refused the person's token (401): it expired or was revoked."""


class NotFound(ServiceError):
    """404: the region or the thing is not there, or not for this person."""


class Unavailable(ServiceError):
    """The service did not answer in time, could not be reached, or failed (5xx)."""


def http_client(settings: WebSettings) -> httpx.AsyncClient:
    """The process's pooled HTTP client for the services."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.service_timeout_seconds),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        follow_redirects=False,
    )


class Services:
    """The services as one signed-in person asks them, in one language."""

    def __init__(self, http: httpx.AsyncClient, settings: WebSettings, token: str, language: str) -> None:
        self.http = http
        self.settings = settings
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}

    async def _get(self, service: str, path: str, params: Mapping[str, Any] | None) -> httpx.Response:
        url = self.settings.service_url(service) + path
        query = {k: v for k, v in (params or {}).items() if v is not None}
        count_call()
        try:
            response = await self.http.get(url, params=query, headers=self.headers)
        except httpx.HTTPError as exc:
            raise Unavailable(service, path, None, type(exc).__name__) from exc
        if response.status_code == 401:
            raise SignedOut(service, path, 401)
        if response.status_code in (403, 404):
            # A right the person lacks is as good as a thing that is not there, for a page.
            raise NotFound(service, path, response.status_code)
        if response.status_code >= 400:
            raise Unavailable(service, path, response.status_code, response.text[:200])
        return response

    async def json(self, service: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return (await self._get(service, path, params)).json()

    async def optional(self, service: str, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """The JSON, or None where the service answers 404 (a report not made yet, settings not set)."""
        try:
            return await self.json(service, path, params)
        except NotFound:
            return None

    async def text(self, service: str, path: str, params: Mapping[str, Any] | None = None) -> str:
        return (await self._get(service, path, params)).text

    @staticmethod
    async def gather(*calls: Awaitable[Any]) -> list[Any]:
        """Several calls at once; the first failure is raised once all have ended."""
        results = await asyncio.gather(*calls, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return list(results)
