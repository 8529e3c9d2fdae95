"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import pages, signin

router = APIRouter()
for module in (signin, pages):
    router.include_router(module.router)
