"""The web application's settings: environment variables prefixed ``KRAFTSAMLA_WEB_``, and the
OpenID provider's as ``KRAFTSAMLA_OIDC_*`` (the names the local launcher gives them).

The web application has no database and no bus of its own: it signs people in with the region's
OpenID provider and calls the four services' public APIs with each person's token. Its settings are
its own class (the services' :class:`kraftsamla_common.settings.Settings` is about databases, NATS
and limits); logging (``KRAFTSAMLA_LOG_LEVEL``, ``KRAFTSAMLA_LOG_FORMAT``) is read as by every
service.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 8105


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KRAFTSAMLA_WEB_", extra="ignore", populate_by_name=True)

    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535, description="HTTP port.")

    plans_url: str = Field(default="http://127.0.0.1:8101", description="The plans service's base URL.")
    actors_url: str = Field(default="http://127.0.0.1:8102", description="The actors service's base URL.")
    assessment_url: str = Field(
        default="http://127.0.0.1:8103", description="The assessment service's base URL."
    )
    reporting_url: str = Field(
        default="http://127.0.0.1:8104", description="The reporting service's base URL."
    )
    service_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long one call to a service may take before the page says so."
    )

    oidc_issuer: str = Field(
        validation_alias="KRAFTSAMLA_OIDC_ISSUER",
        description="The OpenID provider's issuer URL; its `.well-known/openid-configuration` is read "
        "from there. Required.",
    )
    oidc_client_id: str = Field(
        default="kraftsamla",
        validation_alias="KRAFTSAMLA_OIDC_CLIENT_ID",
        description="This application's client id at the provider (the audience of the tokens the "
        "services accept, `KRAFTSAMLA_JWT_AUDIENCE`).",
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias="KRAFTSAMLA_OIDC_CLIENT_SECRET",
        description="The client's secret at the provider; unset: a public client (PKCE alone).",
    )
    oidc_scope: str = Field(
        default="openid profile",
        validation_alias="KRAFTSAMLA_OIDC_SCOPE",
        description="Scopes asked for; the claims `name` and `locale` need `profile`.",
    )
    public_url: str | None = Field(
        default=None,
        description="The application's URL as browsers reach it (e.g. the gateway's), for the sign-in "
        "callback; unset: taken from each request.",
    )

    session_secret: SecretStr = Field(
        description="Signs the session cookie: at least 32 characters. Required (the local launcher "
        "makes a new one at each start)."
    )
    session_https_only: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set it in production)."
    )
    session_max_age_seconds: int = Field(
        default=8 * 3600, ge=60, description="How long a sign-in lasts at most."
    )

    @field_validator("session_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("KRAFTSAMLA_WEB_SESSION_SECRET must be at least 32 characters long")
        return value

    @field_validator("oidc_issuer", "plans_url", "actors_url", "assessment_url", "reporting_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def service_url(self, service: str) -> str:
        return str(getattr(self, f"{service}_url"))


def variable(name: str) -> str:
    """The environment variable a setting is read from."""
    alias = WebSettings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"KRAFTSAMLA_WEB_{name.upper()}"


def settings_table() -> str:
    """The Markdown table of the web application's settings (docs/web.md holds it; a test keeps
    it current)."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in WebSettings.model_fields.items():
        value = field.default
        if field.is_required():
            default = "required"
        elif value is None or value == "":
            default = "unset"
        elif isinstance(value, float):
            default = f"`{value:g}`"
        else:
            default = f"`{value}`"
        lines.append(f"| `{variable(name)}` | {default} | {field.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_table(), end="")
