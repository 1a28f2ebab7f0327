"""Chat under a careless or hostile client: idempotency keys, bounds, tokens, sockets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.api.chat_world import (
    SPANISH,
    World,
    bearer,
    live_url,
    open_conversation,
    post,
    read,
    run_cli,
)
from tests.api.conftest import world_of


def post_keyed(world: World, conversation: int, text: str, key: str) -> tuple[int, dict]:
    response = world.client.post(
        f"/v1/conversations/{conversation}/messages",
        json={"text": text, "client_id": key},
        headers=world.buyer,
    )
    return response.status_code, response.json()


def second_conversation(world: World) -> int:
    response = world.client.post(
        "/v1/conversations", json={"supplier_id": world.other_supplier}, headers=world.buyer
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_an_idempotency_key_belongs_to_its_conversation(world: World) -> None:
    first, other = open_conversation(world), second_conversation(world)
    status, quote = post_keyed(world, first, "quote 4.10 USD", "1")
    assert status == 201
    status, hello = post_keyed(world, other, "hello", "1")
    assert status == 201
    assert (hello["text"], hello["conversation_id"]) == ("hello", other)
    assert [m["original_text"] for m in read(world, first, world.buyer)] == ["quote 4.10 USD"]
    assert [m["original_text"] for m in read(world, other, world.buyer)] == ["hello"]
    assert quote["id"] != hello["id"]


def test_a_retry_gets_the_original_and_a_reused_key_with_other_text_is_409(world: World) -> None:
    conversation = open_conversation(world)
    assert post_keyed(world, conversation, "quote 4.10 USD", "k")[0] == 201
    status, again = post_keyed(world, conversation, "quote 4.10 USD", "k")
    assert (status, again["original_text"]) == (200, "quote 4.10 USD")
    status, refused = post_keyed(world, conversation, "quote 3.90 USD", "k")
    assert status == 409
    assert "client_id 'k' was already used in this conversation" in refused["detail"]
    assert len(read(world, conversation, world.buyer)) == 1


def test_a_cursor_beyond_64_bits_is_refused_not_a_server_error(world: World) -> None:
    conversation = open_conversation(world)
    response = world.client.get(
        f"/v1/conversations/{conversation}/messages?before=99999999999999999999",
        headers=world.buyer,
    )
    assert response.status_code == 422
    assert "less than or equal to 9223372036854775807" in response.text


def test_conversations_come_a_page_at_a_time(world: World) -> None:
    first, other = open_conversation(world), second_conversation(world)
    post(world, first, SPANISH, world.buyer)  # now the most recently active
    page = world.client.get("/v1/conversations?limit=1", headers=world.buyer).json()
    assert [c["id"] for c in page["conversations"]] == [first]
    rest = world.client.get(
        "/v1/conversations", params={"limit": 1, "cursor": page["next_cursor"]}, headers=world.buyer
    ).json()
    assert [c["id"] for c in rest["conversations"]] == [other]
    assert rest["next_cursor"] is None
    bad = world.client.get("/v1/conversations?cursor=garbage", headers=world.buyer)
    assert bad.status_code == 422
    assert "not one this server gave out" in bad.json()["detail"]


def test_a_revoked_token_is_refused_and_a_renewed_one_works(world: World) -> None:
    renewed = world.client.post("/v1/me/tokens", headers=world.buyer)
    assert renewed.status_code == 201
    fresh = bearer(renewed.json()["token"])
    revoked = world.client.post("/v1/me/tokens/revoke", headers=world.buyer)
    assert revoked.json() == {"revoked": 1}
    refused = world.client.get("/v1/me", headers=world.buyer)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert world.client.get("/v1/me", headers=fresh).status_code == 200
    everything = world.client.post("/v1/me/tokens/revoke", json={"all": True}, headers=fresh)
    assert everything.json() == {"revoked": 1}
    assert world.client.get("/v1/me", headers=fresh).status_code == 401


@pytest.fixture
def short_lived(
    ingested_data_dir: Path, tiny_clip_checkpoint: Path, tiny_packages: dict[str, Path],
    tmp_path: Path,
) -> Iterator[World]:  # fmt: skip
    """Tokens that live about a second, and sockets that re-check them five times a second."""
    with world_of(
        ingested_data_dir, tiny_clip_checkpoint, tiny_packages, tmp_path,
        accounts={"token_ttl_days": 1.5 / 86400}, live={"recheck_s": 0.2},
    ) as world:  # fmt: skip
        yield world


def test_an_expired_token_is_refused_with_how_to_renew(short_lived: World) -> None:
    fresh = short_lived.client.post("/v1/accounts", json={"name": "Eve", "language": "en"})
    token = bearer(fresh.json()["token"])
    assert short_lived.client.get("/v1/me", headers=token).status_code == 200
    time.sleep(1.6)
    refused = short_lived.client.get("/v1/me", headers=token)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    assert "POST /v1/me/tokens" in refused.json()["detail"]


def test_an_open_socket_is_closed_once_its_token_is_revoked(short_lived: World) -> None:
    world = short_lived  # staff tokens come from the CLI: they live 30 days
    with world.client.websocket_connect(live_url(world, world.staff)) as socket:
        world.client.post("/v1/me/tokens/revoke", headers=world.staff)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 1008
    assert "revoked" in closed.value.reason


def test_a_ticket_opens_one_socket_only(world: World) -> None:
    url = live_url(world, world.staff)
    with world.client.websocket_connect(url):
        pass
    with pytest.raises(WebSocketDisconnect) as refused, world.client.websocket_connect(url) as s:
        s.receive_json()
    assert refused.value.code == 1008
    assert "used or expired" in refused.value.reason


@pytest.mark.parametrize(
    ("frame", "code", "reason"),
    [(b"\x00\x01", 1003, "Binary frames"), ("x" * 70_000, 1009, "Frames are limited")],
)
def test_binary_and_oversized_frames_close_the_socket(
    world: World, frame: bytes | str, code: int, reason: str
) -> None:
    with world.client.websocket_connect(live_url(world, world.staff)) as socket:
        if isinstance(frame, bytes):
            socket.send_bytes(frame)
        else:
            socket.send_text(frame)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == code
    assert reason in closed.value.reason


def test_an_account_holds_a_bounded_number_of_sockets(world: World) -> None:
    limit = world.settings.live.max_sockets_per_account
    opened = [
        world.client.websocket_connect(live_url(world, world.staff)).__enter__()
        for _ in range(limit)
    ]
    try:
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            world.client.websocket_connect(live_url(world, world.staff)) as extra,
        ):
            extra.receive_json()
        assert refused.value.code == 1008
        assert f"At most {limit} live connections" in refused.value.reason
    finally:
        for socket in opened:
            socket.__exit__(None, None, None)


def test_an_operator_revokes_an_account_and_issues_it_a_new_token(world: World) -> None:
    account = world.client.get("/v1/me", headers=world.buyer).json()["id"]
    assert "1 tokens revoked" in run_cli(
        world.settings, "accounts", "revoke", "--account", str(account)
    )
    assert world.client.get("/v1/me", headers=world.buyer).status_code == 401
    issued = run_cli(world.settings, "accounts", "token", "--account", str(account))
    token = issued.rsplit(": ", 1)[1].strip()
    assert world.client.get("/v1/me", headers=bearer(token)).json()["id"] == account
