"""The alerts and SLO recording rules (deploy/grafana/rules/) load, fire when they should, and are
deployed the same way in Compose and in Kubernetes.

* ``promtool check rules`` and ``promtool test rules`` (the unit tests in
  ``kraftsamla.rules.test.yaml``: input series → the alerts expected after each ``for``).
* ``promtool check config`` on deploy/grafana/prometheus.yaml. The configuration is for
  Prometheus 3 (the pinned grafana/otel-lgtm image; its ``otlp`` block is unknown to 2.x): with a
  promtool older than 3 the ``otlp`` block is checked here against the options Prometheus 3 knows
  and left out of what promtool checks; the rest is checked as is.
* Every alert has a severity, a summary, a description and its runbook's path; the names are
  the ones the runbooks (docs/operations/runbooks/) are written for.
* docker-compose.yml mounts the rules where prometheus.yaml's ``rule_files`` reads them, and the
  Kubernetes PrometheusRule holds the same groups (it is generated from the rule file: run this
  file as a script to regenerate it).

promtool comes from Debian's ``prometheus`` package (2.42), which ``./kraftsamla test`` installs
when it is missing; without promtool those tests are skipped. That every metric the rules read is
emitted by the services is checked with the dashboards' queries in test_grafana.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"
GRAFANA = ROOT / "deploy" / "grafana"
PROMETHEUS = GRAFANA / "prometheus.yaml"
RULES_DIR = GRAFANA / "rules"
RULES = RULES_DIR / "kraftsamla.rules.yaml"
RULE_TESTS = RULES_DIR / "kraftsamla.rules.test.yaml"
PROMETHEUS_RULE = ROOT / "deploy" / "kubernetes" / "monitoring" / "prometheusrule.yaml"
RUNBOOKS = "docs/operations/runbooks"

ALERTS = {
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
}
RUNBOOK_NAMES = {
    "KraftsamlaServiceDown": "service-down",
    "KraftsamlaHigh5xxRatio": "high-5xx-ratio",
    "KraftsamlaLatencyAboveGoal": "latency-above-goal",
    "KraftsamlaConsumerLagGrowing": "consumer-lag-growing",
    "KraftsamlaOutboxStuck": "outbox-stuck",
    "KraftsamlaDeadLettersWaiting": "dead-letters-waiting",
    "KraftsamlaWebhookEndpointFailing": "webhook-endpoint-failing",
    "KraftsamlaReportStale": "report-stale",
    "KraftsamlaApiAvailabilityBudgetBurn": "api-availability-budget-burn",
    "KraftsamlaPublishToReportBudgetBurn": "publish-to-report-budget-burn",
}
SEVERITIES = {"page", "ticket"}

# Prometheus 3's OTLP options (config.OTLPConfig) and its translation strategies.
OTLP_OPTIONS = {
    "translation_strategy",
    "promote_resource_attributes",
    "ignore_resource_attributes",
    "promote_all_resource_attributes",
    "keep_identifying_resource_attributes",
    "convert_histograms_to_nhcb",
    "promote_scope_metadata",
}
OTLP_TRANSLATION_STRATEGIES = {
    "UnderscoreEscapingWithSuffixes",
    "UnderscoreEscapingWithoutSuffixes",
    "NoUTF8EscapingWithSuffixes",
    "NoTranslation",
}

PROMETHEUS_RULE_HEADER = """\
# Kraftsamla's alerts and SLO recording rules for the Prometheus Operator (kube-prometheus-stack):
#
#   kubectl apply -f deploy/kubernetes/monitoring/prometheusrule.yaml
#
# GENERATED from deploy/grafana/rules/kraftsamla.rules.yaml (the file Compose's Prometheus loads):
# edit that file, then regenerate this one with
#
#   ./kraftsamla run python tests/integration/deploy/test_alerts.py
#
# tests/integration/deploy/test_alerts.py fails while the two differ. Not part of the kustomization:
# it needs the operator's CRD. Your Prometheus selects rules by label (ruleSelector): the label
# `role: alert-rules` here, or add your own.
"""


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(RULES)["groups"] for rule in group["rules"]]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in rules() if "alert" in rule]


class _Dumper(yaml.SafeDumper):
    pass


def _string(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_Dumper.add_representer(str, _string)


def render_prometheus_rule() -> str:
    """The PrometheusRule holding the rule file's groups, as deploy/kubernetes/monitoring has it."""
    document = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "kraftsamla",
            "namespace": "kraftsamla",
            "labels": {"app.kubernetes.io/part-of": "kraftsamla", "role": "alert-rules"},
        },
        "spec": {"groups": load_yaml(RULES)["groups"]},
    }
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=10000, allow_unicode=True)
    return PROMETHEUS_RULE_HEADER + body


# --------------------------------------------------------------------------- promtool


def promtool_major(promtool: str) -> int:
    out = subprocess.run([promtool, "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"version (\d+)\.", out.stdout + out.stderr)
    assert match, out.stdout
    return int(match.group(1))


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip(
            "promtool not found: install Debian's 'prometheus' package (./kraftsamla test installs it "
            "with apt-get when it can) or put Prometheus's promtool on PATH"
        )
    return found


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_promtool_checks_the_rules(promtool: str) -> None:
    result = run(promtool, "check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


def test_promtool_unit_tests_of_the_rules_pass(promtool: str) -> None:
    result = run(promtool, "test", "rules", str(RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_unit_tests_fire_every_alert() -> None:
    tested = {
        case["alertname"]
        for test in load_yaml(RULE_TESTS)["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert tested == ALERTS


def test_promtool_checks_the_prometheus_configuration(promtool: str, tmp_path: Path) -> None:
    config = load_yaml(PROMETHEUS)
    otlp = config["otlp"]
    assert set(otlp) <= OTLP_OPTIONS, f"not a Prometheus 3 OTLP option: {set(otlp) - OTLP_OPTIONS}"
    assert otlp["translation_strategy"] in OTLP_TRANSLATION_STRATEGIES
    if promtool_major(promtool) < 3:
        del config["otlp"]  # Prometheus 3 only (checked above)
    # The rules as mounted in the container, read here from the repository.
    config["rule_files"] = [str(RULES_DIR / Path(pattern).name) for pattern in config["rule_files"]]
    checked = tmp_path / "prometheus.yaml"
    checked.write_text(yaml.safe_dump(config, sort_keys=False))
    result = run(promtool, "check", "config", str(checked))
    assert result.returncode == 0, result.stdout + result.stderr
    assert str(RULES) in result.stdout and f"SUCCESS: {len(rules())} rules found" in result.stdout


# --------------------------------------------------------------------------- the alerts


def test_the_alerts_are_the_ones_the_runbooks_are_written_for() -> None:
    assert {a["alert"] for a in alerts()} == ALERTS
    assert set(RUNBOOK_NAMES) == ALERTS


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_alert_has_severity_summary_description_and_runbook(name: str) -> None:
    found = [a for a in alerts() if a["alert"] == name]
    assert found
    kebab = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name.removeprefix("Kraftsamla")).lower()
    assert kebab.replace("high5xx", "high-5xx") == RUNBOOK_NAMES[name]
    for alert in found:
        assert alert["labels"]["severity"] in SEVERITIES
        annotations = alert["annotations"]
        assert {"summary", "description", "runbook_url"} <= set(annotations)
        assert annotations["summary"].strip() and annotations["description"].strip()
        assert annotations["runbook_url"] == f"{RUNBOOKS}/{RUNBOOK_NAMES[name]}.md"


def test_budget_burn_alerts_page_fast_and_ticket_slow_burns_over_two_windows() -> None:
    """The SRE workbook's multiwindow, multi-burn-rate alerts: each condition needs a long and a
    short window above the same burn rate, over recorded SLI ratios."""
    recorded = {r["record"] for r in rules() if "record" in r}
    for name in ("KraftsamlaApiAvailabilityBudgetBurn", "KraftsamlaPublishToReportBudgetBurn"):
        found = {a["labels"]["severity"]: a["expr"] for a in alerts() if a["alert"] == name}
        assert set(found) == {"page", "ticket"}
        for severity, windows in (("page", ("1h", "5m", "6h", "30m")), ("ticket", ("1d", "2h", "3d", "6h"))):
            used = set(re.findall(r"kraftsamla:[a-z_]+:ratio_rate(\w+)", found[severity]))
            assert used == set(windows), (name, severity, used)
            assert set(re.findall(r"kraftsamla:[a-z_]+:ratio_rate\w+", found[severity])) <= recorded


# --------------------------------------------------------------------------- deployed the same way


def test_compose_mounts_the_rules_where_prometheus_reads_them() -> None:
    lgtm = load_yaml(COMPOSE)["services"]["lgtm"]
    mounts = {}
    for volume in lgtm["volumes"]:
        source, target, *options = str(volume).split(":")
        if source.startswith("."):
            mounts[target] = ((ROOT / source).resolve(), options)
    (pattern,) = load_yaml(PROMETHEUS)["rule_files"]
    directory, glob = pattern.rsplit("/", 1)
    assert mounts[directory] == (RULES_DIR, ["ro"])
    assert sorted(RULES_DIR.glob(glob)) == [RULES], "the rule file and not its unit tests"


def test_kubernetes_prometheus_rule_is_generated_from_the_rule_file() -> None:
    assert PROMETHEUS_RULE.read_text() == render_prometheus_rule(), (
        "regenerate it: ./kraftsamla run python tests/integration/deploy/test_alerts.py"
    )
    document = load_yaml(PROMETHEUS_RULE)
    assert document["spec"]["groups"] == load_yaml(RULES)["groups"]


if __name__ == "__main__":
    PROMETHEUS_RULE.write_text(render_prometheus_rule())
    sys.stdout.write(f"wrote {PROMETHEUS_RULE.relative_to(ROOT)}\n")
