"""Documentation stays true: the CLI reference is generated, every setting is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kefu.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    typer_cli = Path(sys.executable).parent / "typer"
    subprocess.run(
        [str(typer_cli), "kefu.cli.main", "utils", "docs", "--name", "kefu", "--output", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == current, "docs/cli.md is stale: run `make docs`"


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        f"KEFU_{name.upper()}"
        for name in Settings.model_fields
        if f"KEFU_{name.upper()}" not in readme
    ]
    assert missing == [], f"settings missing from README.md: {missing}"
