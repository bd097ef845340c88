"""One Settings object, read from DONDOC_* environment variables."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.clock import LOCAL_TZ


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DONDOC_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    token_minutes: int = 8 * 60
    # The legal calendar's zone (core/clock.py); any other value is refused at start-up.
    timezone: str = LOCAL_TZ.key
    base_url: str = "http://127.0.0.1:8000"
    language: Literal["vi", "en"] = "vi"

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    # The server's certificate is always verified (system CAs); a private CA's PEM file
    # instead of them (notifications/transport.py).
    smtp_ca_file: str = ""
    mail_from: str = "Đôn Đốc <dondoc@localhost>"
    mail_dir: Path | None = None

    # SMS for citizens who gave only a phone (notifications/sms.py); off unless a URL is set.
    sms_url: str = ""
    sms_user: str = ""
    sms_password: str = ""
    sms_template: str = "{agency}: {message} Ma ho so {code}. Tra cuu: {link}"

    # Requests handled at once by one server process (api/limits.py); the rest wait their turn.
    requests_in_flight: int = Field(default=8, ge=1, le=1000)

    # Attachments (docs/attachments.md): the size limit, and where the bytes live: `files` in
    # `attachment_dir` (default var/attachments; a shared mount for scale-out) or `database`.
    attachment_max_mb: int = Field(default=20, ge=1, le=1024)
    attachment_storage: Literal["files", "database"] = "files"
    attachment_dir: Path | None = None

    # The embedded scheduler; turn it off when Prefect deployments run the sweeps.
    scheduler_enabled: bool = True
    sweep_interval_seconds: int = 300

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if self.timezone != LOCAL_TZ.key:
            raise ValueError(
                f"DONDOC_TIMEZONE must be {LOCAL_TZ.key}: deadlines follow Vietnamese law"
            )
        if self.smtp_ca_file and not Path(self.smtp_ca_file).is_file():
            raise ValueError(f"DONDOC_SMTP_CA_FILE: no such file: {self.smtp_ca_file}")
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.var_dir / 'dondoc.db').as_posix()}"
        if self.mail_dir is None:
            self.mail_dir = self.var_dir / "mail"
        if self.attachment_dir is None:
            self.attachment_dir = self.var_dir / "attachments"
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError("DONDOC_SECRET_KEY must be set in production")
            self.secret_key = _local_secret(self.var_dir)
        return self

    @property
    def tz(self) -> ZoneInfo:
        return LOCAL_TZ

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def sms_configured(self) -> bool:
        return bool(self.sms_url)


def _local_secret(var_dir: Path) -> str:
    """The secret kept in var/secret_key, generated on first use."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
