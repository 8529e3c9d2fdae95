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


class Refused(ServiceError):
    """The service refused a change: 403 (the person may not), 409 (it cannot be done now, with the
    service's reason), 412 (someone else changed it first) or 422 (the values: ``errors`` with JSON
    pointers into the body sent)."""

    def __init__(self, service: str, path: str, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(service, path, status, str(problem.get("detail") or ""))
        self.detail = str(problem.get("detail") or "")
        errors = problem.get("errors")
        self.errors: list[dict[str, Any]] = (
            [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        )


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

    async def post(self, service: str, path: str, body: Mapping[str, Any]) -> Any:
        """A change asked of a service, as JSON; its answer's JSON. A refusal the person can act on
        (403, 409, 412, 422) is :class:`Refused`; 401, 404 and failures as for reading."""
        url = self.settings.service_url(service) + path
        count_call()
        try:
            response = await self.http.post(url, json=dict(body), headers=self.headers)
        except httpx.HTTPError as exc:
            raise Unavailable(service, path, None, type(exc).__name__) from exc
        status = response.status_code
        if status == 401:
            raise SignedOut(service, path, 401)
        if status == 404:
            raise NotFound(service, path, 404)
        if status in (403, 409, 412, 422):
            try:
                problem = response.json()
            except ValueError:
                problem = {}
            raise Refused(service, path, status, problem if isinstance(problem, dict) else {})
        if status >= 400:
            raise Unavailable(service, path, status, response.text[:200])
        return response.json() if response.content else None

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
