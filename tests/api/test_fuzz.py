"""Fuzz every operation from the OpenAPI schema (schemathesis): no input may cause a 5xx.

Bounded (a few dozen generated requests per operation) so the suite stays fast.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from sesame.runtime.web import create_app
from tests.api.conftest import api_settings

EXAMPLES_PER_OPERATION = 30


def test_no_generated_request_causes_a_server_error(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
) -> None:
    # An app of its own (schemathesis drives its lifespan), on a copy of the catalog.
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    app = create_app(api_settings(data, tiny_clip_checkpoint))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    _wait_until_loaded(schema)
    _fuzz(schema)


def _wait_until_loaded(schema: Any, timeout: float = 300.0) -> None:
    """Schemathesis runs the app's lifespan itself: wait, through it, for the parts to load."""
    readyz = schema["/readyz"]["GET"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = readyz.Case().call().json()
        if all(part["state"] != "loading" for part in body["components"].values()):
            return
        time.sleep(0.05)
    raise AssertionError("the app did not finish loading")


def _fuzz(schema: Any) -> None:
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
