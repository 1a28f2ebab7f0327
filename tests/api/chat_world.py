"""The two-party chat world shared by the conversation tests: accounts, helpers, phrases.

The tiny Argos packages are trained by the repo (sesame_dev.tiny_argos) and installed
through the real `sesame models install` command; nothing touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sesame.cli.main import app as cli
from sesame.settings import Settings

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
    other_supplier: str = ""


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


def live_url(world: World, who: dict[str, str]) -> str:
    """The WebSocket URL for ``who``: a fresh single-use ticket, never the token."""
    response = world.client.post("/v1/ws-tickets", headers=who)
    assert response.status_code == 201, response.text
    return f"/v1/ws?ticket={response.json()['ticket']}"


def conversation_ids(world: World, who: dict[str, str]) -> list[int]:
    page = world.client.get("/v1/conversations", headers=who).json()
    return [c["id"] for c in page["conversations"]]


def install(settings: Settings, packages: dict[str, Path], *pairs: str) -> None:
    run_cli(settings, "models", "install", *(str(packages[pair]) for pair in pairs))


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
