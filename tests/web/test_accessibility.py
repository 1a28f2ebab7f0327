"""axe-core over the main screens, signed out, as a buyer and as supplier staff: no
violation rated serious or critical. Also: the console watch itself catches errors."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.api.chat_world import SPANISH, staff_token
from tests.web.conftest import App, Pages, axe_violations, sign_in

PRODUCT = "prd-00150"


def scan(page: Page, path: str, ready: str) -> list[str]:
    page.goto(path)
    page.wait_for_selector(ready)
    return [f"{path}: {found}" for found in axe_violations(page)]


def test_the_main_screens_have_no_serious_or_critical_accessibility_violations(
    app: App, pages: Pages
) -> None:
    supplier = app.products[PRODUCT]["supplier_id"]
    buyer_token = app.sign_up("Dana", "es")
    talk = app.call("POST", "/v1/conversations", buyer_token,
                    json={"supplier_id": supplier, "product_id": PRODUCT})  # fmt: skip
    app.call(
        "POST", f"/v1/conversations/{talk['id']}/messages", buyer_token, json={"text": SPANISH}
    )
    found: list[str] = []

    anonymous = pages.open(bypass_csp=True)  # axe is injected as an inline script
    found += scan(anonymous, "/#/", "#photo-pick")
    anonymous.locator("#photo-pick").set_input_files(app.photo(PRODUCT))
    anonymous.locator("#photo-search").click()
    anonymous.wait_for_selector(".supplier-card")
    found += [f"results: {v}" for v in axe_violations(anonymous)]
    found += scan(anonymous, f"/#/product/{PRODUCT}", "#offers-title")
    found += scan(anonymous, f"/#/supplier/{supplier}", "#reviews-title")
    found += scan(anonymous, "/#/account", "#sign-up")

    buyer = pages.open(locale="es-ES", bypass_csp=True)
    sign_in(buyer, buyer_token)
    found += scan(buyer, "/#/rfqs", "#rfq-form")
    found += scan(buyer, f"/#/chat/{talk['id']}", ".message")
    found += scan(buyer, "/#/company", "#members-title")

    staff = pages.open(locale="zh-CN", bypass_csp=True)
    sign_in(staff, staff_token(app.settings, supplier, "zh"))
    found += scan(staff, "/#/inbox", "#inbox-rfqs")
    found += scan(staff, "/#/catalog", "#add-product")
    assert found == []
    # the scan can fail: a photo without a text alternative is a critical violation
    staff.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert [v for v in axe_violations(staff) if v.startswith("image-alt")]


def test_the_console_watch_catches_console_errors_and_uncaught_exceptions(
    browser: object, app: App
) -> None:
    watch = Pages(browser, app.url)  # type: ignore[arg-type]
    try:
        page = watch.open()
        page.evaluate("console.error('boom')")
        page.evaluate("setTimeout(() => { throw new Error('bang'); })")
        page.wait_for_timeout(200)
    finally:
        watch.close()
    assert any("console error: boom" in line for line in watch.errors), watch.errors
    assert any("bang" in line for line in watch.errors), watch.errors
