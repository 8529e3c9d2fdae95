"""HTTP routes of the plans service: /plans/regions/{region}/…, one module per resource, each
declaring its routes on the one router of :mod:`.routing`."""

from . import action_plans, local_plans, measurements, programmes
from .routing import router

__all__ = ["action_plans", "local_plans", "measurements", "programmes", "router"]
