"""Configuration: one validated Settings object, read from ``POLICENET_*`` environment variables."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The embedded database's file in data_dir. Settings name where the data lies and import
# nothing of the store: the store is told the URL, whatever the backend.
SQLITE_FILE = "policenet.db"


class Settings(BaseSettings):
    """Every setting of a hub. Unset fields take the documented default."""

    model_config = SettingsConfigDict(env_prefix="POLICENET_", env_file=None, extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory of the embedded SQLite database and the demo token file.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database, e.g. postgresql://user@host:5432/policenet. "
            "Unset: SQLite (WAL) in data_dir/policenet.db."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address the API listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the API listens on.")
    token_ttl_days: int = Field(
        default=90, ge=1, le=3650, description="Lifetime of a newly issued API token, in days."
    )
    escalation_interval: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Seconds between two sweeps for hits past their deadline.",
    )
    event_poll_interval: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="Seconds between two reads of the event log for events other hub "
        "processes appended (this process's own wake the streams at once).",
    )

    lazy_checks: bool = Field(
        default=False,
        description="Answer a check that found nothing once its audit entry is committed, "
        "without waiting for the disk: the entry survives a crash of the hub and reaches the "
        "disk within 0.2 s, but a power cut in that time loses it. A check with a hit, and "
        "every change, always waits for the disk. Unset, every check waits.",
    )

    import_worker_from: int = Field(
        default=2_000_000,
        ge=0,
        description="Bytes from which an imported file is validated in a second process "
        "while the first writes, and a file sent to POST /v1/imports is imported by a process "
        "of its own, apart from the one answering the checks (about 40,000 travel documents; "
        "below it, starting the processes costs more than it saves). 0: every file.",
    )

    client_certificates: bool = Field(
        default=False,
        description="Mutual TLS: every request must come over a connection with a client "
        "certificate, and a token is accepted only with its own bureau's (set by "
        "`policenet serve --client-ca`; a request without one is refused "
        "401 certificate_required).",
    )

    max_body_mb: int = Field(
        default=32,
        ge=1,
        le=1024,
        description="The largest request body the API reads, in MiB (a fingerprint record "
        "with its images fits); a larger one is refused 413 before it is read.",
    )
    max_import_mb: int = Field(
        default=4096,
        ge=1,
        description="The largest file sent to POST /v1/imports, in MiB: it is written to "
        "data_dir/imports as it arrives, never held whole in memory before its import.",
    )
    check_rate: float = Field(
        default=500,
        ge=0,
        description="Checks a second one principal may ask, on average (a batch counts each "
        "of its checks); 0: no limit.",
    )
    check_burst: int = Field(
        default=5000, ge=1, description="Checks one principal may ask at once, above the rate."
    )
    address_check_rate: float = Field(
        default=2000,
        ge=0,
        description="Check requests a second from one address (a border post behind one "
        "address counts as one); 0: no limit.",
    )
    address_check_burst: int = Field(
        default=20000, ge=1, description="Check requests one address may send at once."
    )
    auth_failures: int = Field(
        default=20,
        ge=0,
        description="Failed authentications from one address within a minute that shut it "
        "out (answered 429); 0: never.",
    )
    auth_shut_seconds: int = Field(
        default=300, ge=1, description="How long an address that failed too often is shut out."
    )
    audit_key: Path | None = Field(
        default=None,
        description="The hub's Ed25519 key that signs the audit checkpoints (made if missing). "
        "Unset: data_dir/audit-signing.key. Keep it where the database's writers cannot read.",
    )
    audit_checkpoint_every: int = Field(
        default=1000, ge=1, description="Audit entries between two signed checkpoints."
    )
    audit_publish: Path | None = Field(
        default=None,
        description="A file (elsewhere: another disk, a share) each new checkpoint is appended "
        "to, as a JSON line; `policenet audit verify --published FILE` checks the log "
        "against it.",
    )

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key or self.data_dir / "audit-signing.key"

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("POLICENET_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        return value

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, or the embedded SQLite file."""
        return self.database_url or f"sqlite:///{(self.data_dir / SQLITE_FILE).as_posix()}"


@cache
def get_settings() -> Settings:
    return Settings()
