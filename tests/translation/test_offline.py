"""Translating never touches the network, MiniSBD or Stanza, nor the user's home folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sesame.translation.argos import ArgosTranslator
from sesame.translation.argos_env import argos_home

pytestmark = pytest.mark.slow

_SCRIPT = """
import json, socket, sys
from pathlib import Path

attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network disabled")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.getaddrinfo = socket.create_connection = refuse

from sesame.translation.argos import ArgosTranslator
translator = ArgosTranslator(Path(sys.argv[1]))
translator.load()
results = [
    translator.translate("Hola. ¿Cuál es la cantidad mínima de pedido?", "es", "en"),
    translator.translate("¿Puedo obtener una muestra?", "es", "zh"),
]
heavy = ("argostranslate.translate", "argostranslate.sbd", "stanza", "minisbd", "onnxruntime")
print(json.dumps({
    "results": results,
    "attempts": attempts,
    "imported": sorted(m for m in heavy if m in sys.modules),
}))
"""


def test_a_fresh_process_translates_offline_without_sbd_or_home_writes(
    packages_dir: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ARGOS_"))}
    env["HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(packages_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["results"] == [
        "Hello. What is the minimum order quantity?",
        "我可以要一个样品吗？",
    ]
    assert report["attempts"] == []
    assert report["imported"] == []
    assert list(home.iterdir()) == []  # argostranslate's folders went under our data dir
    downloaded = [p for p in argos_home(packages_dir).rglob("*") if p.name in {"minisbd", "stanza"}]
    assert downloaded == []


def test_translating_in_process_makes_no_connection(
    packages_dir: Path, no_network: list[str]
) -> None:
    translator = ArgosTranslator(packages_dir)
    translator.load()
    assert translator.translate("Gracias.", "es", "zh") == "谢谢。"
    assert no_network == []
