"""The one client of the four services' public APIs: every call carries the signed-in person's
bearer token (the services authorise it: the web application decides nothing they would not) and
the page's language; calls a page needs together are made at once (:meth:`Services.gather`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
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
    service's reason), 412 (someone else changed it first), 413/415 (a file too large or of
    another kind), 422 (the values: ``errors`` with JSON pointers into the body sent) or 428 (no
    ``If-Match``). ``problem`` is the whole answer (an import's report of its rows)."""

    def __init__(self, service: str, path: str, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(service, path, status, str(problem.get("detail") or ""))
        self.detail = str(problem.get("detail") or "")
        self.problem: Mapping[str, Any] = problem
        errors = problem.get("errors")
        self.errors: list[dict[str, Any]] = (
            [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        )


@dataclass(frozen=True)
class Sent:
    """A change's answer: its status, its JSON (None without one) and its ETag."""

    status: int
    body: Any
    etag: str | None


class Unavailable(ServiceError):
    """The service did not answer in time, could not be reached, or failed (5xx)."""


class TooLarge(ServiceError):
    """A file a service answered is larger than the application passes on (:meth:`Services.file`)."""


@dataclass(frozen=True)
class File:
    """A file a service served: its bytes, media type and ``Content-Disposition`` (its name)."""

    content: bytes
    media_type: str
    disposition: str | None


def http_client(settings: WebSettings) -> httpx.AsyncClient:
    """The process's pooled HTTP client for the services."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.service_timeout_seconds),
        # Idle connections are let go after 2 s, before the services' servers close them (uvicorn
        # after 5 s): a request sent on a connection the server is closing fails with a ReadError.
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=2.0),
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
        return (await self.send("POST", service, path, json=body)).body

    async def send(
        self,
        method: str,
        service: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
        params: Mapping[str, Any] | None = None,
        if_match: str | None = None,
    ) -> Sent:
        """A change asked of a service (``POST``, ``PUT``, ``PATCH``, ``DELETE``): a JSON body, or
        a file's bytes with their media type (an import); ``if_match`` the ETag the person's form
        was made from, so a change made meanwhile by someone else is refused (412), never
        overwritten. Refusals as for :meth:`post`."""
        url = self.settings.service_url(service) + path
        headers = dict(self.headers)
        if if_match:
            headers["If-Match"] = if_match
        if content is not None:
            headers["Content-Type"] = content_type or "application/octet-stream"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        count_call()
        try:
            response = await self.http.request(
                method,
                url,
                json=dict(json) if json is not None else None,
                content=content,
                params=query,
                headers=headers,
            )
        except httpx.HTTPError as exc:
            raise Unavailable(service, path, None, type(exc).__name__) from exc
        status = response.status_code
        if status == 401:
            raise SignedOut(service, path, 401)
        if status == 404:
            raise NotFound(service, path, 404)
        if status in (403, 409, 412, 413, 415, 422, 428):
            try:
                problem = response.json()
            except ValueError:
                problem = {}
            raise Refused(service, path, status, problem if isinstance(problem, dict) else {})
        if status >= 400:
            raise Unavailable(service, path, status, response.text[:200])
        body = (
            response.json()
            if response.content and "json" in response.headers.get("content-type", "")
            else None
        )
        return Sent(status, body, response.headers.get("etag"))

    async def with_etag(
        self, service: str, path: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, str | None]:
        """The JSON and its ETag: what a form is made from, and sends back as ``If-Match``."""
        response = await self._get(service, path, params)
        return response.json(), response.headers.get("etag")

    async def raw(self, service: str, path: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """The answer as it is (a download: its bytes, media type and file name)."""
        return await self._get(service, path, params)

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

    async def file(
        self,
        service: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int,
        timeout: float | None = None,
    ) -> File:
        """A download as the service serves it (a PDF, a workbook, a CSV), read as it streams in
        and never more than ``limit`` bytes (:class:`TooLarge` beyond: nothing is passed on);
        ``timeout`` where making it takes longer than a page's call may (a PDF is printed first).
        Refusals as for reading."""
        url = self.settings.service_url(service) + path
        query = {k: v for k, v in (params or {}).items() if v is not None}
        wait = httpx.Timeout(timeout) if timeout else httpx.USE_CLIENT_DEFAULT
        count_call()
        try:
            async with self.http.stream(
                "GET", url, params=query, headers=self.headers, timeout=wait
            ) as response:
                status = response.status_code
                if status == 401:
                    raise SignedOut(service, path, 401)
                if status in (403, 404):
                    raise NotFound(service, path, status)
                if status >= 400:
                    raise Unavailable(service, path, status)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise TooLarge(service, path, status, f"{declared} bytes")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(service, path, status, f"more than {limit} bytes")
                    chunks.append(chunk)
                return File(
                    b"".join(chunks),
                    response.headers.get("content-type", "application/octet-stream"),
                    response.headers.get("content-disposition"),
                )
        except httpx.HTTPError as exc:
            raise Unavailable(service, path, None, type(exc).__name__) from exc

    @staticmethod
    async def gather(*calls: Awaitable[Any]) -> list[Any]:
        """Several calls at once; the first failure is raised once all have ended."""
        results = await asyncio.gather(*calls, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return list(results)
