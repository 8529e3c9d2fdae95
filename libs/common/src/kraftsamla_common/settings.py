"""Settings shared by every service: one class, environment variables prefixed ``KRAFTSAMLA_``."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_PORTS = {"plans": 8101, "actors": 8102, "assessment": 8103, "reporting": 8104}


def missing_setting(name: str, value: str | None) -> None:
    """Refuse a bearer-token setup without ``name``: :class:`ValueError` saying what to set."""
    if value is None or not value.strip():
        raise ValueError(
            f"{name} must be set when KRAFTSAMLA_JWT_JWKS_FILE or KRAFTSAMLA_JWT_JWKS_URL is: every "
            "bearer token is checked against it, and without it a token naming any issuer or audience "
            f"would be accepted. Set {name}, or unset KRAFTSAMLA_JWT_JWKS_FILE and "
            "KRAFTSAMLA_JWT_JWKS_URL to accept API keys only."
        )


LOOPBACK_HOSTS = ("localhost",)


def jwks_url_checked(url: str) -> str:
    """A JWKS URL as the services fetch keys from it: ``https://``, or ``http://`` to a loopback
    address only (an identity provider on the same machine, as in development); ValueError else."""
    from ipaddress import ip_address
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return url.strip()
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            loopback = ip_address(host).is_loopback
        except ValueError:
            loopback = host.lower() in LOOPBACK_HOSTS
        if loopback:
            return url.strip()
    raise ValueError(
        f"KRAFTSAMLA_JWT_JWKS_URL must be an https:// URL (http:// only to a loopback address such as "
        f"127.0.0.1): the keys that tokens are checked with must not be open to tampering; not {url!r}."
    )


def nats_servers(url: str) -> list[str]:
    """The servers of a NATS URL that may name several, comma-separated (a cluster's): one URL
    each, spaces and empty entries dropped."""
    return [part.strip() for part in url.split(",") if part.strip()]


class Settings(BaseSettings):
    """Runtime configuration of one service process.

    Every field is read from ``KRAFTSAMLA_<FIELD>`` (e.g. ``KRAFTSAMLA_DATABASE_URL``).
    """

    model_config = SettingsConfigDict(env_prefix="KRAFTSAMLA_", extra="ignore")

    service: str = Field(default="", description="The service's name; set by the service itself.")
    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    port: int = Field(default=0, ge=0, le=65535, description="HTTP port; 0: the service's own (8101–8104).")
    data_dir: Path = Field(default=Path("data"), description="Where SQLite files and the API keys file live.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy async URL, `sqlite+aiosqlite:///…` or `postgresql+asyncpg://…`; "
        "empty: `sqlite+aiosqlite:///<data dir>/<service>.db`.",
    )
    database_admin_url: str | None = Field(
        default=None,
        description="PostgreSQL: the tables' owner, used only to migrate; the service then connects with "
        "the database URL as a role that owns nothing (row-level security by region). Unset: the database "
        "URL does both.",
    )
    nats_url: str = Field(
        default="nats://127.0.0.1:4222",
        description="NATS server with JetStream; a cluster's servers comma-separated "
        "(`nats://n1:4222,nats://n2:4222,nats://n3:4222`): the first connection goes to any that answers, "
        "a lost one is made again to another.",
    )
    api_keys_file: Path | None = Field(
        default=None,
        description="API keys (SHA-256 hashes) with region and role; unset: `<data dir>/api-keys.json`.",
    )
    jwt_jwks_file: Path | None = Field(
        default=None,
        description="People's bearer tokens: the identity provider's public keys (a JWKS file, re-read "
        "when it changes). Unset or empty: only API keys are accepted, unless a JWKS URL is set; a file "
        "that is not there (yet) accepts no token.",
    )
    jwt_jwks_url: str | None = Field(
        default=None,
        description="People's bearer tokens: the identity provider's JWKS URL (its discovery document's "
        "`jwks_uri`), instead of a file; `https://`, or `http://` to a loopback address only. The keys "
        "are kept, fetched again when a token names a key id they lack (a rotation) and in the "
        "background when old; a provider that does not answer leaves the kept keys in use.",
    )
    jwt_jwks_refetch_seconds: float = Field(
        default=30.0,
        gt=0,
        description="JWKS URL: the least time between two fetches of the keys, however many tokens name "
        "key ids the kept set lacks (made-up ones too).",
    )
    jwt_jwks_max_age_seconds: float = Field(
        default=300.0,
        gt=0,
        description="JWKS URL: keys fetched longer ago than this are fetched again, in the background "
        "while they serve on (a key the provider withdrew is no longer accepted after about this long).",
    )
    jwt_issuer: str | None = Field(
        default=None,
        validate_default=True,
        description="Bearer tokens: the issuer (`iss`) they must name, exactly as the identity provider "
        "writes it. Required with a JWKS file or URL: a service with one and no issuer refuses to start.",
    )
    jwt_audience: str = Field(
        default="kraftsamla",
        description="Bearer tokens: the audience (`aud`) they must name (the client id the identity "
        "provider puts there). Must not be empty with a JWKS file or URL.",
    )

    max_deliver: int = Field(
        default=8, ge=1, le=100, description="Deliveries of an event before it is dead-lettered."
    )
    ack_wait_seconds: float = Field(
        default=60.0, gt=0, description="How long JetStream waits for a handler's acknowledgement."
    )
    backoff_seconds: list[float] = Field(
        default=[0.5, 2.0, 5.0, 15.0, 30.0, 60.0],
        description="Delays before each redelivery of a failed event (the last repeats).",
    )
    consumer_batch_size: int = Field(
        default=256, ge=1, le=10_000, description="Events a durable consumer fetches and handles at once."
    )
    stream_wait_seconds: float = Field(
        default=60.0, gt=0, description="How long a service waits on start for the streams it consumes."
    )
    stream_replicas: int = Field(
        default=1,
        ge=1,
        le=5,
        description="Copies JetStream keeps of the service's own stream: 1 on one server, 3 on a cluster.",
    )

    stream_duplicate_window_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How long JetStream remembers an event's id (`Nats-Msg-Id`) and drops the same "
        "event published again (an outbox relay that died between the PubAck and marking its rows sent).",
    )
    stream_max_age_seconds: float = Field(
        default=90 * 86400.0,
        gt=0,
        description="How long each service's stream keeps an event (90 days): a consumer stopped for "
        "longer misses what aged out. At least the duplicate window and the longest redelivery "
        "(`(max deliver + 2) × (ack wait + longest back-off)`), or the service does not start.",
    )
    stream_max_bytes: int = Field(
        default=-1,
        ge=-1,
        description="Most bytes each service's stream keeps; the oldest events are dropped above it, "
        "read or not. -1: no limit (the age alone bounds it); set it as a guard for the disk.",
    )
    dead_letter_max_age_seconds: float = Field(
        default=90 * 86400.0,
        gt=0,
        description="How long a dead letter waits in `DEADLETTER` for a person to replay it (90 days); "
        "the same in every service (each declares the stream).",
    )
    outbox_retention_seconds: float = Field(
        default=7 * 86400.0,
        gt=0,
        description="Retention: how long an outbox row is kept after it was sent (7 days); unsent rows "
        "are never pruned.",
    )
    inbox_retention_seconds: float = Field(
        default=14 * 86400.0,
        gt=0,
        description="Retention: how long a consumer's inbox row (an event it handled) is kept (14 days). "
        "At least the duplicate window and the longest redelivery, or the service does not start: "
        "while an event can come back, its row must be there to skip it.",
    )
    audit_retention_seconds: float = Field(
        default=10 * 365.25 * 86400.0,
        gt=0,
        description="Retention: how long an audit log row is kept (10 years: evidence for the funds' "
        "controls, docs/decisions/0024-retention.md).",
    )
    idempotency_ttl_seconds: float = Field(
        default=86400.0,
        gt=0,
        description="Assessment: how long a retry with the same `Idempotency-Key` gets the first answer "
        "again (24 hours); older keys are pruned.",
    )
    webhook_delivery_retention_seconds: float = Field(
        default=30 * 86400.0,
        gt=0,
        description="Assessment: how long a delivered or given-up webhook delivery stays in the delivery "
        "log (30 days); pending ones are never pruned.",
    )
    report_keep_latest: int = Field(
        default=50,
        ge=2,
        description="Reporting: report versions of a region always kept, newest first (the two newest "
        "are compared on the report page).",
    )
    report_retention_seconds: float = Field(
        default=365 * 86400.0,
        gt=0,
        description="Reporting: report versions younger than this are kept (a year); older ones beyond "
        "the newest kept go, except the last version of each calendar year.",
    )
    retention_poll_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="Retention: how often the pruning job of each service runs (and once at start).",
    )
    retention_batch_size: int = Field(
        default=1000,
        ge=1,
        le=100_000,
        description="Retention: rows deleted per transaction; the job deletes batch after batch.",
    )

    relay_batch_size: int = Field(
        default=500, ge=1, le=10_000, description="Outbox rows the relay publishes at once."
    )
    relay_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the outbox relay looks for rows nobody woke it for."
    )

    metrics_poll_seconds: float = Field(
        default=5.0, gt=0, description="Refresh of the gauges: consumer lag, dead letters, outbox backlog."
    )
    readiness_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        description="`/readyz`: how long the round trip to the database and to NATS may take; slower "
        "counts as failing (503).",
    )
    readiness_cache_seconds: float = Field(
        default=1.0,
        ge=0,
        description="`/readyz`: how long an answer is reused, so that frequent probes do not each reach "
        "the database and NATS.",
    )
    log_level: str = Field(default="INFO", description="Log level: DEBUG, INFO, WARNING, ERROR.")
    log_format: str = Field(default="json", description="`json` lines, or `text` for plain lines.")
    httpx_log_level: str = Field(
        default="WARNING",
        description="Log level of outgoing HTTP requests (their URLs may carry a webhook's token).",
    )

    reassessment_batch_size: int = Field(
        default=500,
        ge=1,
        le=5000,
        description="Assessment: applications per reassessment batch; the replicas share the batches, "
        "each one transaction.",
    )
    reassessment_carry: bool = Field(
        default=True,
        description="Assessment: a reassessment carries each assessment the plan change does not touch "
        "to the new plan versions instead of making it anew (the same result, docs/assessment.md); "
        "false makes every one anew (for repair, or to compare).",
    )
    report_debounce_seconds: float = Field(
        default=0.3,
        ge=0,
        description="Reporting: how long a burst of changes is gathered before a report is regenerated.",
    )
    chromium: str | None = Field(
        default=None,
        description="Reporting: the Chromium that prints PDF reports (a path or a command name); "
        "unset: the first of chromium, chromium-browser, google-chrome on PATH.",
    )

    webhook_backoff_seconds: list[float] = Field(
        default=[1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0],
        description="Assessment: delays before each retry of a failed webhook delivery (about two hours "
        "in all); then it is given up and shown as failed in the delivery log.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="Assessment: how long one webhook delivery may take."
    )
    webhook_poll_seconds: float = Field(
        default=0.5, gt=0, description="Assessment: how often due webhook deliveries are looked for."
    )
    webhook_allowed_hosts: list[str] = Field(
        default=[],
        description="Assessment: internal destinations webhooks may go to after all, as JSON: host "
        'names (any address they resolve to is allowed), addresses and networks (`["hooks.internal", '
        '"10.20.0.0/16"]`). Every other loopback, private, link-local, shared (100.64/10), '
        "unspecified, multicast or reserved address is refused, when a webhook is registered and at "
        "each delivery; cloud metadata addresses always.",
    )
    secrets_key: SecretStr | None = Field(
        default=None,
        description="Assessment: the key webhook signing secrets are encrypted with in the database "
        "(a Fernet key: 32 bytes in URL-safe base64); several separated by commas, newest first, while "
        "a key is rotated. Required: the service does not start without one (`./kraftsamla up` keeps "
        "one in `<data dir>/secrets.key`).",
    )

    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1, description="Largest request body (413 above)."
    )
    rate_limit_per_second: float = Field(
        default=10.0,
        ge=0,
        description="Requests a second one identity (an API key, a person's token) may make to one "
        "service, sustained, counted over all its replicas together (429 above); 0 turns this limit off.",
    )
    rate_limit_burst: int = Field(
        default=30,
        ge=1,
        description="Requests one identity may make to one service at once, before the rate.",
    )
    rate_limit_operator_per_second: float = Field(
        default=50.0,
        ge=0,
        description="The same for the platform operator's keys and tokens; 0 turns this limit off.",
    )
    rate_limit_operator_burst: int = Field(
        default=200, ge=1, description="Requests the platform operator may make to one service at once."
    )
    rate_limit_region_per_second: float = Field(
        default=20.0,
        ge=0,
        description="Requests a second all callers of one region together may make to one service, "
        "sustained, over all its replicas (the operator is not counted); 0 turns this limit off.",
    )
    rate_limit_region_burst: int = Field(
        default=40, ge=1, description="Requests the callers of one region may make to one service at once."
    )
    rate_limit_address_per_second: float = Field(
        default=5.0,
        ge=0,
        description="Requests a second without valid credentials from one client address (an IPv6 "
        "address's /64), answered 429 above before anything else is done; 0 turns this limit off.",
    )
    rate_limit_address_burst: int = Field(
        default=20,
        ge=1,
        description="Requests without valid credentials one client address may make at once.",
    )
    region_concurrency: int = Field(
        default=4,
        ge=0,
        description="Requests of one region a service process works on at once while no other region "
        "asks; while others do (or did within the last second), one each. The operator counts for the "
        "region it addresses. More wait in a queue; 0: no limit.",
    )
    region_queue: int = Field(
        default=16,
        ge=0,
        description="Requests of one region that may wait in a process for their turn; more are "
        "answered 429 at once.",
    )
    region_queue_seconds: float = Field(
        default=10.0, ge=0, description="How long a request may wait for its turn before it is answered 429."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Addresses or networks (`10.0.0.0/8`, comma-separated) of the proxies in front of "
        "the services (gateway, ingress): only from them is `X-Forwarded-For` believed when telling "
        "client addresses apart. Unset: the connection's peer is the client.",
    )
    problem_base: str = Field(
        default="https://kraftsamla.se/problems/",
        pattern=r"^[a-z][a-z0-9+.-]*:.*/$",
        description="Errors: the absolute URI the problem types start with (`<base>validation`, "
        "`<base>not-found`, …); set it to where the deployment publishes the pages that explain them.",
    )

    @field_validator("jwt_jwks_file", mode="before")
    @classmethod
    def _jwks_file(cls, value: Any) -> Any:
        """Empty is unset, as for the JWKS URL (a compose file can then name a file by default and
        leave it empty where a URL is used)."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("jwt_jwks_url")
    @classmethod
    def _jwks_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        """https (or http to a loopback address), and not beside a JWKS file."""
        if value is None or not value.strip():
            return None
        if info.data.get("jwt_jwks_file") is not None:
            raise ValueError(
                "KRAFTSAMLA_JWT_JWKS_FILE and KRAFTSAMLA_JWT_JWKS_URL are both set: set one of them."
            )
        return jwks_url_checked(value)

    @field_validator("jwt_issuer", "jwt_audience")
    @classmethod
    def _bearer_tokens_checked(cls, value: str | None, info: ValidationInfo) -> str | None:
        """With a JWKS file or URL, the issuer and the audience tokens are checked against must be set."""
        if info.data.get("jwt_jwks_file") is not None or info.data.get("jwt_jwks_url") is not None:
            missing_setting(f"KRAFTSAMLA_{(info.field_name or '').upper()}", value)
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_list(cls, value: Any) -> Any:
        """A comma-separated list (or a JSON list) of addresses and networks, each checked."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                value = json.loads(text)
            else:
                value = [part.strip() for part in text.split(",") if part.strip()]
        if isinstance(value, list):
            for item in value:
                ip_network(str(item), strict=False)  # ValueError: not an address or network
        return value

    @field_validator("nats_url")
    @classmethod
    def _nats_url(cls, value: str) -> str:
        if not nats_servers(value):
            raise ValueError(
                "KRAFTSAMLA_NATS_URL names no server: give one URL, or several separated by commas."
            )
        return value

    @property
    def nats_servers(self) -> list[str]:
        """The NATS servers of ``nats_url``, one URL each (as NATS clients take a cluster's servers)."""
        return nats_servers(self.nats_url)

    @property
    def redelivery_seconds(self) -> float:
        """The longest an event can keep coming back to a consumer after it was first delivered:
        JetStream delivers it up to ``max_deliver + 2`` times (the consumer's safety net behind our
        dead-lettering), each after the ack wait or the longest back-off."""
        longest = max(self.backoff_seconds, default=0.0)
        return (self.max_deliver + 2) * (self.ack_wait_seconds + longest)

    @model_validator(mode="after")
    def _retention_consistent(self) -> Settings:
        """Retention that could let an event back in after its inbox row is gone, or drop it from its
        stream while it is still being retried, is refused (docs/decisions/0024-retention.md)."""
        return retention_checked(self)

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


def retention_checked(settings: Settings) -> Settings:
    """``settings`` if their retention is consistent; else :class:`ValueError` saying what to set."""
    window = settings.stream_duplicate_window_seconds
    redelivery = settings.redelivery_seconds
    problems = []
    if settings.inbox_retention_seconds < window:
        problems.append(
            f"KRAFTSAMLA_INBOX_RETENTION_SECONDS ({settings.inbox_retention_seconds:g}) is shorter than "
            f"KRAFTSAMLA_STREAM_DUPLICATE_WINDOW_SECONDS ({window:g}): an event published again after "
            "its inbox row is gone and after JetStream forgot its id would be handled twice"
        )
    if settings.inbox_retention_seconds < redelivery:
        problems.append(
            f"KRAFTSAMLA_INBOX_RETENTION_SECONDS ({settings.inbox_retention_seconds:g}) is shorter than "
            f"the longest redelivery ({redelivery:g} s: (KRAFTSAMLA_MAX_DELIVER + 2) × "
            "(KRAFTSAMLA_ACK_WAIT_SECONDS + the longest of KRAFTSAMLA_BACKOFF_SECONDS)): an event "
            "redelivered after its inbox row is gone would be handled twice"
        )
    if settings.stream_max_age_seconds < window:
        problems.append(
            f"KRAFTSAMLA_STREAM_MAX_AGE_SECONDS ({settings.stream_max_age_seconds:g}) is shorter than "
            f"KRAFTSAMLA_STREAM_DUPLICATE_WINDOW_SECONDS ({window:g}); JetStream refuses such a stream"
        )
    if settings.stream_max_age_seconds < redelivery:
        problems.append(
            f"KRAFTSAMLA_STREAM_MAX_AGE_SECONDS ({settings.stream_max_age_seconds:g}) is shorter than "
            f"the longest redelivery ({redelivery:g} s): an event still being retried would age out "
            "of its stream, neither handled nor dead-lettered"
        )
    if problems:
        raise ValueError("inconsistent retention: " + "; ".join(problems) + ".")
    return settings


OTHER_VARIABLES = {
    "OTEL_EXPORTER_OTLP_ENDPOINT": "OpenTelemetry: where traces, metrics and logs go over OTLP/HTTP; unset: "
    "no export. The other standard `OTEL_*` variables (sampler, service name, exporters) apply too.",
}


def _default(field: Any) -> str:
    value = field.default
    if value is None or value == "":
        return "unset"
    if isinstance(value, Path):
        return f"`{value}`"
    if isinstance(value, list):
        if not value:
            return "none"
        return "`" + ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) + "`"
    if isinstance(value, float):
        return f"`{int(value)}`" if value.is_integer() else f"`{value:g}`"
    return f"`{value}`"


def configuration_table() -> str:
    """The Markdown table of every setting (docs/configuration.md holds it; a test keeps it current)."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        if name == "service":
            continue
        lines.append(f"| `KRAFTSAMLA_{name.upper()}` | {_default(field)} | {field.description} |")
    for name, meaning in OTHER_VARIABLES.items():
        lines.append(f"| `{name}` | unset | {meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(configuration_table(), end="")
