"""Settings shared by every service: one class, environment variables prefixed ``KRAFTSAMLA_``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORTS = {"plans": 8101, "actors": 8102, "assessment": 8103, "reporting": 8104}


class Settings(BaseSettings):
    """Runtime configuration of one service process.

    Every field is read from ``KRAFTSAMLA_<FIELD>`` (e.g. ``KRAFTSAMLA_DATABASE_URL``).
    """

    model_config = SettingsConfigDict(env_prefix="KRAFTSAMLA_", extra="ignore")

    service: str = Field(default="", description="Service name; set by the service itself.")
    host: str = "127.0.0.1"
    port: int = 0
    data_dir: Path = Path("data")
    database_url: str = ""
    database_admin_url: str | None = Field(
        default=None,
        description="The tables' owner, used only to migrate; the service then connects with "
        "database_url as a role that owns nothing (PostgreSQL). Unset: database_url does both.",
    )
    nats_url: str = "nats://127.0.0.1:4222"
    api_keys_file: Path | None = None
    # People's bearer tokens (JWT): the identity provider's public keys (a JWKS file), issuer and
    # audience. Without a JWKS file only API keys are accepted.
    jwt_jwks_file: Path | None = None
    jwt_issuer: str | None = None
    jwt_audience: str = "kraftsamla"

    # Bus: delivery and retry policy of every durable consumer.
    max_deliver: int = 8
    ack_wait_seconds: float = 60.0
    backoff_seconds: list[float] = [0.5, 2.0, 5.0, 15.0, 30.0, 60.0]
    consumer_batch_size: int = 256
    stream_wait_seconds: float = 60.0
    stream_replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        description="Copies JetStream keeps of the service's own stream: 1 on one server, 3 on a cluster.",
    )

    # Outbox relay.
    relay_batch_size: int = 500
    relay_poll_seconds: float = 1.0

    # Telemetry: how often the gauges (consumer lag, dead letters, outbox backlog) are refreshed.
    metrics_poll_seconds: float = 5.0

    # Assessment: a reassessment is split into batches of this many applications, which the
    # service's replicas share (each batch one transaction).
    reassessment_batch_size: int = Field(default=500, ge=1, le=5000)

    # Reporting: how long a burst of changes is gathered before a report is regenerated.
    report_debounce_seconds: float = 0.3

    # Assessment: webhook deliveries; a failed delivery is retried after each of these delays in
    # turn (about two hours in all), then given up and shown as failed in the delivery log.
    webhook_backoff_seconds: list[float] = [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0]
    webhook_timeout_seconds: float = 10.0
    webhook_poll_seconds: float = 0.5

    # Limits: request body size, and requests per second per API key (see kraftsamla_common.limits).
    # The rate is counted per process: with N replicas a key may make N times as many requests.
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1, description="Largest request body (413 above)."
    )
    rate_limit_per_second: float = Field(
        default=50.0, ge=0, description="Requests a second per API key, sustained; 0 turns the limit off."
    )
    rate_limit_burst: int = Field(default=200, ge=1, description="Requests an API key may make at once.")

    def for_service(self, name: str) -> Settings:
        """Fill in the per-service defaults (port, SQLite file) that depend on the service name."""
        data_dir = self.data_dir.resolve()
        updates: dict[str, object] = {"service": name, "data_dir": data_dir}
        if not self.port:
            updates["port"] = DEFAULT_PORTS.get(name, 8100)
        if not self.database_url:
            updates["database_url"] = f"sqlite+aiosqlite:///{data_dir / f'{name}.db'}"
        if self.api_keys_file is None:
            updates["api_keys_file"] = data_dir / "api-keys.json"
        return self.model_copy(update=updates)
