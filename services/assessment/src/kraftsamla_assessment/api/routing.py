"""What every resource module of the assessment API starts from: a router under the region."""

from fastapi import APIRouter

PREFIX = "/assessment/regions/{region}"


def resource_router() -> APIRouter:
    """A resource's router. Its routes carry their whole template (``/assessment/regions/{region}/…``) as their path,
    as the audit log and the traces record it; a prefix given only where routers are gathered
    would leave each route its own, shorter path."""
    return APIRouter(prefix=PREFIX)
