"""A customer pastes a seed phrase into the widget: the bubble shows it redacted, the warning
appears in the chat, and the agent sees the flag and the advice. Screenshots in tmp."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.browser.conftest import DeskServer
from tests.browser.test_live_chat_ui import agent_login, new_page, open_widget

pytestmark = pytest.mark.slow
expect.set_options(timeout=10_000)

SEED = "legal winner thank year wave sausage worth useful legal winner thank yellow"


@pytest.fixture
async def contexts(browser: Browser) -> AsyncIterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for ctx in made:
        await ctx.close()


async def test_seed_phrase_in_the_widget(
    desk_server: DeskServer, browser: Browser, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    customer = await new_page(browser, contexts, width=1100, height=760)
    await customer.goto(f"{desk_server.url}/demo/chat?uid=browser-secret-1")
    await open_widget(customer)
    message = customer.get_by_role("textbox", name="Message")
    await message.fill(f"Please restore my wallet, my words: {SEED}")
    await message.press("Enter")
    log = customer.get_by_role("log", name="Messages")
    await expect(customer.locator(".m.me .b").last).to_contain_text("[redacted:seed_phrase]")
    await expect(log).to_contain_text("move them to a new wallet now")
    assert "sausage" not in await log.inner_text()
    await customer.screenshot(path=tmp_path / "customer-secret.png", animations="disabled")

    agent = await new_page(browser, contexts)
    await agent_login(agent, desk_server)
    waiting = agent.locator("#queue li", has_text="Please restore my wallet")
    await waiting.get_by_role("button", name=re.compile("^Pick up")).click()
    transcript = agent.get_by_role("log", name="Transcript")
    await expect(transcript).to_contain_text("[redacted:seed_phrase]")
    await expect(transcript).to_contain_text("freeze withdrawals")
    await expect(agent.locator("#chat-flag")).to_contain_text("seed phrase")
    assert "sausage" not in await transcript.inner_text()
    await agent.screenshot(path=tmp_path / "agent-secret.png", animations="disabled")
    print(f"screenshots in {tmp_path}")
