"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import applications, pages, signin

router = APIRouter()
for module in (signin, pages, applications):
    router.include_router(module.router)
