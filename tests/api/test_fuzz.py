"""Fuzz every operation from the OpenAPI schema (schemathesis): no input may cause a 5xx.

Bounded (a few dozen generated requests per operation) so the suite stays fast.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 30


def test_no_generated_request_causes_a_server_error(client: TestClient) -> None:
    # The session client has run the lifespan, so app.state holds the runtime.
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        if operation.path == "/v1/ws":
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case: Any) -> None:
            response = case.call()
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.status_code,
                response.text[:300],
            )

        call()
