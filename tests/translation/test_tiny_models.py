"""The tiny phrasebook packages: real .argosmodel files that reproduce their training data."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from sesame_dev.tiny_argos.build import build_tiny_package
from sesame_dev.tiny_argos.phrasebook import ENTRIES

from sesame.translation.argos import ArgosTranslator

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("pair", ["es-en", "zh-en"])
def test_a_tiny_package_has_the_argos_layout(tiny_packages: dict[str, Path], pair: str) -> None:
    with zipfile.ZipFile(tiny_packages[pair]) as archive:
        names = archive.namelist()
        tops = {PurePosixPath(n).parts[0] for n in names}
        assert len(tops) == 1
        top = tops.pop()
        metadata = json.loads(archive.read(f"{top}/metadata.json"))
    source, target = pair.split("-")
    assert (metadata["from_code"], metadata["to_code"]) == (source, target)
    assert {"package_version", "argos_version", "from_name", "to_name"} <= metadata.keys()
    for required in ("model/model.bin", "model/config.json", "sentencepiece.model"):
        assert f"{top}/{required}" in names
    assert not any("/stanza/" in n or "/minisbd/" in n for n in names)


@pytest.mark.parametrize("pair", ["es-en", "en-es", "zh-en", "en-zh"])
def test_every_phrasebook_entry_is_reproduced_exactly(
    translator: ArgosTranslator, pair: str
) -> None:
    source, target = pair.split("-")
    wrong = [
        (getattr(e, source), got)
        for e in ENTRIES
        if (got := translator.translate(getattr(e, source), source, target)) != getattr(e, target)
    ]
    assert wrong == []


def test_a_cached_build_is_reused(tiny_packages: dict[str, Path], tmp_path: Path) -> None:
    # A rebuild would differ (zip timestamps), so equal bytes mean the cache was used.
    cache = Path(__file__).resolve().parents[2] / ".cache" / "tiny-argos"
    again = build_tiny_package("es-en", tmp_path, cache_dir=cache)
    assert again.read_bytes() == tiny_packages["es-en"].read_bytes()


def test_unknown_pairs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'es-xx'"):
        build_tiny_package("es-xx", tmp_path)
