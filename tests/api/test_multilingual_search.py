"""Search in the buyer's language: the query is translated to the catalog's language."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.api.conftest import api_settings
from translation.packages import install_package


@pytest.fixture(scope="module")
def multilingual(
    ingested_data_dir: Path,
    tiny_clip_checkpoint: Path,
    tiny_packages: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("multilingual") / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, tiny_clip_checkpoint)
    for pair in ("zh-en", "es-en"):
        install_package(tiny_packages[pair], settings.argos_packages_dir)
    with TestClient(create_app(settings)) as client:
        yield client


def top_suppliers(
    client: TestClient, query: str, **extra: object
) -> tuple[list[str], dict[str, str]]:
    response = client.post("/v1/search/text", json={"query": query, "limit": 3, **extra})
    assert response.status_code == 200, response.text
    body = response.json()
    return [group["supplier"]["id"] for group in body["results"]], body["query"]


@pytest.mark.parametrize(
    ("query", "language", "english"),
    [
        ("红色马克杯", "zh", "red mug"),
        ("taza roja", "es", "red mug"),
        ("蓝色椅子", "zh", "blue chair"),
    ],
)
def test_a_foreign_query_finds_the_same_suppliers_as_its_english_equivalent(
    multilingual: TestClient, query: str, language: str, english: str
) -> None:
    expected, _ = top_suppliers(multilingual, english)
    found, info = top_suppliers(multilingual, query, language=language)
    assert info == {"original": query, "language": language, "searched": english}
    assert found == expected


def test_the_query_language_is_detected_when_not_given(multilingual: TestClient) -> None:
    found, info = top_suppliers(multilingual, "红色条纹马克杯")
    assert info["language"] == "zh"
    assert info["searched"] == "red striped mug"
    assert found == top_suppliers(multilingual, "red striped mug")[0]


def test_a_query_in_a_language_without_a_model_is_searched_as_written_with_a_note(
    multilingual: TestClient,
) -> None:
    response = multilingual.post(
        "/v1/search/text", json={"query": "赤いマグカップ", "language": "ja"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["query"]["searched"] == "赤いマグカップ"
    assert "ja->en" in body["notes"][0]
