"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import (
    actors,
    admin,
    applications,
    checklist,
    engagements,
    indicators,
    local_plans,
    pages,
    partnerships,
    plans,
    programme,
    reports,
    self_assessment,
    signin,
)

router = APIRouter()
for module in (
    signin,
    pages,
    applications,
    plans,
    programme,
    local_plans,
    checklist,
    self_assessment,
    actors,
    partnerships,
    engagements,
    indicators,
    reports,
    admin,
):
    router.include_router(module.router)
