"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import applications, indicators, pages, reports, signin

router = APIRouter()
for module in (signin, pages, applications, indicators, reports):
    router.include_router(module.router)
