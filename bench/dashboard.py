"""Benchmark: the dashboard's query time per page on the factor-10 warehouse (~1 M orders).

What a page costs when its filter set is not cached yet: render its queries (sqlglot), open the
DuckDB file read-only, run them (side by side), fetch DataFrames, close. Warm: the database file
is in the OS cache and each page ran once before timing. Median of --runs, for the default
filters (the default window, all states) and with one state chosen (SP).
Goal: every page's queries together under 300 ms warm.

The factor-10 warehouse is built first with pipelines/olist/generate.py + `elt ingest` +
`elt run` (~3 min), unless --warehouse names one built before.
Usage: python bench/dashboard.py [--warehouse PATH] [--factor 10] [--runs 7]
"""

from __future__ import annotations

import argparse
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

from dashboard import data, queries  # noqa: E402
from dashboard.config import load_config  # noqa: E402
from dashboard.filters import Filters, default_filters  # noqa: E402

GOAL_MS = 300
PAGE_PARAMS = {"customers": {"id_prefix": "%", "limit": 100}, "products": {"limit": 20}, "health": {"limit": 20}}


def build(work: Path, factor: float) -> Path:
    generated, lake, warehouse = work / "data", work / "lake", work / "warehouse" / "olist.duckdb"
    steps = [
        [sys.executable, str(OLIST / "generate.py"), str(OLIST / "sample"), str(generated), "--factor", f"{factor:g}"],
        [
            str(BIN / "elt"),
            "ingest",
            str(OLIST),
            "--from",
            str(generated),
            "--lake",
            str(lake),
            "--batch-date",
            "2018-10-17",
            "--quiet",
        ],
        [
            str(BIN / "elt"),
            "run",
            str(OLIST),
            "--warehouse",
            str(warehouse),
            "--lake",
            str(lake),
            "--batch-date",
            "2018-10-17",
            "--quiet",
        ],
    ]
    for step in steps:
        started = time.perf_counter()
        subprocess.run(step, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        print(
            f"  {Path(step[1]).name if step[0] == sys.executable else step[1]}: {time.perf_counter() - started:.1f}s",
            flush=True,
        )
    return warehouse


def time_page(config, page: str, params: dict, runs: int) -> tuple[float, float]:
    """(median ms, max ms) of fetching the page's queries, after one untimed warm-up."""
    page_queries = queries.PAGES[page]
    data.fetch(config, page_queries, params)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        data.fetch(config, page_queries, params)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", help="a factor-10 warehouse built before (skips the build)")
    parser.add_argument("--factor", type=float, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(args.warehouse) if args.warehouse else build(Path(tmp), args.factor)
        config = load_config({"ELT_DASHBOARD_PIPELINE": str(OLIST), "ELT_DASHBOARD_WAREHOUSE": str(warehouse)})
        bounds = data.fetch(config, (queries.BOUNDS, queries.MONTHLY_ORDERS, queries.TOP_SPENDER), {})
        first, last = (bounds["bounds"].iloc[0][k].date() for k in ("first_date", "last_date"))
        orders = int(bounds["bounds"].iloc[0]["orders"])
        monthly = bounds["monthly_orders"]
        everywhere = default_filters(
            first, last, {m.date(): int(n) for m, n in zip(monthly["month"], monthly["orders"])}
        )
        one_state = Filters(everywhere.start, everywhere.end, ("SP",))
        customer = bounds["top_spender"].iloc[0]["customer_unique_id"]
        print(
            f"\nwarehouse: {warehouse} ({orders:,} orders); period {everywhere.start} … {everywhere.end}; "
            f"median of {args.runs}\n"
        )
        print(f"{'page':<10} {'queries':>7} {'all states ms':>14} {'SP ms':>8} {'max ms':>8}  goal {GOAL_MS} ms")
        for page, page_queries in queries.PAGES.items():
            extra = {**PAGE_PARAMS.get(page, {}), "customer": customer, "pipeline": config.pipeline}
            median_all, max_all = time_page(config, page, {**everywhere.params(), **extra}, args.runs)
            median_sp, max_sp = time_page(config, page, {**one_state.params(), **extra}, args.runs)
            verdict = "ok" if max(median_all, median_sp) < GOAL_MS else "over"
            print(
                f"{page:<10} {len(page_queries):>7} {median_all:>14.0f} {median_sp:>8.0f} "
                f"{max(max_all, max_sp):>8.0f}  {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    main()
