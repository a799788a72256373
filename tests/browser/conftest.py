"""Browser tests: a real kefu server (uvicorn in a subprocess) and Debian's Chromium.

Chromium is /usr/bin/chromium (`make test` installs it as root). Without it the browser tests
are skipped, except with CI=true, where that fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests import support

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AGENT_EMAIL = "carlos@nova.example"
AGENT_NAME = "Carlos"
AGENT_PASSWORD = "browser-test-password-1"
BIN = Path(sys.executable).parent


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if support.in_ci():
        pytest.fail(f"{CHROMIUM} is missing in CI: `make pytest` installs Debian's chromium")
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`, as root)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class DeskServer:
    """kefu served by uvicorn in a subprocess, on SQLite in a temporary folder."""

    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
        env.update(
            KEFU_ENV="development",
            KEFU_DATABASE_URL=f"sqlite:///{self.root / 'kefu.db'}",
            KEFU_DATA_DIR=str(self.root),
            KEFU_LOG_JSON="false",
            KEFU_LOG_LEVEL="WARNING",
            KEFU_CLASSIFY="false",  # no model training in the background of browser tests
        )
        return env

    def kefu(self, *args: str, **extra_env: str) -> None:
        done = subprocess.run(
            [str(BIN / "kefu"), *args],
            cwd=self.root,  # no .env of the work tree
            env={**self.env(), **extra_env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"kefu {' '.join(args)}: {done.stdout}{done.stderr}"

    def prepare(self) -> None:
        self.kefu("db", "upgrade")
        self.kefu(
            "agent",
            "create",
            "--email",
            AGENT_EMAIL,
            "--name",
            AGENT_NAME,
            KEFU_AGENT_PASSWORD=AGENT_PASSWORD,
        )

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "--factory", "kefu.web.app:app_factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=self.env(), stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"the server did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None


@pytest.fixture(scope="session")
def desk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskServer]:
    need_chromium()
    server = DeskServer(tmp_path_factory.mktemp("desk"))
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    need_chromium()
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()
