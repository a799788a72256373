"""Two people in two browsers: a customer in the widget on the demo help center, an agent on
/agent. Screenshots of each page land in the test's tmp folder."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import AGENT_EMAIL, AGENT_PASSWORD, DeskServer

pytestmark = pytest.mark.slow
expect.set_options(timeout=10_000)


@pytest.fixture
async def contexts(browser: Browser) -> AsyncIterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for ctx in made:
        await ctx.close()


async def new_page(
    browser: Browser, made: list[BrowserContext], *, width: int = 1280, height: int = 800
) -> Page:
    ctx = await browser.new_context(viewport={"width": width, "height": height})
    made.append(ctx)
    return await ctx.new_page()


async def agent_login(page: Page, server: DeskServer) -> None:
    await page.goto(f"{server.url}/agent")
    await page.get_by_label("Email").fill(AGENT_EMAIL)
    await page.get_by_label("Password").fill(AGENT_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator("#me-name")).to_have_text("Carlos")


async def open_widget(page: Page) -> None:
    await page.get_by_role("button", name=re.compile("^Open chat")).click()
    await expect(page.get_by_role("dialog")).to_be_visible()


async def test_customer_and_agent_chat(
    desk_server: DeskServer, browser: Browser, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    customer = await new_page(browser, contexts, width=1100, height=760)
    await customer.goto(f"{desk_server.url}/demo/chat?uid=browser-customer-1")
    await open_widget(customer)
    message = customer.get_by_role("textbox", name="Message")
    await expect(message).to_be_focused()
    await message.fill("My BTC withdrawal has been pending for 3 hours")
    await message.press("Enter")
    mine = customer.locator(".m.me")
    await expect(mine.last.locator(".meta")).to_contain_text("sent")
    # Waiting: the customer sees their place in line (nobody is online yet: no range).
    queue_line = customer.get_by_role("status").filter(has_text="in line")
    await expect(queue_line).to_have_text(re.compile(r"^You are 1st in line · "))
    await customer.screenshot(path=tmp_path / "customer-waiting.png", animations="disabled")

    agent = await new_page(browser, contexts)
    await agent_login(agent, desk_server)
    pick_up = agent.get_by_role("button", name=re.compile(r"^Pick up KF-\d+"))
    await expect(pick_up).to_have_count(1)
    await agent.screenshot(path=tmp_path / "agent-queue.png", animations="disabled")
    await pick_up.click()
    transcript = agent.get_by_role("log", name="Transcript")
    await expect(transcript).to_contain_text("My BTC withdrawal has been pending for 3 hours")
    await expect(customer.locator(".q")).to_be_hidden()  # an agent joined: no queue line
    await expect(agent.locator("#chats li")).to_have_count(1)
    # The agent has seen it: the customer's message shows "read".
    await expect(mine.last.locator(".meta")).to_contain_text("read")

    # The agent types: the customer sees "… is typing"; then the reply arrives.
    reply = agent.get_by_role("textbox", name="Reply")
    await reply.press_sequentially("Let me check that for you")
    await expect(customer.locator(".ty")).to_contain_text("is typing")
    await reply.press("Shift+Enter")
    await reply.press_sequentially("One moment please.")
    await reply.press("Enter")
    await expect(reply).to_have_value("")
    log = customer.get_by_role("log", name="Messages")
    await expect(log).to_contain_text("Let me check that for you\nOne moment please.")
    await expect(customer.locator(".ty")).to_have_text("")

    # The customer types back; the agent sees it; the customer's open panel reads the reply.
    await message.press_sequentially("Thanks! TXID 0xabc")
    await expect(agent.locator("#typing")).to_contain_text("is typing")
    await message.press("Enter")
    await expect(transcript).to_contain_text("Thanks! TXID 0xabc")
    await expect(agent.locator(".msg.mine .meta").last).to_contain_text("read")
    await expect(mine.last.locator(".meta")).to_contain_text("read")
    await customer.screenshot(path=tmp_path / "customer-chat.png", animations="disabled")
    await agent.screenshot(path=tmp_path / "agent-chat.png", animations="disabled")

    # Arabic renders right to left inside its bubble.
    await message.fill("مرحبا، أين سحبي؟")
    await message.press("Enter")
    bubble = mine.last.locator(".b")
    await expect(bubble).to_have_text("مرحبا، أين سحبي؟")
    assert await bubble.evaluate("b => getComputedStyle(b).direction") == "rtl"
    await expect(transcript).to_contain_text("مرحبا، أين سحبي؟")

    # A reload restores the history (the panel stays open).
    await customer.reload()
    await expect(customer.get_by_role("dialog")).to_be_visible()
    await expect(log).to_contain_text("My BTC withdrawal has been pending for 3 hours")
    await expect(log).to_contain_text("One moment please.")
    await expect(log).to_contain_text("مرحبا، أين سحبي؟")
    await expect(customer.locator(".m.me").first.locator(".meta")).to_contain_text("read")

    # The agent marks the chat solved (REST, with the CSRF token from the login).
    await agent.get_by_role("button", name="Mark solved").click()
    await expect(agent.locator("#chats li").first).to_contain_text("solved")
    await expect(agent.get_by_role("button", name="Mark solved")).to_be_hidden()
    await expect(log).to_contain_text("This chat has ended")
    await customer.screenshot(path=tmp_path / "customer-chat-ended.png", animations="disabled")

    # Escape closes the panel and gives the focus back to the bubble.
    await message.press("Escape")
    await expect(customer.get_by_role("dialog")).to_be_hidden()
    await expect(customer.get_by_role("button", name=re.compile("^Open chat"))).to_be_focused()
    print(f"screenshots in {tmp_path}")


async def test_visitor_chat_on_a_phone(
    desk_server: DeskServer, browser: Browser, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    page = await new_page(browser, contexts, width=390, height=800)
    await page.goto(f"{desk_server.url}/demo/chat?visitor=1")
    await open_widget(page)
    await expect(page.get_by_label("Name")).to_be_focused()
    await page.get_by_label("Name").fill("Ann Visitor")
    await page.get_by_label("Email").fill("ann@visitor.example")
    await page.screenshot(path=tmp_path / "visitor-form.png", animations="disabled")
    await page.get_by_role("button", name="Start chat").click()
    message = page.get_by_role("textbox", name="Message")
    await expect(message).to_be_visible()
    await expect(page.locator(".st")).to_contain_text("Hi Ann Visitor.")
    await message.fill("Hello, I cannot log in to my account")
    await page.get_by_role("button", name="Send message").click()
    await expect(page.locator(".m.me .meta").last).to_contain_text("sent")
    # Full screen on a phone.
    box = await page.get_by_role("dialog").bounding_box()
    assert box is not None
    assert box["width"] == 390
    await page.screenshot(path=tmp_path / "visitor-chat.png", animations="disabled")
    keys = await page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.endsWith(':visitor'))"
    )
    assert len(keys) == 1, keys

    # Coming back: the visitor token in localStorage says hello; no form.
    await page.reload()
    log = page.get_by_role("log", name="Messages")
    await expect(log).to_contain_text("Hello, I cannot log in to my account")
    await expect(page.get_by_label("Email")).to_be_hidden()

    # The agent sees the visitor's chat waiting.
    agent = await new_page(browser, contexts)
    await agent_login(agent, desk_server)
    await expect(agent.locator("#queue")).to_contain_text("Hello, I cannot log in")


async def _retry_now(page: Page) -> None:
    """Press "Retry now", unless the page's own backoff timer reconnected first (the button then
    hides, which is fine: the assertions after this check the reconnection either way)."""
    with contextlib.suppress(PlaywrightTimeout):
        await page.get_by_role("button", name="Retry now").click(timeout=3000)


async def test_messages_written_while_the_server_is_down_arrive_after_it_returns(
    desk_server: DeskServer, browser: Browser, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    page = await new_page(browser, contexts)
    await page.goto(f"{desk_server.url}/demo/chat?uid=browser-customer-3")
    await open_widget(page)
    message = page.get_by_role("textbox", name="Message")
    await message.fill("first, while online")
    await message.press("Enter")
    mine = page.locator(".m.me")
    await expect(mine.last.locator(".meta")).to_contain_text("sent")
    agent = await new_page(browser, contexts)
    await agent_login(agent, desk_server)
    waiting = agent.locator("#queue li", has_text="first, while online")
    await waiting.get_by_role("button", name=re.compile("^Pick up")).click()
    transcript = agent.get_by_role("log", name="Transcript")
    await expect(transcript).to_contain_text("first, while online")

    desk_server.stop()
    banner = page.get_by_role("status")
    await expect(banner).to_contain_text("Reconnecting")
    await expect(agent.locator("#banner")).to_contain_text("Reconnecting")
    await message.fill("second, while the server is down")
    await message.press("Enter")
    await expect(mine.last.locator(".meta")).to_contain_text("sending…")
    await expect(banner).to_contain_text("Reconnecting")
    reply = agent.get_by_role("textbox", name="Reply")
    await reply.fill("reply written while the server is down")
    await reply.press("Enter")
    await expect(agent.locator(".msg.mine .meta").last).to_contain_text("sending…")
    await page.screenshot(path=tmp_path / "customer-offline.png", animations="disabled")
    await agent.screenshot(path=tmp_path / "agent-offline.png", animations="disabled")

    desk_server.start()
    await _retry_now(page)
    await _retry_now(agent)
    await expect(banner).to_be_hidden()
    await expect(agent.locator("#banner")).to_be_hidden()
    log = page.get_by_role("log", name="Messages")
    await expect(log).to_contain_text("reply written while the server is down")
    await expect(transcript).to_contain_text("second, while the server is down")
    await expect(mine.last.locator(".meta")).to_contain_text("read")
    await expect(agent.locator(".msg.mine .meta").last).to_contain_text("read")
    # Each message was stored once, however often it was sent.
    await page.reload()
    await expect(log).to_contain_text("reply written while the server is down")
    await expect(page.locator(".m.me")).to_have_count(2)
    await expect(page.locator(".m:not(.me)")).to_have_count(1)
