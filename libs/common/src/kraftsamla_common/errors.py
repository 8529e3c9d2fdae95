"""Errors as RFC 9457 problem details: one JSON shape for every 4xx and 5xx."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class Problem(Exception):
    """An error that answers the caller with a problem-details document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        *,
        type_: str = "about:blank",
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type_
        self.errors = errors
        self.headers = headers


class NotFound(Problem):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(404, "Not Found", f"{what} {ident} was not found.")


class Conflict(Problem):
    def __init__(self, detail: str) -> None:
        super().__init__(409, "Conflict", detail)


class Unprocessable(Problem):
    """Input that is well-formed but breaks a domain rule; ``errors`` says where."""

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(422, "Unprocessable Content", detail, errors=errors)


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    instance: str | None = None,
    type_: str = "about:blank",
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "ProblemDetails",
    "description": "RFC 9457 problem details.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
"""The body of every error answer, as ``#/components/schemas/ProblemDetails``."""


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("No API key, or one that is not valid"),
    403: _problem("The caller's role may not do this"),
    404: _problem("Not found (also: a region the caller may not see)"),
    413: _problem("The request body is too large"),
    422: _problem("The request does not match the schema, or breaks a domain rule"),
    429: _problem("Too many requests from this API key; retry after Retry-After seconds"),
    "4XX": _problem("Other client errors (e.g. 409 Conflict, 412 Precondition Failed)"),
}
"""Error answers every region-scoped route may give, documented once for all of them."""


def document(app: FastAPI) -> None:
    """Add ``ProblemDetails`` to the app's OpenAPI components (``PROBLEM_RESPONSES`` refer to it)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ProblemDetails", PROBLEM_SCHEMA
        )
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {
                "pointer": "/" + "/".join(loc[1:]) if loc else "",
                "location": loc[:1] and loc[0],
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
        )
    return out


def install(app: FastAPI) -> None:
    """Register handlers so that every error leaves the service as problem details."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.title,
            exc.detail,
            instance=request.url.path,
            type_=exc.type,
            errors=exc.errors,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(
            422,
            "Unprocessable Content",
            "The request does not match the schema.",
            instance=request.url.path,
            errors=_validation_errors(exc),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        from http import HTTPStatus

        title = (
            HTTPStatus(exc.status_code).phrase
            if exc.status_code in HTTPStatus._value2member_map_
            else "Error"
        )
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        return problem_response(
            exc.status_code, title, detail, instance=request.url.path, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(IntegrityError)
    async def _race(request: Request, exc: IntegrityError) -> JSONResponse:
        # Checks run before every write; a constraint that still fires means a concurrent write won.
        log.info("constraint held against a concurrent write on %s %s", request.method, request.url.path)
        return problem_response(
            409,
            "Conflict",
            "A concurrent request changed the same data first; read it again and retry.",
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            "Internal Server Error",
            "The service failed to handle the request.",
            instance=request.url.path,
        )
