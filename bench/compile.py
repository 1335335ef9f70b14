"""Benchmark: compile time (plan + render, every statement round-trip verified), per target.

Cases: the Olist pipeline, and a generated project of 500 models (+125 sources).
Measured in-process after loading the specs, so start-up and lint are not counted;
`elt compile` as a whole adds the lint (see bench/lint.py). Goals on a 2-core machine:
Olist < 1 s, 500 models < 10 s (medians).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from genproject import generate  # noqa: E402

from framework.compile import compile_project  # noqa: E402
from framework.spec.project import load_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def median_seconds(project, target: str, runs: int) -> tuple[float, int]:
    samples, steps = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        manifest = compile_project(project, target)
        samples.append(time.perf_counter() - start)
        steps = len(manifest.steps)
    return statistics.median(samples), steps


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("olist (13 models)", REPO / "pipelines" / "olist", 1.0),
            ("generated 500 models", generate(Path(tmp) / "gen", 625), 10.0),
        ]
        print(f"{'case':<22} {'target':<9} {'steps':>6} {'median s':>9} {'goal s':>7}  runs={runs}")
        for label, path, goal in cases:
            project, problems = load_project(str(path))
            assert not problems, problems[:3]
            for target in ("redshift", "duckdb"):
                median, steps = median_seconds(project, target, runs if "olist" in label else max(1, runs // 2))
                status = "ok" if median < goal else "OVER GOAL"
                print(f"{label:<22} {target:<9} {steps:>6} {median:>9.3f} {goal:>7.1f}  {status}")


if __name__ == "__main__":
    main()
