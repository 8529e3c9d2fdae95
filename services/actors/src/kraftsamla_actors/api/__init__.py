"""HTTP routes of the actors service: /actors/regions/{region}/…, one module per resource."""

from fastapi import APIRouter

from . import actors, composition, cycles, engagements, groups, members, people, settings, strength_areas

router = APIRouter(tags=["actors"])
for resource in (settings, strength_areas, actors, people, groups, members, composition, engagements, cycles):
    router.include_router(resource.router)
