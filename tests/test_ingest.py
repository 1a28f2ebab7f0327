"""Ingestion: validation, idempotence, change detection, deletion, and crash recovery."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from sesame.catalog import repository as repo
from sesame.catalog.models import Embedding, Product, ProductImage
from sesame.core.filters import Filters
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import open_runtime
from sesame.settings import Settings
from tests.conftest import ONNX_CACHE


@pytest.fixture
def catalog_copy(small_catalog: Path, tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(small_catalog, target)
    return target


@pytest.fixture
def runtime_for(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., Runtime]]:
    opened: list[Runtime] = []

    def opened_runtime(database_url: str | None = None) -> Runtime:
        runtime = open_runtime(make_settings(database_url))
        opened.append(runtime)
        return runtime

    yield opened_runtime
    for runtime in opened:
        runtime.close()


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_lines(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def expected_vectors(catalog: Path) -> int:
    return sum(len(row["images"]) + 1 for row in lines(catalog / "products.jsonl"))  # type: ignore[arg-type]


def assert_indexed_exactly_once(runtime: Runtime, catalog: Path) -> None:
    model_id = runtime.encoder().model_id
    with runtime.session() as session:
        stored = repo.embedding_ids(session, model_id)
        counts = repo.embedding_counts(session, model_id)
        products = dict(session.execute(select(Product.external_id, Product.id)).all())
        grouped = select(ProductImage.product_id, func.count()).group_by(ProductImage.product_id)
        images = dict(session.execute(grouped).all())
    rows = lines(catalog / "products.jsonl")
    assert set(products) == {row["id"] for row in rows}
    for product_id in products.values():
        assert counts[product_id] == images.get(product_id, 0) + 1
    assert runtime.index().ids() == stored
    assert runtime.index().count() == len(stored) == expected_vectors(catalog)


def test_ingest_stores_embeds_and_indexes_every_product(
    database_url: str, catalog_copy: Path, runtime_for: Callable[..., Runtime]
) -> None:
    runtime = runtime_for(database_url)
    report = runtime.ingestor().run(catalog_copy)
    assert report.errors == []
    assert report.products_changed == len(lines(catalog_copy / "products.jsonl"))
    assert report.embeddings_added == expected_vectors(catalog_copy)
    assert_indexed_exactly_once(runtime, catalog_copy)


def test_running_ingest_twice_changes_nothing(
    database_url: str, catalog_copy: Path, runtime_for: Callable[..., Runtime]
) -> None:
    runtime = runtime_for(database_url)
    runtime.ingestor().run(catalog_copy)
    with runtime.session() as session:
        before = sorted(session.execute(select(Embedding.id, Embedding.source_key)))
    again = runtime.ingestor().run(catalog_copy)
    assert (again.products_changed, again.suppliers_changed, again.embeddings_added) == (0, 0, 0)
    with runtime.session() as session:
        assert sorted(session.execute(select(Embedding.id, Embedding.source_key))) == before
    assert_indexed_exactly_once(runtime, catalog_copy)


def test_a_changed_product_is_re_embedded_and_nothing_else(
    catalog_copy: Path, runtime_for: Callable[..., Runtime], tmp_path: Path
) -> None:
    runtime = runtime_for()
    runtime.ingestor().run(catalog_copy)
    rows = lines(catalog_copy / "products.jsonl")
    rows[0]["title"] = "Completely different title"
    write_lines(catalog_copy / "products.jsonl", rows)
    report = runtime.ingestor().run(catalog_copy)
    assert report.products_changed == 1
    assert report.embeddings_added == 1  # the text; the photos did not change
    with runtime.session() as session:
        product = repo.product_by_external_id(session, str(rows[0]["id"]))
        assert product is not None
        assert product.title == "Completely different title"
    assert_indexed_exactly_once(runtime, catalog_copy)


def test_a_supplier_change_reaches_the_index_filters(
    catalog_copy: Path, runtime_for: Callable[..., Runtime]
) -> None:
    runtime = runtime_for()
    runtime.ingestor().run(catalog_copy)
    suppliers = lines(catalog_copy / "suppliers.jsonl")
    with_products = {row["supplier_id"] for row in lines(catalog_copy / "products.jsonl")}
    target = next(s for s in suppliers if not s["verified"] and s["id"] in with_products)
    with runtime.session() as session:
        supplier = repo.supplier_by_external_id(session, str(target["id"]))
        assert supplier is not None
        supplier_row = supplier.id
    vector = runtime.encoder().encode_texts(["product"])[0]

    def verified_suppliers() -> set[int]:
        hits = runtime.index().search(vector, 10_000, Filters(verified_only=True))
        return {hit.payload.supplier_id for hit in hits}

    assert supplier_row not in verified_suppliers()
    target["verified"] = True
    write_lines(catalog_copy / "suppliers.jsonl", suppliers)
    runtime.ingestor().run(catalog_copy)
    assert supplier_row in verified_suppliers()


def append_bad_records(catalog: Path) -> int:
    """Append five bad product records to the catalog; return how many good ones precede them."""
    products = catalog / "products.jsonl"
    rows = lines(products)
    text = products.read_text()
    text += "{broken json\n"
    text += (
        json.dumps(
            {**rows[0], "id": "prd-bad-price", "price": {"min": 5, "max": 1, "currency": "USD"}}
        )
        + "\n"
    )
    text += json.dumps({**rows[0], "id": "prd-no-supplier", "supplier_id": "sup-xx-999"}) + "\n"
    text += json.dumps({**rows[0], "id": "prd-missing-image", "images": ["images/nope.jpg"]}) + "\n"
    (catalog / "images" / "junk.jpg").write_bytes(b"this is not a jpeg")
    text += (
        json.dumps(
            {**rows[0], "id": "prd-junk-image", "images": ["images/junk.jpg", rows[0]["images"][0]]}
        )
        + "\n"
    )
    products.write_text(text)
    return len(rows)


def assert_bad_records_reported(messages: list[str], good: int) -> None:
    """The five records of append_bad_records, each reported by file and line."""
    assert messages[0].startswith(f"products.jsonl:{good + 1}: not valid JSON")
    assert messages[1].startswith(
        f"products.jsonl:{good + 2}: price: price.max (1.0) is below price.min"
    )
    assert (
        messages[2]
        == f"products.jsonl:{good + 3}: supplier_id 'sup-xx-999' is not in suppliers.jsonl or the database"
    )
    assert (
        messages[3]
        == f"products.jsonl:{good + 4}: product 'prd-missing-image' image 'images/nope.jpg': file not found"
    )
    assert messages[4].startswith(
        f"products.jsonl:{good + 5}: product 'prd-junk-image' image 'images/junk.jpg': "
    )
    assert len(messages) == 5


def test_bad_records_are_reported_by_file_and_line_and_good_ones_kept(
    database_url: str, catalog_copy: Path, runtime_for: Callable[..., Runtime]
) -> None:
    good = append_bad_records(catalog_copy)
    runtime = runtime_for(database_url)
    report = runtime.ingestor().run(catalog_copy)
    messages = [str(error) for error in report.errors]
    assert_bad_records_reported(messages, good)
    with runtime.session() as session:
        assert (
            repo.count_products(session) == good + 2
        )  # the missing/junk-image products keep their text and good photo
        junk = repo.product_by_external_id(session, "prd-junk-image")
        assert junk is not None
        assert len(junk.images) == 1


def test_delete_missing_removes_products_and_their_vectors(
    catalog_copy: Path, runtime_for: Callable[..., Runtime]
) -> None:
    runtime = runtime_for()
    runtime.ingestor().run(catalog_copy)
    rows = lines(catalog_copy / "products.jsonl")
    write_lines(catalog_copy / "products.jsonl", rows[5:])
    kept = runtime.ingestor().run(catalog_copy)
    assert kept.products_deleted == 0  # without the flag nothing is deleted
    report = runtime.ingestor().run(catalog_copy, delete_missing=True)
    assert report.products_deleted == 5
    assert_indexed_exactly_once(runtime, catalog_copy)


def test_delete_missing_is_refused_while_the_file_has_bad_lines(
    catalog_copy: Path, runtime_for: Callable[..., Runtime]
) -> None:
    runtime = runtime_for()
    runtime.ingestor().run(catalog_copy)
    rows = lines(catalog_copy / "products.jsonl")
    write_lines(catalog_copy / "products.jsonl", rows[5:])
    with (catalog_copy / "products.jsonl").open("a") as handle:
        handle.write('{"id": "typo"\n')
    report = runtime.ingestor().run(catalog_copy, delete_missing=True)
    assert report.products_deleted == 0
    with runtime.session() as session:
        assert repo.count_products(session) == len(rows)


def _ingest_command(settings: Settings, catalog: Path) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "SESAME_DATA_DIR": str(settings.data_dir),
        "SESAME_EMBEDDINGS__MODEL": settings.embeddings.model,
        "SESAME_EMBEDDINGS__PRETRAINED": settings.embeddings.pretrained,
        "SESAME_EMBEDDINGS__ONNX_DIR": str(ONNX_CACHE),
        "SESAME_EMBEDDINGS__BATCH_SIZE": "4",
    }
    return [sys.executable, "-m", "sesame", "ingest", str(catalog), "--batch-size", "4"], env


def _products_in(db: Path) -> int:
    if not db.exists():
        return 0
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Product)).scalar() or 0
    except Exception:
        return 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_an_ingest_killed_midway_is_finished_by_the_next_run(
    stop: signal.Signals, catalog_copy: Path, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    command, env = _ingest_command(settings, catalog_copy)
    total = len(lines(catalog_copy / "products.jsonl"))
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    db = settings.data_dir / "sesame.db"
    deadline = time.monotonic() + 180
    while _products_in(db) < 12 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be interrupted"
    process.send_signal(stop)
    output = process.communicate(timeout=60)[0].decode()
    done = _products_in(db)
    assert 0 < done < total, output
    if stop == signal.SIGINT:
        assert process.returncode == 130
        assert "run the same command to finish" in output
    finished = subprocess.run(command, env=env, capture_output=True, timeout=300)
    assert finished.returncode == 0, finished.stdout.decode() + finished.stderr.decode()
    runtime = open_runtime(settings)
    try:
        assert_indexed_exactly_once(runtime, catalog_copy)
    finally:
        runtime.close()
