"""Importing argostranslate safely: its folders under our data dir, nothing global left.

argostranslate reads its settings and creates its folders (data, config, cache,
packages) when ``argostranslate.settings`` is first imported, and keeps the
packages folder in a module global. This module sets the environment for that
one import (then restores it), and points the packages folder at the caller's
for the duration of an install or removal. Only ``argostranslate.package`` is
imported here: ``argostranslate.translate`` pulls in Stanza, MiniSBD and
onnxruntime, which Sesame's translator never uses.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

logger = logging.getLogger(__name__)

_LOCK = threading.RLock()


def argos_home(packages_dir: Path) -> Path:
    """Where argostranslate's own data, config and cache folders go."""
    return packages_dir.parent / "argos-home"


def _environment(packages_dir: Path) -> dict[str, str]:
    home = argos_home(packages_dir)
    return {
        "ARGOS_PACKAGES_DIR": str(packages_dir),
        "ARGOS_DEVICE_TYPE": "cpu",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),  # no user settings.json leaks in
        "XDG_CACHE_HOME": str(home / "cache"),
    }


@contextmanager
def _patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def import_argos_package(packages_dir: Path) -> ModuleType:
    """Return ``argostranslate.package``, importing it with our environment if needed."""
    with _LOCK:
        if "argostranslate.settings" not in sys.modules:
            logger.info(
                "Importing argostranslate with its folders under %s", argos_home(packages_dir)
            )
            with _patched_environ(_environment(packages_dir)):
                return importlib.import_module("argostranslate.package")
        return importlib.import_module("argostranslate.package")


@contextmanager
def argos_packages_dir(packages_dir: Path) -> Iterator[ModuleType]:
    """``argostranslate.package`` with its packages folder set to ``packages_dir``.

    Holds a process-wide lock: argostranslate keeps that folder in a module global.
    """
    with _LOCK:
        package = import_argos_package(packages_dir)
        settings: Any = sys.modules["argostranslate.settings"]
        saved = settings.package_data_dir, settings.package_dirs
        settings.package_data_dir, settings.package_dirs = packages_dir, [packages_dir]
        try:
            with _patched_environ(_environment(packages_dir)):
                yield package
        finally:
            settings.package_data_dir, settings.package_dirs = saved


def clear_argos_caches() -> None:
    """Forget argostranslate's cached language graph (only if that module was loaded)."""
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()
        translate.installed_translates.clear()
