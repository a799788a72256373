"""The demo desk: data in `data` and `tickets_*` (shapes in `spec`), loaded by `loader`."""
