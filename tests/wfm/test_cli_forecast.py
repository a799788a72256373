"""`kefu wfm forecast` and `kefu wfm backtest`: the CLI contracts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kefu.cli.main import app
from tests.wfm import synthetic


@pytest.fixture(scope="module")
def history_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wfm") / "calls.csv"
    path.write_text(synthetic.csv_text(synthetic.points(days=45)), encoding="utf-8")
    return path


def test_forecast_json_contract(history_csv: Path, tmp_path: Path) -> None:
    plot = tmp_path / "f.png"
    args = ["wfm", "forecast", "--history", str(history_csv), "--interval", "30min"]
    args += ["--horizon-days", "1", "--json", "--plot", str(plot)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out) == 16  # 09:00 to 16:30
    assert set(out[0]) == {"start", "forecast"}
    assert out[0]["start"] == "2024-03-04T09:00:00"  # the Monday after the last Friday
    assert out[-1]["start"] == "2024-03-04T16:30:00"
    assert all(row["forecast"] > 0 for row in out)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_forecast_with_events_and_prices(history_csv: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text("date,multiplier\n2024-03-05,2\n", encoding="utf-8")
    prices = tmp_path / "prices.csv"
    start = datetime(2024, 1, 1)
    lines = ["timestamp,price"]
    for h in range(24 * 66):
        price = 100 * (1.02 if (h // 24) % 3 == 0 and h % 2 else 1.0)
        lines.append(f"{(start + timedelta(hours=h)).isoformat()},{price}")
    prices.write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = ["wfm", "forecast", "--history", str(history_csv), "--horizon-days", "2", "--json"]
    plain = json.loads(CliRunner().invoke(app, base).stdout)
    with_events = json.loads(CliRunner().invoke(app, [*base, "--events", str(events)]).stdout)
    assert sum(r["forecast"] for r in with_events[16:]) == pytest.approx(
        2 * sum(r["forecast"] for r in plain[16:]), rel=1e-3
    )
    result = CliRunner().invoke(app, [*base[:-1], "--prices", str(prices)])
    assert result.exit_code == 0, result.output
    assert "market signal: slope" in result.stdout


def test_backtest_reports_each_method(history_csv: Path) -> None:
    args = ["wfm", "backtest", "--history", str(history_csv), "--interval", "60min"]
    args += ["--test-days", "3", "--method", "same_weekday_last_week", "--method", "weekday_mean"]
    args += ["--method", "kefu_default", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"same_weekday_last_week", "weekday_mean", "kefu_default"}
    assert all(0 < v < 50 for v in out.values())
    text = CliRunner().invoke(app, args[:-1])
    assert "weekday_mean" in text.stdout
    assert "MAPE" in text.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--interval", "45min"], "interval"),
        (["--method", "nope"], "unknown method"),
    ],
)
def test_bad_input_is_a_clear_error(history_csv: Path, extra: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["wfm", "forecast", "--history", str(history_csv), *extra])
    assert result.exit_code == 2
    assert message in result.output


def test_unreadable_history(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time,n\n1,2\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.csv"):
        result = CliRunner().invoke(
            app, ["wfm", "backtest", "--history", str(path), "--test-days", "2"]
        )
        assert result.exit_code == 2
        assert "error:" in result.output


def test_forecast_re_forecasts_today(history_csv: Path, tmp_path: Path) -> None:
    base = ["wfm", "forecast", "--history", str(history_csv), "--json"]
    plain = json.loads(CliRunner().invoke(app, base).stdout)
    today = tmp_path / "today.csv"
    # The first two hours of Monday 4 March ran at double the forecast.
    rows = [f"{r['start']},{round(2 * r['forecast'])}" for r in plain[:4]]
    today.write_text("timestamp,calls\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, [*base, "--today", str(today)])
    assert result.exit_code == 0, result.output
    updated = json.loads(result.stdout)
    assert [r["forecast"] for r in updated[:4]] == [round(2 * r["forecast"]) for r in plain[:4]]
    assert all(
        u["forecast"] > 1.5 * p["forecast"] for u, p in zip(updated[4:], plain[4:], strict=True)
    )
    other_day = tmp_path / "other.csv"
    other_day.write_text("timestamp,calls\n2024-03-05T09:00:00,3\n", encoding="utf-8")
    bad = CliRunner().invoke(app, [*base, "--today", str(other_day)])
    assert bad.exit_code == 2
    assert "2024-03-04" in bad.output
