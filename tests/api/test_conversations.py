"""Buyer-supplier conversations: translation, live delivery, durability.

The `world` fixture (tests/api/conftest.py) opens a server with the tiny Argos packages
installed; the refusals are in test_conversation_refusals.py.
"""

from __future__ import annotations

from pathlib import Path

from sesame.runtime.web import create_app
from tests.api.chat_world import (
    CHINESE,
    CHINESE_REPLY,
    SPANISH,
    SPANISH_REPLY,
    World,
    install,
    live_url,
    open_conversation,
    post,
    read,
    run_cli,
)
from tests.conftest import serving


def test_spanish_buyer_and_chinese_staff_each_read_their_own_language(world: World) -> None:
    conversation = open_conversation(world)
    sent = post(world, conversation, SPANISH, world.buyer)
    assert sent["original_language"] == "es"
    [seen] = read(world, conversation, world.staff)
    assert (seen["text"], seen["language"], seen["translated"]) == (CHINESE, "zh", True)
    assert (seen["original_text"], seen["original_language"]) == (SPANISH, "es")
    post(world, conversation, CHINESE_REPLY, world.staff)
    reply = read(world, conversation, world.buyer)[0]
    assert (reply["text"], reply["language"], reply["original_text"]) == (
        SPANISH_REPLY,
        "es",
        CHINESE_REPLY,
    )


def test_the_websocket_delivers_the_message_live_already_translated(world: World) -> None:
    conversation = open_conversation(world)
    with world.client.websocket_connect(live_url(world, world.staff)) as socket:
        post(world, conversation, SPANISH, world.buyer)
        event = socket.receive_json()
    assert event["type"] == "message"
    assert event["message"]["text"] == CHINESE
    assert event["message"]["original_text"] == SPANISH


def test_without_a_model_the_message_arrives_untranslated_and_is_translated_later(
    world: World, tiny_packages: dict[str, Path]
) -> None:
    run_cli(world.settings, "models", "remove", "es", "en")
    conversation = open_conversation(world)
    with world.client.websocket_connect(live_url(world, world.staff)) as socket:
        post(world, conversation, SPANISH, world.buyer)
        live = socket.receive_json()["message"]
    assert live["translated"] is False
    assert live["text"] == SPANISH
    assert "es->zh" in live["untranslated_reason"] or "es" in live["untranslated_reason"]
    install(world.settings, tiny_packages, "es-en")
    output = run_cli(world.settings, "translate-pending")
    assert "translated 1" in output
    [seen] = read(world, conversation, world.staff)
    assert (seen["text"], seen["translated"]) == (CHINESE, True)


def test_reading_translates_messages_once_a_model_is_installed(
    world: World, tiny_packages: dict[str, Path]
) -> None:
    run_cli(world.settings, "models", "remove", "es", "en")
    conversation = open_conversation(world)
    post(world, conversation, SPANISH, world.buyer)
    assert read(world, conversation, world.staff)[0]["translated"] is False
    install(world.settings, tiny_packages, "es-en")
    assert read(world, conversation, world.staff)[0]["text"] == CHINESE


def test_prices_codes_urls_and_emails_survive_translation(world: World) -> None:
    conversation = open_conversation(world)
    text = "El precio es $12.50 por unidad. Modelo XJ-2000, ver https://example.com/p/1 o ventas@example.com."
    post(world, conversation, text, world.buyer)
    seen = read(world, conversation, world.staff)[0]
    for span in ("$12.50", "XJ-2000", "https://example.com/p/1", "ventas@example.com"):
        assert span in seen["text"], seen


def test_a_retried_post_with_the_same_client_id_stores_one_message(world: World) -> None:
    conversation = open_conversation(world)
    statuses = []
    for _ in range(2):
        response = world.client.post(
            f"/v1/conversations/{conversation}/messages",
            json={"text": SPANISH, "client_id": "m-1"},
            headers=world.buyer,
        )
        statuses.append(response.status_code)
    assert statuses == [201, 200]  # the retry gets the original message back
    assert len(read(world, conversation, world.buyer)) == 1


def test_messages_page_by_cursor_newest_first(world: World) -> None:
    conversation = open_conversation(world)
    ids = [post(world, conversation, f"Mensaje número {i}", world.buyer)["id"] for i in range(5)]
    first = world.client.get(
        f"/v1/conversations/{conversation}/messages?limit=2", headers=world.buyer
    ).json()
    assert [m["id"] for m in first["messages"]] == ids[:-3:-1]
    second = world.client.get(
        f"/v1/conversations/{conversation}/messages?limit=2&before={first['next_before']}",
        headers=world.buyer,
    ).json()
    assert [m["id"] for m in second["messages"]] == [ids[2], ids[1]]


def test_messages_survive_a_server_restart(world: World) -> None:
    conversation = open_conversation(world)
    post(world, conversation, SPANISH, world.buyer)
    with serving(create_app(world.settings)) as restarted:
        response = restarted.get(f"/v1/conversations/{conversation}/messages", headers=world.staff)
        assert response.json()["messages"][0]["original_text"] == SPANISH
