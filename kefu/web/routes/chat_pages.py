"""The live chat's pages: the embeddable widget script, the agent page and a demo help center.

`/widget.js` is what an exchange embeds (`<script src="https://desk.example/widget.js"
data-kefu-token="v1.…" async>`); `/agent` is a bare agent page; `/demo/chat` (development only)
is a pretend help center that embeds the widget with a customer token signed here.
"""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, HTMLResponse, Response

from kefu.domain import customer_token
from kefu.domain.errors import InvalidInput, NotFound
from kefu.web.deps import StateDep

router = APIRouter(include_in_schema=False)

_WEB = Path(__file__).resolve().parent.parent
STATIC = _WEB / "static"
TEMPLATES = _WEB / "templates"
DEMO_TOKEN_SECONDS = 3600
_ASSET = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(js|css)$")
_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
# Pages of our own: no inline script, no framing by other sites.
_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _asset(name: str, cache_seconds: int) -> FileResponse:
    if not _ASSET.match(name) or not (STATIC / name).is_file():
        raise NotFound(f"no asset {name!r}")
    return FileResponse(
        STATIC / name,
        media_type=_TYPES[name.rsplit(".", 1)[1]],
        headers={
            "Cache-Control": f"public, max-age={cache_seconds}",
            "X-Content-Type-Options": "nosniff",
            # Any site may embed the widget; cross-origin loads with `crossorigin` need this.
            "Access-Control-Allow-Origin": "*",
        },
    )


def _page(template: str) -> HTMLResponse:
    return HTMLResponse((TEMPLATES / template).read_text(encoding="utf-8"), headers=_PAGE_HEADERS)


@router.get("/widget.js")
async def widget_script() -> Response:
    return _asset("widget.js", 300)


@router.get("/static/{name}")
async def static_asset(name: str) -> Response:
    return _asset(name, 300)


@router.get("/agent", response_class=HTMLResponse)
async def agent_page() -> HTMLResponse:
    return _page("agent.html")


@router.get("/demo/chat", response_class=HTMLResponse)
async def demo_chat(
    state: StateDep,
    uid: Annotated[str, Query(max_length=customer_token.MAX_UID_LENGTH)] = "demo-customer-1",
    visitor: bool = False,
) -> HTMLResponse:
    settings = state.settings
    if settings.env != "development":
        raise NotFound("the chat demo exists only when KEFU_ENV=development")
    uid = uid.strip()
    if not uid:
        raise InvalidInput("uid must not be empty")
    if visitor:
        who, script = "a visitor (not logged in)", '<script src="/widget.js" async></script>'
    else:
        expires = int(time.time()) + DEMO_TOKEN_SECONDS
        token = customer_token.sign(uid, expires, settings.customer_token_secret)
        who = f"customer “{uid}” (logged in)"
        script = f'<script src="/widget.js" data-kefu-token="{html.escape(token)}" async></script>'
    text = (TEMPLATES / "demo_chat.html").read_text(encoding="utf-8")
    text = text.replace("{{who}}", html.escape(who)).replace("{{widget}}", script)
    return HTMLResponse(text, headers={"X-Content-Type-Options": "nosniff"})
