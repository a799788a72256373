"""Event replay for undoing a merge: live views of both tickets end where a fresh load is."""

from __future__ import annotations

from kefu.actions.chat import lock_chat
from kefu.actions.merges import do_unmerge
from kefu.actions.unit_of_work import UnitOfWork
from tests.actions.test_chat_replay import (
    Deps,
    World,
    check_replay,
    make_world,
    merge,
    other_ticket,
)


async def unmerge(w: World, target: int) -> None:
    async with UnitOfWork(w.deps, w.agent) as uow:
        dest = await lock_chat(uow, target)
        source = await lock_chat(uow, w.chat)
        await do_unmerge(uow, source, dest)


async def test_unmerge_replays_on_the_target(deps: Deps) -> None:
    w = await make_world(*deps)
    target = await other_ticket(w)
    await merge(w, target)
    await check_replay(w, [target], lambda: unmerge(w, target))


async def test_unmerge_replays_on_the_reopened_chat(deps: Deps) -> None:
    w = await make_world(*deps)
    target = await other_ticket(w)
    await merge(w, target)
    await check_replay(w, [w.chat], lambda: unmerge(w, target))
