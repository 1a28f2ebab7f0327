"""Lists longer than a page in the browser: conversations, older messages, reviews. Each
shows its first page and a button that adds the next one until nothing is left."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.api.chat_world import staff_token
from tests.web.conftest import App, Pages, sign_in

CONVERSATIONS_PAGE, MESSAGES_PAGE, REVIEWS_PAGE = 50, 50, 20


def test_conversations_and_older_messages_come_a_page_at_a_time(app: App, pages: Pages) -> None:
    buyer = app.sign_up("Paula", "en")
    products = sorted(app.products)[: 2 * CONVERSATIONS_PAGE + 1]  # three pages
    talks = [
        app.call("POST", "/v1/conversations", buyer,
                 json={"supplier_id": app.products[p]["supplier_id"], "product_id": p})["id"]
        for p in products
    ]  # fmt: skip
    busy, quiet = talks[1], talks[0]  # the most and the least recently active
    for n in range(MESSAGES_PAGE + 1):
        app.call("POST", f"/v1/conversations/{busy}/messages", buyer,
                 json={"text": f"Question number {n}"})  # fmt: skip

    page = pages.open()
    sign_in(page, buyer)
    page.goto("/#/chats")
    items = page.locator("#conversations li")
    more = page.get_by_role("button", name="More conversations")
    expect(items).to_have_count(CONVERSATIONS_PAGE)
    expect(items.first.locator("a")).to_have_attribute("href", f"#/chat/{busy}")
    more.click()
    expect(items).to_have_count(2 * CONVERSATIONS_PAGE)
    more.click()
    expect(items).to_have_count(len(talks))
    expect(items.last.locator("a")).to_have_attribute("href", f"#/chat/{quiet}")
    expect(more).to_have_count(0)

    page.goto(f"/#/chat/{quiet}")  # its header is read by id, wherever it is listed
    supplier = app.call("GET", f"/v1/conversations/{quiet}", buyer)["supplier_name"]
    expect(page.locator("h1")).to_have_text(supplier)

    page.goto(f"/#/chat/{busy}")
    said = page.locator(".messages .message")
    expect(said).to_have_count(MESSAGES_PAGE)
    page.get_by_role("button", name="Earlier messages").click()
    expect(said).to_have_count(MESSAGES_PAGE + 1)
    expect(said.first).to_contain_text("Question number 0")  # the oldest, on top
    expect(said.last).to_contain_text(f"Question number {MESSAGES_PAGE}")
    expect(page.get_by_role("button", name="Earlier messages")).to_have_count(0)


def test_a_suppliers_reviews_come_a_page_at_a_time(app: App, pages: Pages) -> None:
    supplier = app.products[sorted(app.products)[-1]]["supplier_id"]
    staff = staff_token(app.settings, supplier, "en")
    for n in range(REVIEWS_PAGE + 1):
        buyer = app.sign_up(f"Reviewer {n}", "en")
        talk = app.call("POST", "/v1/conversations", buyer, json={"supplier_id": supplier})
        app.call("POST", f"/v1/conversations/{talk['id']}/messages", staff, json={"text": "Hello"})
        app.call("POST", f"/v1/suppliers/{supplier}/reviews", buyer,
                 json={"rating": 1 + n % 5, "text": f"Review number {n}"})  # fmt: skip
    listed = app.call("GET", f"/v1/suppliers/{supplier}/reviews", params={"limit": 100})
    total = len(listed["reviews"])
    assert REVIEWS_PAGE < total < 100
    assert listed["next_offset"] is None

    page = pages.open()
    page.goto(f"/#/supplier/{supplier}")
    reviews = page.locator(".reviews .review")
    more = page.get_by_role("button", name="More reviews")
    for shown in range(REVIEWS_PAGE, total, REVIEWS_PAGE):
        expect(reviews).to_have_count(shown)
        more.click()
    expect(reviews).to_have_count(total)
    expect(more).to_have_count(0)
    texts = " ".join(reviews.all_inner_texts())
    assert all(f"Review number {n}" in texts for n in range(REVIEWS_PAGE + 1))
