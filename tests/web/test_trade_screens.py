"""Marketplace flows in the browser: an RFQ answered with a quote and accepted, then the
supplier reviewed; a staff member's new product becomes searchable; an operator verifies
a supplier and hides a review."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, Route, expect

from tests.api.chat_world import CHINESE_REPLY, ENGLISH, staff_token
from tests.api.shop_world import jpeg, operator_token, photo_of
from tests.web.conftest import App, Pages, sign_in

RFQ_PRODUCT = "prd-00058"
REVIEW_PRODUCT = "prd-00086"
YES_IN_STOCK = "Yes, we have it in stock."


def post_rfq(buyer: Page, app: App, product: str) -> str:
    """Through the RFQ form, with the product's photo; returns the new request's id."""
    buyer.goto("/#/rfqs")
    form = buyer.locator("#rfq-form")
    form.get_by_label("What do you need?").fill("Like this one, with our logo")
    form.get_by_label("Photo (optional)").set_input_files(app.photo(product))
    form.get_by_label("Quantity").fill("300")
    form.get_by_label("Ship to (country code)").fill("ES")
    form.get_by_role("button", name="Send request").click()
    buyer.wait_for_url(re.compile(r"#/rfq/\d+$"))
    expect(buyer.get_by_text("No quotes yet.")).to_be_visible()
    return buyer.url.rsplit("/", 1)[1]


def add_form(pages: Pages, token: str, title: str, category: str) -> tuple[Page, Locator]:
    """Staff's catalog screen, with a new product's title and category filled in."""
    staff = pages.open()
    sign_in(staff, token)
    staff.goto("/#/catalog")
    form = staff.locator("#add-product")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Category").fill(category)
    return staff, form


def test_an_rfq_gets_a_quote_that_the_buyer_accepts_and_then_reviews(
    app: App, pages: Pages
) -> None:
    supplier = app.products[RFQ_PRODUCT]["supplier_id"]
    buyer = pages.open()
    sign_in(buyer, app.sign_up("Bea", "en"))
    rfq = post_rfq(buyer, app, RFQ_PRODUCT)

    staff = pages.open(locale="zh-CN")
    sign_in(staff, staff_token(app.settings, supplier, "zh"))
    staff.goto("/#/inbox")
    staff.locator(f"a[href='#/rfq/{rfq}?as=supplier']").click()
    quote = staff.locator("#quote-form")
    quote.locator("input[name=unit_price]").fill("2.5")
    quote.locator("textarea[name=message]").fill(CHINESE_REPLY)
    quote.locator("button[type=submit]").click()
    expect(staff.locator(".quote")).to_have_count(1)

    buyer.reload()
    card = buyer.locator(f".quote[data-supplier='{supplier}']")
    expect(card.locator(".said .text")).to_have_text(YES_IN_STOCK)
    card.get_by_role("button", name="Accept this quote").click()
    expect(buyer.locator(".state").first).to_have_text("Awarded")
    expect(card).to_have_class(re.compile("accepted"))
    card.get_by_role("link", name="Review this supplier").click()
    review = buyer.locator("#review-form")
    review.get_by_label("Rating").select_option("4")
    review.get_by_label("Your review (any language)").fill("Good quality, fast answers.")
    review.get_by_role("button", name="Publish review").click()
    expect(buyer.locator(".review").first).to_contain_text("Good quality, fast answers.")

    staff.goto("/#/inbox")
    expect(staff.locator(f"a[href='#/rfq/{rfq}?as=supplier']")).to_contain_text("已接受")


def test_a_product_added_with_a_photo_by_staff_is_found_by_a_buyers_photo_search(
    app: App, pages: Pages, tmp_path: Path
) -> None:
    token = app.sign_up("Minh", "en")
    shop = app.call(
        "POST", "/v1/suppliers", token, json={"name": "Hanoi Web Lamps", "country": "VN"}
    )
    photo = tmp_path / "table.jpg"
    photo.write_bytes(jpeg(photo_of("table", 77, colour="brown", pattern="striped"), 95))

    staff, form = add_form(pages, token, "Brown striped oak table", "furniture")
    form.get_by_label("Description").fill("Solid oak, seats six.")
    form.get_by_label("From").fill("40")
    form.get_by_label("Photos").set_input_files(photo)
    form.get_by_role("button", name="Save").click()
    row = staff.locator(".own-product").filter(has_text="Brown striped oak table")
    expect(row.locator(".state")).to_have_text("Searchable", timeout=30_000)  # no reload
    product = row.get_attribute("data-product")

    buyer = pages.open()
    buyer.locator("#photo-pick").set_input_files(photo)
    buyer.locator("#photo-search").click()
    first = buyer.locator(".supplier-card").first
    expect(first).to_have_attribute("data-supplier", shop["id"])
    expect(first.locator(f"[data-product='{product}']")).to_contain_text("40 USD")

    row.get_by_role("link", name="Edit").click()
    expect(staff.get_by_label("Description")).to_have_value("Solid oak, seats six.")  # kept
    staff.locator("#edit-product").get_by_label("Title").fill("Brown striped oak table, 2 m")
    staff.locator("#edit-product").get_by_role("button", name="Save").click()
    renamed = staff.locator(f".own-product[data-product='{product}']")
    expect(renamed).to_contain_text("Brown striped oak table, 2 m")
    renamed.get_by_role("button", name="Delete").click()
    renamed.get_by_role("button", name="Tap again to delete").click()
    expect(renamed).to_have_count(0)


def test_an_operator_verifies_a_supplier_and_hides_a_review(app: App, pages: Pages) -> None:
    supplier = app.products[REVIEW_PRODUCT]["supplier_id"]
    buyer, staff = app.sign_up("Carl", "en"), staff_token(app.settings, supplier, "en")
    talk = app.call("POST", "/v1/conversations", buyer, json={"supplier_id": supplier})
    app.call("POST", f"/v1/conversations/{talk['id']}/messages", staff, json={"text": ENGLISH})
    review = app.call("POST", f"/v1/suppliers/{supplier}/reviews", buyer,
                      json={"rating": 1, "text": "Rude and abusive words here"})  # fmt: skip

    operator = pages.open()
    sign_in(operator, operator_token(app.settings)["Authorization"].split()[1])
    operator.goto(f"/#/supplier/{supplier}")
    form = operator.locator("form[aria-labelledby=verify-title]")
    form.get_by_role("button", name="Record verification").click()  # no check ticked: 422
    expect(form.get_by_role("alert")).to_contain_text("checks: List should have at least 1")
    pages.refused(422)
    form.get_by_label("factory audit").check()
    form.get_by_label("identity").check()
    form.get_by_role("button", name="Record verification").click()
    expect(operator.locator(".verifications li").first).to_contain_text("factory audit, identity")
    assert app.call("GET", f"/v1/suppliers/{supplier}")["verified"] is True

    item = operator.locator(f".review[data-review='{review['id']}']")
    item.get_by_label("Reason to hide").fill("abusive language")
    item.get_by_role("button", name="Hide review").click()
    expect(operator.locator(f".review[data-review='{review['id']}']")).to_have_count(0)
    shown = app.call("GET", f"/v1/suppliers/{supplier}/reviews")["reviews"]
    assert review["id"] not in [r["id"] for r in shown]


def test_a_product_whose_photo_is_refused_is_kept_once_and_sending_again_adds_photos(
    app: App, pages: Pages, tmp_path: Path
) -> None:
    token = app.sign_up("Ana", "en")
    app.call("POST", "/v1/suppliers", token, json={"name": "Lima Web Bowls", "country": "PE"})
    good, other, bad = tmp_path / "bowl.jpg", tmp_path / "bowl-2.jpg", tmp_path / "notes.jpg"
    good.write_bytes(jpeg(photo_of("bowl", 12, colour="blue"), 95))
    other.write_bytes(jpeg(photo_of("bowl", 13, colour="blue"), 95))
    bad.write_bytes(b"these are notes, not a photo")

    staff, form = add_form(pages, token, "Blue glazed bowl", "kitchen")
    form.get_by_label("Photos").set_input_files([good, bad])
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("alert")).to_contain_text("no second product is made")
    pages.refused(415)
    rows = staff.locator(".own-product").filter(has_text="Blue glazed bowl")
    expect(rows).to_have_count(1)  # listed already, pending its photos

    form.get_by_label("Title").fill("Blue glazed bowl, 20 cm")  # sent again: an update
    form.get_by_label("Photos").set_input_files([other])  # a new choice replaces the bad one
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_label("Title")).to_have_value("")  # done: the form is cleared
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Blue glazed bowl, 20 cm")
    product = app.call("GET", f"/v1/products/{rows.get_attribute('data-product')}")
    assert len(product["images"]) == 2  # the first good photo, then the new one


def cut_off_second_upload(page: Page) -> list[str]:
    """The network drops the second photo upload of the page (503); the URLs sent."""
    uploads: list[str] = []

    def handle(route: Route) -> None:
        uploads.append(route.request.url)
        if len(uploads) == 2:
            route.fulfill(status=503, json={"detail": "Try again in a moment."})
        else:
            route.continue_()

    page.route(re.compile(r"/v1/products/[^/]+/images$"), handle)
    return uploads


def test_a_photo_upload_cut_off_once_is_resent_without_sending_twice(
    app: App, pages: Pages, tmp_path: Path
) -> None:
    token = app.sign_up("Tomas", "en")
    app.call("POST", "/v1/suppliers", token, json={"name": "Porto Web Vases", "country": "PT"})
    photos = [tmp_path / f"vase-{n}.jpg" for n in range(4)]
    for n, photo in enumerate(photos):
        photo.write_bytes(jpeg(photo_of("vase", 20 + n, colour="white"), 95))
    staff, form = add_form(pages, token, "White porcelain vase", "decor")
    uploads = cut_off_second_upload(staff)
    form.get_by_label("Photos").set_input_files(photos[:2])
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("alert")).to_contain_text("Try again in a moment.")
    pages.refused(503)
    form.get_by_role("button", name="Save").click()  # the same choice: only the second again
    expect(form.get_by_label("Title")).to_have_value("")
    row = staff.locator(".own-product").filter(has_text="White porcelain vase")
    expect(row).to_have_count(1)
    product = str(row.get_attribute("data-product"))
    assert len(app.call("GET", f"/v1/products/{product}")["images"]) == 2

    uploads.clear()
    row.get_by_role("link", name="Edit").click()  # the edit screen retries the same way
    upload = staff.locator("form[aria-labelledby=photos-title]")
    upload.get_by_label("Add photos").set_input_files(photos[2:])
    upload.get_by_role("button", name="Upload photos").click()
    expect(upload.get_by_role("alert")).to_contain_text("Try again in a moment.")
    pages.refused(503)
    upload.get_by_role("button", name="Upload photos").click()
    expect(staff.locator(".photos li")).to_have_count(4)
    assert len(app.call("GET", f"/v1/products/{product}")["images"]) == 4
    assert len(uploads) == 3  # first, cut off, resent: never the first one twice
