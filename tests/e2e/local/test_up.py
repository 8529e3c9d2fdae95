"""``kraftsamla up`` as a person runs it: a real launcher process with NATS, four services and the
gateway; the banner as soon as the platform answers, then demo data on first start with its
progress; Ctrl-C stops everything; a second start keeps the data; a demo load that fails says so
and leaves the platform running."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from kraftsamla_common.wording import words
from kraftsamla_local import demo_portfolio
from kraftsamla_local.demo_content import INTEGRATOR_SOURCES, REGIONS
from kraftsamla_local.servers import free_port, port_open
from kraftsamla_reporting.adapters.labels import Labels

SERVICES = ("plans", "actors", "assessment", "reporting")
UNSEEN = json.loads((Path(__file__).parents[2] / "data" / "unseen_projects.json").read_text())["items"]


class Launcher:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.gateway_port = free_port()
        self.gateway_metrics_port = free_port()
        self.nats_port = free_port()
        self.oidc_port = free_port()
        self.service_ports = {name: free_port() for name in (*SERVICES, "web")}
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    @property
    def ports(self) -> list[int]:
        return [
            self.gateway_port,
            self.gateway_metrics_port,
            self.nats_port,
            self.oidc_port,
            *self.service_ports.values(),
        ]

    def start(self, *args: str, timeout: float = 180, **extra_env: str) -> None:
        """Start the launcher (with more options: ``args``) and read its output up to the end of
        the banner."""
        env = {
            **os.environ,
            **{f"KRAFTSAMLA_{name.upper()}_PORT": str(port) for name, port in self.service_ports.items()},
            **extra_env,
        }
        self.output = []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kraftsamla_local",
                "up",
                "--data-dir",
                str(self.data_dir),
                "--gateway-port",
                str(self.gateway_port),
                "--gateway-metrics-port",
                str(self.gateway_metrics_port),
                "--nats-port",
                str(self.nats_port),
                "--oidc-port",
                str(self.oidc_port),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        self.read_until("Press Ctrl-C to stop.", timeout)

    def read_until(self, text: str, timeout: float = 300) -> None:
        """Read the launcher's output (stdout and stderr) until a line with ``text``."""
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        for line in self.proc.stdout:
            self.output.append(line)
            if text in line:
                return
            if time.monotonic() > deadline:
                break
        raise AssertionError(f"no {text!r} from the launcher:\n" + "".join(self.output[-60:]))

    def error_lines(self) -> list[str]:
        """ERROR lines the services logged (each log line is a JSON object)."""
        return [
            line
            for log in (self.data_dir / "logs").glob("*.log")
            for line in log.read_text().splitlines()
            if line.startswith("{") and json.loads(line)["level"] in ("ERROR", "CRITICAL")
        ]

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as a terminal sends it: SIGINT to the launcher."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        out, _ = self.proc.communicate(timeout=timeout)
        self.output.append(out)
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def keys(self) -> dict[str, str]:
        entries = json.loads((self.data_dir / "demo-api-keys.json").read_text())
        return {k["name"]: k["key"] for k in entries}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=f"http://127.0.0.1:{self.gateway_port}", timeout=30)

    def id_token(self, sub: str) -> str:
        """A demo person's ID token from the launcher's OpenID provider: the authorization-code
        flow, the person chosen on the provider's page, the code exchanged for tokens."""
        issuer = f"http://127.0.0.1:{self.oidc_port}"
        redirect = "http://127.0.0.1:9/signed-in"
        query = {"response_type": "code", "client_id": "kraftsamla-web", "redirect_uri": redirect}
        with httpx.Client(base_url=issuer, timeout=30) as http:
            chosen = http.post("/oauth2/authorize", params={**query, "scope": "openid"}, data={"sub": sub})
            code = parse_qs(urlsplit(chosen.headers["location"]).query)["code"][0]
            answer = http.post(
                "/oauth2/token",
                data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
                auth=("kraftsamla-web", "kraftsamla-web-local-secret"),
            )
        token: str = answer.json()["id_token"]
        return token


def processes_using(path: Path) -> dict[int, str]:
    """Live processes whose command line or environment mentions ``path`` (the launcher's children
    all do: NATS and the gateway in their arguments, the services in ``KRAFTSAMLA_DATA_DIR``), by pid
    with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            environ = (entry / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmdline or f"KRAFTSAMLA_DATA_DIR={path}\0" in environ:
            found[int(entry.name)] = cmdline
    return found


def pid_of(data_dir: Path, program: str) -> int:
    """The one live process of the launcher's with ``program`` in its command line."""
    pids = [pid for pid, cmdline in processes_using(data_dir).items() if program in cmdline]
    assert len(pids) == 1, (program, processes_using(data_dir))
    return pids[0]


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Launcher]:
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to see which processes are left")
    launcher = Launcher(tmp_path / "data")
    try:
        yield launcher
    finally:
        launcher.kill()


def wait_for(check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        time.sleep(0.2)


def sign_in_through_the_gateway(launcher: Launcher, http: httpx.Client, sub: str, region_name: str) -> None:
    """A demo person signs in to the staff web application through the gateway, by the real
    authorization-code flow of the launcher's OpenID provider, and lands on their region's desk."""
    r = http.get("/")
    assert r.status_code == 303 and r.headers["location"].endswith("/signin"), r.headers
    page = http.get("/signin")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    r = http.post("/signin", data={"csrf_token": found.group(1), "next": ""})
    assert r.status_code in (302, 303), r.text
    authorize = r.headers["location"]
    assert authorize.startswith(f"http://127.0.0.1:{launcher.oidc_port}/")
    # On the provider's page the person is chosen; it sends the browser back with a code.
    chosen = httpx.post(authorize, data={"sub": sub}, timeout=30)
    assert chosen.status_code in (302, 303), chosen.text
    callback = chosen.headers["location"]
    assert callback.startswith(f"http://127.0.0.1:{launcher.gateway_port}/"), callback
    r = http.get(callback)
    assert r.status_code in (302, 303), r.text
    desk = http.get(r.headers["location"])
    assert desk.status_code == 200 and region_name in desk.text, desk.text[:500]


def test_up_loads_demo_data_stops_on_ctrl_c_and_keeps_data(launcher: Launcher) -> None:
    launcher.start()
    banner = "".join(launcher.output)
    keys = launcher.keys()
    assert f"http://127.0.0.1:{launcher.gateway_port}/" in banner
    assert f"http://127.0.0.1:{launcher.gateway_metrics_port}/metrics" in banner
    assert keys["jamtland-harjedalen-admin"] in banner  # the banner prints the demo keys
    # ... and the sign-in provider with the demo people
    assert f"sign-in    http://127.0.0.1:{launcher.oidc_port}" in banner
    assert "kronoberg-viewer" in banner and "Vilma Viewer (Kronoberg)" in banner
    # The banner comes as soon as the platform answers, before the demo data, which it announces.
    assert "Demo data is loading: Region Jämtland Härjedalen" in banner
    assert "Loaded demo" not in banner
    with launcher.client() as http:
        assert http.get("/plans/healthz").status_code == 200
        # The index of the services at /api; the staff web application at /.
        assert set(http.get("/api").json()["services"]) == set(SERVICES)
        assert f"http://127.0.0.1:{launcher.gateway_port}/api" in banner
        sign_in_through_the_gateway(launcher, http, "jamtland-harjedalen-assessor", "Jämtland Härjedalen")
    launcher.read_until("Demo data loaded in")
    progress = "".join(launcher.output).split("Press Ctrl-C to stop.")[1]
    assert all(f"Loaded demo: {region['name']} in " in progress for region in REGIONS), progress
    assert launcher.error_lines() == []  # a clean start logs no error, nor does the demo load

    jh = {"X-API-Key": keys["jamtland-harjedalen-admin"]}
    with launcher.client() as http:
        # Demo data for every demo region, each seen only with that region's key.
        for region in REGIONS:
            rid = region["region"]
            own = {"X-API-Key": keys[f"{rid}-viewer"]}
            programmes = http.get(f"/plans/regions/{rid}/programmes", headers=own).json()
            assert programmes["count"] == 1
            assert programmes["data"][0]["title"] == region["programme"]["title"]
            apps = http.get(f"/assessment/regions/{rid}/applications", headers=own).json()
            assert apps["count"] == len(region["applications"]) + demo_portfolio.PER_REGION
            decided = http.get(f"/assessment/regions/{rid}/applications?status=granted", headers=own).json()
            assert decided["count"] >= demo_portfolio.PER_REGION // 5
        assert http.get("/plans/regions/kronoberg/programmes", headers=jh).status_code == 404
        # A demo person signed in at the launcher's provider: their ID token is their key.
        person = {"Authorization": f"Bearer {launcher.id_token('kronoberg-viewer')}"}
        assert http.get("/plans/regions/kronoberg/programmes", headers=person).json()["count"] == 1
        assert http.get("/plans/regions/lappi/programmes", headers=person).status_code == 404
        assert http.post("/plans/regions/kronoberg/programmes", json={}, headers=person).status_code == 403

        # Real project descriptions the quality benchmark never saw, pushed by each region's funding
        # system, get the strength area a regional officer gave them, with the passages that say so.
        agreed = []
        for n, item in enumerate(UNSEEN):
            rid = item["region"]
            r = http.post(
                f"/assessment/regions/{rid}/applications",
                json={
                    "source": INTEGRATOR_SOURCES[rid],
                    "external_id": f"UNSEEN-{n}",
                    "title": item["title"],
                    "summary": item["text"],
                    "requested_amount": 100000,
                    "currency": "EUR" if rid == "lappi" else "SEK",
                },
                headers={"X-API-Key": keys[f"{rid}-integrator"]},
            )
            assert r.status_code == 201, r.text
            assessment = r.json()["assessment"]
            codes = {
                sa["id"]: sa["code"]
                for sa in http.get(
                    f"/plans/regions/{rid}/programmes", headers={"X-API-Key": keys[f"{rid}-viewer"]}
                ).json()["data"][0]["strength_areas"]
            }
            got = codes.get(assessment["strength_area_id"])
            agreed.append(got in item["areas"] if item["areas"] else got is None)
            if got is not None:
                passage = assessment["fits"][0]["evidence"][0]["passage"].removesuffix("…")
                assert passage in item["title"] + "\n" + item["text"]
                assert assessment["choice"]["confidence"] > 0
        assert sum(agreed) >= 0.8 * len(UNSEEN), agreed

        programme = http.get("/plans/regions/jamtland-harjedalen/programmes", headers=jh).json()["data"][0]
        assert {sa["code"] for sa in programme["strength_areas"]} == {
            "jord-skog-vatten",
            "hallbar-energi",
            "upplevelser",
            "digitala-losningar",
        }

        # A person publishes a revised plan; the report follows and names the new version.
        energy = next(sa for sa in programme["strength_areas"] if sa["code"] == "hallbar-energi")
        url = f"/plans/regions/jamtland-harjedalen/action-plans/{energy['action_plan_id']}"
        r = http.get(url, headers=jh)
        draft = r.json()["draft"]
        draft["priorities"][0]["level"] = "bredd"
        r = http.put(f"{url}/draft", json=draft, headers={**jh, "If-Match": r.headers["ETag"]})
        assert r.status_code == 200, r.text
        r = http.post(f"{url}/publish", json={"note": "Revision"}, headers=jh)
        assert r.status_code == 201, r.text
        assert r.json()["number"] == 2

        def report_names_v2() -> int | None:
            r = http.get("/reporting/regions/jamtland-harjedalen/reports/latest", headers=jh)
            if r.status_code != 200:
                return None
            versions = {(p["action_plan_id"], p["version"]) for p in r.json()["built_from"]["plan_versions"]}
            return r.json()["number"] if (energy["action_plan_id"], 2) in versions else None

        report_number = wait_for(report_names_v2)

        # … with what moved at the reassessment against it, in every format and language.
        base = "/reporting/regions/jamtland-harjedalen/reports"

        def reassessed_against_v2() -> dict[str, Any] | None:
            report = http.get(f"{base}/latest", headers=jh).json()
            last = report["content"]["last_reassessments"]
            done = last and any(v["version"] == 2 for v in last[0]["plan_versions"])
            return report if done else None

        report = wait_for(reassessed_against_v2)
        browser = ("committee", jh["X-API-Key"])
        page = http.get(f"{base}/latest/html", auth=browser)
        assert (
            page.status_code == 200 and "Hållbar energi v2" in page.text
        )  # the area by its name, never its code
        last = report["content"]["last_reassessments"][0]
        said = last["groups"][0]["sentence_parts"] if last["groups"] else last["summary_parts"]
        assert words(said, Labels("sv")) in html.unescape(page.text)  # what moved and why, in Swedish
        assert "Alueellinen jakautuminen" in http.get(f"{base}/latest/html?lang=fi", auth=browser).text
        for download, kind in (
            ("portfolio.csv", "text/csv"),
            ("municipalities.csv", "text/csv"),
            ("tables.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("pdf", "application/pdf"),
        ):
            r = http.get(f"{base}/{report['number']}/{download}", auth=browser, timeout=60)
            assert r.status_code == 200 and r.headers["content-type"].startswith(kind), (
                download,
                r.status_code,
                r.text[:500],
            )
        compared = http.get(
            f"{base}/compare", params={"before": report_number - 1, "after": report["number"]}, headers=jh
        ).json()
        assert ("hallbar-energi", 1, 2) in {
            (ch["subject"][0]["key"], ch["before"], ch["after"]) for ch in compared["plan_versions"]
        }

        # Two regions opt in to the cooperation view and are suggested to each other (both have D35).
        nb = {"X-API-Key": keys["norrbotten-admin"]}
        for rid, h in (("jamtland-harjedalen", jh), ("norrbotten", nb)):
            assert (
                http.put(f"/reporting/regions/{rid}/sharing", json={"opted_in": True}, headers=h).status_code
                == 200
            )
        mine = http.get("/reporting/regions/jamtland-harjedalen/cooperation", headers=jh).json()
        theirs = http.get("/reporting/regions/norrbotten/cooperation", headers=nb).json()
        assert [s["region"] for s in mine["similar"]] == ["norrbotten"] and "D35" in mine["similar"][0][
            "shared_nace"
        ]
        assert [s["region"] for s in theirs["similar"]] == ["jamtland-harjedalen"]

        # Every write is in its service's audit log for its region, newest first.
        plans_log = http.get("/plans/regions/jamtland-harjedalen/audit", headers=jh).json()["data"]
        assert [(e["method"], e["path"]) for e in plans_log[:2]] == [
            ("POST", f"{url}/publish"),
            ("PUT", f"{url}/draft"),
        ]
        assert "plans.action_plan.published.v1" in {e["type"] for e in plans_log[0]["events"]}
        shared = http.get("/reporting/regions/jamtland-harjedalen/audit", headers=jh).json()["data"][0]
        assert (shared["method"], shared["route"]) == ("PUT", "/reporting/regions/{region}/sharing")
        for service in ("actors", "assessment"):  # the demo data came in through the API
            assert http.get(f"/{service}/regions/jamtland-harjedalen/audit", headers=jh).json()["count"] > 0
        assert http.get("/plans/regions/norrbotten/audit", headers=jh).status_code == 404

    # Ctrl-C stops every process the launcher started.
    assert launcher.interrupt() == 0
    wait_for(lambda: not processes_using(launcher.data_dir), timeout=20)
    assert not [p for p in launcher.ports if port_open(p)]

    # A second start finds everything where the first left it, and loads no demo data again.
    launcher.start()
    assert "Demo data: loaded 20" in "".join(launcher.output)  # when, and not loaded again
    assert "Loading demo" not in "".join(launcher.output)
    assert keys["operator"] not in "".join(launcher.output)  # the keys were shown once, at the first start
    with launcher.client() as http:
        assert http.get("/plans/regions/jamtland-harjedalen/programmes", headers=jh).json()["count"] == 1
        r = http.get(f"/reporting/regions/jamtland-harjedalen/reports/{report_number}", headers=jh)
        assert r.status_code == 200
        versions = http.get(f"{url}/versions", headers=jh).json()
        assert [v["number"] for v in versions["data"]] == [1, 2]
    assert launcher.interrupt() == 0
    wait_for(lambda: not processes_using(launcher.data_dir), timeout=20)


def test_a_demo_load_that_fails_says_why_and_leaves_the_platform_running(launcher: Launcher) -> None:
    # A body limit too small for the demo's bulk of applications: the gateway answers 413.
    launcher.start(KRAFTSAMLA_MAX_BODY_BYTES="20000")
    launcher.read_until("Demo data could not be loaded")
    launcher.read_until("loads the demo data again")
    output = "".join(launcher.output)
    assert "applications/bulk answered 413" in output, output
    assert launcher.proc is not None and launcher.proc.poll() is None  # still running
    with launcher.client() as http:
        for service in SERVICES:
            assert http.get(f"/{service}/readyz").status_code == 200
        own = {"X-API-Key": launcher.keys()["jamtland-harjedalen-viewer"]}
        assert http.get("/actors/regions/jamtland-harjedalen/actors", headers=own).json()["count"] > 0
    assert not (launcher.data_dir / ".demo-loaded").exists()  # the next start loads it again
    assert launcher.interrupt() == 0


def private_modes(data_dir: Path) -> dict[str, str]:
    """Every file and folder under the data dir that others than its owner may read or enter."""
    return {
        str(path.relative_to(data_dir)): stat.filemode(path.stat().st_mode)
        for path in (data_dir, *data_dir.rglob("*"))
        if not path.is_symlink() and path.stat().st_mode & 0o077
    }


def test_up_keeps_its_files_private_and_shows_the_keys_once(launcher: Launcher) -> None:
    # As an older launcher left them: the folder and a log readable by everyone.
    (launcher.data_dir / "logs").mkdir(parents=True, mode=0o755)
    launcher.data_dir.chmod(0o755)
    (launcher.data_dir / "logs" / "plans.log").write_text("an older start\n")
    (launcher.data_dir / "logs" / "plans.log").chmod(0o644)

    launcher.start("--no-demo")
    first = "".join(launcher.output)
    keys = launcher.keys()
    keys_file = launcher.data_dir / "demo-api-keys.json"
    assert all(key in first for key in keys.values())  # made now: shown this once
    assert f"They are kept in {keys_file} (readable by you only)" in first
    with launcher.client() as http:  # the services have written their databases (and -wal, -shm)
        operator = {"X-API-Key": keys["operator"]}
        assert http.get("/plans/regions/kronoberg/programmes", headers=operator).status_code == 200
    assert list(launcher.data_dir.glob("*.db-wal")), sorted(p.name for p in launcher.data_dir.iterdir())
    assert private_modes(launcher.data_dir) == {}
    assert launcher.interrupt() == 0
    wait_for(lambda: not processes_using(launcher.data_dir), timeout=20)

    launcher.start("--no-demo")
    again = "".join(launcher.output)
    assert not [name for name, key in keys.items() if key in again]  # no key printed again …
    assert f"Demo API keys (header X-API-Key): in {keys_file} (readable by you only)" in again  # … but where
    assert f"{launcher.gateway_port}/plans/docs" in again
    shown = subprocess.run(
        [sys.executable, "-m", "kraftsamla_local", "keys", "--data-dir", str(launcher.data_dir), "operator"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout == keys["operator"] + "\n"
    table = subprocess.run(
        [sys.executable, "-m", "kraftsamla_local", "keys", "--data-dir", str(launcher.data_dir)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(key in table for key in keys.values())
    assert private_modes(launcher.data_dir) == {}
    assert launcher.interrupt() == 0
    wait_for(lambda: not processes_using(launcher.data_dir), timeout=20)


SUPERVISED_PROGRAMME = {
    "title": "Program för smart specialisering",
    "period_start": 2021,
    "period_end": 2027,
    "strength_areas": [{"code": "hallbar-energi", "name": {"sv": "Hållbar energi"}}],
}
TEXTS = [
    "Förstudie om vätgas från elektrolys i Östersund.",
    "Energiomställningen i industrin: en innovationsarena för hållbar energi.",
    "Naturturism och friluftsliv i fjällen.",
]


def test_up_restarts_a_killed_service_and_nats_and_loses_nothing(launcher: Launcher) -> None:
    launcher.start("--no-demo")
    keys = launcher.keys()
    rid = "jamtland-harjedalen"
    admin = {"X-API-Key": keys[f"{rid}-admin"]}
    services = {name: pid_of(launcher.data_dir, f"kraftsamla_{name}") for name in SERVICES}

    with launcher.client() as http:
        # kill -9 of one service: it comes back by itself; the others answer meanwhile.
        os.kill(services["plans"], signal.SIGKILL)
        launcher.read_until("plans exited unexpectedly (killed by SIGKILL); restarting it in 0.5 s", 60)
        for name in ("actors", "assessment", "reporting"):
            assert http.get(f"/{name}/readyz").status_code == 200
        launcher.read_until("plans is back", 120)
        assert http.get("/plans/readyz").status_code == 200
        services["plans"] = pid_of(launcher.data_dir, "kraftsamla_plans")

        # A plan published, and what follows from it, before NATS is killed …
        r = http.post(f"/plans/regions/{rid}/programmes", json=SUPERVISED_PROGRAMME, headers=admin)
        assert r.status_code == 201, r.text
        plan = r.json()["strength_areas"][0]["action_plan_id"]
        for n, text in enumerate(TEXTS):
            r = http.post(
                f"/assessment/regions/{rid}/applications",
                json={
                    "source": INTEGRATOR_SOURCES[rid],
                    "external_id": f"SUPERVISED-{n}",
                    "title": f"Ansökan {n}",
                    "summary": text,
                    "requested_amount": 250000,
                },
                headers={"X-API-Key": keys[f"{rid}-integrator"]},
            )
            assert r.status_code == 201, r.text
        apps = [
            a["id"] for a in http.get(f"/assessment/regions/{rid}/applications", headers=admin).json()["data"]
        ]

        def publish(level: str) -> None:
            url = f"/plans/regions/{rid}/action-plans/{plan}"
            today = date.today()
            draft = {
                "next_review": (today + timedelta(days=90)).isoformat(),
                "priorities": [
                    {
                        "id": "vatgas",
                        "title": {"sv": "Vätgas"},
                        "level": level,
                        "vocabulary": ["vätgas", "elektrolys", "energiomställning"],
                        "valid_from": (today - timedelta(days=365)).isoformat(),
                        "valid_until": (today + timedelta(days=730)).isoformat(),
                    }
                ],
            }
            etag = http.get(url, headers=admin).headers["ETag"]
            r = http.put(f"{url}/draft", json=draft, headers={**admin, "If-Match": etag})
            assert r.status_code == 200, r.text
            assert http.post(f"{url}/publish", json={"note": level}, headers=admin).status_code == 201

        def followed(version: int) -> dict[str, Any] | None:
            """The report once it names the version and the reassessment against it."""
            r = http.get(f"/reporting/regions/{rid}/reports/latest", headers=admin)
            if r.status_code != 200:
                return None
            report: dict[str, Any] = r.json()
            last = report["content"]["last_reassessments"]
            named = (plan, version) in {
                (p["action_plan_id"], p["version"]) for p in report["built_from"]["plan_versions"]
            }
            done = last and any(v["version"] == version for v in last[0]["plan_versions"])
            return report if named and done else None

        publish("spets")
        wait_for(lambda: followed(1), timeout=120)

        # … then kill -9 of NATS: it comes back on the same store, the services reconnect by themselves.
        os.kill(pid_of(launcher.data_dir, "nats-server"), signal.SIGKILL)
        launcher.read_until("nats exited unexpectedly (killed by SIGKILL)", 60)
        launcher.read_until("nats is back", 120)
        publish("bredd")
        report = wait_for(lambda: followed(2), timeout=120)

        # Each version reassessed every application exactly once, and the report counts each once.
        reassessments = http.get(f"/assessment/regions/{rid}/reassessments", headers=admin).json()["data"]
        assert len(reassessments) == 2, reassessments
        assert len({r["plan_key"] for r in reassessments}) == 2
        assert all(r["status"] == "completed" and r["assessed"] == len(TEXTS) for r in reassessments)
        for app in apps:
            history = http.get(
                f"/assessment/regions/{rid}/applications/{app}/assessments", headers=admin
            ).json()
            # Made once for each version: an assessment the second version did not touch holds
            # for both (``made_for`` the first's plan key, ``plan_key`` the second's).
            keys = [k for a in history["data"] for k in dict.fromkeys([a["made_for"], a["plan_key"]])]
            assert len(keys) == 2 and len(set(keys)) == 2, history
            assert {v["version"] for a in history["data"] for v in a["plan_versions"]} <= {1, 2}
        assert [
            [v["version"] for v in r["plan_versions"]] for r in report["content"]["last_reassessments"]
        ] == [[2], [1]]
        assert report["content"]["assessments"]["current"] == len(TEXTS)

    # No service was restarted for NATS: the same processes, reconnected.
    assert {name: pid_of(launcher.data_dir, f"kraftsamla_{name}") for name in SERVICES} == services
    assert launcher.interrupt() == 0
    wait_for(lambda: not processes_using(launcher.data_dir), timeout=20)
    assert not [p for p in launcher.ports if port_open(p)]
