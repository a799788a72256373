"""Settings from `KEFU_*` environment variables (and `.env`), validated by pydantic-settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"
DEV_CUSTOMER_SECRET = "dev-insecure-customer-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEFU_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""  # default: SQLite file under data_dir
    database_schema: str | None = None  # PostgreSQL only: the schema kefu's tables live in
    redis_url: str | None = None  # set: live events go between app processes through Redis
    redis_prefix: str = Field(default="kefu:ev:", min_length=1)  # channel names: prefix + stream
    secret_key: str = DEV_SECRET
    customer_token_secret: str = DEV_CUSTOMER_SECRET
    session_max_age_seconds: int = 12 * 3600
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_attachment_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    token_cache_seconds: float = 30.0
    db_pool_size: int = 10
    log_level: str = "INFO"
    log_json: bool = True
    cookie_secure: bool = False
    # How often each process sweeps presence (idle → away, silent → offline) and re-runs
    # enrichment a crash left pending; 0 turns the sweeps off.
    sweep_seconds: float = Field(default=10.0, ge=0)
    # Duplicates, incidents, abuse and flood restrictions, sentiment: the triage enricher.
    triage_safety: bool = True

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'kefu.db'}"
        if self.env != "development":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    f"KEFU_SECRET_KEY must be a random value of 32+ characters when "
                    f"KEFU_ENV={self.env} (the default is for development only)"
                )
            if self.customer_token_secret == DEV_CUSTOMER_SECRET:
                raise ValueError(f"KEFU_CUSTOMER_TOKEN_SECRET must be set when KEFU_ENV={self.env}")
        return self

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"
