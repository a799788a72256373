"""The public verify page: check a link, address, number or account, or an agent's identity
code. Server-rendered (works without JavaScript), in the visitor's language (`?lang=` or the
browser's Accept-Language), with the same answers and rate limits as the verify API."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kefu.actions.identity_codes import check_identity_code
from kefu.domain import verify_text
from kefu.domain.errors import InvalidInput
from kefu.domain.official import ChannelKind
from kefu.store.repositories import official as repo
from kefu.triage.channel_values import MAX_VALUE_CHARS, parse_value
from kefu.web.deps import SessionDep, StateDep
from kefu.web.routes.chat_pages import TEMPLATES
from kefu.web.verify_guard import verify_guard
from kefu.web.verify_views import code_answer, verdict_heading, verdict_view

router = APIRouter(include_in_schema=False)
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
_NETWORKS = {
    ChannelKind.TELEGRAM: "Telegram",
    ChannelKind.X: "X (Twitter)",
    ChannelKind.FACEBOOK: "Facebook",
    ChannelKind.INSTAGRAM: "Instagram",
    ChannelKind.YOUTUBE: "YouTube",
    ChannelKind.TIKTOK: "TikTok",
    ChannelKind.DISCORD: "Discord",
    ChannelKind.LINKEDIN: "LinkedIn",
    ChannelKind.WHATSAPP: "WhatsApp",
}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), auto_reload=False
    )


def _language(request: Request, lang: str | None) -> str:
    return verify_text.pick_language(
        lang, verify_text.accept_language(request.headers.get("accept-language"))
    )


async def _render(
    request: Request,
    state: StateDep,
    session: SessionDep,
    language: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    exchange = state.settings.exchange_name
    rows = await repo.list_channels(session)
    kinds = [k for k in ChannelKind if any(r.kind == k.value for r in rows)]

    def t(key: str, **params: str) -> str:
        return verify_text.text(language, key, {"exchange": exchange, **params})

    html = (
        _environment()
        .get_template("verify.html")
        .render(
            t=t,
            language=language,
            languages=_LANGUAGE_NAMES,
            exchange=exchange,
            channels=[
                (_NETWORKS.get(k) or t(f"kind_{k.value}"), [r for r in rows if r.kind == k.value])
                for k in kinds
            ],
            value=context.pop("value", ""),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


@router.get("/verify", response_class=HTMLResponse)
async def verify_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    value: Annotated[str | None, Query(max_length=MAX_VALUE_CHARS)] = None,
    lang: Annotated[str | None, Query(max_length=35)] = None,
) -> HTMLResponse:
    language = _language(request, lang)
    value = (value or "").replace("\x00", "")
    if not value.strip():
        return await _render(request, state, session, language)
    guard = verify_guard(request)
    if not await guard.allow_value(request):
        error = verify_text.text(language, "too_many")
        return await _render(request, state, session, language, 429, value=value, error=error)
    try:
        parsed = parse_value(value, state.settings.default_phone_region)
    except InvalidInput as exc:
        error = f"{verify_text.text(language, 'invalid')}: {exc.detail}"
        return await _render(request, state, session, language, 422, value=value, error=error)
    verdict = (await guard.registry.index(session)).check(parsed)
    return await _render(
        request,
        state,
        session,
        language,
        value=value,
        verdict=verdict_view(verdict, language),
        heading=verdict_heading(verdict, language),
    )


@router.post("/verify/code", response_class=HTMLResponse)
async def verify_code_page(
    request: Request,
    state: StateDep,
    session: SessionDep,
    code: Annotated[str, Form(max_length=32)] = "",
    lang: Annotated[str | None, Form(max_length=35)] = None,
) -> HTMLResponse:
    language = _language(request, lang)
    if not await verify_guard(request).allow_code(request):
        error = verify_text.text(language, "too_many")
        return await _render(request, state, session, language, 429, code_error=error)
    checked = await check_identity_code(
        session, state.settings.secret_key, code.replace("\x00", "")
    )
    answer = code_answer(checked, state.settings.exchange_name, language)
    return await _render(request, state, session, language, code_answer=answer)
