"""Buyer-supplier conversations: access rules, translation, live delivery, durability.

The tiny Argos packages are trained by the repo (translation.tiny) and installed
through the real `sesame models install` command; nothing touches the network.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from sesame.cli import app as cli
from sesame.settings import Settings
from tests.api.conftest import api_settings

SPANISH = "¿Cuál es la cantidad mínima de pedido?"
ENGLISH = "What is the minimum order quantity?"
CHINESE = "最小起订量是多少？"
CHINESE_REPLY = "是的，我们有现货。"
SPANISH_REPLY = "Sí, lo tenemos en stock."


@dataclass
class World:
    client: TestClient
    settings: Settings
    buyer: dict[str, str]
    staff: dict[str, str]
    other_buyer: dict[str, str]
    other_staff: dict[str, str]
    supplier: str


def run_cli(settings: Settings, *args: str) -> str:
    env = {
        "SESAME_DATA_DIR": str(settings.data_dir),
        "SESAME_EMBEDDINGS__PRETRAINED": settings.embeddings.pretrained,
        "SESAME_EMBEDDINGS__MODEL": settings.embeddings.model,
    }
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def staff_token(settings: Settings, supplier: str, language: str) -> str:
    output = run_cli(
        settings,
        "accounts",
        "create",
        "--name",
        f"Staff {language}",
        "--language",
        language,
        "--supplier",
        supplier,
    )
    return output.rsplit("token (shown once): ", 1)[1].strip()


def install(settings: Settings, packages: dict[str, Path], *pairs: str) -> None:
    run_cli(settings, "models", "install", *(str(packages[pair]) for pair in pairs))


@pytest.fixture
def world(
    ingested_data_dir: Path,
    tiny_clip_checkpoint: Path,
    tiny_packages: dict[str, Path],
    tmp_path: Path,
) -> Iterator[World]:
    data = tmp_path / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, tiny_clip_checkpoint)
    install(settings, tiny_packages, "es-en", "en-es", "zh-en", "en-zh")
    with TestClient(create_app(settings)) as client:
        supplier = client.post("/v1/search/text", json={"query": "mug"}).json()["results"][0][
            "supplier"
        ]["id"]
        other = client.post("/v1/search/text", json={"query": "chair"}).json()["results"]
        other_supplier = next(
            group["supplier"]["id"] for group in other if group["supplier"]["id"] != supplier
        )
        buyer = client.post("/v1/accounts", json={"name": "Ana", "language": "es"}).json()
        other_buyer = client.post("/v1/accounts", json={"name": "Bob", "language": "en"}).json()
        yield World(
            client=client,
            settings=settings,
            buyer=bearer(buyer["token"]),
            staff=bearer(staff_token(settings, supplier, "zh")),
            other_buyer=bearer(other_buyer["token"]),
            other_staff=bearer(staff_token(settings, other_supplier, "zh")),
            supplier=supplier,
        )


def open_conversation(world: World) -> int:
    response = world.client.post(
        "/v1/conversations", json={"supplier_id": world.supplier}, headers=world.buyer
    )
    assert response.status_code in (200, 201), response.text
    return int(response.json()["id"])


def post(world: World, conversation: int, text: str, who: dict[str, str]) -> dict[str, object]:
    response = world.client.post(
        f"/v1/conversations/{conversation}/messages", json={"text": text}, headers=who
    )
    assert response.status_code == 201, response.text
    return response.json()


def read(world: World, conversation: int, who: dict[str, str]) -> list[dict[str, object]]:
    response = world.client.get(f"/v1/conversations/{conversation}/messages", headers=who)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


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
    token = world.staff["Authorization"].split()[1]
    with world.client.websocket_connect(f"/v1/ws?token={token}") as socket:
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
    token = world.staff["Authorization"].split()[1]
    with world.client.websocket_connect(f"/v1/ws?token={token}") as socket:
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
    for _ in range(2):
        response = world.client.post(
            f"/v1/conversations/{conversation}/messages",
            json={"text": SPANISH, "client_id": "m-1"},
            headers=world.buyer,
        )
        assert response.status_code == 201
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
    with TestClient(create_app(world.settings)) as restarted:
        response = restarted.get(f"/v1/conversations/{conversation}/messages", headers=world.staff)
        assert response.json()["messages"][0]["original_text"] == SPANISH


# -- every refusal ------------------------------------------------------------------------------


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
    assert world.client.get("/v1/conversations", headers=world.other_buyer).json() == []


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
    assert world.client.get("/v1/conversations", headers=world.other_staff).json() == []
    assert [c["id"] for c in world.client.get("/v1/conversations", headers=world.staff).json()] == [
        conversation
    ]


def test_a_missing_conversation_looks_the_same_as_someone_elses(world: World) -> None:
    mine = world.client.get("/v1/conversations/999999/messages", headers=world.buyer)
    assert mine.status_code == 404
    assert mine.json() == {"detail": "No conversation 999999."}


def test_supplier_staff_cannot_open_conversations_403(world: World) -> None:
    response = world.client.post(
        "/v1/conversations", json={"supplier_id": world.supplier}, headers=world.staff
    )
    assert response.status_code == 403
    assert "Only buyers" in response.json()["detail"]


def test_the_websocket_refuses_a_bad_token(world: World) -> None:
    from starlette.websockets import WebSocketDisconnect

    with (
        pytest.raises(WebSocketDisconnect) as info,
        world.client.websocket_connect("/v1/ws?token=nope") as socket,
    ):
        socket.receive_json()
    assert info.value.code == 1008


def test_live_messages_reach_only_the_two_parties(world: World) -> None:
    conversation = open_conversation(world)
    other = world.other_staff["Authorization"].split()[1]
    mine = world.staff["Authorization"].split()[1]
    with (
        world.client.websocket_connect(f"/v1/ws?token={other}") as intruder,
        world.client.websocket_connect(f"/v1/ws?token={mine}") as staff,
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
