"""Benchmark: wall time of `elt lint` (the real console script, start-up included).

Cases: the Olist pipeline, and a generated project of 500 specs. Prints median and
min over several runs. Goals (2-core machine): Olist < 1 s, 500 specs < 3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from genproject import generate  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ELT = str(Path(sys.executable).parent / "elt")


def time_lint(path: Path, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run([ELT, "lint", str(path)], capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"lint failed on {path}:\n{result.stdout}{result.stderr}")
    return samples


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("olist (21 specs)", REPO / "pipelines" / "olist", 1.0),
            ("generated 500 specs", generate(Path(tmp) / "gen500", 500), 3.0),
        ]
        print(f"{'case':<22} {'median s':>9} {'min s':>7} {'goal s':>7}  runs={runs}")
        for label, path, goal in cases:
            samples = time_lint(path, runs)
            median = statistics.median(samples)
            status = "ok" if median < goal else "OVER GOAL"
            print(f"{label:<22} {median:>9.3f} {min(samples):>7.3f} {goal:>7.1f}  {status}")


if __name__ == "__main__":
    main()
