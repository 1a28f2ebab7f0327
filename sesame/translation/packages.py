"""Translation package management for the CLI: install, list, remove, download.

An Argos package (``.argosmodel``) is a zip archive with one top-level folder
holding ``metadata.json``, a CTranslate2 ``model/`` and a tokenizer model. Files
are checked before argostranslate installs them, so a wrong file gets a sentence
that says what is wrong rather than a traceback.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sesame.core.errors import InvalidInput, NotFound, SesameError
from sesame.translation.argos_env import (
    argos_packages_dir,
    clear_argos_caches,
    import_argos_package,
)

logger = logging.getLogger(__name__)

Fetch = Callable[[str, float], bytes]
INSTALL_HINT = (
    "on a machine without internet, copy .argosmodel files here and run "
    "`sesame models install PATH`"
)


class InvalidPackage(InvalidInput):
    """The file is not an installable Argos translation package."""


class DownloadFailed(SesameError):
    """The Argos package index or a package could not be fetched."""


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    from_code: str
    to_code: str
    version: str
    path: Path
    from_name: str = ""
    to_name: str = ""


def _read_metadata(raw: bytes, origin: str) -> dict[str, Any]:
    try:
        metadata = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidPackage(f"{origin}: metadata.json is not valid JSON ({exc}).") from exc
    if not isinstance(metadata, dict) or not all(
        isinstance(metadata.get(key), str) and metadata[key] for key in ("from_code", "to_code")
    ):
        raise InvalidPackage(f"{origin}: metadata.json must name from_code and to_code.")
    return metadata


def _check_archive(path: Path) -> tuple[str, dict[str, Any]]:
    """Return the archive's top-level folder and its metadata, or raise InvalidPackage."""
    if not path.is_file():
        raise InvalidPackage(f"{path} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise InvalidPackage(f"{path} is not an Argos package: it is not a zip archive.")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        tops = {PurePosixPath(n).parts[0] for n in names if n.strip("/")}
        if any(PurePosixPath(n).is_absolute() or ".." in PurePosixPath(n).parts for n in names):
            raise InvalidPackage(f"{path} has paths outside its folder; refusing to extract it.")
        if len(tops) != 1 or f"{next(iter(tops))}/metadata.json" not in names:
            raise InvalidPackage(
                f"{path} is not an Argos package: expected one top-level folder "
                "with a metadata.json in it."
            )
        top = next(iter(tops))
        metadata = _read_metadata(archive.read(f"{top}/metadata.json"), str(path))
        if f"{top}/model/model.bin" not in names:
            raise InvalidPackage(f"{path} has no CTranslate2 model ({top}/model/model.bin).")
        if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & set(names):
            raise InvalidPackage(f"{path} has no sentencepiece.model or bpe.model tokenizer.")
    return top, metadata


def _describe(folder: Path, metadata: dict[str, Any]) -> InstalledPackage:
    return InstalledPackage(
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        version=str(metadata.get("package_version", "")),
        path=folder,
        from_name=str(metadata.get("from_name", "")),
        to_name=str(metadata.get("to_name", "")),
    )


def list_installed(packages_dir: Path) -> list[InstalledPackage]:
    """The packages in ``packages_dir``, sorted by language pair."""
    found: list[InstalledPackage] = []
    if not packages_dir.is_dir():
        return found
    for folder in sorted(p for p in packages_dir.iterdir() if p.is_dir()):
        meta_path = folder / "metadata.json"
        try:
            found.append(_describe(folder, _read_metadata(meta_path.read_bytes(), str(folder))))
        except (OSError, InvalidPackage) as exc:
            logger.warning("Ignoring %s: %s", folder, exc)
    return sorted(found, key=lambda p: (p.from_code, p.to_code))


def install_package(path: Path, packages_dir: Path) -> InstalledPackage:
    """Install the ``.argosmodel`` at ``path``, replacing any package for the same pair."""
    top, metadata = _check_archive(path)
    packages_dir.mkdir(parents=True, exist_ok=True)
    for old in list_installed(packages_dir):
        if (old.from_code, old.to_code) == (metadata["from_code"], metadata["to_code"]):
            logger.info("Replacing %s->%s package at %s", old.from_code, old.to_code, old.path)
            shutil.rmtree(old.path)
    if (packages_dir / top).exists():
        shutil.rmtree(packages_dir / top)
    with argos_packages_dir(packages_dir) as argos_package:
        argos_package.install_from_path(path)
    clear_argos_caches()
    installed = _describe(packages_dir / top, metadata)
    logger.info("Installed %s->%s into %s", installed.from_code, installed.to_code, installed.path)
    return installed


def remove_package(packages_dir: Path, from_code: str, to_code: str) -> InstalledPackage:
    """Delete the installed package for ``from_code``->``to_code``."""
    for package in list_installed(packages_dir):
        if (package.from_code, package.to_code) == (from_code, to_code):
            shutil.rmtree(package.path)
            clear_argos_caches()
            return package
    raise NotFound(f"No {from_code}->{to_code} translation package is installed.")


def fetch_url(url: str, timeout: float) -> bytes:
    """GET ``url`` (http or https) within ``timeout`` seconds per socket operation."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"Refusing to fetch {url!r}: only http(s) URLs are allowed.")
    request = urllib.request.Request(url, headers={"User-Agent": "sesame"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body: bytes = response.read()
    return body


def _wanted_pairs(languages: Iterable[str], pivot: str) -> set[tuple[str, str]]:
    codes = set(languages)
    around_pivot = {p for c in codes - {pivot} for p in ((c, pivot), (pivot, c))}
    return around_pivot | {(a, b) for a in codes for b in codes if a != b}


def download_packages(
    languages: list[str],
    packages_dir: Path,
    *,
    index_url: str | None = None,
    timeout: float = 10.0,
    fetch: Fetch = fetch_url,
    pivot: str = "en",
) -> list[InstalledPackage]:
    """Fetch and install, from the Argos index, packages covering ``languages``.

    Gets every pair between a language and ``pivot`` (English), plus direct pairs
    between the given languages where the index has them.
    """
    url = index_url or import_argos_package(packages_dir).settings.remote_package_index
    try:
        index = json.loads(fetch(url, timeout))
    except (OSError, ValueError) as exc:
        raise DownloadFailed(
            f"Could not reach the Argos package index ({exc}); {INSTALL_HINT}."
        ) from exc
    wanted = _wanted_pairs(languages, pivot)
    entries = [
        e for e in index
        if isinstance(e, dict) and e.get("type", "translate") == "translate"
        and (e.get("from_code"), e.get("to_code")) in wanted
    ]  # fmt: skip
    missing = wanted - {(e["from_code"], e["to_code"]) for e in entries}
    if missing:
        logger.warning("The Argos index has no package for %s", sorted(missing))
    return [_download_one(entry, packages_dir, fetch) for entry in entries]


def _download_one(entry: dict[str, Any], packages_dir: Path, fetch: Fetch) -> InstalledPackage:
    pair = f"{entry['from_code']}->{entry['to_code']}"
    for link in entry.get("links", []):
        try:
            data = fetch(link, 300.0)
        except (OSError, ValueError) as exc:
            logger.warning("Download of %s from %s failed: %s", pair, link, exc)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "package.argosmodel"
            target.write_bytes(data)
            return install_package(target, packages_dir)
    raise DownloadFailed(f"Could not download the {pair} package; {INSTALL_HINT}.")
