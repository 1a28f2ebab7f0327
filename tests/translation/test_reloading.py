"""ReloadingTranslator: packages installed while running are picked up, at most once per interval.

The inner translator is a recording fake (the seam); the real ArgosTranslator
behind it is exercised by the API tests that install packages while serving.
"""

from __future__ import annotations

import threading

from sesame.translation.reloading import ReloadingTranslator


class Recorder:
    def __init__(self) -> None:
        self.loads = 0

    def load(self) -> None:
        self.loads += 1

    def translate(self, text: str, source: str, target: str) -> str:
        return f"{text}:{self.loads}"

    def can_translate(self, source: str, target: str) -> bool:
        return True

    def languages(self) -> set[str]:
        return {"en"}

    def pairs(self) -> set[tuple[str, str]]:
        return set()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_changed_folder_is_reloaded_once_the_interval_has_passed() -> None:
    inner, clock, stamp = Recorder(), Clock(), {"value": 1.0}
    translator = ReloadingTranslator(inner, lambda: stamp["value"], interval=2.0, clock=clock)
    translator.load()
    assert translator.translate("hi", "en", "es") == "hi:1"
    stamp["value"] = 2.0  # a package was installed
    clock.now = 1.0
    assert translator.translate("hi", "en", "es") == "hi:1"  # within the interval: not checked
    clock.now = 2.5
    assert translator.translate("hi", "en", "es") == "hi:2"
    clock.now = 10.0
    assert translator.translate("hi", "en", "es") == "hi:2"  # unchanged stamp: no reload
    assert inner.loads == 2


def test_the_folder_is_not_checked_on_every_call() -> None:
    inner, clock = Recorder(), Clock()
    checks = {"count": 0}

    def stamp() -> float:
        checks["count"] += 1
        return 1.0

    translator = ReloadingTranslator(inner, stamp, interval=2.0, clock=clock)
    translator.load()
    for _ in range(100):
        translator.translate("hi", "en", "es")
    assert checks["count"] == 1  # the load itself


def test_a_reload_in_progress_does_not_block_other_threads() -> None:
    release, entered = threading.Event(), threading.Event()

    class Slow(Recorder):
        def load(self) -> None:
            super().load()
            if self.loads > 1:
                entered.set()
                release.wait(5)

    inner, clock, stamp = Slow(), Clock(), {"value": 1.0}
    translator = ReloadingTranslator(inner, lambda: stamp["value"], interval=0.0, clock=clock)
    translator.load()
    stamp["value"] = 2.0
    reloader = threading.Thread(target=translator.translate, args=("a", "en", "es"))
    reloader.start()
    assert entered.wait(5)
    assert translator.translate("b", "en", "es").startswith("b:")  # answered during the reload
    release.set()
    reloader.join(5)
    assert inner.loads == 2
