"""The container deployment (docker-compose.yml, deploy/docker/) agrees with how the services start.

No Docker engine is needed: the compose file, the Dockerfile, the Caddyfile, nats.conf and the
PostgreSQL init script are parsed and checked against the code they configure —
``kraftsamla_common.settings`` (variable names, default ports) and the local launcher
(``kraftsamla_local.servers.ServiceProcess``: the same variables, the same start command).
``docker compose config`` runs as well where the compose CLI plugin is installed.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from kraftsamla_common.auth import ApiKeys, Role
from kraftsamla_common.settings import DEFAULT_PORTS, Settings
from kraftsamla_local import people, servers
from kraftsamla_local.__main__ import web_process
from kraftsamla_web.settings import DEFAULT_PORT as WEB_PORT
from kraftsamla_web.settings import WebSettings
from kraftsamla_web.settings import variable as web_variable

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"
DOCKER = ROOT / "deploy" / "docker"
DOCKERFILE = DOCKER / "Dockerfile"
SERVICES = ("actors", "plans", "assessment", "reporting")
WEB = "web"  # the staff web application: a service of its own, with settings of its own
IMAGES = (*SERVICES, WEB)  # what the Dockerfile builds with --build-arg SERVICE=<name>
DEMO_KEY = "demo-operator-key"  # documented in deploy/docker/README.md
# The web application's variables: its settings, and logging as every service reads it.
WEB_VARIABLES = {web_variable(name) for name in WebSettings.model_fields} | {
    "KRAFTSAMLA_LOG_LEVEL",
    "KRAFTSAMLA_LOG_FORMAT",
}
# Where the development OpenID provider (profile "dev") writes its keys, and the services read them.
IDENTITY_KEYS = "/run/kraftsamla-identity/jwks.json"


# --------------------------------------------------------------------------- parsing helpers


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    doc = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(doc, dict) and isinstance(doc.get("services"), dict)
    return doc


def env_of(service: dict[str, Any]) -> dict[str, str]:
    """A service's ``environment`` as a mapping (compose allows a mapping or a KEY=VALUE list)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def bind_mounts(service: dict[str, Any]) -> dict[str, tuple[Path, bool]]:
    """Container path → (host path, read-only) for the ``./…`` bind mounts of a service."""
    mounts: dict[str, tuple[Path, bool]] = {}
    for volume in service.get("volumes", []):
        source, target, *options = str(volume).split(":")
        if source.startswith("."):
            mounts[target] = ((ROOT / source).resolve(), "ro" in options)
    return mounts


def named_volumes(service: dict[str, Any]) -> dict[str, str]:
    """Container path → volume name for the named volumes of a service."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, *_ = str(volume).split(":")
        if not source.startswith((".", "/")):
            found[target] = source
    return found


def healthcheck_command(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL"), test
        return " ".join(test[1:])
    return str(test)


def interpolated(value: str, env: dict[str, str] | None = None) -> str:
    """A value as compose interpolates it: ``${VAR:-default}`` (default when VAR is unset or
    empty), ``${VAR-default}`` (when unset) and ``${VAR}``, with the variables of ``env``."""
    env = env or {}

    def one(m: re.Match[str]) -> str:
        name, op, default = m.group(1), m.group(2) or "", m.group(3) or ""
        if op == ":-":
            return env.get(name) or default
        if op == "-":
            return env.get(name, default)
        return env.get(name, "")

    return re.sub(r"\$\{(\w+)(?:(:?-)([^}]*))?\}", one, value)


def url_in(command: str) -> tuple[str, int, str]:
    """(host, port, path) of the http URL in a health check command."""
    match = re.search(r"http://([\w.-]+):(\d+)(/[^'\"\s]*)", command)
    assert match, f"no http://host:port/path URL in {command!r}"
    return match.group(1), int(match.group(2)), match.group(3)


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, (KEYWORD, arguments), grouped by build stage."""
    lines: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or not stripped:
            continue  # comments and blank lines, also inside continued instructions
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    assert not pending, "Dockerfile ends inside a continued line"
    stages: list[list[tuple[str, str]]] = [[]]
    for line in lines:
        keyword, _, args = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), args.strip()))
    return stages


def final_stage() -> list[tuple[str, str]]:
    return dockerfile_stages()[-1]


def dockerfile_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in stage:
        if keyword == "ENV":
            for token in shlex.split(args):
                name, sep, value = token.partition("=")
                assert sep, f"use ENV name=value, not {args!r}"
                env[name] = value
    return env


def global_args() -> dict[str, str]:
    """ARGs declared before the first FROM, with their defaults."""
    args = {}
    for keyword, arg in dockerfile_stages()[0]:
        if keyword == "ARG":
            name, _, default = arg.partition("=")
            args[name] = default
    return args


def launcher_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> dict[str, str]:
    """The KRAFTSAMLA_* variables the local launcher sets for a service (without starting it),
    people's tokens from its OpenID provider included (``service_processes``)."""
    for key in list(os.environ):
        if key.startswith("KRAFTSAMLA_"):
            monkeypatch.delenv(key)
    process = servers.ServiceProcess(
        name,
        port=DEFAULT_PORTS[name],
        nats_url="nats://x:4222",
        data_dir=tmp_path,
        extra_env=people.service_env("http://127.0.0.1:8010", "http://127.0.0.1:8010/jwks"),
    )
    return {k: v for k, v in process.env().items() if k.startswith("KRAFTSAMLA_")}


def launcher_web_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The KRAFTSAMLA_* variables the local launcher sets for the web application (``web_process``)."""
    for key in list(os.environ):
        if key.startswith("KRAFTSAMLA_"):
            monkeypatch.delenv(key)
    services = [
        servers.ServiceProcess(name, port=DEFAULT_PORTS[name], nats_url="nats://x:4222", data_dir=tmp_path)
        for name in SERVICES
    ]
    oidc = servers.OidcProvider(port=8010)
    process = web_process("nats://x:4222", tmp_path, WEB_PORT, services, oidc, "http://127.0.0.1:8000")
    return {k: v for k, v in process.env().items() if k.startswith("KRAFTSAMLA_")}


def init_script(compose: dict[str, Any]) -> str:
    mounts = bind_mounts(compose["services"]["postgres"])
    scripts = [
        host for target, (host, _) in mounts.items() if target.startswith("/docker-entrypoint-initdb.d/")
    ]
    assert scripts, "no init script mounted into /docker-entrypoint-initdb.d/"
    for script in scripts:
        assert script.is_file(), script
    return "\n".join(script.read_text() for script in scripts)


def init_script_databases(compose: dict[str, Any]) -> set[str]:
    return set(re.findall(r"CREATE\s+DATABASE\s+\"?(\w+)\"?", init_script(compose), re.IGNORECASE))


CATCH_ALL = "*"
"""The route of ``handle { reverse_proxy … }`` with no matcher: every path no other route takes."""


def caddy_routes(text: str) -> dict[str, tuple[str, int]]:
    """Path prefix → (upstream host, port) of a Caddyfile written as ``@name path /p /p/*`` plus
    ``handle @name { reverse_proxy host:port }``, and :data:`CATCH_ALL` → the upstream of a
    ``handle { reverse_proxy host:port }`` without a matcher."""
    text = re.sub(r"#[^\n]*", "", text)
    matchers = dict(re.findall(r"@(\w+)\s+path\s+/(\w+)\s+/\w+/\*", text))
    routes: dict[str, tuple[str, int]] = {}
    for matcher, host, port in re.findall(
        r"handle\s+@(\w+)\s*\{\s*reverse_proxy\s+([\w.-]+):(\d+)\s*\}", text
    ):
        assert matcher in matchers, f"handle @{matcher} without a path matcher"
        routes[matchers[matcher]] = (host, int(port))
    catch_all = re.findall(r"handle\s*\{\s*reverse_proxy\s+([\w.-]+):(\d+)\s*\}", text)
    assert len(catch_all) <= 1, "two catch-all routes"
    for host, port in catch_all:
        routes[CATCH_ALL] = (host, int(port))
    assert len(routes) == len(re.findall(r"reverse_proxy", text)), "a reverse_proxy the parser did not read"
    return routes


# --------------------------------------------------------------------------- compose: services


def test_compose_has_every_service_and_its_infrastructure(compose: dict[str, Any]) -> None:
    assert set(SERVICES) == set(DEFAULT_PORTS)
    assert set(compose["services"]) >= {
        *SERVICES,
        WEB,
        "oidc",
        "nats",
        "postgres",
        "gateway",
        "lgtm",
        "nats-exporter",
    }
    declared = set(compose.get("volumes") or {})
    for infra, data_dir in (("nats", "/data"), ("postgres", "/var/lib/postgresql/data"), ("lgtm", "/data")):
        volume = named_volumes(compose["services"][infra]).get(data_dir)
        assert volume in declared, f"{infra}: {data_dir} should be a declared named volume"


@pytest.mark.parametrize("name", IMAGES)
def test_service_is_built_from_the_shared_dockerfile(compose: dict[str, Any], name: str) -> None:
    build = compose["services"][name]["build"]
    assert (ROOT / build.get("context", ".")).resolve() == ROOT
    assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE
    assert build["args"]["SERVICE"] == name


@pytest.mark.parametrize("name", SERVICES)
def test_service_env_names_are_settings_and_match_the_local_launcher(
    compose: dict[str, Any], name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = {f"KRAFTSAMLA_{field.upper()}" for field in Settings.model_fields}
    compose_names = {k for k in env_of(compose["services"][name]) if k.startswith("KRAFTSAMLA_")}
    image_names = {k for k in dockerfile_env(final_stage()) if k.startswith("KRAFTSAMLA_")}
    launcher_names = set(launcher_env(tmp_path, monkeypatch, name))

    assert compose_names <= fields, f"not Settings fields: {compose_names - fields}"
    assert image_names <= fields, f"Dockerfile ENV, not Settings fields: {image_names - fields}"
    assert launcher_names <= fields  # the launcher itself stays in step with Settings
    # The launcher runs on SQLite: no database roles, so no owner's URL to migrate with. Its
    # provider is on loopback, so its keys come by URL; compose's development provider writes them
    # to a file instead (see test_services_accept_the_tokens_the_web_applications_provider_issues).
    compose_names -= {"KRAFTSAMLA_DATABASE_ADMIN_URL", "KRAFTSAMLA_JWT_JWKS_FILE"}
    assert compose_names <= launcher_names, f"the launcher does not set {compose_names - launcher_names}"
    # Everything the launcher configures is configured in the container too (compose or image).
    assert compose_names | image_names == launcher_names


@pytest.mark.parametrize("name", SERVICES)
def test_service_port_default_gateway_and_healthcheck_agree(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    port = int(env_of(service)["KRAFTSAMLA_PORT"])
    assert port == DEFAULT_PORTS[name]

    routes = caddy_routes((DOCKER / "Caddyfile").read_text())
    assert routes[name] == (name, port), "the gateway routes to the compose service name and its port"

    host, health_port, path = url_in(healthcheck_command(service))
    assert (host, health_port, path) == ("127.0.0.1", port, "/readyz")
    assert service["restart"] == "unless-stopped"


@pytest.mark.parametrize("name", SERVICES)
def test_service_database_and_bus(compose: dict[str, Any], name: str) -> None:
    services = compose["services"]
    env = env_of(services[name])

    url = make_url(env["KRAFTSAMLA_DATABASE_URL"])
    admin = make_url(env["KRAFTSAMLA_DATABASE_ADMIN_URL"])
    for u in (url, admin):
        assert u.drivername == "postgresql+asyncpg"
        assert u.host == "postgres" and (u.port or 5432) == 5432
        assert u.database == f"kraftsamla_{name}", "one database per service"
        assert u.database in init_script_databases(compose)
    pg_env = env_of(services["postgres"])
    # Migrated by the databases' owner; run as a role the init script makes, which owns nothing.
    assert (admin.username, admin.password) == (pg_env["POSTGRES_USER"], pg_env["POSTGRES_PASSWORD"])
    assert url.username != admin.username
    made = re.search(rf"CREATE\s+ROLE\s+{url.username}\s+LOGIN(.*?);", init_script(compose), re.S | re.I)
    assert made, f"the init script creates the role {url.username}"
    assert {"NOSUPERUSER", "NOBYPASSRLS"} <= set(made.group(1).split())
    assert f"PASSWORD '{url.password}'" in made.group(1)

    nats = make_url(env["KRAFTSAMLA_NATS_URL"].replace("nats://", "nats+x://"))
    assert (nats.host, nats.port) == ("nats", 4222)

    depends = services[name]["depends_on"]
    for infra in ("nats", "postgres"):
        assert depends[infra]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", SERVICES)
def test_service_api_keys_file_is_mounted_read_only(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    target = env_of(service)["KRAFTSAMLA_API_KEYS_FILE"]
    host, read_only = bind_mounts(service)[target]
    assert read_only
    assert host == DOCKER / "api-keys.example.json"
    principal = ApiKeys(host).lookup(DEMO_KEY)
    assert principal is not None and principal.role is Role.OPERATOR
    assert DEMO_KEY in (DOCKER / "README.md").read_text()


@pytest.mark.parametrize("name", IMAGES)
def test_service_telemetry(compose: dict[str, Any], name: str) -> None:
    env = env_of(compose["services"][name])
    assert env["OTEL_SERVICE_NAME"] == f"kraftsamla-{name}"
    host, port, _ = url_in(env["OTEL_EXPORTER_OTLP_ENDPOINT"] + "/")
    assert (host, port) == ("lgtm", 4318)
    assert "4318:4318" in compose["services"]["lgtm"]["ports"]


# --------------------------------------------------------------------------- compose: the web application and sign-in


def web_env(compose: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, str]:
    """The web application's environment as compose gives it, interpolated with ``env``."""
    return {k: interpolated(v, env) for k, v in env_of(compose["services"][WEB]).items()}


def test_web_env_names_are_its_settings_and_match_the_local_launcher(
    compose: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compose_names = {k for k in env_of(compose["services"][WEB]) if k.startswith("KRAFTSAMLA_")}
    assert compose_names <= WEB_VARIABLES, (
        f"not the web application's settings: {compose_names - WEB_VARIABLES}"
    )
    launcher = launcher_web_env(tmp_path, monkeypatch)
    launcher_names = {k for k in launcher if k in WEB_VARIABLES}
    # The launcher's web application listens on 127.0.0.1 (the default) behind a gateway on plain
    # HTTP; in a container it listens on every address, and HTTPS-only cookies are a choice.
    assert compose_names - {"KRAFTSAMLA_WEB_HOST", "KRAFTSAMLA_WEB_SESSION_HTTPS_ONLY"} == launcher_names


def test_web_port_services_gateway_and_healthcheck_agree(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    service = compose["services"][WEB]
    env = web_env(compose)
    assert int(env["KRAFTSAMLA_WEB_PORT"]) == WEB_PORT
    assert env["KRAFTSAMLA_WEB_HOST"] == "0.0.0.0"
    for name in SERVICES:
        assert env[f"KRAFTSAMLA_WEB_{name.upper()}_URL"] == f"http://{name}:{DEFAULT_PORTS[name]}"
    assert set(service["depends_on"]) >= set(SERVICES)
    assert url_in(healthcheck_command(service)) == ("127.0.0.1", WEB_PORT, "/readyz")
    assert service["restart"] == "unless-stopped"
    assert "ports" not in service, "browsers reach it through the gateway"
    # Browsers come back from the provider to the gateway's published port.
    assert env["KRAFTSAMLA_WEB_PUBLIC_URL"] == "http://localhost:8000"
    assert "8000:8000" in compose["services"]["gateway"]["ports"]

    # The application starts with what compose gives it: its settings take every value.
    for key in list(os.environ):
        if key.startswith("KRAFTSAMLA_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = WebSettings()  # type: ignore[call-arg]
    assert settings.port == WEB_PORT and settings.session_https_only is False


def test_web_secrets_are_placeholders_to_replace_never_real_ones(compose: dict[str, Any]) -> None:
    """The client secret and the session secret default to values everyone who reads the file
    knows, named so; the README says to set them; set from the environment, they are used."""
    raw = env_of(compose["services"][WEB])
    readme = (DOCKER / "README.md").read_text()
    for name in ("KRAFTSAMLA_OIDC_CLIENT_SECRET", "KRAFTSAMLA_WEB_SESSION_SECRET"):
        m = re.fullmatch(rf"\$\{{{name}:-([^}}]+)\}}", raw[name])
        assert m, f"{name} is taken from the environment, with a placeholder: {raw[name]!r}"
        assert "replace-me" in m.group(1) and "demo" in m.group(1), m.group(1)
        assert name in readme
        assert interpolated(raw[name], {name: "mine-" + "x" * 40}) == "mine-" + "x" * 40
    assert len(web_env(compose)["KRAFTSAMLA_WEB_SESSION_SECRET"]) >= 32


def test_services_accept_the_tokens_the_web_applications_provider_issues(compose: dict[str, Any]) -> None:
    """The services check people's tokens against the issuer the web application signs in at and
    its client id, with the keys the development provider writes to the volume they share; with a
    provider of one's own (its JWKS URL, the file emptied) the same settings are valid, and a URL
    beside the default file is refused at start rather than used half."""
    services = compose["services"]
    web = web_env(compose)
    issuer, client_id = web["KRAFTSAMLA_OIDC_ISSUER"], web["KRAFTSAMLA_OIDC_CLIENT_ID"]
    assert client_id == people.WEB_CLIENT_ID
    oidc = services["oidc"]
    (keys_volume,) = [v for t, v in named_volumes(oidc).items() if t == str(Path(IDENTITY_KEYS).parent)]
    assert keys_volume in (compose.get("volumes") or {})
    assert IDENTITY_KEYS in [str(a) for a in oidc["command"]]
    for name in SERVICES:
        raw = env_of(services[name])
        env = {k: interpolated(v) for k, v in raw.items()}
        assert env["KRAFTSAMLA_JWT_ISSUER"] == issuer
        assert env["KRAFTSAMLA_JWT_AUDIENCE"] == client_id
        assert env["KRAFTSAMLA_JWT_JWKS_URL"] == ""
        assert env["KRAFTSAMLA_JWT_JWKS_FILE"] == IDENTITY_KEYS
        mounted = [str(v) for v in services[name]["volumes"]]
        assert f"{keys_volume}:{Path(IDENTITY_KEYS).parent}:ro" in mounted, name
        jwt = {
            k.removeprefix("KRAFTSAMLA_").lower(): v
            for k, v in env.items()
            if k.startswith("KRAFTSAMLA_JWT_")
        }
        settings = Settings(**jwt)
        assert settings.jwt_jwks_file == Path(IDENTITY_KEYS) and settings.jwt_jwks_url is None

        own = {
            "KRAFTSAMLA_OIDC_ISSUER": "https://sso.example.org/realms/kraftsamla",
            "KRAFTSAMLA_OIDC_CLIENT_ID": "kraftsamla",
            "KRAFTSAMLA_JWT_JWKS_URL": "https://sso.example.org/realms/kraftsamla/protocol/openid-connect/certs",
        }
        production = {k: interpolated(v, {**own, "KRAFTSAMLA_JWT_JWKS_FILE": ""}) for k, v in raw.items()}
        jwt = {
            k.removeprefix("KRAFTSAMLA_").lower(): v
            for k, v in production.items()
            if k.startswith("KRAFTSAMLA_JWT_")
        }
        settings = Settings(**jwt)
        assert settings.jwt_jwks_file is None
        assert settings.jwt_jwks_url == own["KRAFTSAMLA_JWT_JWKS_URL"]
        assert (settings.jwt_issuer, settings.jwt_audience) == (
            own["KRAFTSAMLA_OIDC_ISSUER"],
            interpolated(env_of(services[WEB])["KRAFTSAMLA_OIDC_CLIENT_ID"], own),
        )
        half = {k: interpolated(v, own) for k, v in raw.items()}
        jwt = {
            k.removeprefix("KRAFTSAMLA_").lower(): v
            for k, v in half.items()
            if k.startswith("KRAFTSAMLA_JWT_")
        }
        with pytest.raises(ValueError, match="set one of them"):
            Settings(**jwt)


def test_the_development_provider_runs_only_in_its_profile_on_this_machine(compose: dict[str, Any]) -> None:
    """oidc (oidc-provider-mock: anyone signs in as anyone) runs only with ``--profile dev``, is
    published on 127.0.0.1 only, and is reached by the browser and the containers at one name, so
    that the issuer in its tokens is the one the web application and the services expect."""
    from urllib.parse import urlsplit

    from kraftsamla_local import oidc as dev_oidc

    services = compose["services"]
    oidc = services["oidc"]
    assert oidc["profiles"] == ["dev"]
    assert [name for name, s in services.items() if s.get("profiles")] == ["oidc"], "nothing else is optional"
    issuer = urlsplit(web_env(compose)["KRAFTSAMLA_OIDC_ISSUER"])
    assert issuer.scheme == "http" and issuer.hostname and issuer.port
    # Any *.localhost is the browser's own machine (RFC 6761), where the port is published; on the
    # compose network the same name is the provider's alias.
    assert issuer.hostname.endswith(".localhost")
    assert oidc["networks"]["default"]["aliases"] == [issuer.hostname]
    assert [str(p) for p in oidc["ports"]] == [f"127.0.0.1:{issuer.port}:{issuer.port}"]

    command = [str(a) for a in oidc["command"]]
    assert command[:3] == ["python", "-m", "kraftsamla_local.oidc"]
    args = dev_oidc.parser().parse_args(command[3:])
    assert (args.host, args.port, str(args.jwks_file)) == ("0.0.0.0", issuer.port, IDENTITY_KEYS)
    assert url_in(healthcheck_command(oidc))[1:] == (issuer.port, "/.well-known/openid-configuration")

    # Built from the Dockerfile's development stage, which is not the default (last) one.
    build = oidc["build"]
    assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE and build["target"] == "dev-oidc"
    stages = dockerfile_stages()
    (stage,) = [st for st in stages if st and st[0][0] == "FROM" and st[0][1].endswith(" AS dev-oidc")]
    assert stage is not stages[-1]
    runs = " ".join(args for keyword, args in stage if keyword == "RUN")
    assert "uv export --frozen" in runs and "--constraint" in runs and "oidc-provider-mock" in runs
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    # The volume it writes the keys to starts owned by the user both images run as.
    for st in (stage, stages[-1]):
        made = " ".join(args for keyword, args in st if keyword == "RUN")
        assert re.search(rf"chown kraftsamla:kraftsamla [^&]*{Path(IDENTITY_KEYS).parent}", made)


# --------------------------------------------------------------------------- compose: infrastructure


def test_postgres_creates_one_database_per_service(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert str(postgres["image"]).startswith("postgres:16")
    assert init_script_databases(compose) == {f"kraftsamla_{name}" for name in SERVICES}
    assert "pg_isready" in healthcheck_command(postgres)


def test_nats_runs_jetstream_with_fsync_always(compose: dict[str, Any]) -> None:
    nats = compose["services"]["nats"]
    assert re.fullmatch(r"nats:2\.(1\d|[2-9]\d)(\.\d+)*-alpine", nats["image"]), nats["image"]
    conf_path = DOCKER / "nats.conf"
    (target,) = [t for t, (host, ro) in bind_mounts(nats).items() if host == conf_path and ro]
    assert target in " ".join(map(str, nats["command"])), "nats-server is started with the mounted config"

    text = re.sub(r"#[^\n]*", "", conf_path.read_text())
    block = re.search(r"jetstream\s*\{([^}]*)\}", text)
    assert block, "nats.conf has no jetstream { … } block"
    assert re.search(r"^\s*sync_interval\s*:\s*always\s*$", block.group(1), re.MULTILINE)
    store = re.search(r"store_dir\s*:\s*\"?([^\s\"]+)", block.group(1))
    assert store and store.group(1) in named_volumes(nats), "the JetStream store is on a volume"
    assert "durab" in conf_path.read_text().lower(), "nats.conf explains the durability trade-off"

    http_port = re.search(r"^\s*http_port\s*:\s*(\d+)", text, re.MULTILINE)
    assert http_port and int(http_port.group(1)) == 8222
    command = healthcheck_command(nats)
    assert "wget" in command
    assert url_in(command)[1:] == (8222, "/healthz?js-enabled-only=true")
    assert {"4222:4222", "8222:8222"} <= set(nats["ports"])


def test_gateway_routes_the_four_prefixes_and_everything_else_to_the_web_application(
    compose: dict[str, Any],
) -> None:
    gateway = compose["services"]["gateway"]
    assert str(gateway["image"]).startswith("caddy:2")
    caddyfile = DOCKER / "Caddyfile"
    assert bind_mounts(gateway)["/etc/caddy/Caddyfile"] == (caddyfile, True)
    assert "8000:8000" in gateway["ports"]
    assert set(gateway["depends_on"]) == {*SERVICES, WEB}

    text = caddyfile.read_text()
    assert caddy_routes(text) == {
        **{name: (name, DEFAULT_PORTS[name]) for name in SERVICES},
        CATCH_ALL: (WEB, WEB_PORT),
    }
    assert re.search(r"^:8000\s*\{", text, re.MULTILINE)
    # The services serve /<name>/…: the gateway must not strip the prefix.
    assert "strip_prefix" not in text and "handle_path" not in text
    # The gateway checks itself by its own answer, not through the web application.
    assert url_in(healthcheck_command(gateway))[1:] == (8000, "/api")


def caddy_site_routes(text: str) -> list[tuple[str, str]]:
    """The ``handle`` blocks of the :8000 site in order: (matcher, body); ``""`` for no matcher."""
    body = caddy_site_blocks(text)[":8000"]
    found: list[tuple[str, str]] = []
    for m in re.finditer(r"^\thandle(?:\s+(\S+))?\s*\{\n(.*?)^\t\}", body, re.MULTILINE | re.DOTALL):
        found.append((m.group(1) or "", m.group(2)))
    return found


def test_gateway_answers_api_with_the_index_the_local_gateway_answers(tmp_path: Path) -> None:
    """/api is the index of the services and names the web application at /, as the launcher's
    gateway answers it (there with absolute URLs); / and whatever no service takes go to the web
    application, which answers its own 404 page."""
    text = (DOCKER / "Caddyfile").read_text()
    routes = caddy_site_routes(text)
    (api,) = [body for matcher, body in routes if matcher == "/api"]
    answered = re.search(r"respond\s+`([^`]*)`\s+200", api)
    assert answered and "application/json" in api
    index = json.loads(answered.group(1))

    local = servers.Gateway(
        {**DEFAULT_PORTS, servers.WEB: WEB_PORT}, port=8000, metrics_port=8009, data_dir=tmp_path
    )
    expected = json.loads(json.dumps(local.index()).replace(local.url, ""))
    assert index == expected
    assert expected["web"] == "/" and set(expected["services"]) == set(SERVICES)
    # The local gateway's configuration has the same shape: the index at /api, the rest to the web.
    assert re.search(r"handle /api \{", local.caddyfile())
    assert re.search(rf"handle \{{\s*reverse_proxy 127\.0\.0\.1:{WEB_PORT}\s*\}}", local.caddyfile())
    # Nothing answers / itself any longer (the web application does), and the catch-all is last.
    assert [m for m, _ in routes if m in ("/", "")] == [""]
    assert routes[-1][0] == ""


def caddy_site_blocks(text: str) -> dict[str, str]:
    """Site address → body of each top-level site block of a Caddyfile (comments removed)."""
    text = re.sub(r"#[^\n]*", "", text)
    return {
        address: body
        for address, body in re.findall(r"^(\S+)\s*\{\n(.*?)^\}", text, re.MULTILINE | re.DOTALL)
        if address != "{"
    }


def test_gateway_serves_its_metrics_on_an_unpublished_port_only(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]
    text = (DOCKER / "Caddyfile").read_text()
    options = re.search(r"\A(?:\s*#[^\n]*\n)*\s*\{\n(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    assert options, "the Caddyfile starts with a global options block"
    assert re.search(r"^\s*metrics\s*$", options.group(1), re.MULTILINE), "metrics enabled globally"
    assert re.search(r"servers\s+:8000\s*\{\s*name\s+gateway\s*\}", options.group(1))

    blocks = caddy_site_blocks(text)
    assert set(blocks) == {":8000", ":9180"}
    assert re.search(r"handle\s+/metrics\s*\{\s*metrics\s*\}", blocks[":9180"])
    assert "reverse_proxy" not in blocks[":9180"]
    assert not re.search(r"^\s*metrics\b", blocks[":8000"], re.MULTILINE), "no metrics on the public port"
    # Prometheus reaches :9180 on the compose network; the host does not.
    assert not [p for p in map(str, gateway["ports"]) if p.split(":")[-1] == "9180"]


# The NATS Prometheus exporter: the flags it runs with, for the series docs/operations.md names.
NATS_EXPORTER_FLAGS = {"-varz", "-jsz=all", "-connz", "-routez", "-healthz"}


def test_nats_exporter_reads_the_nats_monitoring_port(compose: dict[str, Any]) -> None:
    exporter = compose["services"]["nats-exporter"]
    image = str(exporter["image"])
    assert image.startswith("natsio/prometheus-nats-exporter:") and pinned(image), image
    command = [str(arg) for arg in exporter["command"]]
    assert set(command) >= NATS_EXPORTER_FLAGS
    assert not [arg for arg in command if arg.startswith("-prefix")], "default names: gnatsd_*, jetstream_*"
    assert "-port=7777" in command
    # The monitoring URL is the last argument: nats's http_port on the compose network.
    conf = re.sub(r"#[^\n]*", "", (DOCKER / "nats.conf").read_text())
    http_port = re.search(r"^\s*http_port\s*:\s*(\d+)", conf, re.MULTILINE)
    assert http_port and command[-1] == f"http://nats:{http_port.group(1)}"
    assert exporter["depends_on"]["nats"]["condition"] == "service_healthy"
    assert exporter["restart"] == "unless-stopped"
    assert "ports" not in exporter, "Prometheus scrapes it on the compose network"


# --------------------------------------------------------------------------- Dockerfile


@pytest.mark.parametrize("name", IMAGES)
def test_image_runs_the_same_module_as_the_launcher(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = final_stage()
    commands = [args for keyword, args in stage if keyword in ("CMD", "ENTRYPOINT")]
    assert commands, "no CMD/ENTRYPOINT in the runtime stage"
    command = " ".join(" ".join(json.loads(c)) if c.startswith("[") else c for c in commands)
    assert re.search(r"python -m kraftsamla_\$\{?SERVICE\}?", command.replace('"', "")), command
    assert ("ARG", "SERVICE") in stage
    assert dockerfile_env(stage)["SERVICE"] == "${SERVICE}"
    assert importlib.util.find_spec(f"kraftsamla_{name}") is not None
    assert importlib.util.find_spec(f"kraftsamla_{name}.__main__") is not None

    # The local launcher starts `python -m kraftsamla_<name>` too (its spawn is intercepted).
    launched: list[list[str]] = []
    monkeypatch.setattr(servers, "port_open", lambda *a, **k: False)
    process = servers.ServiceProcess(name, port=1, nats_url="nats://x:4222", data_dir=tmp_path)
    monkeypatch.setattr(process, "_spawn", lambda args, **kw: launched.append(args))
    process.start()
    assert launched and launched[0][1:] == ["-m", f"kraftsamla_{name}"]


def test_image_runtime_settings() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 3, "a builder stage and a runtime stage"
    runtime = stages[-1]
    base = next(args for keyword, args in runtime if keyword == "FROM").split()[0]
    base = re.sub(r"\$\{(\w+)\}", lambda m: global_args()[m.group(1)], base)
    assert base == "python:3.11-slim"

    env = dockerfile_env(runtime)
    assert env["KRAFTSAMLA_HOST"] == "0.0.0.0"
    users = [args for keyword, args in runtime if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the service runs as a non-root user"

    health = next(args for keyword, args in runtime if keyword == "HEALTHCHECK")
    assert "urllib" in health and "/readyz" in health and "KRAFTSAMLA_PORT" in health
    # The web application's port is a setting of its own, with its own default.
    assert "KRAFTSAMLA_WEB_PORT" in health and str(WEB_PORT) in health
    # Copies the virtual environment from the builder; no sources needed at run time.
    assert any(k == "COPY" and a.startswith("--from=builder") for k, a in runtime)


def test_image_builds_from_the_lock_file() -> None:
    runs = " ".join(args for stage in dockerfile_stages() for keyword, args in stage if keyword == "RUN")
    syncs = re.findall(r"uv sync[^&;]*", runs)
    assert syncs
    for sync in syncs:
        assert "--frozen" in sync and "--no-dev" in sync
        assert re.search(r"--package \"?kraftsamla-\$\{SERVICE\}\"?", sync), sync
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    members = set(lock["manifest"]["members"])
    assert {f"kraftsamla-{name}" for name in IMAGES} <= members


def dockerignored(path: str, patterns: list[str]) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.strip("/")
        bare = pattern.removeprefix("**/")
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            if pattern.startswith("**/") and fnmatch.fnmatchcase(prefix.rsplit("/", 1)[-1], bare):
                return True
    return False


@pytest.mark.parametrize("name", IMAGES)
def test_every_path_the_dockerfile_copies_exists(name: str) -> None:
    ignore = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not any(p.startswith("!") for p in ignore), "the simple matcher here does not handle !patterns"
    copied = 0
    for stage in dockerfile_stages():
        for keyword, args in stage:
            if keyword not in ("COPY", "ADD"):
                continue
            tokens = shlex.split(args)
            if any(t.startswith("--from=") for t in tokens):
                continue  # copies from another stage or image, not from the build context
            sources = [t for t in tokens if not t.startswith("--")][:-1]
            for source in sources:
                path = source.replace("${SERVICE}", name).replace("$SERVICE", name).rstrip("/")
                assert (ROOT / path).exists(), f"COPY {source}: {path} does not exist"
                assert not dockerignored(path, ignore), f"COPY {source}: {path} is excluded by .dockerignore"
                copied += 1
    assert copied >= 3


# --------------------------------------------------------------------------- docker compose config


def test_docker_compose_config_is_valid() -> None:
    if shutil.which("docker") is None:
        pytest.skip("docker CLI not installed")
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip("docker compose plugin not installed")
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0 and re.search(r"daemon|docker\.sock|engine", result.stderr, re.IGNORECASE):
        pytest.skip(f"docker compose config needs an engine here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr


# An exact version (1.2.3, optionally -variant), a digest, or both: never `latest`, never a moving
# minor or major tag such as `2.11-alpine`. PostgreSQL numbers its releases major.minor (16.9).
PINNED_IMAGE = re.compile(r"[^:@\s]+(:\d+\.\d+\.\d+(-[\w.]+)?(@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})")
PINNED_POSTGRES = re.compile(r"postgres:\d+\.\d+(-[\w.]+)?(@sha256:[0-9a-f]{64})?")


def pinned(image: str) -> bool:
    return bool(PINNED_IMAGE.fullmatch(image) or PINNED_POSTGRES.fullmatch(image))


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nats:2.11.4-alpine", True),
        ("grafana/otel-lgtm:0.11.10", True),
        ("caddy@sha256:" + "a" * 64, True),
        ("grafana/otel-lgtm:latest", False),
        ("postgres:16-alpine", False),
        ("nats:2.11-alpine", False),
        ("caddy", False),
        ("postgres:16.9-alpine", True),
        ("postgres:16-alpine", False),
        ("natsio/prometheus-nats-exporter:0.20.2", True),
        ("natsio/prometheus-nats-exporter:latest", False),
    ],
)
def test_pinned_image_pattern(image: str, expected: bool) -> None:
    assert pinned(image) is expected


def test_every_image_is_pinned_to_a_version(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if "build" in service:
            continue  # built here from the repository (kraftsamla/<service>:local)
        assert pinned(str(service["image"])), f"{name}: {service['image']} is not pinned"
