"""Test helpers: compile a fixture pipeline for DuckDB and drive batches through it."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from framework.compile.builders.staging import staging_columns
from framework.compile.manifest import Manifest
from framework.compile.plan import plan_project
from framework.compile.render import render_plan
from framework.execute.steps import execute_step
from framework.lake.arrow import lake_schema, write_lake_parquet
from framework.spec.project import load_project
from framework.sql.dialects import get_dialect
from framework.sql.kinds import since_param


def compile_fixture(root: Path, target: str = "duckdb"):
    project, problems = load_project(str(root))
    assert problems == []
    return project, render_plan(plan_project(project, get_dialect(target)), project)


class Warehouse:
    """A real DuckDB file (or the given session, e.g. on PostgreSQL) with the compiled plan's
    tables; batches land as real Parquet files."""

    def __init__(self, project, manifest: Manifest, folder: Path, conn=None):
        self.project, self.manifest, self.folder = project, manifest, folder
        self.loads: dict[str, int] = {}  # source → its last load's counter, as the runner keeps them
        self.builds: dict[str, int] = {}  # model → its last build's counter
        self.conn = conn if conn is not None else duckdb.connect(str(folder / "warehouse.duckdb"))
        for step in manifest.steps:
            if step.kind in ("setup", "table"):
                execute_step(self.conn, step)

    def load(self, source_name: str, batch_date: str, rows: list[dict]) -> dict:
        source = self.project.spec(source_name)
        columns = staging_columns(source)
        seq = self.loads[source_name] = self.loads.get(source_name, 0) + 1
        path = self.folder / f"{source_name}_{batch_date}_{seq}.parquet"  # a batch may come in parts
        date = datetime.date.fromisoformat(batch_date)
        full = [
            {**row, "_batch_date": date, "_source_file": path.name, "_source_line": i + 2} for i, row in enumerate(rows)
        ]
        write_lake_parquet(pa.Table.from_pylist(full, schema=lake_schema(columns)).to_batches(), str(path), columns)
        ledger = {
            "pipeline": self.project.pipeline.name,
            "source": source_name,
            "path": str(path),
            "size_bytes": path.stat().st_size,
            "checksum": "test",
            "row_count": len(rows),
            "batch_date": date,
            "run_id": batch_date,
            "loaded_at": datetime.datetime(2024, 1, 1),
            "load_seq": seq,
        }
        result = execute_step(
            self.conn,
            self.manifest.step(f"load:{source_name}"),
            {"batch_files": [str(path)], "reject_files": [], "pipeline": "test", "run_id": batch_date, "load_seq": seq},
            files=[ledger],
        )
        return result.reports

    def build(self, model: str, batch_ts: datetime.datetime | None = None, since: dict[str, int] | None = None) -> int:
        """The model's next build: whole, or with `since` (input → its counter at the last build)
        scoped to the keys the inputs' changes since then affect. Returns the build's counter, the
        `_build_seq` of the rows it writes."""
        seq = self.builds[model] = self.builds.get(model, 0) + 1
        step = self.manifest.step(f"build:{model}")
        params = {"batch_ts": batch_ts, "build_seq": seq, "pipeline": "test"}
        if since is not None:
            step = dataclasses.replace(step, statements=step.scoped)
            params.update({since_param(name): value for name, value in since.items()})
        execute_step(self.conn, step, params)
        return seq

    def failing_checks(self, model: str) -> dict[str, int]:
        failures = {}
        for check in self.manifest.step(f"check:{model}").checks:
            (count,) = self.conn.execute(check.count_sql).fetchone()
            if count:
                failures[check.name] = count
        return failures

    def rows(self, sql: str) -> list[tuple]:
        return self.conn.execute(sql).fetchall()
