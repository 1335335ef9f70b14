"""Benchmark: `elt ingest` + `elt run` end to end on generated Olist-shaped data (DuckDB target).

Cases (goals on a 2-core machine, medians):
  full load, factor 1 (≈100 k orders, ≈1.55 M rows with geolocation)   < 4 s, peak RSS < 2 GiB
  one daily batch on top of it (factor 1 and factor 10)                  < 1 s, factor 10 within 1.3x of factor 1
  factor 10                                                              < 30 s, peak RSS < 2 GiB
  an invocation with nothing to do (start-up, spec check, detection)     < 0.3 s
Times are wall clock of the real commands; the compiled manifest is cached first (compiling is
a one-time cost per spec change, reported separately). Peak RSS is the larger of the two
processes'. Usage: python bench/run.py [--factors 1,10] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OLIST = REPO / "pipelines" / "olist"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(REPO))


def timed(args: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS in MiB) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss // 1024


def ingest_and_run(landing: Path, lake: Path, warehouse: Path, batch_date: str) -> tuple[float, int, float, float]:
    ingest = timed(
        [
            str(BIN / "elt"),
            "ingest",
            str(OLIST),
            "--from",
            str(landing),
            "--lake",
            str(lake),
            "--batch-date",
            batch_date,
            "--quiet",
        ]
    )
    run = timed(
        [
            str(BIN / "elt"),
            "run",
            str(OLIST),
            "--warehouse",
            str(warehouse),
            "--lake",
            str(lake),
            "--batch-date",
            batch_date,
            "--quiet",
        ]
    )
    return ingest[0] + run[0], max(ingest[1], run[1]), ingest[0], run[0]


def warm_compile(warehouse: Path) -> float:
    """Compile once into the warehouse's cache (in a child, for the same reason as above)."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from framework.run.cache import load_or_compile; "
            "load_or_compile(sys.argv[1], None, sys.argv[2])",
            str(OLIST),
            str(warehouse.parent / ".elt"),
        ],
        check=True,
        cwd=REPO,
    )
    return time.perf_counter() - started


def one_day(generated: Path, out: Path) -> Path:
    """The busiest day's batch of the generated data, sliced the way the replay tool slices history."""
    subprocess.run(
        [sys.executable, str(OLIST / "replay.py"), str(generated), str(out), "--period", "day"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    days = sorted(
        out.iterdir(),
        key=lambda d: (
            (d / "olist_orders_dataset.csv").stat().st_size if (d / "olist_orders_dataset.csv").exists() else 0
        ),
    )
    return days[-1]


def main() -> None:
    # the framework's bytecode, as `make` writes it (stale after an edit; Python skips writing it
    # where PYTHONDONTWRITEBYTECODE is set, and each command would compile ~140 modules again)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "framework", "dag_factory"], check=True, cwd=REPO)
    parser = argparse.ArgumentParser()
    parser.add_argument("--factors", default="1,10")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    day: Path | None = None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for factor in [float(f) for f in args.factors.split(",")]:
            data = tmp / f"x{factor:g}"
            # In a child process: this process must stay small, or its size would count in the
            # peak RSS the measured commands inherit at fork.
            subprocess.run(
                [
                    sys.executable,
                    str(OLIST / "generate.py"),
                    str(OLIST / "sample"),
                    str(data),
                    "--factor",
                    f"{factor:g}",
                ],
                check=True,
            )
            runs = args.runs if factor <= 1 else 1
            samples = []
            for attempt in range(runs):
                work = tmp / f"w{factor:g}-{attempt}"
                warehouse = work / "warehouse" / "olist.duckdb"
                compile_s = warm_compile(warehouse)
                total, rss, ingest_s, run_s = ingest_and_run(data, work / "lake", warehouse, "2018-10-17")
                samples.append((total, rss, ingest_s, run_s, compile_s))
                print(
                    f"  factor {factor:g} full load #{attempt + 1}: {total:.2f}s (ingest {ingest_s:.2f}s, "
                    f"run {run_s:.2f}s; compile beforehand {compile_s:.2f}s), peak RSS {rss} MiB",
                    flush=True,
                )
            median = statistics.median(s[0] for s in samples)
            rows.append((f"full load, factor {factor:g}", median, max(s[1] for s in samples)))
            # the same day (the first factor's busiest) on top of each factor's warehouse: the cost
            # of a day must not grow with history
            work = tmp / f"w{factor:g}-0"
            day = day or one_day(data, tmp / "days")
            day_samples = []
            for attempt in range(args.runs):
                copy = tmp / f"day{factor:g}-{attempt}"
                shutil.copytree(work, copy)
                total, rss, ingest_s, run_s = ingest_and_run(
                    day, copy / "lake", copy / "warehouse" / "olist.duckdb", "2018-10-18"
                )
                day_samples.append((total, rss))
                print(
                    f"  factor {factor:g} day {day.name} #{attempt + 1}: {total:.2f}s (ingest {ingest_s:.2f}s, run {run_s:.2f}s)"
                )
                shutil.rmtree(copy)
            rows.append(
                (
                    f"one daily batch ({day.name}) on factor {factor:g}",
                    statistics.median(s[0] for s in day_samples),
                    max(s[1] for s in day_samples),
                )
            )
            if factor == 1:
                work = tmp / "w1-0"
                idle = [
                    timed(
                        [
                            str(BIN / "elt"),
                            "run",
                            str(OLIST),
                            "--warehouse",
                            str(work / "warehouse" / "olist.duckdb"),
                            "--lake",
                            str(work / "lake"),
                            "--quiet",
                        ]
                    )
                    for _ in range(5)
                ]
                rows.append(
                    (
                        "nothing to do (factor 1 warehouse)",
                        statistics.median(s[0] for s in idle),
                        max(s[1] for s in idle),
                    )
                )
            shutil.rmtree(data)
    print(f"\n{'case':<44} {'median s':>9} {'peak RSS MiB':>13}")
    for label, seconds, rss in rows:
        print(f"{label:<44} {seconds:>9.2f} {rss:>13}")


if __name__ == "__main__":
    main()
