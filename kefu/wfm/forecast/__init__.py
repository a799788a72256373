"""Contact-volume forecasting: history, baselines, library models, kefu's default, backtests."""
