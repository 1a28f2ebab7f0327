"""Fuzz every operation from the OpenAPI schema (schemathesis): no input may cause a 5xx.

Bounded (a few dozen generated requests per operation) so the suite stays fast. It
runs anonymous, then with a token of each role: the admin of a company that buys and
sells, its staff, a company that only buys, and a platform operator.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from sesame.runtime.web import create_app
from sesame.settings import Settings
from sesame.shop.fields import SupplierFields
from tests.api.conftest import api_settings
from tests.conftest import database_runtime

EXAMPLES_PER_OPERATION = 30
EXAMPLES_PER_ROLE = 8
# Fuzzed anonymously only: with a role's token it would revoke that token for the rest.
KEEPS_THE_TOKEN = {"/v1/me/tokens/revoke"}


def test_no_generated_request_causes_a_server_error(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
) -> None:
    # An app of its own (schemathesis drives its lifespan), on a copy of the catalog.
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    settings_ = api_settings(data, tiny_clip_checkpoint)
    tokens = role_tokens(settings_)
    app = create_app(settings_)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    _wait_until_loaded(schema)
    _fuzz(schema, {}, EXAMPLES_PER_OPERATION)
    for token in tokens.values():
        _fuzz(schema, {"Authorization": f"Bearer {token}"}, EXAMPLES_PER_ROLE)


def role_tokens(settings_: Settings) -> dict[str, str]:
    """A token for each role, made as the API and the CLI make them."""
    runtime = database_runtime(settings_)
    try:
        accounts = runtime.accounts
        seller, admin = accounts.create(kind="buyer", name="Wei", language="zh")
        runtime.profiles.create(seller, SupplierFields(name="Fuzz Works", country="CN"))
        seller = accounts.authenticate(admin)  # now with its supplier profile
        _staff, staff = accounts.add_member(
            seller, name="Li", language="zh", email=None, role="staff"
        )
        _buyer, buyer = accounts.create(kind="buyer", name="Ana", language="es")
        _operator, operator = accounts.create(kind="operator", name="Ops", language="en")
    finally:
        runtime.close()
    return {"admin": admin, "staff": staff, "buyer": buyer, "operator": operator}


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


def _fuzz(schema: Any, headers: dict[str, str], examples: int) -> None:
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        if operation.path == "/v1/ws" or (headers and operation.path in KEEPS_THE_TOKEN):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.status_code,
                response.text[:300],
            )

        call()
