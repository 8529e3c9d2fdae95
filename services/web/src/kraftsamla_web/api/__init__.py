"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import actors, applications, engagements, pages, partnerships, plans, signin

router = APIRouter()
for module in (signin, pages, applications, actors, partnerships, engagements, plans):
    router.include_router(module.router)
