"""Versioned documents: one mechanism for action plans and local plans alike.

A document has an editable draft, guarded by an ETag of its revision (optimistic concurrency:
a write names the revision it was based on in If-Match), and immutable, numbered versions: to
publish is to freeze the draft as the next version, with a note, and to announce it. A
:class:`DocumentKind` names what differs from one kind of document to the other: its tables and
columns, its content, its rules and the event that announces a version."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Literal, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from kraftsamla_common.bounds import STORED
from kraftsamla_common.errors import Detail, NotFound, Unprocessable
from kraftsamla_common.events import EventData, new_id, utcnow
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.preconditions import require_match
from kraftsamla_common.service import Page

from ..domain import problems
from ..domain.documents import etag


class Document(Protocol):
    """A row of a document table (``action_plans``, ``local_plans``)."""

    id: str
    region: str
    draft: dict[str, Any]
    draft_revision: int
    current_version: int
    updated_at: datetime


class Version(Protocol):
    """A row of a document's versions table (``action_plan_versions``, ``local_plan_versions``)."""

    number: int
    content: dict[str, Any]
    note: str | None
    published_at: datetime
    published_by: str

    def __init__(self, **columns: Any) -> None: ...


D = TypeVar("D", bound=Document)
V = TypeVar("V", bound=Version)
C = TypeVar("C", bound=BaseModel)

Selector = int | Literal["draft"]
"""A version by its number, or the draft."""


@dataclass(frozen=True)
class DocumentKind(Generic[D, V, C]):
    """What one kind of versioned document is made of."""

    name: str
    """How a missing document is called in a 404: "Action plan"."""
    table: type[D]
    versions: type[V]
    document_id: InstrumentedAttribute[str]
    """The versions' column naming their document."""
    number: InstrumentedAttribute[int]
    """The versions' number column."""
    content: type[C]
    """The content of a draft and of a version (as the published event carries it)."""
    save_errors: Callable[[UnitOfWork, C], Awaitable[list[problems.Problem]]]
    """What stands in the way of saving a draft."""
    save_refused: Detail
    publish_errors: Callable[[UnitOfWork, C, date], Awaitable[list[problems.Problem]]]
    """What stands in the way of publishing the draft (given today's date)."""
    publish_refused: Detail
    published: Callable[[UnitOfWork, D, V, C], Awaitable[EventData]]
    """Records what else a new version changes and returns the event that announces it."""
    after_publish: Callable[[UnitOfWork], Awaitable[None]] | None = None
    """What follows from a new version once it is announced (e.g. the programme's checklist)."""


async def find_document(uow: UnitOfWork, kind: DocumentKind[D, V, C], document_id: UUID) -> D:
    doc = await uow.session.get(kind.table, str(document_id))
    if doc is None or doc.region != uow.region:
        raise NotFound(kind.name, document_id)
    return doc


def draft_of(kind: DocumentKind[D, V, C], doc: D) -> C:
    return kind.content.model_validate(doc.draft, context=STORED)


async def replace_draft(
    uow: UnitOfWork, kind: DocumentKind[D, V, C], document_id: UUID, content: C, *, if_match: str | None
) -> D:
    """Replace the draft. A missing If-Match gets 428, a stale one (someone saved in between) 412,
    never a silent overwrite."""
    doc = await find_document(uow, kind, document_id)
    require_match(if_match, etag(doc.id, doc.draft_revision))
    errors = await kind.save_errors(uow, content)
    if errors:
        raise Unprocessable(kind.save_refused, errors)
    doc.draft = content.model_dump(mode="json")
    doc.draft_revision += 1
    doc.updated_at = utcnow()
    await uow.commit()
    return doc


async def publish(
    uow: UnitOfWork,
    kind: DocumentKind[D, V, C],
    document_id: UUID,
    *,
    note: str | None,
    by: str,
    if_match: str | None,
) -> V:
    """Freeze the draft as the next numbered version and announce it with its whole content.
    If-Match is optional here: when sent, a draft saved again since gets 412 and nothing is published."""
    doc = await find_document(uow, kind, document_id)
    if if_match is not None:
        require_match(if_match, etag(doc.id, doc.draft_revision))
    content = draft_of(kind, doc)
    now = utcnow()
    errors = await kind.publish_errors(uow, content, now.date())
    if errors:
        raise Unprocessable(kind.publish_refused, errors)
    version = kind.versions(
        id=str(new_id()),
        region=uow.region,
        number=doc.current_version + 1,
        content=content.model_dump(mode="json"),
        note=note,
        published_at=now,
        published_by=by,
        **{kind.document_id.key: doc.id},
    )
    uow.session.add(version)
    doc.current_version = version.number
    uow.emit(await kind.published(uow, doc, version, content), subject=doc.id)
    if kind.after_publish is not None:
        await kind.after_publish(uow)
    await uow.commit()
    return version


async def list_versions(
    uow: UnitOfWork, kind: DocumentKind[D, V, C], document_id: UUID, *, page: Page
) -> tuple[Sequence[V], int]:
    """A page of the document's versions by number, and how many there are."""
    doc = await find_document(uow, kind, document_id)
    versions = await uow.session.scalars(
        select(kind.versions)
        .where(kind.document_id == doc.id)
        .order_by(kind.number)
        .limit(page.limit)
        .offset(page.offset)
    )
    return versions.all(), doc.current_version


async def _version(uow: UnitOfWork, kind: DocumentKind[D, V, C], doc: D, number: int) -> V:
    version = await uow.session.scalar(
        select(kind.versions).where(kind.document_id == doc.id, kind.number == number)
    )
    if version is None:
        raise NotFound("Version", number)
    return version


async def get_version(uow: UnitOfWork, kind: DocumentKind[D, V, C], document_id: UUID, number: int) -> V:
    return await _version(uow, kind, await find_document(uow, kind, document_id), number)


async def compare(
    uow: UnitOfWork, kind: DocumentKind[D, V, C], document_id: UUID, before: Selector, after: Selector
) -> tuple[D, C, C]:
    """The document with the contents of two of its versions (or of the draft), to diff."""
    doc = await find_document(uow, kind, document_id)

    async def content(selector: Selector) -> C:
        if selector == "draft":
            return draft_of(kind, doc)
        return kind.content.model_validate((await _version(uow, kind, doc, selector)).content, context=STORED)

    return doc, await content(before), await content(after)
