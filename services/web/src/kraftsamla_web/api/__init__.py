"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import applications, pages, plans, signin

router = APIRouter()
for module in (signin, pages, applications, plans):
    router.include_router(module.router)
