"""Property-based API tests: schemathesis generates requests from each service's own OpenAPI and
sends them to the service running in this process (its lifespan started by schemathesis: migrations,
NATS, outbox relay), as an admin of a test region, with the region path parameter fixed to it so
that requests reach the handlers.

Checked on every response: no 5xx, the status code is documented, and the body conforms to the
schema documented for it. Every operation is run, and all failures are reported together.

The rate limit is off here: it is a property of the caller, not of the schema (429 is documented
on every route, see ``kraftsamla_common.errors.PROBLEM_RESPONSES``) and is tested in
``tests/integration/common/test_limits.py``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from helpers import headers, service_settings
from kraftsamla_actors.app import spec as actors
from kraftsamla_assessment.app import spec as assessment
from kraftsamla_common.service import ServiceSpec, create_app
from kraftsamla_plans.app import spec as plans
from kraftsamla_reporting.app import spec as reporting

SPECS: dict[str, ServiceSpec] = {s.name: s for s in (actors, plans, assessment, reporting)}
MAX_EXAMPLES = int(os.environ.get("KRAFTSAMLA_SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.mark.parametrize("db_backend", ["sqlite"])
@pytest.mark.parametrize("service", list(SPECS))
def test_openapi_contract(
    service: str, nats_url: str, database_factory: object, api_keys_file: Path, region: str
) -> None:
    assert callable(database_factory)
    app = create_app(
        SPECS[service],
        service_settings(
            service,
            database_url=database_factory(service),
            nats_url=nats_url,
            api_keys_file=api_keys_file,
            rate_limit_per_second=0,
        ),
    )
    schema = schemathesis.openapi.from_asgi(f"/{service}/openapi.json", app)
    failures: list[str] = []
    operations = 0
    try:
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result
            operation = result.ok()
            if "{region}" not in operation.path:
                continue  # health and readiness
            operations += 1
            strategy = operation.as_strategy(
                path_parameters={"region": region}, headers=headers(region, "admin")
            )

            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def call(case: Any) -> None:
                case.call_and_validate(checks=CHECKS)

            try:
                call()
            except Exception as exc:
                failures.append(f"{operation.label}:\n{exc}")
    finally:
        schemathesis_asgi.shutdown_lifespans()
    assert operations > 0
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)
