"""Buyers search in the browser: a catalog photo through the file input finds its supplier
first; a Spanish query says what was searched; the product and supplier pages follow."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from tests.api.chat_world import staff_token
from tests.web.conftest import App, Pages, sign_in

PRODUCT = "prd-00117"


def photo_search(page: Page, app: App, product: str) -> None:
    page.locator("#photo-pick").set_input_files(app.photo(product))
    page.locator("#photo-search").click()
    page.wait_for_selector(".supplier-card")


def test_a_catalog_photo_through_the_file_input_shows_its_supplier_first(
    app: App, pages: Pages
) -> None:
    page = pages.open()
    camera = page.locator("#photo-camera")
    assert (camera.get_attribute("accept"), camera.get_attribute("capture")) == (
        "image/*",
        "environment",
    )
    photo_search(page, app, PRODUCT)
    first = page.locator(".supplier-card").first
    expect(first).to_have_attribute("data-supplier", app.products[PRODUCT]["supplier_id"])
    expect(first.locator(f"[data-product='{PRODUCT}']")).to_be_visible()
    expect(page.locator(".searched")).to_have_text("Suppliers of the product in your photo")


def test_a_spanish_query_says_what_was_searched_and_finds_mugs(pages: Pages) -> None:
    page = pages.open(locale="es-ES")
    page.get_by_label("¿Qué necesitas?").fill("taza roja")
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page.locator(".searched")).to_have_text(
        "Se buscó «red mug» (escribiste «taza roja», es)"
    )
    # titles come back in the language searched in (the tiny phrasebook model knows mugs)
    expect(page.locator(".supplier-card .product .title").first).to_contain_text("taza")


def test_a_supplier_page_shows_reviews_in_the_readers_language_with_the_original_on_tap(
    app: App, pages: Pages
) -> None:
    supplier = app.products[PRODUCT]["supplier_id"]
    writer, staff = app.sign_up("Wang", "zh"), staff_token(app.settings, supplier, "en")
    talk = app.call("POST", "/v1/conversations", writer, json={"supplier_id": supplier})
    app.call("POST", f"/v1/conversations/{talk['id']}/messages", staff, json={"text": "Hello."})
    app.call("POST", f"/v1/suppliers/{supplier}/reviews", writer,
             json={"rating": 5, "text": "样品质量非常好。"})  # fmt: skip

    page = pages.open(locale="es-ES")
    page.goto(f"/#/product/{PRODUCT}")
    expect(page.locator("#offers-title")).to_have_text("También lo ofrecen")
    page.locator("#sold-by + p a").click()
    review = page.locator(".review").first
    expect(review.locator(".text")).to_have_text("La calidad de la muestra es muy buena.")
    review.get_by_role("button", name="Ver original (zh)").click()
    expect(review.locator(".original")).to_have_text("样品质量非常好。")


def test_a_refusal_is_shown_as_the_apis_sentence_with_when_to_retry(pages: Pages) -> None:
    page = pages.open()
    busy = {"detail": "Too many searches from this address."}

    def refuse(route: Route) -> None:
        route.fulfill(status=429, headers={"Retry-After": "7"}, json=busy)

    page.route("**/v1/search/text", refuse)
    page.get_by_label("What do you need?").fill("red mug")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".results [role=alert]")).to_have_text(
        "Sorry: Too many searches from this address. Try again in 7 s."
    )
    pages.refused(429)


def test_why_a_supplier_moved_up_is_said_in_the_buyers_language(app: App, pages: Pages) -> None:
    buyer = app.sign_up("Lucía", "es")
    supplier = app.products[PRODUCT]["supplier_id"]
    talk = app.call("POST", "/v1/conversations", buyer, json={"supplier_id": supplier})
    app.call("POST", f"/v1/conversations/{talk['id']}/messages", buyer, json={"text": "Hola"})
    page = pages.open(locale="es-ES")
    sign_in(page, buyer)
    photo_search(page, app, PRODUCT)
    card = page.locator(f".supplier-card[data-supplier='{supplier}']")
    expect(card.locator(".reasons")).to_have_text("Su empresa habló con este proveedor")
