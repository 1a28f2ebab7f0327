"""ArgosTranslator on tiny real packages: phrasebook sentences, pivots, protected spans."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sesame.translation.argos import ArgosTranslator, DecodingOptions
from sesame.translation.base import TranslationUnavailable, UnavailableReason
from sesame.translation.segment import protected_spans

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("text", "source", "target", "expected"),
    [
        (
            "¿Cuál es la cantidad mínima de pedido?",
            "es",
            "en",
            "What is the minimum order quantity?",
        ),
        ("¿Puedo obtener una muestra?", "es", "en", "Can I get a sample?"),
        ("What is the delivery time?", "en", "es", "¿Cuál es el plazo de entrega?"),
        ("最小起订量是多少？", "zh", "en", "What is the minimum order quantity?"),
        ("Can I get a sample?", "en", "zh", "我可以要一个样品吗？"),
    ],
)
def test_known_phrasebook_sentences_translate_exactly(
    translator: ArgosTranslator, text: str, source: str, target: str, expected: str
) -> None:
    assert translator.translate(text, source, target) == expected


def test_spanish_to_chinese_pivots_through_english(translator: ArgosTranslator) -> None:
    assert ("es", "zh") in translator.pairs()
    assert translator.translate("¿Cuál es la cantidad mínima de pedido?", "es", "zh") == (
        "最小起订量是多少？"
    )
    assert translator.translate("样品是免费的吗？", "zh", "es") == "¿La muestra es gratis?"


def test_a_direct_package_wins_over_the_pivot(packages_dir: Path, tmp_path: Path) -> None:
    # A fake es->zh package that really is the es->en model: if it is chosen, output is English.
    folder = tmp_path / "packages"
    shutil.copytree(packages_dir, folder)
    fake = folder / "translate-es_zh-fake"
    shutil.copytree(folder / "translate-es_en-tiny", fake)
    metadata = json.loads((fake / "metadata.json").read_text())
    (fake / "metadata.json").write_text(json.dumps({**metadata, "to_code": "zh"}))
    direct = ArgosTranslator(folder)
    direct.load()
    assert direct.translate("¿Puedo obtener una muestra?", "es", "zh") == "Can I get a sample?"


def test_several_sentences_and_lines_are_translated_one_by_one(
    translator: ArgosTranslator,
) -> None:
    text = "Hola. ¿Cuál es el precio?\nGracias."
    assert translator.translate(text, "es", "en") == "Hello. What is the price?\nThank you."
    assert translator.translate("你好。谢谢。", "zh", "en") == "Hello. Thank you."
    assert translator.translate("Hello. Thank you.", "en", "zh") == "你好。谢谢。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("El modelo XJ-2000 está disponible.", "The model XJ-2000 is available."),
        ("El precio es $12.50 por unidad.", "The price is $12.50 per unit."),
        ("Tenemos 12,000 pcs de SKU 44-A en stock.", "We have 12,000 pcs of SKU 44-A in stock."),
        ("La caja mide 10cm y pesa 50 kg.", "The box measures 10cm and weighs 50 kg."),
        (
            "Escríbanos a ventas@acme-trade.com o visite https://acme.example.com/catalogo.",
            "Write to us at ventas@acme-trade.com or visit https://acme.example.com/catalogo.",
        ),
    ],
)
def test_codes_prices_quantities_urls_and_emails_survive_byte_for_byte(
    translator: ArgosTranslator, text: str, expected: str
) -> None:
    result = translator.translate(text, "es", "en")
    for start, end in protected_spans(text):
        assert text[start:end] in result
    assert result == expected


def test_protected_spans_survive_a_pivot_and_a_cjk_source(translator: ArgosTranslator) -> None:
    assert translator.translate("El precio es ¥80 por unidad.", "es", "zh") == "价格是 ¥80 每件。"
    assert translator.translate("价格是¥80。", "zh", "en") == "The price is ¥80."
    unknown = "Código ZK-77/B, lote 3.5 t, ver http://x.io/a_b?c=1."
    result = translator.translate(unknown, "es", "en")
    for span in ("ZK-77/B", "3.5", "http://x.io/a_b?c=1"):
        assert span in result


def test_a_missing_pair_raises_translation_unavailable(translator: ArgosTranslator) -> None:
    assert not translator.can_translate("es", "ja")
    with pytest.raises(TranslationUnavailable) as caught:
        translator.translate("Hola.", "es", "ja")
    assert caught.value.reason is UnavailableReason.NO_MODEL
    assert "es->ja" in caught.value.message


def test_translating_before_load_raises_not_loaded(packages_dir: Path) -> None:
    with pytest.raises(TranslationUnavailable) as caught:
        ArgosTranslator(packages_dir).translate("Hola.", "es", "en")
    assert caught.value.reason is UnavailableReason.NOT_LOADED


def test_a_failing_model_raises_instead_of_returning_the_source(packages_dir: Path) -> None:
    broken = ArgosTranslator(
        packages_dir, decoding=DecodingOptions(max_length_ratio=0, max_length_extra=0)
    )
    broken.load()
    with pytest.raises(TranslationUnavailable) as caught:
        broken.translate("Hola.", "es", "en")
    assert caught.value.reason is UnavailableReason.MODEL_FAILED


def test_same_language_and_blank_text_are_returned_unchanged(translator: ArgosTranslator) -> None:
    assert translator.translate("Hola.", "es", "es") == "Hola."
    assert translator.translate("  \n", "es", "en") == "  \n"
    assert translator.translate("12,000 pcs", "es", "en") == "12,000 pcs"


def test_languages_and_pairs_list_installed_models_and_pivots(
    translator: ArgosTranslator,
) -> None:
    assert translator.languages() == {"en", "es", "zh"}
    assert translator.pairs() == {
        ("es", "en"), ("en", "es"), ("zh", "en"), ("en", "zh"), ("es", "zh"), ("zh", "es"),
    }  # fmt: skip


def test_a_corrupt_package_is_skipped_and_the_others_still_load(
    packages_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "packages"
    shutil.copytree(packages_dir, folder)
    (folder / "translate-zh_en-tiny" / "model" / "model.bin").write_bytes(b"not a model")
    (folder / "stray-folder").mkdir()
    partial = ArgosTranslator(folder)
    partial.load()
    assert not partial.can_translate("zh", "en")
    assert partial.translate("Gracias.", "es", "en") == "Thank you."


def test_concurrent_translations_match_sequential_ones(translator: ArgosTranslator) -> None:
    jobs = [
        ("¿Cuál es el precio?", "es", "en"),
        ("价格太高了。", "zh", "en"),
        ("¿Puedo obtener una muestra?", "es", "zh"),
        ("Thank you.", "en", "es"),
    ] * 10
    expected = [translator.translate(*job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda job: translator.translate(*job), jobs)) == expected
