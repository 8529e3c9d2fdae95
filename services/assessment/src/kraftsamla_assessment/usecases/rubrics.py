"""The region's rubric: its published versions (version 0 is the platform's default), and
publishing a new one, which reassesses the open portfolio (see ``reassessment``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from kraftsamla_common.errors import NotFound, PreconditionFailed
from kraftsamla_common.events import Rubric, RubricPublished, utcnow
from kraftsamla_common.messaging import UnitOfWork

from ..domain.assessor import DEFAULT_RUBRIC
from ..persistence.tables import Rubric as RubricRow


async def current_rubric(uow: UnitOfWork) -> tuple[int, Rubric, RubricRow | None]:
    """The region's current rubric: its version, content and row (0, the default and None while
    the region has published none)."""
    row = await uow.session.scalar(
        select(RubricRow).where(RubricRow.region == uow.region).order_by(RubricRow.version.desc()).limit(1)
    )
    if row is None:
        return 0, DEFAULT_RUBRIC, None
    return row.version, Rubric.model_validate(row.content), row


async def list_rubrics(uow: UnitOfWork) -> Sequence[RubricRow]:
    """The region's published rubric versions, newest first."""
    return (
        await uow.session.scalars(
            select(RubricRow).where(RubricRow.region == uow.region).order_by(RubricRow.version.desc())
        )
    ).all()


async def get_rubric_version(
    uow: UnitOfWork, version: int
) -> tuple[Rubric | dict[str, Any], RubricRow | None]:
    """One version's content and row (version 0: the default, no row)."""
    if version == 0:
        return DEFAULT_RUBRIC, None
    row = await uow.session.get(RubricRow, (uow.region, version))
    if row is None:
        raise NotFound("Rubric version", version)
    return row.content, row


async def publish_rubric(uow: UnitOfWork, rubric: Rubric, *, by: str, if_match: str | None) -> RubricRow:
    """Publish the next version of the region's rubric and announce it (``rubric.published``);
    ``if_match`` (the ETag of the version it was based on) guards against a publication in between
    (412)."""
    version, _, _ = await current_rubric(uow)
    if if_match is not None and if_match.strip('W/"') != str(version):
        raise PreconditionFailed(f"The rubric is at version {version} now; read it again.")
    row = RubricRow(
        region=uow.region,
        version=version + 1,
        content=rubric.model_dump(mode="json"),
        published_at=utcnow(),
        published_by=by,
    )
    uow.session.add(row)
    uow.emit(
        RubricPublished(
            version=row.version,
            published_at=row.published_at,
            published_by=row.published_by,
            rubric=rubric,
        ),
        subject=f"rubric:{uow.region}",
    )
    await uow.commit()
    return row
