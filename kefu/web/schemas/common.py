"""Base classes for API bodies: requests refuse unknown fields, and NUL characters (which
PostgreSQL cannot store in text)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from kefu.store.repositories.tickets import MAX_ID


def _check_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _check_all_text(value: Any) -> Any:
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_all_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_all_text(key)
            _check_all_text(item)
    return value


# A string that a database can store: for query parameters.
CleanStr = Annotated[str, AfterValidator(_check_text)]
# Ids are 64-bit: anything larger cannot name a row, and would overflow the database driver.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class Body(BaseModel):
    """A request body: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        return _check_all_text(value)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=False)
