"""Errors as RFC 9457 problem details: one JSON shape for every 4xx and 5xx.

Every error is of a **kind** (:class:`Kind`), and its ``type`` is the kind's URI: the base
``KRAFTSAMLA_PROBLEM_BASE`` (default ``https://kraftsamla.se/problems/``) followed by the kind's
name, e.g. ``https://kraftsamla.se/problems/not-found``. The URI is absolute, so a client compares
it as it is, whether the gateway or a service's own port answered (RFC 9457 resolves a relative
type against the request's URI, which would make ``/problems/not-found`` a different type on every
host). docs/api-guide.md lists every kind and what to do about it; a deployment that publishes
those pages sets the base to where they are.

The ``title`` is the kind's title and the ``detail`` the platform's own sentence, both in the
language of the request's ``Accept-Language`` (sv, en or fi; English otherwise), from the
``kraftsamla_common`` catalogue. A service says its own refusals the same way, from its own
catalogue: ``said = saying("kraftsamla_assessment")`` and
``raise Conflict(said("refused_decided", status=…))`` (a :class:`Worded` detail, and an error's
``message`` may be one too), worded when the answer is written, in the request's language. A detail
a service writes as a plain string, and pydantic's messages in ``errors``, stay as they are.
"""

from __future__ import annotations

import email.message
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from .i18n import Language, Messages, negotiate
from .wording import word

PROBLEM_JSON = "application/problem+json"
DEFAULT_PROBLEM_BASE = "https://kraftsamla.se/problems/"
CATALOGUE = ("kraftsamla_common",)
log = logging.getLogger(__name__)


class Kind(Enum):
    """The kinds of error the platform answers, each with its status and documented type URI."""

    BAD_REQUEST = ("bad-request", 400)
    MALFORMED_JSON = ("malformed-json", 400)
    UNAUTHORIZED = ("unauthorized", 401)
    FORBIDDEN = ("forbidden", 403)
    NOT_FOUND = ("not-found", 404)
    METHOD_NOT_ALLOWED = ("method-not-allowed", 405)
    CONFLICT = ("conflict", 409)
    PRECONDITION_FAILED = ("precondition-failed", 412)
    PAYLOAD_TOO_LARGE = ("payload-too-large", 413)
    UNSUPPORTED_MEDIA_TYPE = ("unsupported-media-type", 415)
    VALIDATION = ("validation", 422)
    UNPROCESSABLE = ("unprocessable", 422)
    IDEMPOTENCY_KEY_REUSED = ("idempotency-key-reused", 422)
    PRECONDITION_REQUIRED = ("precondition-required", 428)
    RATE_LIMITED = ("rate-limited", 429)
    INTERNAL = ("internal-error", 500)
    UNAVAILABLE = ("service-unavailable", 503)

    def __init__(self, slug: str, status: int) -> None:
        self.slug = slug
        self.status = status

    @property
    def title_key(self) -> str:
        """The key of the kind's title in the ``kraftsamla_common`` catalogue."""
        return "problem_" + self.slug.replace("-", "_")

    def uri(self, base: str = DEFAULT_PROBLEM_BASE) -> str:
        return base + self.slug

    def title(self, language: Language = "en") -> str:
        return Messages(language, CATALOGUE)(self.title_key)


BY_STATUS: dict[int, Kind] = {}
"""The kind an HTTP status stands for when nothing more is known (the first kind of each status)."""
for _kind in Kind:
    BY_STATUS.setdefault(_kind.status, _kind)


@dataclass(frozen=True)
class Said:
    """A sentence of the ``kraftsamla_common`` catalogue with its values, said in the reader's
    language when the answer is written (``str()`` gives the English)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, language: Language = "en") -> str:
        return Messages(language, CATALOGUE).fill(self.key, self.params)

    def __str__(self) -> str:
        return self.text("en")


def said(key: str, /, **params: object) -> Said:
    return Said(key, params)


@dataclass(frozen=True)
class Worded(Said):
    """A sentence of a service's own catalogue with its values, worded in the reader's language
    when the answer is written, as :mod:`kraftsamla_common.wording` words a part: numbers in the
    language's format, lists the language's way (``a, b och c``), names given in several languages
    in the reader's, nested parts (``key`` and ``params``) by their own keys, and ``n`` choosing the
    plural form."""

    catalogue: tuple[str, ...] = ()

    def text(self, language: Language = "en") -> str:
        return word(self, Messages(language, self.catalogue))


def saying(*catalogue: str) -> Callable[..., Worded]:
    """What a service says from its own catalogue(s): ``said = saying("kraftsamla_assessment")``,
    then ``said("refused_review_not_assessed")`` or ``said("refused_decided", status=Part(…))``."""

    def say(key: str, /, **params: object) -> Worded:
        return Worded(key, params, catalogue)

    return say


Detail = str | Said


class Problem(Exception):
    """An error that answers the caller with a problem-details document of ``kind``."""

    def __init__(
        self,
        kind: Kind,
        detail: Detail | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        challenges: Sequence[str] = (),
    ) -> None:
        super().__init__(str(detail or kind.title()))
        self.kind = kind
        self.status = kind.status
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.challenges = tuple(challenges)
        """A 401's authentication challenges, each sent as a ``WWW-Authenticate`` field of its own,
        in this order (browsers read one challenge a field)."""


class NotFound(Problem):
    def __init__(self, what: str, ident: object) -> None:
        super().__init__(Kind.NOT_FOUND, f"{what} {ident} was not found.")


class RegionNotFound(Problem):
    """A region that does not exist, or that the caller may not see: the same answer for both."""

    def __init__(self, region: str) -> None:
        super().__init__(Kind.NOT_FOUND, said("problem_detail_region_not_found", region=region))


class Conflict(Problem):
    def __init__(self, detail: Detail) -> None:
        super().__init__(Kind.CONFLICT, detail)


class Unprocessable(Problem):
    """Input that is well-formed but breaks a domain rule; ``errors`` says where."""

    def __init__(self, detail: Detail, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(Kind.UNPROCESSABLE, detail, errors=errors)


class Forbidden(Problem):
    def __init__(self, detail: Detail) -> None:
        super().__init__(Kind.FORBIDDEN, detail)


class PreconditionFailed(Problem):
    """A stale ``If-Match``: the object changed since the caller read it."""

    def __init__(self, detail: Detail) -> None:
        super().__init__(Kind.PRECONDITION_FAILED, detail)


class PreconditionRequired(Problem):
    """A write that must name the revision it is based on (``If-Match``) and did not."""

    def __init__(self, detail: Detail) -> None:
        super().__init__(Kind.PRECONDITION_REQUIRED, detail)


class PayloadTooLarge(Problem):
    def __init__(self, detail: Detail) -> None:
        super().__init__(Kind.PAYLOAD_TOO_LARGE, detail)


class Unavailable(Problem):
    def __init__(self, detail: Detail) -> None:
        super().__init__(Kind.UNAVAILABLE, detail)


class MalformedJson(Problem):
    """A body that is not JSON: where it broke, as a JSON pointer to the nearest valid location
    (see :func:`json_pointer_at`) and as line and column."""

    def __init__(self, pointer: str, line: int, column: int, position: int, message: str) -> None:
        super().__init__(
            Kind.MALFORMED_JSON,
            said("problem_detail_malformed_json", line=line, column=column, error=message),
            errors=[
                {
                    "pointer": pointer,
                    "location": "body",
                    "line": line,
                    "column": column,
                    "position": position,
                    "message": message,
                    "type": "json_invalid",
                }
            ],
        )

    @classmethod
    def at(cls, doc: str, pos: int, message: str) -> MalformedJson:
        """``doc`` broke at character ``pos`` with ``message``."""
        line, column = line_column(doc, pos)
        return cls(json_pointer_at(doc, pos), line, column, pos, message)

    @classmethod
    def of(cls, exc: json.JSONDecodeError) -> MalformedJson:
        return cls.at(exc.doc, exc.pos, exc.msg)


# ---------------------------------------------------------------------------- where JSON broke


def line_column(doc: str, pos: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``pos``, as :class:`json.JSONDecodeError` counts."""
    line = doc.count("\n", 0, pos) + 1
    column = pos - doc.rfind("\n", 0, pos)
    return line, column


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class _Frame:
    array: bool
    key: str | None = None
    index: int = 0
    expecting_key: bool = False


def json_pointer_at(doc: str, pos: int) -> str:
    """The JSON pointer (RFC 6901) of the value being read where a JSON text breaks at ``pos``: the
    member or element whose value was expected or broken, else the object or array it was in
    (``""`` for the whole document). ``{"a": {"b": tru}}`` breaks at ``/a/b``; ``[1, 2, ]`` at
    ``/2``; ``{"a": 1, }`` (a name expected) at ``""``."""
    stack: list[_Frame] = []
    i = 0
    end = min(pos, len(doc))
    while i < end:
        c = doc[i]
        if c == '"':
            j = i + 1
            while j < end and doc[j] != '"':
                j += 2 if doc[j] == "\\" else 1
            if j >= end:
                break  # the string is where it broke
            if stack and not stack[-1].array and stack[-1].expecting_key:
                raw = doc[i : j + 1]
                try:
                    stack[-1].key = json.loads(raw)
                except ValueError:
                    stack[-1].key = raw[1:-1]
                stack[-1].expecting_key = False
            i = j + 1
            continue
        if c in "{[":
            stack.append(_Frame(array=c == "[", expecting_key=c == "{"))
        elif c in "}]":
            if stack:
                stack.pop()
        elif c == "," and stack:
            top = stack[-1]
            if top.array:
                top.index += 1
            else:
                top.key, top.expecting_key = None, True
        i += 1
    parts: list[str] = []
    for frame in stack:
        if frame.array:
            parts.append(str(frame.index))
        elif frame.key is not None:
            parts.append(_escape(frame.key))
        else:
            break
    return "".join("/" + p for p in parts)


# ------------------------------------------------------------------------------------ answers


def language_of(headers: Mapping[str, str]) -> Language:
    """The language of an answer, from the request's ``Accept-Language`` (English by default)."""
    return negotiate(headers.get("accept-language"))


def problem_response(
    kind: Kind | None,
    detail: Detail | None = None,
    *,
    status: int | None = None,
    language: Language = "en",
    base: str = DEFAULT_PROBLEM_BASE,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    challenges: Sequence[str] = (),
) -> JSONResponse:
    """The answer to an error of ``kind`` (None: an HTTP status no kind stands for, answered as
    ``about:blank`` with the status's phrase as its title); each of ``challenges`` is a
    ``WWW-Authenticate`` field."""
    if kind is not None:
        status, type_, title = kind.status, kind.uri(base), kind.title(language)
    else:
        assert status is not None
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        type_, title = "about:blank", phrase
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    text = detail.text(language) if isinstance(detail, Said) else detail
    if text and text != title:
        body["detail"] = text
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = [_worded_error(e, language) for e in errors]
    out = {"Content-Language": language, "Vary": "Accept-Language", **(headers or {})}
    response = JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=out)
    for challenge in challenges:
        response.raw_headers.append((b"www-authenticate", challenge.encode("latin-1")))
    return response


def _worded_error(error: Mapping[str, Any], language: Language) -> dict[str, Any]:
    """An entry of ``errors`` with its :class:`Said` values (a ``message``) said in ``language``."""
    return {k: v.text(language) if isinstance(v, Said) else v for k, v in error.items()}


def base_of(scope: Scope) -> str:
    """The problem type base of the app serving ``scope`` (``KRAFTSAMLA_PROBLEM_BASE``)."""
    app = scope.get("app")
    state = getattr(app, "state", None)
    return str(getattr(state, "problem_base", DEFAULT_PROBLEM_BASE))


def answer(request: Request, problem: Problem) -> JSONResponse:
    return problem_response(
        problem.kind,
        problem.detail,
        language=language_of(request.headers),
        base=base_of(request.scope),
        instance=request.url.path,
        errors=problem.errors,
        headers=problem.headers,
        challenges=problem.challenges,
    )


def answer_early(scope: Scope, problem: Problem, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The answer to ``problem`` from an ASGI middleware, before the app (and its exception
    handlers) has the request: the same document :func:`answer` gives, with ``headers`` besides."""
    return problem_response(
        problem.kind,
        problem.detail,
        language=language_of(Headers(scope=scope)),
        base=base_of(scope),
        instance=scope.get("path"),
        errors=problem.errors,
        headers={**(problem.headers or {}), **(headers or {})},
        challenges=problem.challenges,
    )


# ------------------------------------------------------------------------------------ OpenAPI


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "ProblemDetails",
    "description": "RFC 9457 problem details. `type` names the kind of error (docs/api-guide.md lists "
    "them); `title`, the platform's own `detail` and a service's refusals are in the language of "
    "Accept-Language.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Where the request is wrong: a JSON pointer into the body (or the name "
            "of a query, path or header parameter, with `location`), with a message; for malformed "
            "JSON also `line`, `column` and `position`.",
            "items": {
                "type": "object",
                "properties": {
                    "pointer": {"type": "string"},
                    "location": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                    "line": {"type": "integer"},
                    "column": {"type": "integer"},
                    "position": {"type": "integer"},
                },
            },
        },
    },
}
"""The body of every error answer, as ``#/components/schemas/ProblemDetails``."""


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}},
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem(
        "No credentials, or ones that are not valid (an API key, or a person's bearer token); "
        "answered from the headers, before the body is read"
    ),
    403: _problem("The caller's role may not do this"),
    404: _problem("Not found (also: a region that does not exist, or that the caller may not see)"),
    413: _problem("The request body is too large"),
    422: _problem("The request does not match the schema, or breaks a domain rule"),
    429: _problem(
        "Too many requests from this key, this region or (without credentials) this address; retry "
        "after Retry-After seconds"
    ),
    "4XX": _problem("Other client errors (e.g. 409 Conflict)"),
}
"""Error answers every region-scoped route may give, documented once for all of them."""

JSON_BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("The body is not valid JSON (errors: a JSON pointer, line and column)"),
    415: _problem("The body was not sent as application/json"),
}
"""What every operation that takes a JSON body may answer besides."""

DESCRIPTIONS: dict[int, str] = {
    409: "It conflicts with the current state",
    412: "If-Match names a revision that is no longer the current one: read it again",
    428: "If-Match is missing: send the ETag you read",
    503: "The service cannot do this now; try again later",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the problem statuses an operation answers beyond the common ones:
    ``@router.put(…, responses=errors.responses(412, 428))``."""
    return {s: _problem(DESCRIPTIONS.get(s, HTTPStatus(s).phrase)) for s in statuses}


def _takes_json(operation: dict[str, Any]) -> bool:
    content = operation.get("requestBody", {}).get("content", {})
    return any(_is_json(media) for media in content)


def document(app: FastAPI) -> None:
    """Add ``ProblemDetails`` to the app's OpenAPI components (``PROBLEM_RESPONSES`` refer to it),
    and 400 and 415 to every operation that takes a JSON body."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                if method in {"post", "put", "patch"} and _takes_json(operation):
                    for status, response in JSON_BODY_RESPONSES.items():
                        operation.setdefault("responses", {}).setdefault(str(status), response)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


# ------------------------------------------------------------------------------------ handlers


def _is_json(content_type: str | None) -> bool:
    """As FastAPI decides whether to parse a body as JSON: application/json or application/*+json."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _validation_errors(errors: Iterable[Any]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {
                "pointer": "".join("/" + _escape(p) for p in loc[1:]),
                "location": loc[0] if loc else "",
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
        )
    return out


def _takes_json_body(request: Request) -> bool:
    """Whether the request's operation reads its body as JSON (a body model, not a form)."""
    from fastapi import params

    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return False
    return not isinstance(route.body_field.field_info, params.Form)


def _unsupported_media_type(request: Request) -> Problem:
    given = request.headers.get("content-type")
    detail = (
        said("problem_detail_media_type", given=given) if given else said("problem_detail_media_type_missing")
    )
    accept = {"POST": "Accept-Post", "PATCH": "Accept-Patch"}.get(request.method)
    return Problem(
        Kind.UNSUPPORTED_MEDIA_TYPE,
        detail,
        errors=[{"pointer": "", "location": "header", "message": f"Content-Type: {given or '(none)'}"}],
        headers={accept: "application/json"} if accept else None,
    )


def invalid_request(request: Request, exc: RequestValidationError) -> Problem:
    """What a request that FastAPI could not validate is: malformed JSON, a body of a media type
    the operation does not take, or a request that does not match the schema."""
    errors = list(exc.errors())
    broken = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if broken is not None and isinstance(exc.body, str):
        loc = broken.get("loc", ())
        pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0
        return MalformedJson.at(exc.body, pos, str(broken.get("ctx", {}).get("error", "")))
    if (
        any(e.get("loc", ("",))[0] == "body" for e in errors)
        and not _is_json(request.headers.get("content-type"))
        and isinstance(exc.body, bytes)
        and _takes_json_body(request)
    ):
        return _unsupported_media_type(request)
    return Problem(Kind.VALIDATION, said("problem_detail_validation"), errors=_validation_errors(errors))


def _flat(routes: Iterable[Any]) -> Iterable[Any]:
    """Every route of an app, those of included routers too (FastAPI keeps an included router as
    one entry whose routes, under the inclusion's prefix, it yields as ``effective_route_contexts``)."""
    for route in routes:
        included = getattr(route, "effective_route_contexts", None)
        if callable(included):
            yield from included()
        else:
            yield route


def allowed_methods(request: Request) -> list[str]:
    """The methods the request's path really has: those of every route of the app that matches
    the path (a route answers one method or a few; a path often has several routes)."""
    scope = {**request.scope, "method": "GET"}
    methods: set[str] = set()
    for route in _flat(request.app.router.routes):
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] is not Match.NONE:
            methods |= set(route_methods)
    return sorted(methods)


FASTAPI_BODY_UNREADABLE = "There was an error parsing the body"
"""FastAPI's 400 for a body it could not read at all: for a JSON body, one that is not UTF-8."""


def install(app: FastAPI, *, base: str = DEFAULT_PROBLEM_BASE) -> None:
    """Register handlers so that every error leaves the service as problem details, with types
    under ``base``."""
    app.state.problem_base = base

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return answer(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return answer(request, invalid_request(request, exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        kind = BY_STATUS.get(exc.status_code)
        detail: Detail | None = getattr(exc, "said", None) or (
            exc.detail if isinstance(exc.detail, str) else None
        )
        if exc.status_code == 405:
            allowed = allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            detail = said("problem_detail_method", method=request.method, allowed=", ".join(allowed))
        elif exc.detail == FASTAPI_BODY_UNREADABLE and _is_json(request.headers.get("content-type")):
            kind, detail = Kind.MALFORMED_JSON, said("problem_detail_not_utf8")
        if kind is not None and detail == HTTPStatus(exc.status_code).phrase:
            detail = None
        return problem_response(
            kind,
            detail,
            status=exc.status_code,
            language=language_of(request.headers),
            base=base_of(request.scope),
            instance=request.url.path,
            headers=headers,
        )

    @app.exception_handler(IntegrityError)
    async def _race(request: Request, exc: IntegrityError) -> JSONResponse:
        # Checks run before every write; a constraint that still fires means a concurrent write won.
        log.info("constraint held against a concurrent write on %s %s", request.method, request.url.path)
        return answer(request, Conflict(said("problem_detail_concurrent_write")))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return answer(request, Problem(Kind.INTERNAL, said("problem_detail_internal")))
