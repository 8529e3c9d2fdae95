"""The Kubernetes deployment (deploy/kubernetes/) is valid and agrees with how the services start.

No cluster and no kustomize binary are needed: the kustomizations are rendered here by a small
loader that knows only the features they use (``resources``, ``namespace``, ``labels``,
``images``) and refuses any other, so that what is checked is what ``kubectl apply -k`` applies.
Where ``kubectl`` or ``kustomize`` is installed, its rendering is compared with the loader's.

Every rendered object is validated strictly (unknown fields rejected) against the Kubernetes
OpenAPI schemas of ``kubernetes-validate``, then checked against the code it configures:
``kraftsamla_common.settings`` (variable names, default ports, how long start-up may wait),
the Dockerfile (user, data directory), the Caddy gateway (routes) and the NATS Helm values.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from kraftsamla_common.settings import DEFAULT_PORTS, Settings
from kraftsamla_web.settings import DEFAULT_PORT as WEB_PORT
from kraftsamla_web.settings import WebSettings
from kraftsamla_web.settings import variable as web_variable

ROOT = Path(__file__).resolve().parents[3]
KUBERNETES = ROOT / "deploy" / "kubernetes"
BASE = KUBERNETES / "base"
PRODUCTION = KUBERNETES / "overlays" / "production"
NATS_VALUES = KUBERNETES / "nats" / "values.yaml"
README = KUBERNETES / "README.md"
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
CADDYFILE = ROOT / "deploy" / "docker" / "Caddyfile"
SERVICES = ("actors", "plans", "assessment", "reporting")
WEB = "web"  # the staff web application: no database, no bus, settings of its own
DEPLOYED = (*SERVICES, WEB)
NAMESPACE = "kraftsamla"
WEB_VARIABLES = {web_variable(name) for name in WebSettings.model_fields} | {
    "KRAFTSAMLA_LOG_LEVEL",
    "KRAFTSAMLA_LOG_FORMAT",
}


def port_of(name: str) -> int:
    return WEB_PORT if name == WEB else DEFAULT_PORTS[name]


def port_variable(name: str) -> str:
    return "KRAFTSAMLA_WEB_PORT" if name == WEB else "KRAFTSAMLA_PORT"


# The oldest Kubernetes minor the manifests are meant for, and the newest schema carried by
# kubernetes-validate: every object must be valid on both.
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")

# Not a Settings field yet everywhere: the replicas of each service's own JetStream stream.
STREAM_REPLICAS = "KRAFTSAMLA_STREAM_REPLICAS"

Obj = dict[str, Any]


# --------------------------------------------------------------------------- kustomize, rendered here

SUPPORTED_KEYS = {"apiVersion", "kind", "resources", "namespace", "labels", "images"}
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "IngressClass",
    "PersistentVolume",
    "PriorityClass",
    "StorageClass",
}
# Kinds whose pod template kustomize's `labels` (includeTemplates) reaches.
TEMPLATED = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


class UnsupportedKustomization(ValueError):
    """A kustomization uses a feature this loader does not render."""


def read_documents(path: Path) -> list[Obj]:
    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    for doc in docs:
        assert isinstance(doc, dict) and {"apiVersion", "kind", "metadata"} <= set(doc), (
            f"{path}: {doc!r:.200}"
        )
    return docs


def split_image(image: str) -> tuple[str, str]:
    """``name`` and the rest (``:tag``, ``@digest`` or both) of an image reference."""
    if "@" in image:
        image, digest = image.split("@", 1)
        name, tag = split_image(image)
        return name, f"{tag}@{digest}"
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon:]
    return image, ""


def containers_of(obj: Any) -> Iterator[Obj]:
    """Every container (and init container) anywhere in an object."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            else:
                yield from containers_of(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from containers_of(item)


def render(directory: Path) -> list[Obj]:
    """The objects ``kustomize build directory`` would emit (in file order)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization", directory
    unsupported = set(kustomization) - SUPPORTED_KEYS
    if unsupported:
        raise UnsupportedKustomization(f"{directory}: {sorted(unsupported)} not rendered by this test")

    objects: list[Obj] = []
    for entry in kustomization.get("resources", []):
        target = (directory / entry).resolve()
        objects.extend(render(target) if target.is_dir() else read_documents(target))

    if namespace := kustomization.get("namespace"):
        for obj in objects:
            if obj["kind"] not in CLUSTER_SCOPED:
                obj["metadata"]["namespace"] = namespace

    for rule in kustomization.get("labels", []):
        if rule.get("includeSelectors") or set(rule) - {"pairs", "includeSelectors", "includeTemplates"}:
            raise UnsupportedKustomization(f"{directory}: labels {rule!r} not rendered by this test")
        for obj in objects:
            obj["metadata"].setdefault("labels", {}).update(rule["pairs"])
            template = obj.get("spec", {}).get("template")
            if rule.get("includeTemplates") and obj["kind"] in TEMPLATED and template is not None:
                template.setdefault("metadata", {}).setdefault("labels", {}).update(rule["pairs"])

    for rule in kustomization.get("images", []):
        if set(rule) - {"name", "newName", "newTag", "digest"}:
            raise UnsupportedKustomization(f"{directory}: images {rule!r} not rendered by this test")
        for obj in objects:
            for container in containers_of(obj):
                name, rest = split_image(container["image"])
                if name != rule["name"]:
                    continue
                tag = f":{rule['newTag']}" if "newTag" in rule else rest.split("@")[0]
                digest = f"@{rule['digest']}" if "digest" in rule else ""
                container["image"] = f"{rule.get('newName', name)}{tag}{digest}"
    return objects


def key(obj: Obj) -> tuple[str, str, str, str]:
    meta = obj["metadata"]
    return obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"]


def kustomize_command() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    return None


# --------------------------------------------------------------------------- fixtures and lookups


@pytest.fixture(scope="module")
def production() -> list[Obj]:
    return render(PRODUCTION)


@pytest.fixture(scope="module")
def base() -> list[Obj]:
    return render(BASE)


@pytest.fixture(scope="module")
def nats_values() -> Obj:
    values = yaml.safe_load(NATS_VALUES.read_text())
    assert isinstance(values, dict)
    return values


def find(objects: list[Obj], kind: str, name: str) -> Obj:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"{len(found)} {kind} named {name!r}"
    return found[0]


def kinds(objects: list[Obj], kind: str) -> list[Obj]:
    return [o for o in objects if o["kind"] == kind]


def pod_spec(deployment: Obj) -> Obj:
    spec: Obj = deployment["spec"]["template"]["spec"]
    return spec


def container(deployment: Obj) -> Obj:
    (only,) = pod_spec(deployment)["containers"]
    assert only["name"] == deployment["metadata"]["name"]
    c: Obj = only
    return c


def container_port(c: Obj, port: int | str) -> int:
    """A port given by number or by name, as the container's port number."""
    if isinstance(port, int):
        assert port in [p["containerPort"] for p in c["ports"]], f"{port} is not a port of {c['name']}"
        return port
    (number,) = [p["containerPort"] for p in c["ports"] if p.get("name") == port]
    return int(number)


def environment(c: Obj, objects: list[Obj]) -> dict[str, Any]:
    """Name → value of a container's variables, ConfigMaps of ``envFrom`` and ``configMapKeyRef``
    resolved (the key must be in the ConfigMap); a Secret's stays its ``valueFrom``."""
    env: dict[str, Any] = {}
    for source in c.get("envFrom", []):
        assert set(source) == {"configMapRef"}, f"envFrom other than a ConfigMap: {source}"
        assert "prefix" not in source
        env.update(find(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
    names = [e["name"] for e in c.get("env", [])]
    assert len(names) == len(set(names)), "a variable set twice"
    for e in c.get("env", []):
        assert e["name"] not in env, f"{e['name']} both in the ConfigMap and the container"
        ref = e.get("valueFrom", {}).get("configMapKeyRef")
        if ref is not None:
            data = find(objects, "ConfigMap", ref["name"])["data"]
            assert ref["key"] in data, f"{e['name']}: no key {ref['key']} in the ConfigMap {ref['name']}"
            env[e["name"]] = data[ref["key"]]
        else:
            env[e["name"]] = e.get("value", e.get("valueFrom"))
    return env


def replicas(deployment: Obj, objects: list[Obj]) -> int:
    """The replicas a Deployment runs with: its own count, or its autoscaler's minimum."""
    name = deployment["metadata"]["name"]
    scalers = [
        h for h in kinds(objects, "HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] == name
    ]
    if scalers:
        return int(scalers[0]["spec"]["minReplicas"])
    return int(deployment["spec"].get("replicas", 1))


UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "m": 1e-3}


def quantity(value: str | int | float) -> float:
    """A Kubernetes quantity (``250m``, ``512Mi``, ``2``) as a number."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|m)?", str(value))
    assert match, f"not a quantity this test reads: {value!r}"
    number, unit = match.groups()
    return float(number) * (UNITS[unit] if unit else 1)


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def dockerfile_text() -> str:
    return DOCKERFILE.read_text()


# --------------------------------------------------------------------------- the loader itself


@pytest.mark.parametrize("directory", [BASE, PRODUCTION], ids=["base", "production"])
def test_rendering_matches_kustomize(directory: Path) -> None:
    command = kustomize_command()
    if command is None:
        pytest.skip("neither kustomize nor kubectl is installed")
    result = subprocess.run([*command, str(directory)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    theirs = {key(o): o for o in yaml.safe_load_all(result.stdout) if o}
    ours = {key(o): o for o in render(directory)}
    assert sorted(ours) == sorted(theirs)
    for k, obj in ours.items():
        assert obj == theirs[k], f"{k} renders differently"


def test_loader_refuses_what_it_cannot_render(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources: [../base]\npatches: [{path: replicas.yaml}]\n"
    )
    with pytest.raises(UnsupportedKustomization, match="patches"):
        render(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "labels: [{pairs: {a: b}, includeSelectors: true}]\n"
    )
    with pytest.raises(UnsupportedKustomization, match="labels"):
        render(tmp_path)


def test_loader_applies_namespace_labels_and_images(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: other}\n"
        "spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: 'example/web:1'}, {name: side, image: example/side}]}\n"
    )
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ns\n"
        "resources: [app.yaml]\nlabels: [{pairs: {team: x}, includeTemplates: true}]\n"
        "images: [{name: example/web, newName: registry.example/web, newTag: '2'}]\n"
    )
    (obj,) = render(tmp_path)
    assert obj["metadata"] == {"name": "web", "namespace": "ns", "labels": {"team": "x"}}
    assert obj["spec"]["selector"] == {"matchLabels": {"app": "web"}}
    assert obj["spec"]["template"]["metadata"]["labels"] == {"app": "web", "team": "x"}
    images = [c["image"] for c in obj["spec"]["template"]["spec"]["containers"]]
    assert images == ["registry.example/web:2", "example/side"]


# --------------------------------------------------------------------------- schema validation


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_is_valid_kubernetes(production: list[Obj], base: list[Obj], version: str) -> None:
    objects = {key(o): o for o in base + production}
    assert len(objects) >= 1 + 1 + 3 * len(SERVICES) + 1
    invalid: list[str] = []
    for k, obj in objects.items():
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            invalid.append(f"{k[1]}/{k[3]}: {exc.message} at {'.'.join(map(str, exc.path))}")
    assert not invalid, f"not valid Kubernetes {version}:\n" + "\n".join(invalid)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_validation_rejects_broken_objects(production: list[Obj], version: str) -> None:
    """The validation above can fail: a misspelt field, a wrong type, a missing required field."""
    deployment = find(production, "Deployment", "plans")
    kubernetes_validate.validate(deployment, version, strict=True)

    misspelt = copy.deepcopy(deployment)
    container(misspelt)["livenesProbe"] = container(misspelt).pop("livenessProbe")
    wrong_type = copy.deepcopy(deployment)
    container(wrong_type)["ports"][0]["containerPort"] = "8101"
    no_image_name = copy.deepcopy(deployment)
    del container(no_image_name)["name"]
    nested = copy.deepcopy(deployment)
    pod_spec(nested)["securityContext"]["runAsNonroot"] = True
    for broken in (misspelt, wrong_type, no_image_name, nested):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, version, strict=True)


# --------------------------------------------------------------------------- what is deployed


def test_every_service_has_a_deployment_a_service_and_a_disruption_budget(production: list[Obj]) -> None:
    assert set(SERVICES) == set(DEFAULT_PORTS)
    for kind in ("Deployment", "Service", "PodDisruptionBudget"):
        assert {o["metadata"]["name"] for o in kinds(production, kind)} == set(DEPLOYED), kind
    assert [o["metadata"]["name"] for o in kinds(production, "Namespace")] == [NAMESPACE]
    for obj in production:
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"]["namespace"] == NAMESPACE, key(obj)
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "kraftsamla", key(obj)
    # Secrets are the operator's (see the README), never part of the manifests.
    assert not kinds(production, "Secret")


@pytest.mark.parametrize("name", DEPLOYED)
def test_image_is_the_services_own_and_pinned(production: list[Obj], base: list[Obj], name: str) -> None:
    image = container(find(production, "Deployment", name))["image"]
    repository, tag = split_image(image)
    assert repository == f"kraftsamla/{name}", (
        "built with --build-arg SERVICE=<name> (deploy/docker/README.md)"
    )
    assert re.fullmatch(r":[\w][\w.-]*", tag) and tag != ":latest", f"production pins a tag: {image}"
    assert split_image(container(find(base, "Deployment", name))["image"])[0] == repository
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert split_image(compose["services"][name]["image"])[0] == repository


@pytest.mark.parametrize("name", DEPLOYED)
def test_port_is_the_default_and_the_service_targets_it(production: list[Obj], name: str) -> None:
    deployment = find(production, "Deployment", name)
    c = container(deployment)
    env = environment(c, production)
    port = port_of(name)
    assert [p["containerPort"] for p in c["ports"]] == [port]
    assert int(env[port_variable(name)]) == port

    service = find(production, "Service", name)
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    (service_port,) = service["spec"]["ports"]
    assert container_port(c, service_port["targetPort"]) == port
    assert service_port["port"] == port, "the same port inside the cluster as in docker compose"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert matches(service["spec"]["selector"], pod_labels)
    assert deployment["spec"]["selector"] == {"matchLabels": service["spec"]["selector"]}


@pytest.mark.parametrize("name", DEPLOYED)
def test_environment_names_are_read_by_the_service(production: list[Obj], name: str) -> None:
    fields = {f"KRAFTSAMLA_{field.upper()}" for field in Settings.model_fields} | {STREAM_REPLICAS}
    if name == WEB:
        fields = WEB_VARIABLES
    env = environment(container(find(production, "Deployment", name)), production)
    for variable in env:
        assert variable == variable.upper(), variable
        if variable.startswith("KRAFTSAMLA_"):
            assert variable in fields, f"{variable} is not a setting of {name}"
        else:
            assert variable.startswith("OTEL_"), f"{variable} is read by nothing"

    assert env["KRAFTSAMLA_WEB_HOST" if name == WEB else "KRAFTSAMLA_HOST"] == "0.0.0.0"
    assert env["OTEL_SERVICE_NAME"] == f"kraftsamla-{name}"
    assert env["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio"
    assert 0 < float(env["OTEL_TRACES_SAMPLER_ARG"]) <= 1
    assert re.fullmatch(r"https?://[\w.-]+:4318", env["OTEL_EXPORTER_OTLP_ENDPOINT"])


@pytest.mark.parametrize("name", SERVICES)
def test_database_url_comes_from_a_secret(production: list[Obj], name: str) -> None:
    env = environment(container(find(production, "Deployment", name)), production)
    source = env["KRAFTSAMLA_DATABASE_URL"]
    admin = env["KRAFTSAMLA_DATABASE_ADMIN_URL"]  # the owner, to migrate; the service runs as another
    for s in (source, admin):
        assert isinstance(s, dict) and set(s) == {"secretKeyRef"}, "never a literal URL"
    assert admin["secretKeyRef"]["name"] == source["secretKeyRef"]["name"]
    assert admin["secretKeyRef"]["key"] != source["secretKeyRef"]["key"]
    secret = source["secretKeyRef"]["name"]
    readme = README.read_text()
    assert secret in readme, f"the README tells how to create the Secret {secret}"
    assert f"kraftsamla_{name}" in readme, "the README names the service's database"


@pytest.mark.parametrize("name", SERVICES)
def test_api_keys_file_is_a_mounted_secret(production: list[Obj], name: str) -> None:
    deployment = find(production, "Deployment", name)
    c = container(deployment)
    path = Path(environment(c, production)["KRAFTSAMLA_API_KEYS_FILE"])
    (mount,) = [m for m in c["volumeMounts"] if Path(m["mountPath"]) == path.parent]
    assert mount.get("readOnly") is True
    assert "subPath" not in mount, "a subPath mount never sees an updated Secret"
    (volume,) = [v for v in pod_spec(deployment)["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["secretName"] in README.read_text()


@pytest.mark.parametrize("name", DEPLOYED)
def test_probes_use_healthz_and_readyz(production: list[Obj], name: str) -> None:
    c = container(find(production, "Deployment", name))
    port = port_of(name)
    for probe, path in (
        ("startupProbe", "/healthz"),
        ("livenessProbe", "/healthz"),
        ("readinessProbe", "/readyz"),
    ):
        get = c[probe]["httpGet"]
        assert get["path"] == path, probe
        assert container_port(c, get["port"]) == port, probe
        assert get.get("scheme", "HTTP") == "HTTP"

    # The port opens only after the migrations and after waiting for the streams the service
    # consumes (stream_wait_seconds): the start-up probe must allow for both. The web application
    # has neither: it only loads its templates and catalogues.
    startup = c["startupProbe"]
    budget = startup["periodSeconds"] * startup["failureThreshold"]
    needed = 30 if name == WEB else 2 * Settings().stream_wait_seconds + 60
    assert budget >= needed, f"start-up allowed only {budget}s"
    liveness = c["livenessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 30


@pytest.mark.parametrize("name", DEPLOYED)
def test_resources_are_requested_and_limited(production: list[Obj], name: str) -> None:
    resources = container(find(production, "Deployment", name))["resources"]
    for what in ("cpu", "memory"):
        assert quantity(resources["requests"][what]) <= quantity(resources["limits"][what]), what
    if name == "reporting":  # Chromium prints the PDFs
        others = [container(find(production, "Deployment", n))["resources"] for n in DEPLOYED if n != name]
        memory = quantity(resources["limits"]["memory"])
        assert all(memory > quantity(r["limits"]["memory"]) for r in others)
        assert memory >= 1.5 * 2**30


@pytest.mark.parametrize("name", DEPLOYED)
def test_pods_run_unprivileged_on_a_read_only_root(production: list[Obj], name: str) -> None:
    deployment = find(production, "Deployment", name)
    spec = pod_spec(deployment)
    c = container(deployment)
    uid = re.search(r"useradd\b[^\n]*--uid (\d+)", dockerfile_text())
    assert uid, "the Dockerfile creates its user with --uid"

    pod = spec["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert pod["runAsUser"] == int(uid.group(1)) == 10001
    assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec.get("automountServiceAccountToken") is False
    assert spec.get("hostNetwork", False) is False

    security = c["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert not security.get("privileged", False)

    # Writable places: /tmp and the image's data directory, each an emptyDir.
    data_dir = re.search(r"KRAFTSAMLA_DATA_DIR=(\S+)", dockerfile_text())
    assert data_dir
    empty_dirs = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
    writable = {
        m["mountPath"] for m in c["volumeMounts"] if m["name"] in empty_dirs and not m.get("readOnly")
    }
    # The web application keeps nothing: /tmp only.
    assert ({"/tmp"} if name == WEB else {"/tmp", data_dir.group(1)}) <= writable
    for volume in spec["volumes"]:
        if "emptyDir" in volume:
            assert "sizeLimit" in volume["emptyDir"], volume["name"]


@pytest.mark.parametrize("name", DEPLOYED)
def test_replicas_spread_and_disruption_budget(production: list[Obj], name: str) -> None:
    deployment = find(production, "Deployment", name)
    spec = pod_spec(deployment)
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    count = replicas(deployment, production)
    assert count >= 2

    spread = {t["topologyKey"]: t for t in spec["topologySpreadConstraints"]}
    assert "kubernetes.io/hostname" in spread, "replicas spread across nodes"
    for constraint in spread.values():
        assert matches(constraint["labelSelector"]["matchLabels"], pod_labels)

    budget = find(production, "PodDisruptionBudget", name)
    assert budget["spec"]["minAvailable"] == 1 < count
    assert budget["spec"]["selector"] == deployment["spec"]["selector"]
    assert matches(budget["spec"]["selector"]["matchLabels"], pod_labels)

    assert 30 <= spec["terminationGracePeriodSeconds"] <= 60
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


@pytest.mark.parametrize("name", DEPLOYED)
def test_prometheus_scrapes_the_service_port(production: list[Obj], name: str) -> None:
    annotations = find(production, "Deployment", name)["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port_of(name))
    assert annotations["prometheus.io/path"] == "/metrics"


def test_autoscaler_owns_the_replicas_of_its_deployment(production: list[Obj]) -> None:
    scalers = kinds(production, "HorizontalPodAutoscaler")
    assert [h["metadata"]["name"] for h in scalers] == ["assessment"]
    for scaler in scalers:
        target = scaler["spec"]["scaleTargetRef"]
        assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
        deployment = find(production, "Deployment", target["name"])
        assert "replicas" not in deployment["spec"], "kubectl apply would reset the autoscaler's count"
        assert 2 <= scaler["spec"]["minReplicas"] < scaler["spec"]["maxReplicas"]
        (metric,) = scaler["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"
        assert "cpu" in container(deployment)["resources"]["requests"], (
            "utilisation is relative to the request"
        )


def caddy_routes() -> dict[str, int]:
    """Path prefix → upstream port of deploy/docker/Caddyfile (``@x path /p /p/*`` + ``handle @x``;
    the catch-all ``handle { reverse_proxy … }`` as the prefix ``/``)."""
    from .test_compose import CATCH_ALL
    from .test_compose import caddy_routes as compose_routes

    return {
        "/" if prefix == CATCH_ALL else f"/{prefix}": port
        for prefix, (_, port) in compose_routes(CADDYFILE.read_text()).items()
    }


def test_ingress_routes_the_first_path_segment_like_the_gateway(production: list[Obj]) -> None:
    (ingress,) = kinds(production, "Ingress")
    routes: dict[str, int] = {}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            assert path["pathType"] == "Prefix", "the prefix is kept and matched per path segment"
            backend = path["backend"]["service"]
            service = find(production, "Service", backend["name"])
            (port,) = [
                p
                for p in service["spec"]["ports"]
                if p.get("name") == backend["port"].get("name") or p["port"] == backend["port"].get("number")
            ]
            deployment = find(production, "Deployment", backend["name"])
            routes[path["path"]] = container_port(container(deployment), port["targetPort"])
            # A service by its prefix; the web application takes everything else.
            assert path["path"] == ("/" if backend["name"] == WEB else f"/{backend['name']}")
    assert routes == {**{f"/{name}": DEFAULT_PORTS[name] for name in SERVICES}, "/": WEB_PORT}
    assert routes == caddy_routes()
    tls_hosts = {h for t in ingress["spec"].get("tls", []) for h in t["hosts"]}
    assert {r["host"] for r in ingress["spec"]["rules"]} <= tls_hosts, "every host is served over TLS"


def test_web_signs_people_in_where_the_services_check_their_tokens(
    production: list[Obj], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One provider for both: the web application's issuer and client id are the services' token
    issuer and audience (the same ConfigMap keys); the keys by https; the secrets from a Secret the
    README tells how to make; the public URL is the Ingress's host; the pages call the services by
    their Services; and the settings take every value."""
    web = container(find(production, "Deployment", WEB))
    env = environment(web, production)
    refs = {e["name"]: e["valueFrom"] for e in web["env"] if "valueFrom" in e}
    common = "kraftsamla-common"
    assert refs["KRAFTSAMLA_OIDC_ISSUER"]["configMapKeyRef"] == {
        "name": common,
        "key": "KRAFTSAMLA_JWT_ISSUER",
    }
    assert refs["KRAFTSAMLA_OIDC_CLIENT_ID"]["configMapKeyRef"] == {
        "name": common,
        "key": "KRAFTSAMLA_JWT_AUDIENCE",
    }
    readme = README.read_text()
    secrets: dict[str, str] = {}
    for variable in ("KRAFTSAMLA_OIDC_CLIENT_SECRET", "KRAFTSAMLA_WEB_SESSION_SECRET"):
        assert set(env[variable]) == {"secretKeyRef"}, f"{variable}: never a literal"
        ref = env[variable]["secretKeyRef"]
        assert ref["name"] in readme and ref["key"] in readme, f"the README tells how to make {ref}"
        secrets[variable] = "from-the-secret-" + "x" * 40
    for name in SERVICES:
        service_env = environment(container(find(production, "Deployment", name)), production)
        assert service_env["KRAFTSAMLA_JWT_ISSUER"] == env["KRAFTSAMLA_OIDC_ISSUER"]
        assert service_env["KRAFTSAMLA_JWT_AUDIENCE"] == env["KRAFTSAMLA_OIDC_CLIENT_ID"]
        assert service_env["KRAFTSAMLA_JWT_JWKS_URL"].startswith("https://")
        assert "KRAFTSAMLA_JWT_JWKS_FILE" not in service_env
        settings = Settings(
            jwt_issuer=service_env["KRAFTSAMLA_JWT_ISSUER"],
            jwt_audience=service_env["KRAFTSAMLA_JWT_AUDIENCE"],
            jwt_jwks_url=service_env["KRAFTSAMLA_JWT_JWKS_URL"],
        )
        assert settings.jwt_jwks_url == service_env["KRAFTSAMLA_JWT_JWKS_URL"]
        # The web application's URL of the service is its Service in this namespace.
        service = find(production, "Service", name)
        (port,) = service["spec"]["ports"]
        assert env[f"KRAFTSAMLA_WEB_{name.upper()}_URL"] == f"http://{name}:{port['port']}"
    # Placeholders to replace, named as such in the ConfigMap and the README.
    config = (BASE / "config.yaml").read_text()
    for value in (
        env["KRAFTSAMLA_OIDC_ISSUER"],
        find(production, "ConfigMap", common)["data"]["KRAFTSAMLA_JWT_JWKS_URL"],
    ):
        assert ".example.org/" in value and value in config
    assert "REPLACE" in config

    (ingress,) = kinds(production, "Ingress")
    hosts = {r["host"] for r in ingress["spec"]["rules"]}
    assert env["KRAFTSAMLA_WEB_PUBLIC_URL"] in {f"https://{h}" for h in hosts}
    assert env["KRAFTSAMLA_WEB_SESSION_HTTPS_ONLY"] == "true"

    for key in list(os.environ):
        if key.startswith("KRAFTSAMLA_"):
            monkeypatch.delenv(key)
    for key, value in {**env, **secrets}.items():
        if key.startswith("KRAFTSAMLA_"):
            monkeypatch.setenv(key, value)
    settings = WebSettings()  # type: ignore[call-arg]
    assert settings.port == WEB_PORT and settings.session_https_only is True
    assert settings.oidc_issuer == env["KRAFTSAMLA_OIDC_ISSUER"]


# --------------------------------------------------------------------------- NATS


def helm_install() -> tuple[str, str]:
    """(release, namespace) of the documented ``helm install`` of the NATS chart."""
    command = re.compile(r"helm install (\S+) nats/nats -n (\S+) -f deploy/kubernetes/nats/values\.yaml")
    documented = [command.search(p.read_text()) for p in (README, NATS_VALUES)]
    assert all(documented), "README and values.yaml give the same helm install command"
    installs = {(m.group(1), m.group(2)) for m in documented if m}
    assert len(installs) == 1, installs
    (install,) = installs
    return install


def test_nats_is_a_three_node_jetstream_cluster_on_volumes(nats_values: Obj) -> None:
    config = nats_values["config"]
    assert config["cluster"]["enabled"] is True
    assert config["cluster"]["replicas"] == 3
    jetstream = config["jetstream"]
    assert jetstream["enabled"] is True
    assert jetstream["fileStore"]["enabled"] is True
    assert jetstream["fileStore"]["pvc"]["enabled"] is True
    assert quantity(jetstream["fileStore"]["pvc"]["size"]) >= 10 * 2**30
    assert not jetstream.get("memoryStore", {}).get("enabled", False), (
        "the services' streams are file streams"
    )
    hostname = nats_values["podTemplate"]["topologySpreadConstraints"]["kubernetes.io/hostname"]
    assert hostname["whenUnsatisfiable"] == "DoNotSchedule", "two servers of a quorum never share a node"

    sync = jetstream.get("merge", {}).get("sync_interval")
    text = NATS_VALUES.read_text()
    assert sync == "always" or ("sync_interval" in text and "quorum" in text), "the fsync choice is explained"


def test_stream_replicas_fit_the_nats_cluster(production: list[Obj], nats_values: Obj) -> None:
    common = find(production, "ConfigMap", "kraftsamla-common")["data"]
    stream_replicas = int(common[STREAM_REPLICAS])
    assert 1 <= stream_replicas <= min(5, nats_values["config"]["cluster"]["replicas"])
    assert stream_replicas == 3, "each message held by a quorum of three"


def test_services_reach_the_nats_release(production: list[Obj]) -> None:
    release, namespace = helm_install()
    assert namespace == NAMESPACE
    url = find(production, "ConfigMap", "kraftsamla-common")["data"]["KRAFTSAMLA_NATS_URL"]
    assert url == f"nats://{release}.{namespace}.svc:4222"


def test_every_image_is_pinned_to_a_version(production: list[Obj], nats_values: Obj) -> None:
    from .test_compose import pinned

    for obj in production:
        spec = obj.get("spec", {}).get("template", {}).get("spec", {})
        for c in [*spec.get("initContainers", []), *spec.get("containers", [])]:
            assert c["image"] != split_image(c["image"])[0], f"{obj['metadata']['name']}: {c['image']}"
            assert not c["image"].endswith(":latest"), c["image"]
    # NATS from its Helm chart: the tag of the container image, the same as docker-compose.yml's.
    tag = str(nats_values["container"]["image"]["tag"])
    assert pinned(f"nats:{tag}"), f"the NATS image is not pinned: {tag}"
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["nats"]["image"] == f"nats:{tag}"
    # The chart's Prometheus exporter sidecar: pinned, the same image as compose's nats-exporter.
    image = nats_values["promExporter"]["image"]
    exporter = f"{image['repository']}:{image['tag']}"
    assert pinned(exporter), f"the NATS exporter image is not pinned: {exporter}"
    assert compose["services"]["nats-exporter"]["image"] == exporter


def test_nats_exporter_emits_the_series_names_compose_does(nats_values: Obj) -> None:
    from .test_compose import NATS_EXPORTER_FLAGS

    exporter = nats_values["promExporter"]
    assert exporter["enabled"] is True
    port = int(exporter["port"])
    annotations = nats_values["podTemplate"]["merge"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    # The chart's args (with -prefix=nats) replaced by compose's flags without a prefix.
    (patch,) = [p for p in exporter["patch"] if p["path"] == "/args"]
    assert patch["op"] == "replace"
    args = [str(a) for a in patch["value"]]
    assert set(args) >= NATS_EXPORTER_FLAGS
    assert f"-port={port}" in args
    assert not [a for a in args if a.startswith("-prefix")]
    monitor = nats_values["config"]["monitor"]
    assert monitor["enabled"] is True
    assert args[-1] == f"http://localhost:{monitor.get('port', 8222)}/"

    # The Prometheus Operator's PodMonitor: the exporter's port, labelled like compose's job.
    pod_monitor = exporter["podMonitor"]
    assert pod_monitor["enabled"] is True
    (endpoint,) = pod_monitor["merge"]["spec"]["podMetricsEndpoints"]
    assert endpoint["port"] == "prom-metrics"
    labels = {r["targetLabel"]: r["replacement"] for r in endpoint["relabelings"] if r["action"] == "replace"}
    assert labels == {"service_name": "kraftsamla-nats", "service_namespace": "kraftsamla"}
    grafana = yaml.safe_load((ROOT / "deploy" / "grafana" / "prometheus.yaml").read_text())
    (job,) = [j for j in grafana["scrape_configs"] if j["job_name"] == "kraftsamla-nats"]
    (keep,) = [r for r in endpoint["metricRelabelings"] if r["action"] == "keep"]
    (compose_keep,) = [r for r in job["metric_relabel_configs"] if r["action"] == "keep"]
    assert keep["regex"] == compose_keep["regex"] and keep["sourceLabels"] == ["__name__"]


def test_the_pod_monitor_names_each_service_as_the_alerts_select_it(production: list[Obj]) -> None:
    """The operator's scrape gives every service's target (and so its ``up``) the service_name the
    alerts and dashboards select on, as Compose's job does; it selects every service's pods by their
    labels, on a port their container names."""
    monitor = yaml.safe_load((ROOT / "deploy" / "kubernetes" / "monitoring" / "podmonitor.yaml").read_text())
    assert monitor["kind"] == "PodMonitor" and monitor["metadata"]["namespace"] == "kraftsamla"
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["path"] == "/metrics" and endpoint["honorLabels"] is True
    (naming,) = [r for r in endpoint["relabelings"] if r.get("targetLabel") == "service_name"]
    assert naming["sourceLabels"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    for name in DEPLOYED:
        pod = find(production, "Deployment", name)["spec"]["template"]
        labels = pod["metadata"]["labels"]
        assert matches(monitor["spec"]["selector"]["matchLabels"], labels), name
        assert endpoint["port"] in {p["name"] for c in pod["spec"]["containers"] for p in c.get("ports", [])}
        source = labels["app.kubernetes.io/name"]
        m = re.fullmatch(naming["regex"], source)
        assert m, name
        # Prometheus's relabelling: the regex's groups into the replacement.
        assert m.expand(naming["replacement"].replace("$1", r"\1")) == f"kraftsamla-{name}"
    rules = yaml.safe_load((ROOT / "deploy" / "grafana" / "rules" / "kraftsamla.rules.yaml").read_text())
    down = next(r for g in rules["groups"] for r in g["rules"] if r.get("alert") == "KraftsamlaServiceDown")
    assert 'service_name=~"kraftsamla-.+"' in down["expr"]
