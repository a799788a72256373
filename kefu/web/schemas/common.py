"""Base classes for API bodies: requests refuse unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """A request body: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=False)
