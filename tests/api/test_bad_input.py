"""Every bad input gets a 4xx with a message that says what is wrong."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from sesame.runtime.web import create_app
from tests.api.conftest import api_settings
from tests.conftest import serving

HOSTILE = Path(
    os.environ.get(
        "SESAME_HOSTILE_IMAGES",
        Path(__file__).resolve().parents[3] / "shared" / "testdata" / "pillow-images",
    )
)


def jpeg(size: tuple[int, int] = (64, 48), colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def post_image(client: TestClient, data: bytes, name: str = "photo.jpg", **form: str):
    return client.post(
        "/v1/search/image", files={"image": (name, data, "application/octet-stream")}, data=form
    )


def test_not_an_image_is_415(client: TestClient) -> None:
    response = post_image(client, b"%PDF-1.7 this is a quotation, not a photo", name="quote.pdf")
    assert response.status_code == 415
    assert "JPEG, PNG, WebP" in response.json()["detail"]


def test_a_truncated_photo_is_422(client: TestClient) -> None:
    data = jpeg((256, 256))
    response = post_image(client, data[: len(data) // 2])
    assert response.status_code == 422
    assert "truncated" in response.json()["detail"]


def test_a_decompression_bomb_is_413_before_decoding(client: TestClient) -> None:
    response = post_image(client, png_claiming(30_000, 30_000), name="bomb.png")
    assert response.status_code == 413
    assert "pixels" in response.json()["detail"]


def test_an_upload_over_the_size_limit_is_413(client: TestClient) -> None:
    limit = client.app.state.services.settings.images.max_upload_bytes  # type: ignore[attr-defined]
    response = post_image(client, b"\xff\xd8" + b"\0" * (limit + 200_000))
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_an_empty_upload_is_422(client: TestClient) -> None:
    response = post_image(client, b"")
    assert response.status_code == 422
    assert "empty" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    ("crop", "expected"),
    [
        ("500,500,10,10", "outside"),
        ("1,2,3", "four whole numbers"),
        ("0,0,0,5", "crop"),
        ("a,b,c,d", "four whole numbers"),
    ],
)
def test_a_bad_crop_box_is_422(client: TestClient, crop: str, expected: str) -> None:
    response = post_image(client, jpeg((64, 48)), crop=crop)
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_an_empty_query_is_422(client: TestClient) -> None:
    for query in ["", "   ", "\n\t"]:
        response = client.post("/v1/search/text", json={"query": query})
        assert response.status_code == 422
        assert "empty" in response.json()["detail"]


def test_a_10000_character_query_is_422(client: TestClient) -> None:
    response = client.post("/v1/search/text", json={"query": "mug " * 2500})
    assert response.status_code == 422
    assert "limit is 500" in response.json()["detail"]


def test_an_enormous_body_is_refused(client: TestClient) -> None:
    response = client.post("/v1/search/text", json={"query": "x" * 50_000})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"countries": ["XX"]}, "Unknown country 'XX'; known: "),
        ({"categories": ["spaceships"]}, "Unknown category 'spaceships'; known: "),
        ({"price_min_usd": 10, "price_max_usd": 5}, "price_min_usd (10.0) is above price_max_usd"),
    ],
)
def test_unknown_filter_values_are_422_with_the_known_ones(
    client: TestClient, filters: dict, expected: str
) -> None:
    response = client.post("/v1/search/text", json={"query": "mug", "filters": filters})
    assert response.status_code == 422
    assert expected in response.json()["detail"]


def test_unknown_filter_names_and_out_of_range_values_are_422(client: TestClient) -> None:
    for body in (
        {"query": "mug", "filters": {"colour": "red"}},
        {"query": "mug", "filters": {"min_rating": 9}},
        {"query": "mug", "limit": 0},
        {"query": "mug", "limit": 10_000},
    ):
        response = client.post("/v1/search/text", json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"]


def test_an_unknown_country_on_image_search_is_422(client: TestClient) -> None:
    response = post_image(client, jpeg(), countries="ZZ")
    assert response.status_code == 422
    assert "Unknown country 'ZZ'" in response.json()["detail"]


def test_unknown_supplier_product_and_image_are_404(client: TestClient) -> None:
    for url in ("/v1/suppliers/nope", "/v1/products/nope", "/v1/images/999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert "No " in response.json()["detail"]


def hostile_files() -> list[Path]:
    if not HOSTILE.is_dir():
        return []
    return sorted(p for p in HOSTILE.rglob("*") if p.is_file())


@pytest.mark.skipif(
    not HOSTILE.is_dir(),
    reason=f"hostile images not found at {HOSTILE} (set SESAME_HOSTILE_IMAGES)",
)
def test_hostile_images_get_4xx_or_200_never_5xx(client: TestClient) -> None:
    statuses: dict[int, int] = {}
    for path in hostile_files():
        response = post_image(client, path.read_bytes(), name=path.name)
        assert response.status_code < 500, (path.name, response.text)
        if response.status_code != 200:
            assert response.json()["detail"], path.name
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses.get(200)
    assert statuses.get(415)
    assert statuses.get(422)


def test_a_missing_model_gives_503_with_the_fix_and_keyword_search_still_works(
    ingested_data_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-checkpoint.pt"
    settings = api_settings(ingested_data_dir, missing)
    with serving(create_app(settings)) as offline:
        ready = offline.get("/readyz")
        assert ready.status_code == 503
        assert "No checkpoint file" in ready.json()["components"]["model"]["detail"]
        response = post_image(offline, jpeg())
        assert response.status_code == 503
        assert "SESAME_EMBEDDINGS__PRETRAINED" in response.json()["detail"]
        text = offline.post("/v1/search/text", json={"query": "red mug"})
        assert text.status_code == 200
        assert text.json()["mode"] == "keyword"
        assert text.json()["results"]
        assert "Keyword search only" in text.json()["notes"][0]


@pytest.mark.parametrize("body", ["Infinity", "NaN", '{"query": "mug", "min_score": -Infinity}'])
def test_nan_and_infinity_in_a_body_are_422_not_500(client: TestClient, body: str) -> None:
    # Python's JSON reader accepts them; the 422 that echoes them must still be JSON.
    response = client.post(
        "/v1/search/text", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"]
