"""Grafana's provisioning (deploy/grafana/) agrees with the telemetry the services emit.

* The datasources have fixed, unique uids, and every link between them (traces → logs, traces →
  metrics, logs → traces, exemplars → traces) names one that exists.
* Every dashboard is well formed (uid, unique panel ids, datasources by provisioned uid, template
  variables defined), and every PromQL expression parses: a small PromQL parser here checks syntax
  and argument types and extracts the metric names, label matchers and grouping labels.
* The key check: the four services run in this process against a real NATS JetStream and SQLite,
  traffic makes every series appear, and every metric a dashboard queries is on their
  ``GET /metrics`` (names as exposed: ``_total``, ``_bucket``/``_count``/``_sum``), with the labels
  the queries filter and group by. The same holds for the alerting and recording rules
  (deploy/grafana/rules/, see test_alerts.py) over the services' own series.
* A real Prometheus (Debian's binary, on a free port; skipped where it is not installed) scrapes the
  services while traffic runs and evaluates every dashboard expression (no error, and data where
  the services emit it) and every rule of deploy/grafana/rules/ (none in error).
* docker-compose.yml mounts the provisioning where grafana/otel-lgtm reads it, and Prometheus's
  configuration scrapes the services compose runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
import yaml

from helpers import eventually, headers, running, service_settings
from kraftsamla_common.events import ActorRegistered, Envelope, subject_for
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import ServiceSpec
from kraftsamla_common.settings import DEFAULT_PORTS
from kraftsamla_local.servers import free_port
from kraftsamla_web.settings import DEFAULT_PORT as WEB_PORT

from .test_compose import bind_mounts

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docker-compose.yml"
GRAFANA = ROOT / "deploy" / "grafana"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "kraftsamla.yaml"
PROVIDER = GRAFANA / "provisioning" / "dashboards" / "kraftsamla.yaml"
DASHBOARD_DIR = GRAFANA / "dashboards"
DASHBOARDS = sorted(DASHBOARD_DIR.glob("*.json"))
PROMETHEUS = GRAFANA / "prometheus.yaml"
RULES = GRAFANA / "rules" / "kraftsamla.rules.yaml"
SERVICES = ("plans", "actors", "assessment", "reporting")

# Where grafana/otel-lgtm reads its configuration (see its Dockerfile and run-*.sh).
LGTM_PROVISIONING = "/otel-lgtm/grafana/conf/provisioning"
LGTM_DATASOURCE_FILE = f"{LGTM_PROVISIONING}/datasources/grafana-datasources.yaml"
LGTM_DASHBOARD_PROVIDER_FILE = f"{LGTM_PROVISIONING}/dashboards/grafana-dashboards.yaml"
LGTM_PROMETHEUS_CONFIG = "/otel-lgtm/prometheus.yaml"
LGTM_BACKENDS = {
    "prometheus": ("prometheus", "http://localhost:9090"),
    "tempo": ("tempo", "http://localhost:3200"),
    "loki": ("loki", "http://localhost:3100"),
}

# Grafana's own variables, and a value of the right kind for each when parsing.
GRAFANA_DURATIONS = ("__rate_interval", "__interval", "__range")
GRAFANA_BUILTINS = {*GRAFANA_DURATIONS, "__interval_ms", "__range_s", "__range_ms", "__all", "__tags"}


# --------------------------------------------------------------------------- a small PromQL parser


class PromQLError(ValueError):
    """An expression that Prometheus would reject."""


AGGREGATIONS = {
    "sum": None,
    "min": None,
    "max": None,
    "avg": None,
    "group": None,
    "stddev": None,
    "stdvar": None,
    "count": None,
    "count_values": "string",
    "bottomk": "scalar",
    "topk": "scalar",
    "quantile": "scalar",
    "limitk": "scalar",
    "limit_ratio": "scalar",
}
_MATH = [
    "abs",
    "ceil",
    "floor",
    "exp",
    "sqrt",
    "ln",
    "log2",
    "log10",
    "sgn",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "cos",
    "cosh",
    "sin",
    "sinh",
    "tan",
    "tanh",
    "deg",
    "rad",
    "histogram_count",
    "histogram_sum",
    "histogram_avg",
    "histogram_stddev",
    "histogram_stdvar",
    "sort",
    "sort_desc",
    "timestamp",
    "absent",
]
_OVER_TIME = [
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "deriv",
    "changes",
    "resets",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "count_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "last_over_time",
    "present_over_time",
    "mad_over_time",
    "absent_over_time",
]
_DATES = ["day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year"]
# name → (argument types, how many of them are required, result type); "*" repeats the last type.
FUNCTIONS: dict[str, tuple[tuple[str, ...], int, str]] = {
    **{f: (("vector",), 1, "vector") for f in _MATH},
    **{f: (("matrix",), 1, "vector") for f in _OVER_TIME},
    **{f: (("vector",), 0, "vector") for f in _DATES},
    "histogram_quantile": (("scalar", "vector"), 2, "vector"),
    "histogram_fraction": (("scalar", "scalar", "vector"), 3, "vector"),
    "quantile_over_time": (("scalar", "matrix"), 2, "vector"),
    "predict_linear": (("matrix", "scalar"), 2, "vector"),
    "holt_winters": (("matrix", "scalar", "scalar"), 3, "vector"),
    "double_exponential_smoothing": (("matrix", "scalar", "scalar"), 3, "vector"),
    "clamp": (("vector", "scalar", "scalar"), 3, "vector"),
    "clamp_min": (("vector", "scalar"), 2, "vector"),
    "clamp_max": (("vector", "scalar"), 2, "vector"),
    "round": (("vector", "scalar"), 1, "vector"),
    "label_replace": (("vector", "string", "string", "string", "string"), 5, "vector"),
    "label_join": (("vector", "string", "string", "string", "*"), 3, "vector"),
    "sort_by_label": (("vector", "string", "*"), 1, "vector"),
    "sort_by_label_desc": (("vector", "string", "*"), 1, "vector"),
    "vector": (("scalar",), 1, "vector"),
    "scalar": (("vector",), 1, "scalar"),
    "time": ((), 0, "scalar"),
    "pi": ((), 0, "scalar"),
}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}
BINARY = {
    "or": 1,
    "and": 2,
    "unless": 2,
    "==": 3,
    "!=": 3,
    "<=": 3,
    "<": 3,
    ">=": 3,
    ">": 3,
    "+": 4,
    "-": 4,
    "*": 5,
    "/": 5,
    "%": 5,
    "atan2": 5,
    "^": 6,
}
SET_OPERATORS = {"and", "or", "unless"}
COMPARISONS = {"==", "!=", "<=", "<", ">=", ">"}

_TOKEN = re.compile(
    r"""(?P<space>\s+|\#[^\n]*)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
      | (?P<duration>(?:\d+(?:ms|[smhdwy]))+(?![\w.]))
      | (?P<number>(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?![\w.]))
      | (?P<ident>[a-zA-Z_][a-zA-Z0-9_:]*)
      | (?P<op>==|!=|>=|<=|=~|!~|[-+*/%^=<>@])
      | (?P<punct>[(){}\[\],:])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Selector:
    metric: str
    matchers: tuple[tuple[str, str, str], ...]
    """(label, operator, value) with the value unquoted."""


@dataclass
class PromQuery:
    """What an expression reads: its selectors and the labels it groups or matches on."""

    type: str
    selectors: list[Selector] = field(default_factory=list)
    grouping: set[str] = field(default_factory=set)

    @property
    def metrics(self) -> set[str]:
        return {s.metric for s in self.selectors}


def tokenize(expr: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if match is None:
            raise PromQLError(f"unexpected {expr[pos : pos + 10]!r} at {pos} in {expr!r}")
        pos = match.end()
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append((kind, match.group()))
    tokens.append(("end", ""))
    return tokens


def unquote(token: str) -> str:
    if token.startswith("`"):
        return token[1:-1]
    escapes = {"n": "\n", "t": "\t", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), token[1:-1])


class _Parser:
    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.tokens = tokenize(expr)
        self.pos = 0
        self.query = PromQuery(type="")

    # -- tokens

    def peek(self, offset: int = 0) -> tuple[str, str]:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def error(self, what: str) -> PromQLError:
        kind, text = self.peek()
        return PromQLError(f"{what}, found {text or kind!r} (token {self.pos}) in {self.expr!r}")

    def expect(self, text: str) -> None:
        if self.peek()[1] != text or self.peek()[0] == "string":
            raise self.error(f"expected {text!r}")
        self.pos += 1

    def at(self, text: str) -> bool:
        kind, value = self.peek()
        return kind != "string" and value == text

    # -- grammar

    def parse(self) -> PromQuery:
        self.query.type = self.expression(0)
        if self.peek()[0] != "end":
            raise self.error("expected the end of the expression")
        return self.query

    def expression(self, min_precedence: int) -> str:
        left = self.unary()
        while True:
            kind, op = self.peek()
            precedence = BINARY.get(op) if kind in ("op", "ident") else None
            if precedence is None or precedence < min_precedence:
                return left
            self.pos += 1
            returns_bool = False
            if op in COMPARISONS and self.at("bool"):
                self.pos += 1
                returns_bool = True
            if self.at("on") or self.at("ignoring"):
                self.pos += 1
                self.query.grouping |= self.labels()
                if self.at("group_left") or self.at("group_right"):
                    self.pos += 1
                    if self.at("("):
                        self.query.grouping |= self.labels()
            right = self.expression(precedence if op == "^" else precedence + 1)
            for side in (left, right):
                if side not in ("scalar", "vector"):
                    raise PromQLError(f"{op!r} needs scalars or instant vectors, not a {side}: {self.expr!r}")
            if op in SET_OPERATORS and "scalar" in (left, right):
                raise PromQLError(f"{op!r} works on instant vectors only: {self.expr!r}")
            if op in COMPARISONS and left == right == "scalar" and not returns_bool:
                raise PromQLError(f"comparing two scalars needs 'bool': {self.expr!r}")
            left = "vector" if "vector" in (left, right) else "scalar"

    def unary(self) -> str:
        if self.at("-") or self.at("+"):
            self.pos += 1
            operand = self.unary()
            if operand not in ("scalar", "vector"):
                raise PromQLError(f"unary sign before a {operand}: {self.expr!r}")
            return operand
        return self.postfix()

    def postfix(self) -> str:
        result, is_selector = self.primary()
        if self.at("["):
            self.pos += 1
            self.duration()
            if self.at(":"):
                self.pos += 1
                if self.peek()[0] == "duration":
                    self.duration()
                if result != "vector":
                    raise PromQLError(f"a subquery needs an instant vector: {self.expr!r}")
            elif not is_selector:
                raise PromQLError(f"a range [..] applies to a series selector only: {self.expr!r}")
            self.expect("]")
            result = "matrix"
        while self.at("offset") or self.at("@"):
            if self.next()[1] == "offset":
                if self.at("-"):
                    self.pos += 1
                self.duration()
            elif self.peek()[0] == "number":
                self.pos += 1
            else:
                name = self.next()[1]
                if name not in ("start", "end"):
                    raise self.error("expected a timestamp, start() or end() after @")
                self.expect("(")
                self.expect(")")
        return result

    def duration(self) -> None:
        if self.peek()[0] != "duration":
            raise self.error("expected a duration")
        self.pos += 1

    def primary(self) -> tuple[str, bool]:
        """The type of the next operand, and whether it is a series selector."""
        kind, text = self.peek()
        if kind == "number":
            self.pos += 1
            return "scalar", False
        if kind == "string":
            self.pos += 1
            return "string", False
        if text == "(":
            self.pos += 1
            inner = self.expression(0)
            self.expect(")")
            return inner, False
        if text == "{":
            self.selector(None)
            return "vector", True
        if kind != "ident":
            raise self.error("expected an expression")
        if text in AGGREGATIONS and (self.peek(1)[1] in ("(", "by", "without")):
            return self.aggregation(), False
        if self.peek(1) == ("punct", "("):
            return self.call(), False
        if text in KEYWORDS or text in BINARY:
            raise self.error("expected an expression")
        if text.lower() in ("inf", "nan"):
            self.pos += 1
            return "scalar", False
        self.selector(text)
        return "vector", True

    def selector(self, name: str | None) -> None:
        if name is not None:
            self.pos += 1
        matchers: list[tuple[str, str, str]] = []
        if self.at("{"):
            self.pos += 1
            while not self.at("}"):
                label_kind, label = self.next()
                if label_kind != "ident":
                    raise PromQLError(f"expected a label name, found {label!r} in {self.expr!r}")
                op_kind, op = self.next()
                if op not in ("=", "!=", "=~", "!~") or op_kind != "op":
                    raise PromQLError(f"expected a label matcher operator, found {op!r} in {self.expr!r}")
                value_kind, value = self.next()
                if value_kind != "string":
                    raise PromQLError(f"a label value must be a string, found {value!r} in {self.expr!r}")
                matchers.append((label, op, unquote(value)))
                if not self.at("}"):
                    self.expect(",")
            self.pos += 1
        for _, op, value in matchers:
            if op in ("=~", "!~") and "$" not in value:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise PromQLError(f"bad regular expression {value!r}: {exc}") from None
        names = [v for label, op, v in matchers if label == "__name__" and op == "="]
        metric = name or (names[0] if names else None)
        if metric is None:
            raise PromQLError(f"a selector without a metric name is not supported here: {self.expr!r}")
        self.query.selectors.append(Selector(metric, tuple(m for m in matchers if m[0] != "__name__")))

    def labels(self) -> set[str]:
        self.expect("(")
        found: set[str] = set()
        while not self.at(")"):
            kind, label = self.next()
            if kind != "ident":
                raise PromQLError(f"expected a label name, found {label!r} in {self.expr!r}")
            found.add(label)
            if not self.at(")"):
                self.expect(",")
        self.pos += 1
        return found

    def aggregation(self) -> str:
        name = self.next()[1]
        if self.at("by") or self.at("without"):
            self.pos += 1
            self.query.grouping |= self.labels()
        self.expect("(")
        parameter = AGGREGATIONS[name]
        if parameter is not None:
            got = self.expression(0)
            if got != parameter:
                raise PromQLError(f"{name}() takes a {parameter} first, not a {got}: {self.expr!r}")
            self.expect(",")
        operand = self.expression(0)
        if operand != "vector":
            raise PromQLError(f"{name}() aggregates an instant vector, not a {operand}: {self.expr!r}")
        self.expect(")")
        if self.at("by") or self.at("without"):
            self.pos += 1
            self.query.grouping |= self.labels()
        return "vector"

    def call(self) -> str:
        name = self.next()[1]
        if name not in FUNCTIONS:
            raise PromQLError(f"unknown function {name}() in {self.expr!r}")
        types, required, result = FUNCTIONS[name]
        self.expect("(")
        args: list[str] = []
        while not self.at(")"):
            args.append(self.expression(0))
            if not self.at(")"):
                self.expect(",")
        self.pos += 1
        variadic = bool(types) and types[-1] == "*"
        fixed = types[:-1] if variadic else types
        if len(args) < required or (not variadic and len(args) > len(fixed)):
            raise PromQLError(
                f"{name}() takes {required}..{len(fixed)} arguments, got {len(args)}: {self.expr!r}"
            )
        for i, got in enumerate(args):
            want = fixed[i] if i < len(fixed) else fixed[-1]
            if got != want:
                raise PromQLError(
                    f"argument {i + 1} of {name}() must be a {want}, not a {got}: {self.expr!r}"
                )
        return result


def grafana_variables(text: str) -> set[str]:
    """Names of the template variables ($name, ${name}, ${name:format}, [[name]]) in a query."""
    found = re.findall(r"\$\{([a-zA-Z_]\w*)(?::\w+)?\}|\$([a-zA-Z_]\w*)|\[\[([a-zA-Z_]\w*)\]\]", text)
    return {a or b or c for a, b, c in found}


def parse_promql(expr: str) -> PromQuery:
    """Parse a PromQL expression as Grafana sends it: its duration variables ($__rate_interval …)
    stand for a duration, other variables may appear only inside strings."""
    for name in GRAFANA_DURATIONS:
        expr = re.sub(rf"\$\{{{name}\}}|\${name}\b", "5m", expr)
    return _Parser(expr).parse()


def label_values_query(query: str) -> tuple[PromQuery, str]:
    """``label_values(metric{…}, label)`` of a Prometheus template variable: the selector and the label."""
    match = re.fullmatch(r"\s*label_values\((.+),\s*(\w+)\s*\)\s*", query)
    assert match, f"not a label_values(metric, label) query: {query!r}"
    parsed = parse_promql(match.group(1))
    assert parsed.type == "vector" and len(parsed.selectors) == 1, query
    return parsed, match.group(2)


@pytest.mark.parametrize(
    ("expr", "metrics", "grouping"),
    [
        ("up", {"up"}, set()),
        (
            'sum by (service_name) (rate(http_server_request_duration_seconds_count{service_name=~"$s"}'
            "[$__rate_interval]))",
            {"http_server_request_duration_seconds_count"},
            {"service_name"},
        ),
        (
            'histogram_quantile(0.95, sum(rate(a_bucket{x="by (le)"}[5m])) by (le, consumer))',
            {"a_bucket"},
            {"le", "consumer"},
        ),
        ("(sum(rate(a_total[1m])) or vector(0)) / sum(rate(b_total[1m]))", {"a_total", "b_total"}, set()),
        (
            "max by (consumer) (gauge) - ignoring (x) group_left (y) other offset 5m",
            {"gauge", "other"},
            {"consumer", "x", "y"},
        ),
        ('topk(5, {__name__="named", job!=""}) > bool 2', {"named"}, set()),
        ("-rate(x[5m:30s] @ 1700000000) ^ 2 ^ 0.5 + 1e3", {"x"}, set()),
        ('label_replace(up, "dst", "$1", "src", "(.*)")', {"up"}, set()),
        (
            "sum without (instance) (increase(kraftsamla:ratio_total[1h] offset -1d))",
            {"kraftsamla:ratio_total"},
            {"instance"},
        ),
    ],
)
def test_promql_parser_extracts_metrics_and_labels(expr: str, metrics: set[str], grouping: set[str]) -> None:
    query = parse_promql(expr)
    assert query.metrics == metrics
    assert query.grouping == grouping
    assert query.type in ("vector", "scalar")


@pytest.mark.parametrize(
    "expr",
    [
        "rate(x)",  # an instant vector where a range is needed
        "sum(rate(x[5m])",  # unbalanced
        'x{job="a"',
        "x{job=a}",
        "histogram_quantile(0.9)",
        "histogram_quantile(x, y)",
        "no_such_function(x[5m])",
        "x y",
        "sum by (le (x)",
        "rate(sum(x)[5m])",  # a range on an expression, not a selector
        "x[5]",
        "1 > 2",
        "x and 1",
        'x{a=~"("}',
        "sum(x) by",
        "$region",
        "x[$interval]",
    ],
)
def test_promql_parser_rejects_invalid_expressions(expr: str) -> None:
    with pytest.raises(PromQLError):
        parse_promql(expr)


# --------------------------------------------------------------------------- provisioning files


def load_yaml(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    assert isinstance(doc, dict), path
    return doc


def datasources() -> dict[str, dict[str, Any]]:
    """The provisioned datasources by uid."""
    items = load_yaml(DATASOURCES)["datasources"]
    return {str(ds["uid"]): ds for ds in items}


def unescape(value: str) -> str:
    """A provisioning value as Grafana sees it ("$$" is a literal "$")."""
    return value.replace("$$", "$")


def walk(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every mapping entry in a nested structure."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, str(key), value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, f"{path}[{i}]")


def tags_matcher(tags: list[dict[str, str]]) -> str:
    """What Grafana puts for $__tags in a trace-to-metrics query: the span's mapped tags as matchers."""
    return ", ".join(f'{t["value"]}="${{__span_tag}}"' for t in tags)


def datasource_queries() -> list[tuple[str, PromQuery]]:
    """The PromQL queries of the Tempo datasource's trace-to-metrics links."""
    out = []
    for ds in datasources().values():
        links = (ds.get("jsonData") or {}).get("tracesToMetrics")
        if not links:
            continue
        for q in links["queries"]:
            text = unescape(q["query"]).replace("$__tags", tags_matcher(links["tags"]))
            out.append((f"{ds['name']} tracesToMetrics {q['name']!r}", parse_promql(text)))
    return out


def test_datasources_have_fixed_unique_uids_and_point_at_the_lgtm_backends() -> None:
    items = load_yaml(DATASOURCES)["datasources"]
    uids = [ds.get("uid") for ds in items]
    names = [ds.get("name") for ds in items]
    assert all(isinstance(u, str) and re.fullmatch(r"[a-z][a-z0-9-]{1,39}", u) for u in uids), uids
    assert len(set(uids)) == len(uids) and len(set(names)) == len(names)
    by_uid = datasources()
    for uid, (ds_type, url) in LGTM_BACKENDS.items():
        assert by_uid[uid]["type"] == ds_type
        assert by_uid[uid]["url"] == url, f"{uid}: the image's {ds_type} listens on {url}"
    assert sum(bool(ds.get("isDefault")) for ds in items) <= 1
    # Grafana expands $NAME and ${NAME} from the environment in provisioning files: every "$"
    # meant for Grafana's own interpolation must be written "$$".
    for path, key, value in walk(items):
        if isinstance(value, str):
            assert "$" not in value.replace("$$", ""), f"{path}.{key}: an unescaped $ in {value!r}"


def test_datasource_links_name_existing_datasources_of_the_right_type() -> None:
    by_uid = datasources()
    expected_types = {
        "tracesToLogsV2": "loki",
        "tracesToMetrics": "prometheus",
        "serviceMap": "prometheus",
        "lokiSearch": "loki",
        "derivedFields": "tempo",
        "exemplarTraceIdDestinations": "tempo",
    }
    linked: set[str] = set()
    for ds in by_uid.values():
        for path, key, value in walk(ds.get("jsonData") or {}):
            if key != "datasourceUid":
                continue
            assert value in by_uid, f"{ds['name']}{path}: no datasource with uid {value!r}"
            section = next(part for part in re.split(r"[.\[]", path) if part)
            assert by_uid[value]["type"] == expected_types[section], f"{ds['name']}{path}"
            linked.add(section)
    assert linked == set(expected_types), f"links missing: {set(expected_types) - linked}"

    tempo = by_uid["tempo"]["jsonData"]
    assert tempo["nodeGraph"]["enabled"] is True
    to_logs = tempo["tracesToLogsV2"]
    assert {"key": "service.name", "value": "service_name"} in to_logs["tags"]
    # Loki keeps an OTLP record's trace id as structured metadata trace_id: filter on it.
    assert re.search(r'\|\s*trace_id\s*=\s*"\$\{__trace\.traceId\}"', unescape(to_logs["query"]))
    loki_fields = by_uid["loki"]["jsonData"]["derivedFields"]
    assert any(f["matcherType"] == "label" and f["matcherRegex"] == "trace_id" for f in loki_fields)
    exemplars = by_uid["prometheus"]["jsonData"]["exemplarTraceIdDestinations"]
    assert {e["name"] for e in exemplars} == {"trace_id"}
    queries = datasource_queries()
    assert queries and all(q.type == "vector" for _, q in queries)


def test_dashboard_provider_puts_the_dashboards_in_the_kraftsamla_folder(
    compose_lgtm: dict[str, Any],
) -> None:
    (provider,) = load_yaml(PROVIDER)["providers"]
    assert provider["type"] == "file"
    assert provider["folder"] == "Kraftsamla"
    assert provider["options"]["path"] in bind_mounts(compose_lgtm), "the provider reads a mounted folder"
    assert bind_mounts(compose_lgtm)[provider["options"]["path"]] == (DASHBOARD_DIR, True)


# --------------------------------------------------------------------------- dashboards


def load_dashboard(path: Path) -> dict[str, Any]:
    board = json.loads(path.read_text())
    assert isinstance(board, dict)
    return board


def all_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for panel in board.get("panels", []):
        out.append(panel)
        out.extend(panel.get("panels", []))  # panels of a collapsed row
    return out


def datasource_refs(board: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, reference) of every datasource reference in a dashboard."""
    for var in board.get("templating", {}).get("list", []):
        if "datasource" in var:
            yield f"variable {var['name']}", var["datasource"]
    for panel in all_panels(board):
        if "datasource" in panel:
            yield f"panel {panel['id']}", panel["datasource"]
        for target in panel.get("targets", []):
            if "datasource" in target:
                yield f"panel {panel['id']} target {target.get('refId')}", target["datasource"]


def prometheus_queries(board: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, expression) of every PromQL expression of a dashboard, variables included."""
    by_uid = datasources()
    for var in board.get("templating", {}).get("list", []):
        if var.get("type") == "query" and by_uid[var["datasource"]["uid"]]["type"] == "prometheus":
            query = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            yield f"variable {var['name']}", query
    for panel in all_panels(board):
        for target in panel.get("targets", []):
            ref = target.get("datasource") or panel.get("datasource")
            if ref and by_uid[ref["uid"]]["type"] == "prometheus":
                yield f"panel {panel['id']} ({panel.get('title')}) target {target['refId']}", target["expr"]


def parsed_queries(board: dict[str, Any]) -> list[tuple[str, PromQuery]]:
    out = []
    for where, query in prometheus_queries(board):
        if where.startswith("variable"):
            parsed, label = label_values_query(query)
            parsed.grouping.add(label)
            out.append((where, parsed))
        else:
            out.append((where, parse_promql(query)))
    return out


def test_there_are_the_four_dashboards() -> None:
    uids = [load_dashboard(p)["uid"] for p in DASHBOARDS]
    assert set(uids) == {
        "kraftsamla-overview",
        "kraftsamla-region",
        "kraftsamla-reassessment",
        "kraftsamla-infrastructure",
    }
    assert len(set(uids)) == len(uids)
    assert len({load_dashboard(p)["title"] for p in DASHBOARDS}) == len(DASHBOARDS)


@pytest.mark.parametrize("path", DASHBOARDS, ids=[p.stem for p in DASHBOARDS])
def test_dashboard_is_well_formed(path: Path) -> None:
    board = load_dashboard(path)
    assert re.fullmatch(r"[a-z0-9-]{1,40}", board["uid"])
    assert board["schemaVersion"] >= 39
    assert "id" not in board or board["id"] is None, "a provisioned dashboard carries no database id"
    panels = all_panels(board)
    ids = [p["id"] for p in panels]
    assert all(isinstance(i, int) and i > 0 for i in ids) and len(set(ids)) == len(ids), ids
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        assert panel.get("title"), panel["id"]
        if panel["type"] != "row":
            assert panel.get("targets"), f"panel {panel['id']} has no query"
            assert len({t["refId"] for t in panel["targets"]}) == len(panel["targets"])


@pytest.mark.parametrize("path", DASHBOARDS, ids=[p.stem for p in DASHBOARDS])
def test_dashboard_uses_provisioned_datasources_by_uid(path: Path) -> None:
    board = load_dashboard(path)
    by_uid = datasources()
    refs = list(datasource_refs(board))
    assert refs
    for where, ref in refs:
        assert isinstance(ref, dict), f"{where}: refer to a datasource by {{type, uid}}, not {ref!r}"
        assert ref["uid"] in by_uid, f"{where}: no datasource with uid {ref['uid']!r}"
        assert ref["type"] == by_uid[ref["uid"]]["type"], where


@pytest.mark.parametrize("path", DASHBOARDS, ids=[p.stem for p in DASHBOARDS])
def test_dashboard_queries_parse_and_use_defined_variables(path: Path) -> None:
    board = load_dashboard(path)
    defined = {v["name"] for v in board.get("templating", {}).get("list", [])}
    queries = parsed_queries(board)
    assert queries
    for where, parsed in queries:
        assert parsed.type in ("vector", "scalar"), f"{where}: a {parsed.type} cannot be graphed"
        assert all(
            m.startswith(("kraftsamla_", "http_", "process_", "db_client_", *OTHER_TARGETS)) or m == "up"
            for m in parsed.metrics
        ), where
    by_uid = datasources()
    for panel in all_panels(board):
        for target in panel.get("targets", []):
            text = str(target.get("expr") or target.get("query") or "")
            undefined = grafana_variables(text) - defined - GRAFANA_BUILTINS
            assert not undefined, f"panel {panel['id']}: undefined variables {undefined}"
            ds_type = by_uid[(target.get("datasource") or panel["datasource"])["uid"]]["type"]
            if ds_type == "loki":
                assert re.match(r'\{\s*\w+\s*(=|=~)\s*"[^"]+"\s*\}', text), f"panel {panel['id']}: {text!r}"
            if ds_type == "tempo":
                assert target["queryType"] == "traceql" and text.startswith("{"), f"panel {panel['id']}"


def test_service_name_and_region_variables_come_from_the_series() -> None:
    for path in DASHBOARDS:
        for var in load_dashboard(path).get("templating", {}).get("list", []):
            if var["name"] in ("service_name", "region"):
                _, label = label_values_query(var["definition"])
                assert label == var["name"], f"{path.name}: {var['name']}"
                assert var["query"]["query"] == var["definition"]
    regions = [
        v for p in DASHBOARDS for v in load_dashboard(p)["templating"]["list"] if v["name"] == "region"
    ]
    assert regions and all(
        v["definition"] == "label_values(kraftsamla_events_published_total, region)" for v in regions
    )


def test_reassessment_pipeline_links_to_the_traces_of_the_plan_handler() -> None:
    board = load_dashboard(DASHBOARD_DIR / "reassessment-pipeline.json")
    span = "handle plans.action_plan.published.v1"
    tempo = [t for p in all_panels(board) for t in p.get("targets", []) if t["datasource"]["uid"] == "tempo"]
    assert tempo and all(span in t["query"] for t in tempo)
    assert any(span.replace(" ", "%20") in link.get("url", "") for link in board["links"])
    loki = [t for p in all_panels(board) for t in p.get("targets", []) if t["datasource"]["uid"] == "loki"]
    assert loki and all("$service_name" in t["expr"] for t in loki)


# --------------------------------------------------------------------------- compose and Prometheus


@pytest.fixture(scope="module")
def compose_lgtm() -> dict[str, Any]:
    service = load_yaml(COMPOSE)["services"]["lgtm"]
    assert isinstance(service, dict)
    return service


def test_compose_mounts_the_provisioning_where_otel_lgtm_reads_it(compose_lgtm: dict[str, Any]) -> None:
    mounts = bind_mounts(compose_lgtm)
    for target, (host, read_only) in mounts.items():
        assert host.exists(), f"{target}: {host} does not exist"
        assert read_only, f"{target} should be mounted read-only"
        # A folder mounted over a provisioning folder would hide the image's own files there.
        assert not (host.is_dir() and target.startswith(LGTM_PROVISIONING)), target
    assert mounts[LGTM_DATASOURCE_FILE] == (DATASOURCES, True), "replaces the image's datasource file"
    providers = {t: h for t, (h, _) in mounts.items() if t.startswith(f"{LGTM_PROVISIONING}/dashboards/")}
    assert list(providers.values()) == [PROVIDER]
    assert LGTM_DASHBOARD_PROVIDER_FILE not in providers, "the image's own dashboards stay"
    assert mounts[LGTM_PROMETHEUS_CONFIG] == (PROMETHEUS, True)
    assert "lgtm-data:/data" in compose_lgtm["volumes"]
    assert {"3000:3000", "4318:4318"} <= set(compose_lgtm["ports"])


def prometheus_job(name: str) -> tuple[dict[str, Any], re.Pattern[str]]:
    """A scrape job of prometheus.yaml by name, and the metric names it keeps."""
    (job,) = [j for j in load_yaml(PROMETHEUS)["scrape_configs"] if j["job_name"] == name]
    (keep,) = [r for r in job["metric_relabel_configs"] if r["action"] == "keep"]
    assert keep["source_labels"] == ["__name__"]
    return job, re.compile(keep["regex"])


def prometheus_process_job() -> tuple[dict[str, Any], re.Pattern[str]]:
    """The scrape job of the services' process metrics and the metric names it keeps."""
    return prometheus_job("kraftsamla-process")


# The jobs of prometheus.yaml: the services' process metrics, the gateway's (Caddy) and NATS's
# (through the NATS Prometheus exporter); target → (service_name, names kept, names dropped).
PROMETHEUS_JOBS = {
    "kraftsamla-process": None,  # its targets are the compose services (checked below)
    "kraftsamla-gateway": (
        "gateway:9180",
        "kraftsamla-gateway",
        ["caddy_http_requests_total", "caddy_http_request_duration_seconds_bucket"],
        ["go_goroutines", "process_resident_memory_bytes"],
    ),
    "kraftsamla-nats": (
        "nats-exporter:7777",
        "kraftsamla-nats",
        ["gnatsd_varz_connections", "jetstream_server_total_streams", "jetstream_consumer_num_pending"],
        ["go_goroutines", "process_resident_memory_bytes"],
    ),
}


def test_prometheus_names_otlp_metrics_as_the_scrape_does_and_scrapes_the_compose_services() -> None:
    config = load_yaml(PROMETHEUS)
    assert config["otlp"]["translation_strategy"] == "UnderscoreEscapingWithSuffixes"
    assert "service.name" in config["otlp"]["promote_resource_attributes"]
    services = load_yaml(COMPOSE)["services"]
    job, keep = prometheus_process_job()
    assert job.get("metrics_path", "/metrics") == "/metrics"
    targets = {}
    for static in job["static_configs"]:
        for target in static["targets"]:
            targets[target] = static["labels"]
    expected = {}
    for name in SERVICES:
        env = services[name]["environment"]
        expected[f"{name}:{env['KRAFTSAMLA_PORT']}"] = env["OTEL_SERVICE_NAME"]
        assert int(env["KRAFTSAMLA_PORT"]) == DEFAULT_PORTS[name]
    # The staff web application too: its port is a setting of its own.
    web = services["web"]["environment"]
    expected[f"web:{web['KRAFTSAMLA_WEB_PORT']}"] = web["OTEL_SERVICE_NAME"]
    assert int(web["KRAFTSAMLA_WEB_PORT"]) == WEB_PORT
    assert {t: labels["service_name"] for t, labels in targets.items()} == expected
    assert keep.fullmatch("process_resident_memory_bytes") and not keep.fullmatch("kraftsamla_outbox_backlog")


def test_prometheus_scrapes_the_gateway_and_nats_on_the_compose_network() -> None:
    config = load_yaml(PROMETHEUS)
    assert [j["job_name"] for j in config["scrape_configs"]] == list(PROMETHEUS_JOBS)
    services = load_yaml(COMPOSE)["services"]
    for name, expected in PROMETHEUS_JOBS.items():
        if expected is None:
            continue
        target, service_name, kept, dropped = expected
        job, keep = prometheus_job(name)
        assert job.get("metrics_path", "/metrics") == "/metrics"
        (static,) = job["static_configs"]
        assert static["targets"] == [target]
        assert static["labels"] == {"service_name": service_name, "service_namespace": "kraftsamla"}
        assert all(keep.fullmatch(m) for m in kept), kept
        assert not any(keep.fullmatch(m) for m in dropped), dropped
        # The target is a compose service, and its metrics port is not published to the host.
        host, port = target.split(":")
        assert host in services, f"{name}: no compose service {host}"
        published = [str(p) for p in services[host].get("ports", [])]
        assert not any(p.split(":")[-1] == port for p in published), f"{name}: {port} is published"


# --------------------------------------------------------------------------- the services emit what the dashboards query


SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+( \S+)?$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass
class Scrape:
    """Metric name (as exposed) → label → values seen, over the scrapes of every service."""

    series: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def add(self, text: str) -> None:
        """Read a Prometheus text exposition: each sample line's name and labels."""
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            m = SAMPLE.match(line)
            assert m, f"not a sample line: {line[:200]}"
            labels = self.series.setdefault(m.group(1), {})
            for label, value in LABEL.findall(m.group(2) or ""):
                labels.setdefault(label, set()).add(value)

    def with_scrape_job_labels(self) -> Scrape:
        """The series as Prometheus stores them: the process metrics it scrapes get the job's
        target labels (service_name …); everything else arrives over OTLP with the labels it has."""
        job, keep = prometheus_process_job()
        out = Scrape({name: {k: set(v) for k, v in labels.items()} for name, labels in self.series.items()})
        for name, labels in out.series.items():
            if keep.fullmatch(name):
                for static in job["static_configs"]:
                    for label, value in static["labels"].items():
                        labels.setdefault(label, set()).add(value)
        return out


def literal_alternatives(regex: str) -> list[str] | None:
    """The names of a regex that only lists names (``a-b|c-d``), else None."""
    return regex.split("|") if re.fullmatch(r"[\w-]+(\|[\w-]+)*", regex) else None


def problems(queries: list[tuple[str, PromQuery]], scrape: Scrape) -> list[str]:
    """What the queries read that the services do not emit: metric names, label names, and the
    constant label values they match on."""
    found: list[str] = []
    for where, query in queries:
        missing = sorted(query.metrics - set(scrape.series))
        if missing:
            found.append(f"{where}: metrics {missing} not emitted")
            continue
        labels_of_query = {label for m in query.metrics for label in scrape.series[m]}
        for label in sorted(query.grouping - labels_of_query - {"le"}):
            found.append(f"{where}: groups by {label!r}, which none of {sorted(query.metrics)} has")
        for selector in query.selectors:
            labels = scrape.series[selector.metric]
            for label, op, value in selector.matchers:
                if label not in labels:
                    found.append(f"{where}: {selector.metric} has no label {label!r}")
                elif "$" in value or op.startswith("!"):
                    continue
                elif op == "=" and value not in labels[label]:
                    found.append(
                        f"{where}: no {selector.metric}{{{label}={value!r}}} (seen {sorted(labels[label])})"
                    )
                elif op == "=~" and (names := literal_alternatives(value)):
                    for name in sorted(set(names) - labels[label]):
                        found.append(f"{where}: no {selector.metric}{{{label}={name!r}}}")
    return found


def rule_queries() -> list[tuple[str, PromQuery]]:
    """The expressions of the alerting and recording rules that read the services' own series:
    not those over recorded series or over ``up`` (Prometheus's own, per scraped target)."""
    rules = [r for g in load_yaml(RULES)["groups"] for r in g["rules"]]
    recorded = {r["record"] for r in rules if "record" in r}
    queries = []
    for rule in rules:
        query = parse_promql(rule["expr"])
        if not query.metrics & (recorded | {"up"}):
            queries.append((f"{RULES.name} {rule.get('alert') or rule.get('record')}", query))
    return queries


# Series that do not come from the services but from the other targets Prometheus scrapes: the
# gateway (Caddy) and the NATS servers (the NATS Prometheus exporter, in Compose and Kubernetes).
OTHER_TARGETS = ("caddy_", "gnatsd_", "jetstream_")


def of_services(query: PromQuery) -> bool:
    """A query over the services' own series (not the gateway's, NATS's or Prometheus's ``up``)."""
    return not any(m.startswith(OTHER_TARGETS) or m == "up" for m in query.metrics)


def dashboard_queries() -> list[tuple[str, PromQuery]]:
    """Every query of the dashboards, the datasources and the rules over the services' own series."""
    queries = [(f"{p.name} {where}", q) for p in DASHBOARDS for where, q in parsed_queries(load_dashboard(p))]
    return [(w, q) for w, q in queries if of_services(q)] + datasource_queries() + rule_queries()


def other_target_queries(prefix: str) -> list[tuple[str, PromQuery]]:
    return [
        (f"{p.name} {where}", q)
        for p in DASHBOARDS
        for where, q in parsed_queries(load_dashboard(p))
        if any(m.startswith(prefix) for m in q.metrics)
    ]


def test_the_gateway_panels_query_what_a_real_caddy_emits(tmp_path: Path) -> None:
    """The gateway's panels read series a real Caddy (the launcher's gateway) shows on its metrics
    listener after requests, with the labels the queries use."""
    from kraftsamla_local.servers import Gateway

    queries = other_target_queries("caddy_")
    assert queries
    upstream = _MetricsServer()
    # "down" leads nowhere: an upstream that does not answer is a handler error (502).
    gateway = Gateway({"upstream": upstream.port, "down": free_port()}, data_dir=tmp_path)
    try:
        gateway.start()
        for path in ("/upstream/a", "/upstream/b", "/nowhere", "/down/x"):
            httpx.get(f"{gateway.url}{path}", timeout=10)
        scrape = Scrape()
        scrape.add(httpx.get(gateway.metrics_url, timeout=10).text)
    finally:
        gateway.stop()
        upstream.close()
    assert not problems(queries, scrape), problems(queries, scrape)


def test_the_nats_panels_query_series_the_exporter_is_documented_to_emit() -> None:
    """The NATS exporter does not run here (Compose and Kubernetes run it): its panels may only
    use the series docs/operations.md lists from the exporter (0.20.2), so a misspelt name fails."""
    documented = set(
        re.findall(r"`((?:gnatsd|jetstream)_[a-z_]+)", (ROOT / "docs" / "operations.md").read_text())
    )
    queries = other_target_queries("gnatsd_") + other_target_queries("jetstream_")
    assert queries
    for where, query in queries:
        assert query.metrics <= documented, f"{where}: {sorted(query.metrics - documented)} not documented"


def test_the_dashboards_query_the_platforms_own_metrics() -> None:
    names = {m for _, q in dashboard_queries() for m in q.metrics}
    assert {
        "http_server_request_duration_seconds_bucket",
        "kraftsamla_events_published_total",
        "kraftsamla_consumer_pending",
        "kraftsamla_reassessment_duration_seconds_bucket",
        "kraftsamla_report_generation_duration_seconds_bucket",
        "kraftsamla_applications_assessed_total",
        "process_resident_memory_bytes",
    } <= names


PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "hallbar-energi", "name": {"sv": "Hållbar energi"}}],
}
DRAFT = {
    "next_review": (date.today() + timedelta(days=90)).isoformat(),
    "priorities": [
        {
            "id": "vatgas",
            "title": {"sv": "Vätgas"},
            "level": "spets",
            "vocabulary": ["vätgas", "elektrolys", "energiomställning"],
            "valid_from": "2026-01-01",
            "valid_until": "2027-12-31",
        }
    ],
}
ACTOR = {
    "name": "Mittuniversitetet",
    "country": "SE",
    "identifier": "202100-5752",
    "helix": "academia",
    "municipality": "2380",
    "nace": "85.42",
    "size_class": "large",
}


def application(n: int, text: str) -> dict[str, Any]:
    return {
        "source": "nyps",
        "external_id": f"grafana-{n}",
        "title": f"Ansökan {n}",
        "summary": text,
        "requested_amount": 250000,
        "municipalities": ["2380"],
    }


def specs() -> dict[str, ServiceSpec]:
    from kraftsamla_actors.app import spec as actors
    from kraftsamla_assessment.app import spec as assessment
    from kraftsamla_plans.app import spec as plans
    from kraftsamla_reporting.app import spec as reporting

    return {"plans": plans, "actors": actors, "assessment": assessment, "reporting": reporting}


def fail_once(monkeypatch: pytest.MonkeyPatch, spec: ServiceSpec, event: type[Any]) -> list[int]:
    """Make the service's handler of ``event`` fail on its first call (a database away for a
    moment), so the bus retries and redelivers the message; returns the list of calls."""
    (sub,) = [s for s in spec.subscriptions.items if s.event is event]
    original = sub.handler
    calls: list[int] = []

    async def flaky(env: Envelope[Any], uow: UnitOfWork) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is away for a moment")
        await original(env, uow)

    monkeypatch.setattr(sub, "handler", flaky)
    return calls


@pytest.fixture
async def platform(
    nats_url: str,
    database_factory: Callable[[str], str],
    api_keys_file: Path,
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The four services in this process, on one NATS and their own SQLite databases."""
    async with contextlib.AsyncExitStack() as stack:
        clients = {}
        for name, spec in specs().items():
            settings = service_settings(
                name,
                database_url=database_factory(name),
                nats_url=nats_url,
                api_keys_file=api_keys_file,
                relay_poll_seconds=0.1,
                metrics_poll_seconds=0.2,
                report_debounce_seconds=0.1,
                max_deliver=3,
                backoff_seconds=[0.1],
                webhook_poll_seconds=0.05,
                webhook_backoff_seconds=[0.1],
                webhook_allowed_hosts=["127.0.0.1"],  # the test's webhook endpoint
            )
            clients[name] = await stack.enter_async_context(running(spec, settings))
        yield clients


async def drive_traffic(clients: dict[str, httpx.AsyncClient], nats_url: str, region: str) -> None:
    """What makes every series appear: HTTP calls on every service, a programme and an actor, a
    published action plan that reassesses applications and regenerates the report, a webhook
    (to an endpoint that refuses, so deliveries are retried), and a message no consumer can parse."""
    plans, actors, assessment, reporting = (clients[n] for n in SERVICES)
    admin, integrator = headers(region), headers(region, "integrator")

    r = await actors.post(f"/actors/regions/{region}/actors", json=ACTOR, headers=admin)
    assert r.status_code == 201, r.text
    r = await plans.post(f"/plans/regions/{region}/programmes", json=PROGRAMME, headers=admin)
    assert r.status_code == 201, r.text
    plan_id = r.json()["strength_areas"][0]["action_plan_id"]

    r = await assessment.post(
        f"/assessment/regions/{region}/webhooks",
        json={"url": f"http://127.0.0.1:{free_port()}/hook", "event_types": ["application.assessed"]},
        headers=integrator,
    )
    assert r.status_code == 201, r.text
    texts = ["Förstudie om vätgas från elektrolys i Östersund.", "Naturturism och friluftsliv i fjällen."]
    for n, text in enumerate(texts):
        r = await assessment.post(
            f"/assessment/regions/{region}/applications", json=application(n, text), headers=integrator
        )
        assert r.status_code == 201, r.text

    base = f"/plans/regions/{region}/action-plans/{plan_id}"
    etag = (await plans.get(base, headers=admin)).headers["ETag"]
    r = await plans.put(f"{base}/draft", json=DRAFT, headers={**admin, "If-Match": etag})
    assert r.status_code == 200, r.text
    etag = (await plans.get(base, headers=admin)).headers["ETag"]
    r = await plans.post(f"{base}/publish", json={"note": "Revision"}, headers={**admin, "If-Match": etag})
    assert r.status_code == 201, r.text

    async def reassessed() -> bool:
        r = await assessment.get(
            f"/assessment/regions/{region}/reassessments?status=completed", headers=admin
        )
        return bool(r.json()["data"])

    await eventually(reassessed, timeout=60)
    r = await assessment.post(
        f"/assessment/regions/{region}/applications", json=application(9, texts[0]), headers=integrator
    )
    assert r.status_code == 201 and r.json()["assessment"] is not None, r.text  # assessed at intake

    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(
            subject_for(ActorRegistered.event_type, region),
            b"not an event",
            headers={"Nats-Msg-Id": f"garbled-{region}"},  # not dropped as a duplicate of another test's
        )
    finally:
        await nc.close()

    async def reported() -> bool:
        r = await reporting.get(f"/reporting/regions/{region}/reports/latest", headers=admin)
        return r.status_code == 200

    await eventually(reported, timeout=60)
    for client, path in (
        (actors, f"/actors/regions/{region}/actors"),
        (plans, f"/plans/regions/{region}/programmes"),
        (assessment, f"/assessment/regions/{region}/applications"),
        (reporting, f"/reporting/regions/{region}/reports"),
    ):
        assert (await client.get(path, headers=admin)).status_code == 200


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_every_metric_a_dashboard_queries_is_emitted_by_the_services(
    db_backend: str,
    platform: dict[str, httpx.AsyncClient],
    monkeypatch: pytest.MonkeyPatch,
    nats_url: str,
    region: str,
) -> None:
    queries = dashboard_queries()
    calls = fail_once(monkeypatch, specs()["reporting"], ActorRegistered)
    await drive_traffic(platform, nats_url, region)
    scrape = Scrape()
    found: list[str] = []

    async def all_emitted() -> bool:
        nonlocal scrape, found
        # Services in one process share its registry, so every service's scrape holds the same
        # series (and, after the earlier tests of a session, the series of many regions): while
        # waiting, read one; every service's endpoint is checked once below.
        scrape = Scrape()
        r = await next(iter(platform.values())).get("/metrics")
        assert r.status_code == 200
        scrape.add(r.text)
        found = problems(queries, scrape.with_scrape_job_labels())
        return not found

    try:
        await eventually(all_emitted, timeout=90, interval=1.0)
    except AssertionError:
        pytest.fail("the dashboards query what the services do not emit:\n  " + "\n  ".join(found))
    assert len(calls) >= 2, "the failed delivery was redelivered"
    for name, client in platform.items():
        r = await client.get("/metrics")
        assert r.status_code == 200 and "kraftsamla_outbox_backlog" in r.text, name

    # Prometheus scrapes only what OTLP does not bring, labelled by service as the OpenTelemetry
    # series are (the scrape's own label honoured).
    job, keep = prometheus_process_job()
    assert job["honor_labels"] is True
    scraped_only = [name for name in scrape.series if keep.fullmatch(name)]
    assert scraped_only and all(
        scrape.series[n]["service_name"] <= {f"kraftsamla-{s}" for s in platform} for n in scraped_only
    )


def test_reassessment_pipeline_follows_the_events_of_a_reassessment_as_it_is() -> None:
    """The pipeline's consumers are the durable consumers of the events a reassessment moves along
    (the plan, its batches, the batch events of reassessed applications, its completion), and the
    reassessed applications are followed in their batch event, not in per-application events."""
    from kraftsamla_common.bus import durable_name
    from kraftsamla_common.events import (
        ActionPlanPublished,
        ApplicationsReassessed,
        ReassessmentBatch,
        ReassessmentCompleted,
    )

    path = {ActionPlanPublished, ReassessmentBatch, ApplicationsReassessed, ReassessmentCompleted}
    consumers = {
        durable_name(name, sub)
        for name, spec in specs().items()
        for sub in spec.subscriptions.items
        if sub.event in path
    }
    assert "reporting-on-applications-reassessed" in consumers
    board = load_dashboard(DASHBOARD_DIR / "reassessment-pipeline.json")
    listed = []
    for _, query in parsed_queries(board):
        for selector in query.selectors:
            for label, op, value in selector.matchers:
                if label == "consumer" and op == "=~":
                    listed.append(set(literal_alternatives(value) or []))
    assert listed and all(names == consumers for names in listed), (listed, consumers)
    exprs = " ".join(expr for _, expr in prometheus_queries(board))
    assert ApplicationsReassessed.event_type in exprs
    assert "assessment.application.assessed.v1" not in exprs, "a reassessment announces batches"


# --------------------------------------------------------------------------- a real Prometheus evaluates them


class _MetricsServer:
    """Serves the latest ``GET /metrics`` text of the services over real HTTP for Prometheus to
    scrape (the services of these tests run in this process, behind an ASGI transport)."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.text = ""
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = owner.text.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def prometheus(tmp_path: Path, target_port: int, gateway_metrics_port: int) -> Iterator[str]:
    """Debian's Prometheus (2.42 or later) on a free port, scraping the services and the gateway
    every second with the labels of prometheus.yaml's jobs and evaluating the rules; yields its URL."""
    import shutil
    import subprocess

    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus not found: install Debian's 'prometheus' package (./kraftsamla test does)")
    job, _ = prometheus_process_job()
    static = job["static_configs"][0]["labels"]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": job["job_name"],
                "static_configs": [{"targets": [f"127.0.0.1:{target_port}"], "labels": static}],
            },
            {
                "job_name": "kraftsamla-gateway",
                "static_configs": [
                    {
                        "targets": [f"127.0.0.1:{gateway_metrics_port}"],
                        "labels": prometheus_job("kraftsamla-gateway")[0]["static_configs"][0]["labels"],
                    }
                ],
            },
        ],
    }
    (tmp_path / "prometheus.yaml").write_text(yaml.safe_dump(config))
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp_path / 'prometheus.yaml'}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def for_prometheus(expr: str, region: str) -> str:
    """A dashboard expression as Grafana would send it for one region and every service."""
    for name in GRAFANA_DURATIONS:
        expr = re.sub(rf"\$\{{{name}\}}|\${name}\b", "1m", expr)
    expr = re.sub(r"\$\{region(?::\w+)?\}|\$region\b", region, expr)
    return re.sub(r"\$\{service_name(?::\w+)?\}|\$service_name\b", "kraftsamla-.+", expr)


# Expressions that may rightly be empty after drive_traffic: nothing answered 5xx, no webhook
# delivery was given up yet, no report lagged (a stale report's stat only shows one), and the NATS
# exporter does not run here (Compose and Kubernetes run it).
MAY_BE_EMPTY = re.compile(r'http_response_status_code=~"5\.\."|outcome="failed"|gnatsd_|jetstream_')


@pytest.mark.parametrize("db_backend", ["sqlite"])
async def test_a_real_prometheus_evaluates_every_dashboard_and_rule_expression(
    db_backend: str,
    platform: dict[str, httpx.AsyncClient],
    monkeypatch: pytest.MonkeyPatch,
    nats_url: str,
    region: str,
    tmp_path: Path,
) -> None:
    fail_once(monkeypatch, specs()["reporting"], ActorRegistered)  # a redelivery
    server = _MetricsServer()
    client = next(iter(platform.values()))

    async def refresh() -> None:
        while True:
            server.text = (await client.get("/metrics")).text
            await asyncio.sleep(0.5)

    refreshing = asyncio.ensure_future(refresh())
    # A real gateway in front of the metrics server: its own series for the gateway's panels.
    from kraftsamla_local.servers import Gateway

    gateway = Gateway({"metrics": server.port, "down": free_port()}, data_dir=tmp_path / "gateway")
    gateway.start()
    try:
        with prometheus(tmp_path, server.port, gateway.metrics_port) as url:
            async with httpx.AsyncClient(base_url=url, timeout=10) as api:

                async def refreshed_and_ready() -> bool:
                    try:
                        r = await api.get("/api/v1/query", params={"query": "count(up == 1)"})
                    except httpx.TransportError:
                        return False
                    return r.status_code == 200 and bool(r.json()["data"]["result"])

                await eventually(refreshed_and_ready, timeout=60, interval=0.5)
                await drive_traffic(platform, nats_url, region)  # while Prometheus scrapes
                async with httpx.AsyncClient(base_url=gateway.url, timeout=10) as through:
                    for _ in range(5):
                        assert (await through.get("/metrics")).status_code == 200
                    assert (await through.get("/down/x")).status_code == 502  # a handler error
                expressions = [
                    (f"{p.name} {where}", for_prometheus(expr, region))
                    for p in DASHBOARDS
                    for where, expr in prometheus_queries(load_dashboard(p))
                    if not where.startswith("variable ")
                ]
                empty: list[str] = []

                async def every_expression_has_data() -> bool:
                    empty.clear()
                    for where, expr in expressions:
                        r = await api.get("/api/v1/query", params={"query": expr})
                        assert r.status_code == 200, f"{where}: {r.text}"
                        if not r.json()["data"]["result"] and not MAY_BE_EMPTY.search(expr):
                            empty.append(f"{where}: {expr}")
                    return not empty

                try:
                    await eventually(every_expression_has_data, timeout=60, interval=1.0)
                except AssertionError:
                    pytest.fail("no data where the services emit it:\n  " + "\n  ".join(empty))

                r = await api.get("/api/v1/rules")
                groups = r.json()["data"]["groups"]
                evaluated = [rule for group in groups for rule in group["rules"]]
                assert len(evaluated) == sum(len(g["rules"]) for g in load_yaml(RULES)["groups"])
                broken = [
                    f"{rule['name']}: {rule.get('lastError')}"
                    for rule in evaluated
                    if rule["health"] == "err"
                ]
                assert not broken, broken

                # The availability SLI is 0 while nothing fails, not absent. (The services of one
                # process share its resource: one service_name here.) Requests go on meanwhile: a
                # series whose requests all came between two scrapes has no rate, and 0/0 is NaN.
                async def no_errors_recorded() -> bool:
                    await client.get(f"/plans/regions/{region}/programmes", headers=headers(region))
                    r = await api.get("/api/v1/query", params={"query": "kraftsamla:api_errors:ratio_rate5m"})
                    return [float(s["value"][1]) for s in r.json()["data"]["result"]] == [0.0]

                await eventually(no_errors_recorded, timeout=30, interval=0.5)
    finally:
        refreshing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refreshing
        gateway.stop()
        server.close()
