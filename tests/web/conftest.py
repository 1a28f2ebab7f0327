"""The web app in a real browser: one `sesame serve` process over the ingested demo catalog
with the tiny model and the tiny Argos packages, one Debian Chromium driven by Playwright.

Every page a test opens records console errors and uncaught page errors; a test that leaves
any behind fails when its pages are closed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from sesame.settings import Settings
from tests.api.chat_world import install
from tests.api.conftest import api_settings, ingested_data_dir
from tests.processes import Server, tiny_server_env

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

__all__ = ["ingested_data_dir"]  # the API tests' session fixture, shared here

CHROMIUM = Path(os.environ.get("SESAME_TEST_CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@dataclass
class App:
    """The running server, the settings of its data dir, and the catalog behind it."""

    url: str
    settings: Settings
    catalog: Path
    products: dict[str, dict[str, Any]]

    def call(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.request(method, self.url + path, headers=headers, timeout=60, **kw)
        assert response.is_success, response.text
        return response.json() if response.content else None

    def sign_up(self, name: str, language: str) -> str:
        made = self.call("POST", "/v1/accounts", json={"name": name, "language": language})
        return str(made["token"])

    def photo(self, product: str) -> Path:
        return self.catalog / self.products[product]["images"][0]


@pytest.fixture(scope="session")
def chromium() -> Path:
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (a dev extra)")
    if not CHROMIUM.is_file():
        pytest.skip(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get install -y chromium (.ci/run installs it)."
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def app(
    chromium: Path,
    ingested_data_dir: Path,
    tiny_clip_checkpoint: Path,
    tiny_packages: dict[str, Path],
    demo_catalog: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[App]:
    data = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(ingested_data_dir, data)
    settings = api_settings(data, tiny_clip_checkpoint)
    install(settings, tiny_packages, "es-en", "en-es", "zh-en", "en-zh")
    env = tiny_server_env(data, tiny_clip_checkpoint, SHOP__POLL_S="0.2",
                          TRANSLATION__RELOAD_INTERVAL_S="0")  # fmt: skip
    lines = (demo_catalog / "products.jsonl").read_text().splitlines()
    products = {row["id"]: row for row in map(json.loads, lines)}
    server = Server(env)
    try:
        yield App(server.url, settings, demo_catalog, products)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        yield launched
        launched.close()


@dataclass
class Pages:
    """Opens phone-sized pages in fresh contexts and keeps what their consoles said."""

    browser: Browser
    base_url: str
    errors: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def open(self, locale: str = "en-US", path: str = "/", **options: Any) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, viewport=PHONE, locale=locale, device_scale_factor=1,
            is_mobile=True, has_touch=True, **options,
        )  # fmt: skip
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: uncaught {error}"))
        page.goto(path)
        page.wait_for_selector("body[data-ready=true]")
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{page.url}: console error: {message.text}")

    def refused(self, status: int) -> None:
        """Take back the console error Chromium logs for a refusal that the test provoked."""
        logged = [line for line in self.errors if f"with a status of {status} " in line]
        assert len(logged) == 1, self.errors
        self.errors.remove(logged[0])

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture
def pages(browser: Browser, app: App) -> Iterator[Pages]:
    opened = Pages(browser, app.url)
    yield opened
    opened.close()
    assert not opened.errors, "\n".join(opened.errors)


def sign_in(page: Page, token: str) -> None:
    """Through the app's own sign-in screen."""
    page.goto("/#/account")
    page.locator("#token-input").fill(token)
    page.locator("#sign-in button[type=submit]").click()
    page.wait_for_selector("a[href='#/account'][aria-current='page']", state="detached")


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in impacts
    ]


Opener = Callable[..., "Page"]
