"""Phone-size screenshots of the web app's main screens, for the README.

    python scripts/screenshots.py [--out docs/screenshots]

Builds a throw-away world offline, as the browser tests do: the demo catalog ingested with
the small test model and the phrasebook translation packages (both built by sesame_dev and
cached in .cache/), a `sesame serve` process, a Spanish buyer and Chinese supplier staff.
Then Debian's Chromium (/usr/bin/chromium, via Playwright) takes each screen at 390x844.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
MAX_BYTES = 200_000
PHONE = {"width": 390, "height": 844}
PORT = 8799
URL = f"http://127.0.0.1:{PORT}"
PRODUCT = "prd-00001"  # replaced by the catalog's first red mug (its title translates)


def checkpoint() -> Path:
    from sesame_dev.tiny_clip.trainer import train_tiny_clip, training_fingerprint

    target = REPO / ".cache" / "test-models" / f"sesame-tiny-{training_fingerprint()}-450.pt"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        train_tiny_clip(target, seconds=900, max_steps=450, seed=0)
    return target


def build_world(root: Path, weights: Path) -> dict[str, str]:
    """The demo catalog ingested into `root/data`, translation packages installed."""
    from sesame_dev.tiny_argos.build import build_tiny_package

    from sesame.demo.catalog import generate_demo_catalog
    from sesame.runtime.startup import open_runtime
    from sesame.settings import Settings
    from sesame.translation.packages import install_package

    env = {
        **os.environ, "SESAME_DATA_DIR": str(root / "data"), "SESAME_EMBEDDINGS__MODEL": "sesame-tiny",
        "SESAME_EMBEDDINGS__PRETRAINED": str(weights), "SESAME_LIMITS__ENABLED": "false",
        "SESAME_EMBEDDINGS__ONNX_DIR": str(REPO / ".cache" / "onnx"), "SESAME_SHOP__POLL_S": "0.2",
    }  # fmt: skip
    settings = Settings(
        data_dir=root / "data", embeddings={"model": "sesame-tiny", "pretrained": str(weights)}
    )
    generate_demo_catalog(root / "catalog", products=300, seed=7)
    runtime = open_runtime(settings)
    try:
        runtime.ingestor().run(root / "catalog")
    finally:
        runtime.close()
    for pair in ("es-en", "en-es", "zh-en", "en-zh"):
        package = build_tiny_package(pair, root / "argos", cache_dir=REPO / ".cache" / "tiny-argos")
        install_package(package, settings.argos_packages_dir)
    return env


def serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "sesame", "serve", "--no-demo", "--port", str(PORT)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            parts = httpx.get(f"{URL}/readyz", timeout=1).json()["components"].values()
            if all(part["state"] != "loading" for part in parts):
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def call(method: str, path: str, token: str | None = None, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.request(method, URL + path, headers=headers, timeout=60, **kw)
    response.raise_for_status()
    return response.json() if response.content else None


def staff(env: dict[str, str], supplier: str, name: str) -> str:
    command = [sys.executable, "-m", "sesame", "accounts", "create", "--name", name,
               "--language", "zh", "--supplier", supplier]  # fmt: skip
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return output.rsplit("token (shown once): ", 1)[1].strip()


def trade(env: dict[str, str], catalog: Path) -> dict[str, Any]:
    """A Spanish buyer's chat and RFQ, answered in Chinese by two suppliers."""
    products = {json.loads(line)["id"]: json.loads(line) for line in
                (catalog / "products.jsonl").read_text().splitlines()}  # fmt: skip
    global PRODUCT
    PRODUCT = next(p for p, row in products.items() if "red" in row["title"].lower()
                   and "mug" in row["title"].lower())  # fmt: skip
    supplier = products[PRODUCT]["supplier_id"]
    buyer = call("POST", "/v1/accounts", json={"name": "Ana", "language": "es",
                                              "company": "Ana Hogar"})["token"]  # fmt: skip
    li = staff(env, supplier, "Li")
    talk = call("POST", "/v1/conversations", buyer, json={"supplier_id": supplier,
                                                         "product_id": PRODUCT})  # fmt: skip
    for who, text in ((buyer, "¿Cuál es la cantidad mínima de pedido?"),
                      (li, "最小起订量是五百件。"), (buyer, "¿Puedo obtener una muestra?"),
                      (li, "样品免费，但运费由您支付。")):  # fmt: skip
        call("POST", f"/v1/conversations/{talk['id']}/messages", who, json={"text": text})
    photo = (catalog / products[PRODUCT]["images"][0]).read_bytes()
    deadline = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    body = {"text": "Quiero hacer un pedido.", "quantity": 600, "destination_country": "ES",
            "deadline": deadline, "currency": "EUR"}  # fmt: skip
    rfq = call("POST", "/v1/rfqs", buyer, data={"rfq": json.dumps(body)},
               files={"image": ("mug.jpg", photo)})  # fmt: skip
    valid = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    for n, match in enumerate(rfq["matched"][:3]):
        token = (
            li
            if match["supplier"]["id"] == supplier
            else staff(env, match["supplier"]["id"], f"S{n}")
        )
        quote = {"unit_price": [9.5, 1.6, 11.0][n], "currency": ["CNY", "USD", "CNY"][n],
                 "moq": 500, "lead_time_days": 20 + 5 * n, "valid_until": valid,
                 "message": ["是的，我们有现货。", "We can accept a smaller order the first time.", "这是我们的最低价。"][n]}  # fmt: skip
        call("POST", f"/v1/rfqs/{rfq['id']}/quotes", token, json=quote)
    return {"buyer": buyer, "staff": li, "chat": talk["id"], "rfq": rfq["id"],
            "photo": catalog / products[PRODUCT]["images"][0]}  # fmt: skip


def save(page: Any, out: Path, name: str) -> None:
    """A PNG under the size budget: palette-reduced when the full-colour one is too big."""
    image = Image.open(io.BytesIO(page.screenshot()))
    path = out / f"{name}.png"
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.convert("RGB").quantize(colors=128).save(path, optimize=True)
    print(f"{path} ({path.stat().st_size // 1024} KiB)")


def page_for(browser: Any, locale: str, token: str) -> Any:
    """A phone-size page, signed in (the token as the app keeps it) and loaded."""
    context = browser.new_context(base_url=URL, viewport=PHONE, locale=locale, is_mobile=True)
    context.add_init_script(f"localStorage.setItem('sesame.token', {json.dumps(token)})")
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector("body[data-ready=true]")
    return page


def settled(page: Any) -> None:
    """Every photo in view has loaded (or failed), so that none is shot half-drawn."""
    page.wait_for_function(
        "() => [...document.images].filter((i) => i.getBoundingClientRect().top < innerHeight)"
        ".every((i) => i.complete)"
    )


def visit(page: Any, out: Path, name: str, path: str, ready: str) -> None:
    page.goto(path)
    page.wait_for_selector(ready)
    settled(page)
    save(page, out, name)


def search_screens(buyer: Any, world: dict[str, Any], out: Path) -> None:
    save(buyer, out, "01-search")
    buyer.locator("#photo-pick").set_input_files(world["photo"])
    buyer.wait_for_selector(".crop-stage img")
    settled(buyer)
    save(buyer, out, "02-crop")
    buyer.get_by_label("¿Qué necesitas?").fill("taza roja")
    buyer.locator(".search-form button[type=submit]").click()
    buyer.wait_for_selector(".supplier-card img")
    buyer.evaluate("window.scrollTo(0, document.querySelector('.filter-panel').offsetTop - 60)")
    settled(buyer)
    save(buyer, out, "03-results")


def shoot(world: dict[str, Any], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        buyer = page_for(browser, "es-ES", world["buyer"])
        search_screens(buyer, world, out)
        visit(buyer, out, "04-product", f"/#/product/{PRODUCT}", "#offers-title")
        visit(buyer, out, "05-chat-buyer", f"/#/chat/{world['chat']}", ".message")
        buyer.goto(f"/#/rfq/{world['rfq']}")
        buyer.wait_for_selector(".quote")
        buyer.locator("#quotes-title").scroll_into_view_if_needed()
        save(buyer, out, "06-rfq-quotes")
        seller = page_for(browser, "zh-CN", world["staff"])
        visit(seller, out, "07-chat-staff", f"/#/chat/{world['chat']}", ".message")
        visit(seller, out, "08-inbox", "/#/inbox", "#inbox-rfqs")
        visit(seller, out, "09-catalog", "/#/catalog", ".own-products")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sesame-shots-") as tmp:
        env = build_world(Path(tmp), checkpoint())
        server = serve(env)
        try:
            shoot(trade(env, Path(tmp) / "catalog"), args.out)
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
