"""The benchmarks run as the README says and print their JSON line (tiny N: behaviour, not speed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run(script: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, done.stdout
    figures: dict[str, object] = json.loads(lines[0])
    assert figures["machine"] and figures["tracing"]
    return figures


def test_reassessment_bench_measures_a_run_and_its_floor() -> None:
    figures = run("reassessment.py", "--n", "30", "--runs", "2", "--replicas", "2")
    assert figures["bench"] == "reassessment" and figures["n"] == 30 and figures["replicas"] == 2
    runs = figures["runs"]
    assert isinstance(runs, list) and [r["version"] for r in runs] == [2, 3]
    assert all(0 < r["assessed_s"] <= r["report_s"] for r in runs)
    assert isinstance(figures["floor_s"], float) and figures["floor_s"] > 0
    peak = figures["peak_rss_mb"]
    assert set(peak) == {"plans", "actors", "assessment", "assessment-2", "reporting"}  # type: ignore[arg-type]


def test_intake_and_reads_benches_print_their_figures() -> None:
    intake = run("intake.py", "--n", "20", "--clients", "4")
    assert intake["bulk"]["accepted_per_s"] > 0 and intake["one_by_one"]["clients"] == 4  # type: ignore[index]
    reads = run("reads.py", "--n", "20", "--seconds", "0.5")
    assert reads["report_latest"]["errors"] == 0 and reads["application_list"]["errors"] == 0  # type: ignore[index]
    assert reads["report_latest"]["requests_per_s"] > 0  # type: ignore[index]
    # Polled with the ETags held, the pages are answered 304 while nothing changes.
    for polled in ("report_latest_revalidated", "application_list_revalidated"):
        assert reads[polled]["errors"] == 0 and reads[polled]["not_modified"] > 0, reads[polled]  # type: ignore[index]


def test_assessment_quality_bench_measures_agreement_on_its_set() -> None:
    figures = run("assessment_quality.py")
    assert figures["bench"] == "assessment_quality" and figures["set"]["items"] >= 120  # type: ignore[index]
    for split in ("dev", "test", "all"):
        part = figures[split]
        assert 0 <= part["top1_agreement"] <= 1 and part["per_region"] and part["per_language"]  # type: ignore[index]
    assert figures["all"]["named_area_cites_evidence"] == 1.0  # type: ignore[index]
    learning = figures["learning_from_reviewers"]
    assert learning["other_projects"]["right_before_wrong_after"] == 0  # type: ignore[index]


def test_startup_bench_prints_each_services_time_to_ready() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "startup.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    for case in ("first", "restart"):
        ready, cpu = figures[f"{case}_start_ready_s"], figures[f"{case}_start_cpu_s"]
        assert set(ready) == set(cpu) == {"plans", "actors", "assessment", "reporting"}
        assert all(cpu[name] > 0 and ready[name] > 0 for name in ready)


def test_web_bench_signs_in_and_times_each_page() -> None:
    figures = run("web.py", "--n", "20", "--repeat", "3")
    pages = figures["pages"]
    assert isinstance(pages, dict) and {"signin", "desk", "reassessments", "reassessment"} <= set(pages)
    assert pages["desk"]["calls"] >= 9 and pages["reassessment"]["calls"] == 2
    calls = {k: pages[k]["calls"] for k in ("actors", "actor", "partnerships", "partnership", "engagements")}
    assert calls == {"actors": 2, "actor": 4, "partnerships": 4, "partnership": 5, "engagements": 5}
    plan_pages = {"action_plans", "action_plan", "plan_step_2", "plan_step_3", "plan_step_4", "plan_diff"}
    assert plan_pages | {"plan_preview"} <= set(pages)
    assert pages["action_plan"]["calls"] == 3 and pages["plan_step_3"]["calls"] == 4
    assert pages["plan_step_2"]["calls"] == 5 and pages["plan_preview"]["calls"] == 3
    assert {"admin", "admin_keys", "admin_audit", "admin_settings"} <= set(pages)
    assert pages["admin_audit"]["calls"] == 5 and pages["admin_settings"]["calls"] == 1
    assert all(p["p50_ms"] > 0 and p["p95_ms"] >= p["p50_ms"] for p in pages.values())
    assert figures["goals_ms"] == {"page_p95": 150, "desk_p95": 250}


def test_retention_bench_keeps_sizes_flat_and_loses_nothing() -> None:
    figures = run("retention.py", "--n", "10", "--runs", "4", "--settle", "1")
    assert figures["bench"] == "retention" and figures["nothing_lost"] is True
    runs = figures["runs"]
    assert isinstance(runs, list) and [r["version"] for r in runs] == [2, 3, 4, 5]
    assert {"assessment.inbox", "assessment.webhook_deliveries", "reporting.reports"} <= set(
        runs[-1]["tables"]
    )
    assert runs[-1]["tables"]["reporting.reports"] < runs[-1]["report"]  # older versions were pruned
    assert "DEADLETTER" in runs[-1]["streams"]
