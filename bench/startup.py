"""Start-up: seconds from each service's process start to its first 200 from ``/readyz``, with the
four started together as ``./kraftsamla up`` starts them (same command, same settings, NATS up first).

Two cases, each run ``--runs`` times (median printed): a **first** start on an empty data dir
(every migration runs, every stream and consumer is created) and a **restart** on the data dir
the previous run left (the schema at head, the streams there). Beside the seconds to ready, the
CPU seconds each service had used by then (user and system, from ``/proc``): on a machine shared
with other work the wall time varies with the others' load, the CPU time much less. Prints one
JSON line.

    uv run python bench/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import harness
import httpx

from kraftsamla_local import servers
from kraftsamla_local.__main__ import SERVICE_PORTS, ensure_api_keys, service_processes


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_once(data_dir: Path) -> tuple[dict[str, float], dict[str, float]]:
    """NATS, then the four services at once; each one's seconds from its start to ready, and the
    CPU seconds it had used by then."""
    with servers.stopping_all():
        nats = servers.NatsServer(data_dir / "nats", log_path=data_dir / "logs" / "nats.log").start()
        ensure_api_keys(data_dir)
        procs = service_processes(nats.url, data_dir, {name: servers.free_port() for name in SERVICE_PORTS})
        started: dict[str, float] = {}
        for proc in procs:
            started[proc.name] = time.perf_counter()
            proc.start()
        ready: dict[str, float] = {}
        cpu: dict[str, float] = {}
        deadline = time.perf_counter() + 120
        with httpx.Client(timeout=2.0) as http:
            while len(ready) < len(procs):
                for proc in procs:
                    if proc.name in ready:
                        continue
                    if not proc.running():
                        raise SystemExit(f"{proc.name} exited:\n{proc.log_tail()}")
                    try:
                        if http.get(f"{proc.base_url}/readyz").status_code == 200:
                            ready[proc.name] = round(time.perf_counter() - started[proc.name], 2)
                            cpu[proc.name] = round(cpu_seconds(proc.pid), 2)
                    except httpx.HTTPError:
                        pass
                if time.perf_counter() > deadline:
                    raise SystemExit(f"not ready after 120 s: {sorted(set(SERVICE_PORTS) - set(ready))}")
                time.sleep(0.02)
        return ready, cpu


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: round(statistics.median(r[name] for r in runs), 2) for name in SERVICE_PORTS}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[tuple[dict[str, float], dict[str, float]]]] = {"first": [], "restart": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="kraftsamla-startup-") as tmp:
            data_dir = Path(tmp)
            runs["first"].append(start_once(data_dir))
            runs["restart"].append(start_once(data_dir))
    figures: dict[str, Any] = {"bench": "startup", "runs": args.runs}
    for case, measured in runs.items():
        figures[f"{case}_start_ready_s"] = median([ready for ready, _ in measured])
        figures[f"{case}_start_cpu_s"] = median([cpu for _, cpu in measured])
        figures[f"{case}_start_each_ready_s"] = [ready for ready, _ in measured]
    figures["load_average"] = os.getloadavg()
    figures["machine"] = harness.machine()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
