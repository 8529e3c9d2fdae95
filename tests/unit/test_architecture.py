"""Every service is laid out the same way, and its layers keep to their jobs (docs/architecture.md):
routes and event handlers hold no SQL, the domain is pure, migrations import no live code.

Read from the source with ``ast``: nothing is imported or run."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").exists())
LAYOUT = (
    "app.py",
    "__main__.py",
    "api",
    "subscriptions.py",
    "usecases",
    "domain",
    "persistence",
    "schemas.py",
)
WITHOUT_DATABASE = {"web"}
"""Services that hold no platform data (the staff web application calls the others' APIs): no
subscriptions, persistence or migrations; their pages are templates with static files and messages."""
LAYOUT_WITHOUT_DATABASE = (
    "app.py",
    "__main__.py",
    "api",
    "usecases",
    "domain",
    "adapters",
    "schemas.py",
    "templates",
    "static",
    "locale",
)
IO = ("sqlalchemy", "fastapi", "starlette", "nats", "faststream", "httpx", "alembic")
SESSION_CALLS = {"execute", "scalar", "scalars", "get", "add", "add_all", "flush", "commit", "delete"}


def package(service: str) -> Path:
    return ROOT / "services" / service / "src" / f"kraftsamla_{service}"


def modules(path: Path) -> Iterator[Path]:
    yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def imported(tree: ast.AST, service: str) -> Iterator[tuple[int, str]]:
    """Every module a file imports, with relative imports resolved to the service's layer name
    (``from ..persistence.tables import X`` → ``persistence.tables``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:
                yield node.lineno, f".{name}" if name else "." + ",".join(a.name for a in node.names)
            else:
                prefix = f"kraftsamla_{service}."
                yield node.lineno, "." + name[len(prefix) :] if name.startswith(prefix) else name


def layer_of(name: str) -> str:
    """``.persistence.tables`` → ``persistence``; ``kraftsamla_common.db`` → ``kraftsamla_common.db``."""
    return name.lstrip(".").split(".")[0] if name.startswith(".") else name


def violations(service: str, where: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules(package(service) / where):
        tree = ast.parse(path.read_text(), str(path))
        for line, name in imported(tree, service):
            local = layer_of(name) if name.startswith(".") else None
            if (local is not None and local in forbidden) or any(
                name == f or name.startswith(f + ".") for f in forbidden if local is None
            ):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def session_uses(path: Path, source: str | None = None) -> list[str]:
    """Places where a module reaches a database session: ``x.session`` or ``session.execute(...)``."""
    tree = ast.parse(source if source is not None else path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "session":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} reaches .session")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in SESSION_CALLS
            and isinstance(node.value, ast.Name)
            and node.value.id == "session"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} calls session.{node.attr}")
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_parts(service: str) -> None:
    layout = LAYOUT_WITHOUT_DATABASE if service in WITHOUT_DATABASE else LAYOUT
    missing = [part for part in layout if not (package(service) / part).exists()]
    assert not missing, f"{service} lacks {missing} (docs/architecture.md)"
    if service in WITHOUT_DATABASE:
        assert not (package(service) / "persistence").exists()
        assert not (package(service) / "migrations").exists()
    else:
        assert (package(service) / "migrations" / "versions").is_dir()


@pytest.mark.parametrize("service", SERVICES)
def test_routes_and_handlers_hold_no_sql(service: str) -> None:
    found = violations(service, "api", ("sqlalchemy",)) + violations(
        service, "subscriptions.py", ("sqlalchemy",)
    )
    for path in [*modules(package(service) / "api"), package(service) / "subscriptions.py"]:
        if path.exists():
            found += session_uses(path)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_is_pure(service: str) -> None:
    """The domain imports neither the HTTP layer, its schemas, the tables, the use cases, nor
    any I/O library: changing an API field never means changing a rule."""
    forbidden = (
        "api",
        "schemas",
        "persistence",
        "usecases",
        "subscriptions",
        "app",
        *IO,
        "kraftsamla_common.db",
        "kraftsamla_common.messaging",
        "kraftsamla_common.service",
        "kraftsamla_common.bus",
    )
    found = violations(service, "domain", forbidden)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("service", SERVICES)
def test_use_cases_do_not_reach_back_into_http(service: str) -> None:
    found = violations(service, "usecases", ("api", "fastapi", "starlette", "subscriptions"))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_import_no_live_code(service: str) -> None:
    """A migration is history: it holds its own table definitions, so that editing today's code
    never rewrites what an old migration does to a database."""
    versions = package(service) / "migrations" / "versions"
    found = []
    for path in sorted(versions.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for line, name in imported(tree, service):
            if name.startswith((".", "kraftsamla_")):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not found, "\n".join(found)


def test_the_checks_see_a_violation() -> None:
    """The checks above find what they look for (so a green run means something)."""
    tree = ast.parse("from ..persistence.tables import Actor\nfrom sqlalchemy import select\n")
    names = [layer_of(n) if n.startswith(".") else n for _, n in imported(tree, "actors")]
    assert names == ["persistence", "sqlalchemy"]
    route = "async def get(uow):\n    return await uow.session.get(Actor, 1)\n"
    assert session_uses(ROOT / "api.py", route) == ["api.py:2 reaches .session"]
    assert session_uses(ROOT / "api.py", "async def get(uc):\n    return await uc.fetch()\n") == []


def test_every_test_module_has_its_own_name() -> None:
    """pytest imports test modules by their base name: two files of the same name in different
    layers stop the whole suite at collection."""
    tests = Path(__file__).resolve().parents[1]
    names = Counter(p.name for p in tests.rglob("test_*.py"))
    assert [name for name, n in names.items() if n > 1] == []
