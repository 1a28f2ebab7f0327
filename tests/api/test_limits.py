"""Bounded work per caller: rate limits (one process and two sharing Redis), body sizes."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sesame.runtime.web import create_app
from tests.api.chat_world import bearer
from tests.api.conftest import api_settings
from tests.conftest import serving
from tests.image_samples import encode, noise
from tests.processes import REDIS_ENV, Server

LIMITS = {
    "enabled": True,
    "signup_per_ip": "3/hour",
    "search_per_ip": "4/minute",
    "messages_per_account": "2/minute",
    "conversations_per_account": "2/minute",
    "upload_per_ip": "2/minute",
}


@pytest.fixture
def limited(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tmp_path: Path
) -> Iterator[TestClient]:
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, tiny_clip_checkpoint, limits=LIMITS)
    with serving(create_app(settings)) as client:
        yield client


def test_sign_ups_from_one_address_are_limited(limited: TestClient) -> None:
    statuses = [
        limited.post("/v1/accounts", json={"name": f"Bot {n}", "language": "en"}).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 201]
    refused = limited.post("/v1/accounts", json={"name": "Bot 4", "language": "en"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    detail = refused.json()["detail"]
    assert detail.startswith("Too many sign-ups: the limit is 3 per hour per address.")
    assert "Try again in" in detail


def test_searches_from_one_address_are_limited(limited: TestClient) -> None:
    for _ in range(4):
        assert limited.post("/v1/search/text", json={"query": "mug"}).status_code == 200
    refused = limited.post("/v1/search/text", json={"query": "mug"})
    assert refused.status_code == 429
    assert "Too many searches" in refused.json()["detail"]


def test_messages_are_limited_per_account(limited: TestClient) -> None:
    supplier = limited.post("/v1/search/text", json={"query": "mug"}).json()["results"][0]
    buyer = bearer(
        limited.post("/v1/accounts", json={"name": "A", "language": "en"}).json()["token"]
    )
    opened = limited.post(
        "/v1/conversations", json={"supplier_id": supplier["supplier"]["id"]}, headers=buyer
    ).json()
    url = f"/v1/conversations/{opened['id']}/messages"
    for n in range(2):
        assert limited.post(url, json={"text": f"hi {n}"}, headers=buyer).status_code == 201
    refused = limited.post(url, json={"text": "hi again"}, headers=buyer)
    assert refused.status_code == 429
    assert "Too many messages: the limit is 2 per minute per account." in refused.json()["detail"]


def test_new_conversations_are_limited_per_account(limited: TestClient) -> None:
    results = limited.post("/v1/search/text", json={"query": "mug", "limit": 5}).json()["results"]
    suppliers = [group["supplier"]["id"] for group in results][:3]
    assert len(suppliers) == 3
    buyer = bearer(
        limited.post("/v1/accounts", json={"name": "B", "language": "en"}).json()["token"]
    )
    opened = [
        limited.post("/v1/conversations", json={"supplier_id": s}, headers=buyer).status_code
        for s in suppliers[:2]
    ]
    assert all(status in (200, 201) for status in opened)
    refused = limited.post("/v1/conversations", json={"supplier_id": suppliers[2]}, headers=buyer)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert (
        "Too many new conversations: the limit is 2 per minute per account."
        in (refused.json()["detail"])
    )


def test_photo_uploads_from_one_address_are_limited(limited: TestClient) -> None:
    photo = encode(noise(), "JPEG")
    for _ in range(2):
        sent = limited.post("/v1/search/image", files={"image": ("p.jpg", photo, "image/jpeg")})
        assert sent.status_code == 200
    refused = limited.post("/v1/search/image", files={"image": ("p.jpg", photo, "image/jpeg")})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many uploads: the limit is 2 per minute per address." in refused.json()["detail"]


def test_two_processes_sharing_redis_share_the_counts(tmp_path: Path) -> None:
    redis_url = os.environ.get(REDIS_ENV)
    if not redis_url:
        pytest.skip(f"Shared limits need Redis: set {REDIS_ENV} (.ci/run sets it).")
    data = tmp_path / "data"
    data.mkdir()
    env = {
        **os.environ,
        "SESAME_DATA_DIR": str(data),
        "SESAME_EMBEDDINGS__PRETRAINED": str(tmp_path / "no-model.pt"),
        "SESAME_EVENTS__REDIS_URL": redis_url,
        "SESAME_EVENTS__CHANNEL": f"sesame-test-{uuid.uuid4().hex}",
        "SESAME_LIMITS__SIGNUP_PER_IP": "4/hour",
        "SESAME_LIMITS__KEY_PREFIX": f"sesame-test-{uuid.uuid4().hex}",
    }
    first, second = Server(env), Server(env)
    try:
        statuses = [
            httpx.post(
                f"{server.url}/v1/accounts", json={"name": "Bot", "language": "en"}, timeout=30
            ).status_code
            for server in (first, second, first, second, first)
        ]
    finally:
        first.stop()
        second.stop()
    assert statuses == [201, 201, 201, 201, 429]


def test_a_json_body_over_its_limit_is_413_with_the_limit(client: TestClient) -> None:
    big = {"query": "mug", "language": "x" * (200 * 1024)}
    response = client.post("/v1/search/text", json=big)
    assert response.status_code == 413
    assert "over the 64 KiB limit of /v1/search/text" in response.json()["detail"]


def test_a_chunked_body_over_the_limit_is_413_not_400(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "'
        for _ in range(100):
            yield b"m" * 1024
        yield b'"}'

    response = client.post(
        "/v1/search/text", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "over the 64 KiB limit" in response.json()["detail"]


def test_a_twenty_mib_json_body_is_refused_before_it_is_read(client: TestClient) -> None:
    body = json.dumps({"text": "a" * (20 * 1024 * 1024)})
    response = client.post(
        "/v1/conversations/1/messages", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "64 KiB" in response.json()["detail"]
