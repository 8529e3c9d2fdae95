"""The operators' runbooks (docs/operations/runbooks/): one page for every alert the rules name,
links that lead somewhere, and commands with the ports the platform really listens on.

Read from the files: nothing is started. The alert rules (``runbook_url`` in any YAML file under
deploy/) are read when present; the list of alerts below holds when they are not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "docs" / "operations" / "runbooks"

ALERTS = (
    "KraftsamlaServiceDown",
    "KraftsamlaHigh5xxRatio",
    "KraftsamlaLatencyAboveGoal",
    "KraftsamlaConsumerLagGrowing",
    "KraftsamlaOutboxStuck",
    "KraftsamlaDeadLettersWaiting",
    "KraftsamlaWebhookEndpointFailing",
    "KraftsamlaReportStale",
    "KraftsamlaApiAvailabilityBudgetBurn",
    "KraftsamlaPublishToReportBudgetBurn",
)
SITUATIONS = ("nats-outage.md", "database-outage.md", "replay.md")

# Where `./kraftsamla up` listens by default (docs/configuration.md#the-local-launcher), and what
# Compose publishes on localhost (docker-compose.yml): gateway, NATS client and monitoring, Grafana.
# 8009: the gateway's metrics; 8010: the sign-in provider for development.
LAUNCHER_PORTS = {8000, 8009, 8010, 8101, 8102, 8103, 8104, 14222}
COMPOSE_PORTS = {8000, 4222, 8222, 3000, 4317, 4318}
# The pages that hand out commands for the local launcher.
COMMAND_DOCS = (
    ROOT / "README.md",
    ROOT / "docs" / "operations.md",
    ROOT / "docs" / "architecture.md",
    ROOT / "docs" / "api-guide.md",
    ROOT / "libs" / "common" / "src" / "kraftsamla_common" / "deadletter.py",
    *sorted(RUNBOOKS.glob("*.md")),
)


def page(alert: str) -> str:
    """``KraftsamlaDeadLettersWaiting`` → ``dead-letters-waiting.md`` (how the rules name pages)."""
    name = alert.removeprefix("Kraftsamla")
    return re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Z])", "-", name).lower() + ".md"


def rule_runbooks() -> dict[str, set[str]]:
    """Alert name → the runbook_url values given for it, from every rule file under deploy/."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "deploy").rglob("*.y*ml")):
        alert = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"\s*-?\s*alert:\s*(\S+)", line):
                alert = m.group(1)
            elif (m := re.match(r"\s*runbook_url:\s*['\"]?([^'\"\s]+)", line)) and alert:
                found.setdefault(alert, set()).add(m.group(1))
    return found


def test_page_names_follow_the_rules_convention() -> None:
    assert page("KraftsamlaHigh5xxRatio") == "high-5xx-ratio.md"
    assert page("KraftsamlaApiAvailabilityBudgetBurn") == "api-availability-budget-burn.md"


@pytest.mark.parametrize("alert", ALERTS)
def test_every_alert_has_its_runbook_listed_in_the_index(alert: str) -> None:
    path = RUNBOOKS / page(alert)
    assert path.is_file(), f"{alert}: {path.relative_to(ROOT)} is missing"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# {alert}\n"), f"{path.name} should open with its alert's name"
    for section in (
        "## What it means",
        "## Impact on regions",
        "## Confirm",
        "## Mitigate",
        "## Verify",
        "## Escalate",
    ):
        assert section in text, f"{path.name} has no '{section}'"
    index = (RUNBOOKS / "README.md").read_text(encoding="utf-8")
    assert f"| {alert} | [{page(alert)}]({page(alert)}) |" in index


def test_the_situations_have_pages_and_the_index_is_linked_from_operations() -> None:
    for name in SITUATIONS:
        assert (RUNBOOKS / name).is_file(), name
    assert "operations/runbooks/README.md" in (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")


def test_every_runbook_url_of_the_rules_exists() -> None:
    rules = rule_runbooks()
    for alert, urls in rules.items():
        for url in urls:
            target = ROOT / url.split("#")[0]
            assert target.is_file(), f"{alert}: runbook_url {url} does not exist"
        assert alert in ALERTS, f"{alert} is in the rules but not in this test's list (add its runbook)"


def test_links_between_pages_lead_to_files() -> None:
    for path in [*RUNBOOKS.glob("*.md"), ROOT / "docs" / "operations.md"]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (path.parent / target).exists(), f"{path.name}: link to {target} leads nowhere"


@pytest.mark.parametrize("path", COMMAND_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_commands_use_the_documented_ports(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for port in re.findall(r"127\.0\.0\.1:(\d+)", text):
        assert int(port) in LAUNCHER_PORTS, f"{path.name}: 127.0.0.1:{port} is not a port of ./kraftsamla up"
    for port in re.findall(r"localhost:(\d+)", text):
        assert int(port) in COMPOSE_PORTS, f"{path.name}: localhost:{port} is not a port Compose publishes"
    # The gateway does not route /metrics: scrape each service's own port.
    assert not re.search(r":8000/(\w+/)?metrics", text), f"{path.name}: /metrics through the gateway"


@pytest.mark.parametrize("path", COMMAND_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_dead_letter_commands_name_nats_before_the_command(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.search(r"kraftsamla_common\.deadletter\s+(.*)", line)
        if not m:
            continue
        args = m.group(1)
        command = re.search(r"\b(list|replay)\b", args)
        nats = args.find("--nats")
        if command and nats >= 0:
            assert nats < command.start(), f"{path.name}: --nats after the command: {line.strip()}"
        if "./kraftsamla run" in line and command:
            # Outside a container the variable's default (4222) is not the launcher's NATS.
            assert "--nats nats://127.0.0.1:14222" in args, (
                f"{path.name}: no --nats for the launcher: {line.strip()}"
            )
