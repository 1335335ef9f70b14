"""Generate a synthetic pipeline of N specs (a fifth sources, the rest models) for benchmarks.

Deterministic: the same N gives the same files. Every spec lints clean, models join
two or three upstream specs, carry column tests and model checks, and one in ten is SCD2.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PIPELINE = """version: 1
kind: pipeline
name: generated
description: Synthetic pipeline for benchmarks.
owner: bench
schedule: "@daily"
start_date: "2024-01-01"
default_target: local
targets:
  local: {type: local, database: warehouse/generated.duckdb, lake: lake}
"""


def source_yaml(name: str) -> str:
    return f"""version: 1
kind: source
name: {name}
description: Generated source {name}.
landing: {{path: {name}/*.csv.gz, format: csv}}
columns:
  - {{name: id, type: bigint, nullable: false, description: Key.}}
  - {{name: label, type: string}}
  - {{name: amount, type: "decimal(12,2)"}}
  - {{name: updated_at, type: timestamp, nullable: false}}
primary_key: [id]
deduplicate: {{order_by: [_batch_date], keep: last}}
load_mode: upsert
freshness: {{warn_after: 26h}}
"""


def model_yaml(name: str, deps: list[str], scd2: bool) -> str:
    joins = "\n".join(f"JOIN {d} AS t{i} ON t{i}.id = t0.id" for i, d in enumerate(deps[1:], start=1))
    amounts = " + ".join(f"COALESCE(t{i}.amount, 0)" for i in range(len(deps)))
    history = ""
    managed = ""
    if scd2:
        history = "history: {type: scd2, tracked: [label], version_start: updated_at}\n"
        managed = (
            "  - {name: valid_from, type: timestamp}\n  - {name: valid_to, type: timestamp}\n"
            "  - {name: is_current, type: boolean}\n"
        )
    sql = "\n".join(
        [
            "  SELECT t0.id,",
            "         t0.label,",
            f"         {amounts} AS amount,",
            "         t0.updated_at",
            f"  FROM {deps[0]} AS t0",
            *("  " + j for j in joins.splitlines()),
        ]
    )
    return f"""version: 1
kind: model
name: {name}
layer: {"dimension" if scd2 else "fact"}
description: Generated model {name}.
materialization: incremental
incremental: {{strategy: merge}}
depends_on: [{", ".join(deps)}]
keys: {{business: [id], surrogate: sk}}
{history}columns:
  - {{name: sk, type: string, tests: [unique, not_null]}}
  - {{name: id, type: bigint, nullable: false}}
  - {{name: label, type: string, tests: [{{type: accepted_values, values: [a, b, c], severity: warn}}]}}
  - {{name: amount, type: "decimal(14,2)"}}
  - {{name: updated_at, type: timestamp, nullable: false}}
{managed}sql: |
{sql}
redshift: {{diststyle: key, distkey: id, sortkey: [id]}}
checks:
  - {{type: relationships, column: id, to: {deps[0]}.id}}
  - {{type: expression, name: non_negative, condition: "amount >= 0"}}
"""


def generate(root: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / "models").mkdir(exist_ok=True)
    (root / "pipeline.yml").write_text(PIPELINE)
    n_sources = max(1, count // 5)
    names = [f"src_{i:04d}" for i in range(n_sources)]
    for name in names:
        (root / "sources" / f"{name}.yml").write_text(source_yaml(name))
    unused = set(names)
    for i in range(count - n_sources):
        name = f"model_{i:04d}"
        pool = names[-60:]  # depend on recent specs: deep, wide graph
        deps = rng.sample(pool, k=min(len(pool), rng.choice((1, 2, 3))))
        if unused:  # make sure every source is used
            deps[0] = unused.pop()
        deps = list(dict.fromkeys(deps))
        (root / "models" / f"{name}.yml").write_text(model_yaml(name, deps, scd2=(i % 10 == 0)))
        names.append(name)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--specs", type=int, default=500)
    args = parser.parse_args()
    generate(args.out, args.specs)
    print(f"wrote {args.specs} specs to {args.out}")


if __name__ == "__main__":
    main()
