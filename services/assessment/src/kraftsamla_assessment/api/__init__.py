"""HTTP routes of the assessment service: /assessment/regions/{region}/…

Integrators (funding systems) push applications in, one by one, in bulk, or as 360Giving
grants, record decisions and status, read assessments and subscribe to webhooks. Process
leaders review assessments, configure the rubric and preview draft plans' effect. Region
administrators issue and revoke the region's API keys, which every service follows.
"""

from fastapi import APIRouter

from . import api_keys, applications, assessments, reassessments, regions, rubrics, webhooks

router = APIRouter(tags=["assessment"])
for module in (applications, assessments, rubrics, reassessments, webhooks, api_keys, regions):
    router.include_router(module.router)
