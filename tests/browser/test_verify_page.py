"""The verify page in Chromium with JavaScript off: forms, answers, keyboard, language."""

from __future__ import annotations

from playwright.async_api import Browser

from tests.browser.conftest import DeskServer


async def test_verify_page_without_javascript(desk_server: DeskServer, browser: Browser) -> None:
    desk_server.kefu("official", "add", "domain", "kefux.example", "--label", "Website")
    context = await browser.new_context(java_script_enabled=False, locale="en-US")
    page = await context.new_page()
    try:
        await page.goto(f"{desk_server.url}/verify")
        assert (
            await page.title() == "Is it really us? Check a link, address, number or account · kefu"
        )
        # Keyboard only: the labelled field, then Enter.
        field = page.get_by_label("Link, email address, phone number or @account")
        await field.fill("https://kefux.example.secure-login.io/wallet")
        await field.press("Enter")
        verdict = page.locator("[data-status]")
        assert await verdict.get_attribute("data-status") == "lookalike"
        assert await verdict.get_attribute("role") == "status"
        assert "Not official — imitates kefux.example" in await verdict.inner_text()
        assert "Website" in await page.locator("#list-heading + h3 + ul").inner_text()

        await page.get_by_role("link", name="中文").click()
        assert await page.locator("html").get_attribute("lang") == "zh"
        field = page.get_by_label("链接、邮箱地址、电话号码或 @账号")
        await field.fill("KEFUX.example")
        await page.get_by_role("button", name="查验", exact=True).click()
        assert await page.locator("[data-status]").get_attribute("data-status") == "official"

        await page.get_by_label("身份验证码（8 位）").fill("ZZZZ-ZZZZ")
        await page.get_by_role("button", name="验证").click()
        assert await page.locator("[data-valid]").get_attribute("data-valid") == "false"
        await page.screenshot(path=str(desk_server.root / "verify.png"), full_page=True)
    finally:
        await context.close()
