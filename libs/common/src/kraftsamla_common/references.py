"""Ids in a request body name other things (an owner, a steering group, a strength area): each must be
one of the path's region. A service checks them against what it knows of the region — its own tables,
or the read models it keeps from other services' events — and refuses the request (422, each id named
with a JSON pointer to where it is) before it changes anything.

Each service declares once which body fields hold which kind of id (``FIELDS``: field name →
:class:`Kind`) and how to find ids of a kind in the region (a :data:`Lookup`, a query of its use
cases); :func:`references` finds every such id in a body, however deep, and :func:`unknown` /
:func:`check` turn those the region does not have into errors. The same answer is given for an id of
another region and for one never seen: the service cannot tell them apart (on PostgreSQL it does not
even see other regions' rows), and the caller learns nothing about other regions. An id another
service announces may not have arrived yet a moment after it was made there: such an error carries
``"type": "unknown_reference"``, and the API guide says to retry it shortly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel

from .errors import Detail, Unprocessable

UNKNOWN_REFERENCE = "unknown_reference"
"""The ``type`` of an error naming an id that is not of the region (or not known here yet)."""


@dataclass(frozen=True)
class Kind:
    """What an id names: ``noun`` with its article ("an actor"), and the service that announces
    it when it is another one's (so that a caller knows where it should have come from)."""

    noun: str
    announced_by: str | None = None


@dataclass(frozen=True)
class Reference:
    pointer: str
    id: str
    kind: Kind


Lookup = Callable[[Kind, set[str]], Awaitable[set[str]]]
"""Which of the ids (of one kind) the region has."""


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _ids(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, UUID):
        yield pointer, str(value)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _ids(item, f"{pointer}/{i}")


def references(
    body: BaseModel | Iterable[BaseModel], fields: Mapping[str, Kind], at: str = ""
) -> list[Reference]:
    """Every id ``body`` holds in a field named in ``fields`` (in nested models and lists too), with
    the JSON pointer to it, ``at`` being the body's own pointer."""
    out: list[Reference] = []
    if not isinstance(body, BaseModel):
        for i, item in enumerate(body):
            out += references(item, fields, f"{at}/{i}")
        return out
    for name in type(body).model_fields:
        value = getattr(body, name)
        pointer = f"{at}/{_escape(name)}"
        if name in fields:
            out += [Reference(p, ident, fields[name]) for p, ident in _ids(value, pointer)]
        elif isinstance(value, BaseModel):
            out += references(value, fields, pointer)
        elif isinstance(value, list | tuple) and any(isinstance(v, BaseModel) for v in value):
            out += references([v for v in value if isinstance(v, BaseModel)], fields, pointer)
    return out


def message(ref: Reference) -> str:
    text = f"{ref.id} is not {ref.kind.noun} of this region"
    if ref.kind.announced_by:
        text += f" (one made in the {ref.kind.announced_by} service a moment ago may not be known here yet: retry)"
    return text


async def unknown(refs: Iterable[Reference], lookup: Lookup) -> list[dict[str, Any]]:
    """The references whose id the region does not have, as errors (in the body's order); one
    lookup per kind."""
    refs = list(refs)
    by_kind: dict[Kind, set[str]] = defaultdict(set)
    for ref in refs:
        by_kind[ref.kind].add(ref.id)
    known = {kind: await lookup(kind, ids) for kind, ids in by_kind.items()}
    return [
        {"pointer": ref.pointer, "message": message(ref), "type": UNKNOWN_REFERENCE}
        for ref in refs
        if ref.id not in known[ref.kind]
    ]


async def check(refs: Iterable[Reference], lookup: Lookup, refused: Detail) -> None:
    """Refuse (422, ``refused`` as the detail) when any reference is not of the region."""
    errors = await unknown(refs, lookup)
    if errors:
        raise Unprocessable(refused, errors)


def uuid_fields(model: type[BaseModel]) -> set[str]:
    """The names of every field of ``model`` and the models it holds (at any depth) that hold ids:
    what a service must either check or say why it need not."""
    found: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def types_in(annotation: Any) -> Iterator[Any]:
        yield annotation
        for arg in get_args(annotation):
            yield from types_in(arg)

    def walk(m: type[BaseModel]) -> None:
        if m in seen:
            return
        seen.add(m)
        for name, info in m.model_fields.items():
            for t in types_in(info.annotation):
                if t is UUID:
                    found.add(name)
                elif get_origin(t) is None and isinstance(t, type) and issubclass(t, BaseModel):
                    walk(t)

    walk(model)
    return found
