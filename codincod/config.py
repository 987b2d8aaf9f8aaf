"""One typed settings object, built once at each entry point.

Sources, strongest first: keyword arguments, ``CODINCOD_*`` environment variables, the Node
server's variables (``JWT_SECRET``, ``FRONTEND_URL``, ...) so an operator can swap servers with
the same ``.env``, an optional TOML file (``CODINCOD_CONFIG`` or ``--config``), then defaults.
With nothing set, codincod runs on an SQLite file in its data directory.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

JWT_SECRET_FILE = "jwt-secret"


def _default_migrations_dir() -> Path:
    """Inside the package when installed from a wheel, else the checkout's ``migrations/``."""
    package = Path(__file__).resolve().parent
    shipped = package / "_migrations"
    return shipped if shipped.is_dir() else package.parent / "migrations"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "codincod"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Everything an operator can set. ``codincod config`` lists each field with its
    description, default and current value; the README's configuration table says the same."""

    # CODINCOD_<FIELD> for every field; the fields the Node server also had list its names too.
    model_config = SettingsConfigDict(
        env_prefix="CODINCOD_", extra="ignore", frozen=True, populate_by_name=True
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the SQLite file and the generated JWT secret live.",
    )
    database_url: str | None = Field(
        default=None,
        description="sqlite:///path or postgres://user:pass@host/db (default: SQLite in data_dir).",
    )
    host: str = Field(
        default="127.0.0.1",
        validation_alias=_env("CODINCOD_HOST", "FASTIFY_HOST"),
        description="Address the HTTP server binds to.",
    )
    port: int = Field(
        default=8888,
        ge=1,
        le=65535,
        validation_alias=_env("CODINCOD_PORT", "FASTIFY_PORT"),
        description="Port the HTTP server listens on (8888, like the Node server).",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Worker processes (PostgreSQL only; SQLite always runs one).",
    )
    jwt_secret: str | None = Field(
        default=None,
        validation_alias=_env("CODINCOD_JWT_SECRET", "JWT_SECRET"),
        description="HS256 secret for session tokens; generated into data_dir when unset.",
        repr=False,
    )
    jwt_expiry_seconds: int = Field(
        default=24 * 3600,
        ge=60,
        description="Lifetime of a session token.",
    )
    frontend_url: str = Field(
        default="http://localhost:5173",
        validation_alias=_env("CODINCOD_FRONTEND_URL", "FRONTEND_URL"),
        description="The frontend's origin, allowed by CORS and the WebSocket origin check.",
    )
    frontend_host: str | None = Field(
        default=None,
        validation_alias=_env("CODINCOD_FRONTEND_HOST", "FRONTEND_HOST"),
        description="Cookie domain in production, e.g. .example.com.",
    )
    environment: Literal["development", "production", "test"] = Field(
        default="development",
        validation_alias=_env("CODINCOD_ENV", "NODE_ENV"),
        description="production makes cookies Secure and SameSite=None.",
    )
    piston_url: str | None = Field(
        default=None,
        validation_alias=_env("CODINCOD_PISTON_URL", "PISTON_URI"),
        description="Base URL of a Piston server; unset uses the embedded Python runner.",
    )
    database_pool_size: int = Field(
        default=20,
        ge=1,
        le=200,
        description="PostgreSQL connections per worker (keep workers x this under the server's "
        "max_connections, 100 by default; the event bus takes one more per worker).",
    )
    executor_concurrency: int = Field(
        default=16,
        ge=1,
        le=512,
        description="Executions in flight per worker; more wait in line (the embedded runner "
        "also stays under the number of CPUs).",
    )
    run_timeout_ms: int = Field(
        default=3000,
        ge=100,
        le=60_000,
        description="Wall-clock and CPU limit of one run, in milliseconds.",
    )
    run_memory_mb: int = Field(
        default=256,
        ge=16,
        le=16_384,
        description="Memory limit of one run, in MiB.",
    )
    piston_timeout_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Longest wait for one Piston answer; default: the run and compile limits "
        "plus 5 s.",
    )
    runtimes_ttl_seconds: int = Field(
        default=300,
        ge=1,
        description="How long Piston's runtime list is trusted before a background refresh.",
    )
    bcrypt_rounds: int = Field(
        default=12,
        ge=4,
        le=16,
        description="bcrypt cost for new password hashes; weaker hashes are upgraded on login.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body accepted (413 beyond).",
    )
    request_timeout_seconds: int = Field(
        default=30,
        ge=1,
        le=600,
        description="Time a connection may take to send a request's headers and body, from "
        "the moment it is accepted (an idle or trickling client is cut off).",
    )
    response_timeout_seconds: int = Field(
        default=60,
        ge=1,
        le=600,
        description="Longest a request may take to be answered; past it the client gets 503 "
        "with Retry-After.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1/32", "::1/128"],
        description="Addresses/CIDRs whose X-Forwarded-For is believed (comma separated).",
    )
    rate_limit_enabled: bool = Field(
        default=True,
        description="Per-client request limits (off only for benchmarks).",
    )
    rate_limit_per_minute: int = Field(
        default=100,
        ge=1,
        description="Requests per minute allowed to one client address, on every route.",
    )
    register_unaddressed_per_15_minutes: int = Field(
        default=30,
        ge=1,
        description="Registrations per 15 minutes shared by every caller without a client "
        "address (the frontend's own server, which registers for browsers).",
    )
    cache_enabled: bool = Field(
        default=True,
        description="PostgreSQL only: per-process caches of sessions and public puzzle pages.",
    )
    game_countdown_seconds: int = Field(
        default=15,
        ge=0,
        le=300,
        description="Seconds between a game's start in the waiting room and its first second.",
    )
    game_min_duration_seconds: int = Field(
        default=300,
        ge=1,
        le=3600,
        description="Shortest game a room may ask for (the longest is an hour).",
    )
    room_reconnect_grace_seconds: float = Field(
        default=3.0,
        ge=0,
        le=600,
        description="How long a waiting-room member whose sockets all closed keeps their place.",
    )
    readonly_token_max_days: int = Field(
        default=90,
        ge=1,
        le=3650,
        description="Longest life of a read-only token made by `codincod user token "
        "--readonly --days N` (for dashboards and scripts).",
    )
    sockets_per_user: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Open WebSockets one account may hold in one server process; the next is "
        "closed with 1008 and a reason.",
    )
    drain_seconds: float = Field(
        default=0,
        ge=0,
        le=10,
        description="On SIGTERM, how long a process keeps serving while /api/v1/health/ready "
        "answers 503 (so a load balancer stops sending it clients) before it closes its "
        "sockets (1001) and finishes the requests in flight; it exits within 15 s.",
    )
    access_log: bool = Field(
        default=True,
        description="One log line per request, with its request id.",
    )
    log_level: str = Field(
        default="INFO",
        description="DEBUG, INFO, WARNING or ERROR.",
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="text (one readable line per record) or json (one JSON object per line, "
        "with time, level and message; access lines add the request's fields).",
    )
    metrics_token: str | None = Field(
        default=None,
        description="Serves Prometheus figures at GET /metrics to `Authorization: Bearer "
        "<token>` (401 otherwise); unset, /metrics answers 404.",
        repr=False,
    )
    migrations_dir: Path = Field(
        default_factory=_default_migrations_dir,
        description="Folder holding one aerich migration folder per dialect.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @field_validator("environment", mode="before")
    @classmethod
    def _normalise_environment(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return {"prod": "production", "dev": "development"}.get(value, value)
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = settings_cls.model_config.get("toml_file") or os.environ.get(
            "CODINCOD_CONFIG"
        )
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    # --- derived values -------------------------------------------------------------------

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite://{self.data_dir / 'codincod.sqlite3'}"

    @property
    def dialect(self) -> Literal["sqlite", "postgres"]:
        scheme = self.resolved_database_url.split(":", 1)[0].lower()
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgres", "postgresql", "asyncpg", "psycopg"):
            return "postgres"
        raise ValueError(
            f"unsupported database URL scheme {scheme!r}: use sqlite:// or postgres://"
        )

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @cached_property
    def trusted_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies)

    def with_jwt_secret(self) -> Settings:
        """The same settings with a JWT secret: the configured one, or one generated on first
        start and kept in ``data_dir`` readable only by its owner."""
        if self.jwt_secret:
            return self
        return self.model_copy(update={"jwt_secret": load_or_create_secret(self.data_dir)})


def ensure_private_dir(path: Path, *, tighten: bool = False) -> None:
    """The data directory holds the database (password hashes, emails) and the JWT secret:
    only its owner may enter it."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        return
    # A folder the operator made beforehand (say 0755) would show the database to every local
    # user, player code of the embedded runner included: close it if it is ours.
    status = path.stat()
    shared = status.st_mode & 0o1000  # a sticky folder such as /tmp is everybody's: never
    if tighten and not shared and status.st_uid == os.geteuid() and status.st_mode & 0o077:
        path.chmod(0o700)


def load_or_create_secret(data_dir: Path) -> str:
    path = data_dir / JWT_SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    ensure_private_dir(data_dir, tighten=True)
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must agree on one secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    return secret


def load_settings(config_file: str | None = None, **overrides: Any) -> Settings:
    """Build the settings at an entry point; ``config_file`` wins over ``CODINCOD_CONFIG``."""
    path = config_file or os.environ.get("CODINCOD_CONFIG")
    values = {key: value for key, value in overrides.items() if value is not None}
    if not path:
        return Settings(**values)
    config = SettingsConfigDict(**{**Settings.model_config, "toml_file": Path(path)})
    with_file = type("SettingsFromFile", (Settings,), {"model_config": config})
    settings: Settings = with_file(**values)
    return settings


@dataclass(frozen=True)
class SettingInfo:
    name: str
    environment: tuple[str, ...]
    default: str
    current: str
    description: str


_SECRET_FIELDS = frozenset({"jwt_secret", "metrics_token"})


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "unset"
    if name in _SECRET_FIELDS:
        return "(set)"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def environment_names(name: str) -> tuple[str, ...]:
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(str(choice) for choice in alias.choices)
    return (f"CODINCOD_{name.upper()}",)


def describe_settings(settings: Settings) -> list[SettingInfo]:
    """Every setting: where it comes from, its default, its value now (secrets hidden)."""
    described = []
    for name, info in Settings.model_fields.items():
        default = "computed" if info.default_factory is not None else _shown(name, info.default)
        described.append(
            SettingInfo(
                name,
                environment_names(name),
                default,
                _shown(name, getattr(settings, name)),
                info.description or "",
            )
        )
    return described + _outside_settings()


def _outside_settings() -> list[SettingInfo]:
    """What the README lists beside the server's settings: the file they may come from, and
    the console's own variables (read by ``codincod console``, not by the server)."""
    token = os.environ.get("CODINCOD_TOKEN")
    return [
        SettingInfo(
            "config",
            ("CODINCOD_CONFIG",),
            "unset",
            os.environ.get("CODINCOD_CONFIG") or "unset",
            "TOML file the settings above may come from (`--config` wins over it)",
        ),
        SettingInfo(
            "console server",
            ("CODINCOD_SERVER",),
            "this machine's server (host and port above)",
            os.environ.get("CODINCOD_SERVER") or "unset",
            "the server `codincod console` talks to",
        ),
        SettingInfo(
            "console token",
            ("CODINCOD_TOKEN",),
            "unset",
            "(set)" if token else "unset",
            "a token `codincod console` uses instead of asking for a login",
        ),
    ]
