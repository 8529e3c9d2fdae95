"""HTTP routes of the plans service: /plans/regions/{region}/…, one module per resource."""

from fastapi import APIRouter

from . import action_plans, local_plans, lookups, measurements, programmes, self_assessments

router = APIRouter(tags=["plans"])
for resource in (programmes, action_plans, local_plans, measurements, self_assessments, lookups):
    router.include_router(resource.router)
