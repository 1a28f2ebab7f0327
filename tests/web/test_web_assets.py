"""The web app's files, without a browser: served at the right paths beside the API, every
interface string in all three message files, the service worker's shell complete, and
nothing fetched from another origin."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sesame.api.app import build_app
from sesame.search.personal import REASONS
from sesame.settings import Settings
from sesame.shop.trust import CHECKS
from sesame.web.mount import STATIC

LANGUAGES = ("en", "es", "zh")
SCRIPTS = sorted(STATIC.glob("js/**/*.js"))
KEY = re.compile(r"(?:\bt\(|\bkey: )'([a-z_]+(?:\.[a-z_]+)+)'")
BUILT = re.compile(r"\bt\(`([a-z_]+(?:\.[a-z_]+)*)\.\$\{")
# Keys built from the API's values (t(`rfq.state.${rfq.state}`)): every value has its words.
FAMILIES = {
    "check": CHECKS,
    "rfq.state": {"open", "awarded", "cancelled", "expired"},
    "quote.status": {"submitted", "accepted", "not_selected"},
    "catalog.status": {"pending", "indexed", "failed"},
    "catalog.zip_state": {"done", "failed"},
    "kind": {"buyer", "supplier", "operator"},
    "role": {"admin", "staff", "operator"},
    "language": set(LANGUAGES),
    "reason": set(REASONS),  # the codes personal ranking gives (reason_codes)
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@asynccontextmanager
async def no_services(_app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(data_dir=tmp_path_factory.mktemp("web-assets"))
    return TestClient(build_app(settings, no_services))


def messages(language: str) -> dict[str, str]:
    return json.loads((STATIC / "i18n" / f"{language}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_shell_is_served_at_the_root_beside_the_api(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/main.js">' in page.text
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/sw.js").headers["content-type"].startswith("text/javascript")
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon
    assert client.get("/static/js/main.js").status_code == 200
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    assert "/" not in client.get("/openapi.json").json()["paths"]
    missing = client.get("/v1/no-such-thing")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})
    assert client.get("/v1/search/text").status_code == 405  # no catch-all swallows the API


def test_every_interface_string_is_in_all_three_message_files() -> None:
    used = {key for path in SCRIPTS for key in KEY.findall(path.read_text(encoding="utf-8"))}
    english = messages("en")
    built = {
        prefix for path in SCRIPTS for prefix in BUILT.findall(path.read_text(encoding="utf-8"))
    }
    assert built == set(FAMILIES), "keys built from values that FAMILIES does not list"
    used |= {f"{family}.{value}" for family, values in FAMILIES.items() for value in values}
    used |= set(re.findall(r'data-i18n="([^"]+)"', (STATIC / "index.html").read_text()))
    assert used - set(english) == set(), "keys used in code but missing from en.json"
    assert set(english) - used == set(), "keys in en.json that nothing uses"
    for language in LANGUAGES[1:]:
        other = messages(language)
        assert set(other) == set(english), language
        for key, text in english.items():
            assert set(PLACEHOLDER.findall(other[key])) == set(PLACEHOLDER.findall(text)), key


def test_the_service_worker_caches_the_whole_shell_and_no_api_answer() -> None:
    worker = (STATIC / "sw.js").read_text(encoding="utf-8")
    listed = set(re.findall(r"'(/static/[^']+)'", worker))
    shipped = {f"/static/{p.relative_to(STATIC).as_posix()}" for p in SCRIPTS}
    shipped |= {f"/static/i18n/{language}.json" for language in LANGUAGES}
    assert shipped - listed == set(), "files the offline shell would miss"
    assert "/v1" not in re.sub(r"//.*", "", worker)  # only the comment names the API


@pytest.mark.parametrize("path", [*SCRIPTS, STATIC / "index.html", STATIC / "css" / "app.css"])
def test_nothing_is_loaded_from_another_origin(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not re.findall(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", text)
    assert not re.findall(r"""(?:fetch|import)\s*\(?\s*["'`](?:https?:)?//""", text)
