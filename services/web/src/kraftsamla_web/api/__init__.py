"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import admin, applications, pages, signin

router = APIRouter()
for module in (signin, pages, applications, admin):
    router.include_router(module.router)
