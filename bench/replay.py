"""Daily replay check: the bundled sample, sliced into daily batches by event time, loaded
batch by batch, must end in exactly the staging tables (but for the ingest columns) and the
star schema of one full load. Prints the time per batch (median) and exits 1 on any difference.
Too slow for `make test` (≈600 batches); the suite runs the same check with monthly batches
through the CLI (tests/integration/run/test_replay.py).

    python bench/replay.py [--period day|month] [--every-source]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.workspace import Workspace, model_digests, staging_digests  # noqa: E402

OLIST = REPO / "pipelines" / "olist"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", choices=("day", "month"), default="day")
    parser.add_argument(
        "--every-source", action="store_true", help="every source in every batch (header-only if empty)"
    )
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("replay", OLIST / "replay.py")
    replay = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(replay)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        full = Workspace(tmp / "full", OLIST)
        assert not full.ingest(OLIST / "sample", "2018-10-17").failed and full.run().ok
        batches = replay.replay(str(OLIST / "sample"), str(tmp / "batches"), args.period, args.every_source)
        daily = Workspace(tmp / "daily", OLIST)
        seconds = []
        started = time.perf_counter()
        for batch in batches:
            t0 = time.perf_counter()
            report = daily.ingest(tmp / "batches" / batch, batch)
            result = daily.run(datetime.datetime.fromisoformat(batch))
            seconds.append(time.perf_counter() - t0)
            if report.failed or not result.ok:
                print(
                    f"batch {batch} failed: {[f.error for f in report.failed]} "
                    f"{[(o.step, o.error) for o in result.outcomes if o.error]}"
                )
                return 1
        total = time.perf_counter() - started
        expected = {**model_digests(full.warehouse), **staging_digests(full.warehouse)}
        got = {**model_digests(daily.warehouse), **staging_digests(daily.warehouse)}
        differing = sorted(name for name in expected if got.get(name) != expected[name])
        print(
            f"{len(batches)} {args.period} batches in {total:.1f}s (median {statistics.median(seconds):.2f}s "
            f"per batch, ingest + run); staging tables and models equal to the full load: "
            f"{'all ' + str(len(expected)) if not differing else 'NO: ' + ', '.join(differing)}"
        )
        return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
