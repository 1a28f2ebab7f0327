"""Buyer-supplier conversations: every refusal, and bad input.

The `world` fixture is in tests/api/conftest.py; the helpers are in chat_world.py.
"""

from __future__ import annotations

import json

import pytest

from tests.api.chat_world import (
    SPANISH,
    World,
    conversation_ids,
    live_url,
    open_conversation,
    post,
)


def test_requests_without_a_valid_token_are_401(world: World) -> None:
    conversation = open_conversation(world)
    for headers in (
        {},
        {"Authorization": "Bearer ses_not-a-token"},
        {"Authorization": "Basic abc"},
    ):
        for method, url in (
            ("get", "/v1/me"),
            ("get", "/v1/conversations"),
            ("get", f"/v1/conversations/{conversation}"),
            ("get", f"/v1/conversations/{conversation}/messages"),
        ):
            response = world.client.request(method, url, headers=headers)
            assert response.status_code == 401, (headers, url)
            assert "token" in response.json()["detail"]
        response = world.client.post(
            f"/v1/conversations/{conversation}/messages", json={"text": "hola"}, headers=headers
        )
        assert response.status_code == 401


def test_another_buyer_cannot_read_or_post_and_gets_404(world: World) -> None:
    conversation = open_conversation(world)
    post(world, conversation, SPANISH, world.buyer)
    response = world.client.get(
        f"/v1/conversations/{conversation}/messages", headers=world.other_buyer
    )
    assert response.status_code == 404
    assert SPANISH not in response.text
    response = world.client.post(
        f"/v1/conversations/{conversation}/messages", json={"text": "hi"}, headers=world.other_buyer
    )
    assert response.status_code == 404
    assert conversation_ids(world, world.other_buyer) == []


def test_another_suppliers_staff_cannot_read_or_post_and_gets_404(world: World) -> None:
    conversation = open_conversation(world)
    post(world, conversation, SPANISH, world.buyer)
    response = world.client.get(
        f"/v1/conversations/{conversation}/messages", headers=world.other_staff
    )
    assert response.status_code == 404
    assert SPANISH not in response.text
    response = world.client.post(
        f"/v1/conversations/{conversation}/messages",
        json={"text": "你好"},
        headers=world.other_staff,
    )
    assert response.status_code == 404
    assert conversation_ids(world, world.other_staff) == []
    assert conversation_ids(world, world.staff) == [conversation]


def test_a_missing_conversation_looks_the_same_as_someone_elses(world: World) -> None:
    mine = world.client.get("/v1/conversations/999999/messages", headers=world.buyer)
    assert mine.status_code == 404
    assert mine.json() == {"detail": "No conversation 999999."}
    conversation = open_conversation(world)
    for headers in (world.other_buyer, world.other_staff):
        theirs = world.client.get(f"/v1/conversations/{conversation}", headers=headers)
        assert (theirs.status_code, theirs.json()) == (
            404,
            {"detail": f"No conversation {conversation}."},
        )
    missing = world.client.get("/v1/conversations/999999", headers=world.buyer)
    assert (missing.status_code, missing.json()) == (404, {"detail": "No conversation 999999."})


def test_both_parties_read_one_conversation_as_it_is_listed(world: World) -> None:
    conversation = open_conversation(world)
    post(world, conversation, SPANISH, world.buyer)
    for headers in (world.buyer, world.staff):
        one = world.client.get(f"/v1/conversations/{conversation}", headers=headers)
        assert one.status_code == 200
        listed = world.client.get("/v1/conversations", headers=headers).json()["conversations"]
        assert one.json() == next(c for c in listed if c["id"] == conversation)


def test_supplier_staff_cannot_open_conversations_403(world: World) -> None:
    response = world.client.post(
        "/v1/conversations", json={"supplier_id": world.supplier}, headers=world.staff
    )
    assert response.status_code == 403
    assert "Only buyers" in response.json()["detail"]


@pytest.mark.parametrize("query", ["ticket=nope", "token=ses_nope", ""])
def test_the_websocket_refuses_a_bad_ticket_and_any_token_in_the_url(
    world: World, query: str
) -> None:
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect) as info,
        world.client.websocket_connect(f"/v1/ws?{query}") as socket,
    ):
        socket.receive_json()
    assert info.value.code == 1008
    assert "ticket" in info.value.reason


def test_live_messages_reach_only_the_two_parties(world: World) -> None:
    conversation = open_conversation(world)
    with (
        world.client.websocket_connect(live_url(world, world.other_staff)) as intruder,
        world.client.websocket_connect(live_url(world, world.staff)) as staff,
    ):
        post(world, conversation, SPANISH, world.buyer)
        assert staff.receive_json()["message"]["original_text"] == SPANISH
        intruder.send_text("ping")  # the socket is alive, and nothing was queued for it
        post(world, conversation, "Gracias.", world.buyer)
        assert staff.receive_json()["message"]["original_text"] == "Gracias."


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"text": "   "}, 422, "The message is empty."),
        ({"text": "x" * 5001}, 422, "the limit is 5000"),
        ({"text": "hola", "extra": 1}, 422, "extra"),
    ],
)
def test_bad_messages_are_refused(
    world: World, body: dict[str, object], status: int, expected: str
) -> None:
    conversation = open_conversation(world)
    response = world.client.post(
        f"/v1/conversations/{conversation}/messages", json=body, headers=world.buyer
    )
    assert response.status_code == status
    assert expected in json.dumps(response.json())


def test_unknown_language_and_supplier_are_refused(world: World) -> None:
    response = world.client.post("/v1/accounts", json={"name": "X", "language": "xx"})
    assert response.status_code == 422
    assert "Unsupported language 'xx'" in response.json()["detail"]
    response = world.client.post(
        "/v1/conversations", json={"supplier_id": "sup-nope"}, headers=world.buyer
    )
    assert response.status_code == 404
    assert "No supplier with id 'sup-nope'" in response.json()["detail"]
    response = world.client.post("/v1/search/text", json={"query": "mug", "language": "xx"})
    assert response.status_code == 422
    assert "Unknown language 'xx'" in response.json()["detail"]
