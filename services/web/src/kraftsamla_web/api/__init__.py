"""The pages, one small router module each, gathered here."""

from fastapi import APIRouter

from . import applications, checklist, local_plans, pages, programme, self_assessment, signin

router = APIRouter()
for module in (signin, pages, applications, programme, local_plans, checklist, self_assessment):
    router.include_router(module.router)
