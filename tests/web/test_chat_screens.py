"""A Spanish buyer and a Chinese staff member chat in two browsers: each reads the other
in their own language within seconds, live over the WebSocket, with no reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.api.chat_world import CHINESE, CHINESE_REPLY, SPANISH, SPANISH_REPLY, staff_token
from tests.web.conftest import App, Pages, sign_in

PRODUCT = "prd-00029"
LIVE_WITHIN_MS = 10_000


def sign_up(page: Page, name: str) -> None:
    """Through the app's sign-up screen; the language comes from the browser's."""
    page.goto("/#/account")
    form = page.locator("#sign-up")
    form.locator("input[name=name]").fill(name)
    form.locator("button[type=submit]").click()
    expect(page.locator("#new-token")).to_have_value(re.compile("^ses_"))


def send(page: Page, text: str) -> None:
    page.locator("#chat-text").fill(text)
    page.locator(".composer button[type=submit]").click()
    expect(page.locator(".message.mine").last).to_contain_text(text)


def test_a_spanish_buyer_and_chinese_staff_read_each_other_live_in_their_languages(
    app: App, pages: Pages
) -> None:
    supplier = app.products[PRODUCT]["supplier_id"]
    buyer = pages.open(locale="es-ES")
    sign_up(buyer, "Ana")
    buyer.goto(f"/#/product/{PRODUCT}")
    buyer.get_by_role("button", name="Contactar al proveedor").click()
    buyer.wait_for_url("**/#/chat/*")
    chat = buyer.url.split("#", 1)[1]

    staff = pages.open(locale="zh-CN")
    sign_in(staff, staff_token(app.settings, supplier, "zh"))
    staff.goto(f"/#{chat}")
    for page in (buyer, staff):
        expect(page.locator(".page[data-live=open]")).to_be_attached()
        page.evaluate("window.__sameDocument = true")

    send(buyer, SPANISH)
    heard = staff.locator(".message.theirs").last
    expect(heard.locator(".text")).to_have_text(CHINESE, timeout=LIVE_WITHIN_MS)
    expect(heard.locator(".original")).to_be_hidden()
    heard.get_by_role("button", name="查看原文（es）").click()  # the original, on tap
    expect(heard.locator(".original")).to_have_text(SPANISH)

    send(staff, CHINESE_REPLY)
    answer = buyer.locator(".message.theirs").last
    expect(answer.locator(".text")).to_have_text(SPANISH_REPLY, timeout=LIVE_WITHIN_MS)
    for page in (buyer, staff):
        assert page.evaluate("window.__sameDocument") is True  # nothing was reloaded
    expect(staff.locator(".composer button[type=submit]")).to_have_text("发送")
