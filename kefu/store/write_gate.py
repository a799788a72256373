"""One writer at a time on SQLite, queued fairly instead of by SQLite's sleep-and-retry.

SQLite allows one write transaction at a time. Left to itself, a second writer polls the lock
with growing sleeps (its busy handler), so under load some requests wait seconds while the
database sits idle. The gate queues writers instead: an asyncio lock within a process, and an
`flock` on a file beside the database across the processes of `kefu serve --workers N`; the
kernel wakes the next waiter the moment the lock is released.

PostgreSQL needs no gate (row locks do the job); its gate does nothing.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path


class WriteGate:
    """No-op gate: for PostgreSQL and in-memory SQLite."""

    async def acquire(self) -> None:
        return None

    def release(self) -> None:
        return None


class SqliteWriteGate(WriteGate):
    def __init__(self, database: Path) -> None:
        self.lock_path = database.with_name(database.name + ".write-lock")
        self._lock: asyncio.Lock | None = None
        self._fd: int | None = None

    async def acquire(self) -> None:
        if self._lock is None:
            self._lock = asyncio.Lock()
        await self._lock.acquire()
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        """Closing the file releases the flock; then the next writer in this process goes."""
        try:
            if self._fd is not None:
                fd, self._fd = self._fd, None
                os.close(fd)
        finally:
            if self._lock is not None and self._lock.locked():
                self._lock.release()
