"""The layering rules of docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "kefu"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in paths:
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT.parent)} imports {name}")
    return bad


UPPER = ("kefu.store", "kefu.actions", "kefu.web", "kefu.cli", "kefu.events", "kefu.channels")


def test_domain_is_pure() -> None:
    io = ("sqlalchemy", "fastapi", "starlette", "redis", "httpx", "aiohttp", "asyncpg", "aiosqlite")
    assert _offending(_modules("domain"), (*UPPER, *io)) == []


def test_store_does_not_reach_up() -> None:
    assert _offending(_modules("store"), ("kefu.actions", "kefu.web", "kefu.cli")) == []


def test_actions_know_nothing_of_web_or_cli() -> None:
    assert _offending(_modules("actions"), ("kefu.web", "kefu.cli", "fastapi", "starlette")) == []


def test_routes_use_actions_and_repositories_not_sql() -> None:
    assert _offending(_modules("web/routes"), ("sqlalchemy", "kefu.store.models")) == []


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    if "migrations" in path.parts:
        return
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{path} has {lines} lines: split it by concept"
