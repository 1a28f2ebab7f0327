"""Package management: install checks, listing, removal, and downloads without a network."""

from __future__ import annotations

import json
import time
import urllib.error
import zipfile
from pathlib import Path

import pytest

from sesame.core.errors import NotFound
from sesame.translation.argos import ArgosTranslator
from sesame.translation.packages import (
    DownloadFailed,
    InvalidPackage,
    download_packages,
    install_package,
    list_installed,
    remove_package,
)

pytestmark = pytest.mark.slow


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_a_file_that_is_not_a_zip_is_refused_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "model.argosmodel"
    bogus.write_text("hello")
    with pytest.raises(InvalidPackage, match="not a zip archive"):
        install_package(bogus, tmp_path / "packages")


def test_a_missing_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InvalidPackage, match="does not exist"):
        install_package(tmp_path / "nope.argosmodel", tmp_path / "packages")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pkg/model/model.bin": "x"}, "metadata.json"),
        ({"a/metadata.json": "{}", "b/metadata.json": "{}"}, "one top-level folder"),
        ({"pkg/metadata.json": "{not json"}, "not valid JSON"),
        ({"pkg/metadata.json": '{"from_code": "es"}'}, "from_code and to_code"),
        ({"pkg/metadata.json": '{"from_code": "es", "to_code": "en"}'}, "model.bin"),
        (
            {
                "pkg/metadata.json": '{"from_code": "es", "to_code": "en"}',
                "pkg/model/model.bin": "",
            },
            "sentencepiece.model",
        ),
    ],
)
def test_a_zip_that_is_not_an_argos_package_is_refused_clearly(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", files)
    with pytest.raises(InvalidPackage, match=message):
        install_package(archive, tmp_path / "packages")
    assert list_installed(tmp_path / "packages") == []


def test_install_list_reinstall_and_remove(tiny_packages: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "packages"
    installed = install_package(tiny_packages["es-en"], folder)
    assert (installed.from_code, installed.to_code, installed.version) == ("es", "en", "1.0")
    assert (installed.path / "metadata.json").is_file()
    install_package(tiny_packages["es-en"], folder)  # reinstalling replaces, never duplicates
    install_package(tiny_packages["en-es"], folder)
    assert [(p.from_code, p.to_code) for p in list_installed(folder)] == [
        ("en", "es"),
        ("es", "en"),
    ]
    removed = remove_package(folder, "es", "en")
    assert not removed.path.exists()
    assert [(p.from_code, p.to_code) for p in list_installed(folder)] == [("en", "es")]
    with pytest.raises(NotFound):
        remove_package(folder, "es", "en")


def test_listing_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert list_installed(tmp_path / "nothing-here") == []


def test_download_offline_says_how_to_install_by_hand(tmp_path: Path) -> None:
    def offline(url: str, timeout: float) -> bytes:
        raise urllib.error.URLError("Temporary failure in name resolution")

    with pytest.raises(DownloadFailed) as caught:
        download_packages(["es"], tmp_path / "packages", fetch=offline)
    message = caught.value.message
    assert message.startswith("Could not reach the Argos package index (")
    assert "`sesame models install PATH`" in message


def test_download_with_the_real_fetcher_fails_fast_when_the_network_is_down(
    tmp_path: Path, no_network: list[str]
) -> None:
    started = time.monotonic()
    with pytest.raises(DownloadFailed, match="Could not reach the Argos package index"):
        download_packages(["es"], tmp_path / "packages", timeout=5.0)
    assert time.monotonic() - started < 10
    assert no_network  # it did try, and was stopped by the guard


def test_download_installs_the_pairs_around_english(
    tiny_packages: dict[str, Path], tmp_path: Path
) -> None:
    index = [
        {"from_code": f, "to_code": t, "links": [f"https://example.invalid/{f}_{t}.argosmodel"]}
        for f, t in (("es", "en"), ("en", "es"), ("fr", "en"))
    ]

    def fake_fetch(url: str, timeout: float) -> bytes:
        if url.endswith("index.json"):
            return json.dumps(index).encode()
        pair = url.rsplit("/", 1)[1].removesuffix(".argosmodel").replace("_", "-")
        return tiny_packages[pair].read_bytes()

    folder = tmp_path / "packages"
    installed = download_packages(
        ["es"], folder, index_url="https://example.invalid/index.json", fetch=fake_fetch
    )
    assert {(p.from_code, p.to_code) for p in installed} == {("es", "en"), ("en", "es")}
    translator = ArgosTranslator(folder)
    translator.load()
    assert translator.translate("Gracias.", "es", "en") == "Thank you."
