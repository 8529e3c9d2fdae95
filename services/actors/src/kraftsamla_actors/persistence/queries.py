"""Query helpers the use cases share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from .tables import Membership


async def paged(
    uow: UnitOfWork, model: type[Any], where: Sequence[ColumnElement[bool]], order: Sequence[Any], page: Page
) -> tuple[list[Any], int]:
    """One page of ``model`` rows matching ``where``, and how many match in all."""
    rows = (
        await uow.session.scalars(
            select(model).where(*where).order_by(*order).limit(page.limit).offset(page.offset)
        )
    ).all()
    total = await uow.session.scalar(select(func.count()).select_from(model).where(*where))
    return list(rows), total or 0


def active_on(day: date) -> list[ColumnElement[bool]]:
    """Memberships that hold on ``day``: joined on or before it, not yet left."""
    return [Membership.joined_on <= day, or_(Membership.left_on.is_(None), Membership.left_on > day)]
