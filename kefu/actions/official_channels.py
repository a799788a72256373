"""The registry of official channels: add, change and remove entries (admins), and the index
the verify page and the message check read, rebuilt only when the registry changed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from kefu.actions.unit_of_work import UnitOfWork
from kefu.domain.errors import Conflict, InvalidInput
from kefu.domain.official import ChannelKind
from kefu.domain.permissions import Perm
from kefu.events.bus import DESK_STREAM, Event
from kefu.store.models import OfficialChannel
from kefu.store.repositories import official as repo
from kefu.store.serialize_official import official_channel_view
from kefu.triage.channel_values import parse_entry
from kefu.triage.lookalikes import OfficialEntry, OfficialIndex

MAX_LABEL = 120


@dataclass(frozen=True)
class OfficialChannelInput:
    kind: ChannelKind
    value: str
    label: str = ""


def _label(label: str) -> str:
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        raise InvalidInput(f"a label has at most {MAX_LABEL} characters")
    return label


async def _unique(uow: UnitOfWork, kind: str, value: str, own_id: int | None = None) -> None:
    existing = await repo.channel_by_value(uow.session, kind, value)
    if existing is not None and existing.id != own_id:
        raise Conflict(f"{kind} {value} is already listed (official channel {existing.id})")


def _changed(uow: UnitOfWork, type: str, row: OfficialChannel) -> None:
    uow.emit(Event(type, (DESK_STREAM,), {"channel": official_channel_view(row)}, public=False))


async def do_add_official_channel(uow: UnitOfWork, data: OfficialChannelInput) -> OfficialChannel:
    uow.require(Perm.OFFICIAL_CHANNELS_WRITE)
    parsed = parse_entry(data.kind, data.value)
    await _unique(uow, data.kind.value, parsed.value)
    now = uow.now()
    row = OfficialChannel(
        kind=data.kind.value,
        value=parsed.value,
        display=parsed.display,
        label=_label(data.label),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    await uow.session.flush()
    view = official_channel_view(row)
    uow.audit("official_channel.create", "official_channel", row.id, after=view)
    _changed(uow, "official_channel.created", row)
    return row


async def do_update_official_channel(
    uow: UnitOfWork, row: OfficialChannel, *, value: str | None = None, label: str | None = None
) -> OfficialChannel:
    uow.require(Perm.OFFICIAL_CHANNELS_WRITE)
    before = _snapshot(row)
    if value is not None:
        parsed = parse_entry(ChannelKind(row.kind), value)
        await _unique(uow, row.kind, parsed.value, row.id)
        row.value, row.display = parsed.value, parsed.display
    if label is not None:
        row.label = _label(label)
    after = _snapshot(row)
    if before != after:
        row.updated_at = uow.now()
        uow.audit("official_channel.update", "official_channel", row.id, before, after)
        _changed(uow, "official_channel.updated", row)
    return row


async def do_remove_official_channel(uow: UnitOfWork, row: OfficialChannel) -> None:
    uow.require(Perm.OFFICIAL_CHANNELS_WRITE)
    uow.audit("official_channel.remove", "official_channel", row.id, before=_snapshot(row))
    _changed(uow, "official_channel.removed", row)
    await uow.session.delete(row)
    await uow.session.flush()


def _snapshot(row: OfficialChannel) -> dict[str, Any]:
    return {"kind": row.kind, "value": row.value, "display": row.display, "label": row.label}


def entry_of(row: OfficialChannel) -> OfficialEntry:
    return OfficialEntry(row.id, ChannelKind(row.kind), row.value, row.display, row.label)


class RegistryCache:
    """The checking index of one process, rebuilt when the registry's version moves (any
    process may change the registry; one cheap query tells)."""

    def __init__(self) -> None:
        self._version: repo.RegistryVersion | None = None
        self._index = OfficialIndex.build([])
        self._lock = asyncio.Lock()

    async def index(self, session: AsyncSession) -> OfficialIndex:
        version = await repo.registry_version(session)
        if version == self._version:
            return self._index
        async with self._lock:
            if version != self._version:
                rows = await repo.list_channels(session)
                self._index = OfficialIndex.build(entry_of(r) for r in rows)
                self._version = version
        return self._index
