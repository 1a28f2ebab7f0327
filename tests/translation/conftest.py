"""Fixtures for the translation tests: tiny real Argos packages, built once.

The packages are trained by ``translation.tiny`` (cached by content hash under
``<repo>/.cache/tiny-argos``), installed through ``install_package`` and loaded
by the real ``ArgosTranslator`` code path. Nothing is downloaded.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from sesame.translation.argos import ArgosTranslator
from sesame.translation.packages import install_package


@pytest.fixture(scope="session")
def packages_dir(tiny_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A packages folder with every tiny package installed."""
    folder = tmp_path_factory.mktemp("data") / "translation" / "packages"
    for archive in tiny_packages.values():
        install_package(archive, folder)
    return folder


@pytest.fixture(scope="session")
def translator(packages_dir: Path) -> ArgosTranslator:
    loaded = ArgosTranslator(packages_dir)
    loaded.load()
    return loaded


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every name lookup and connection; yields the list of attempts made."""
    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(what)
            raise OSError(f"network disabled in tests ({what})")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    return attempts
