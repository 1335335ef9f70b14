"""The lake file of every portable type (tests/unit/run/test_lake_parquet.py) loaded on
PostgreSQL 15: its staging table holds exactly the values ingest meant, as on DuckDB."""

from __future__ import annotations

import dataclasses

from framework.run.runner import RunOptions, run_pipeline
from tests.support.workspace import BATCH
from tests.unit.run.test_lake_parquet import HEADER, ROWS, ingested  # noqa: F401 - the fixture


def test_postgres_loads_every_portable_type_as_ingest_wrote_it(postgres, ingested):  # noqa: F811
    workspace, _, _ = ingested
    settings = dataclasses.replace(
        postgres.settings(postgres.create_database("all_types"), str(workspace.lake)), pipeline="all_types"
    )
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    columns = ", ".join(f'"{name}"' for name in HEADER.split(","))
    with postgres.connect("all_types") as conn:
        conn.execute("SET TIME ZONE 'America/Sao_Paulo'")  # a timestamptz compares as an instant
        cursor = conn.execute(f"SELECT {columns} FROM staging.typed ORDER BY id")  # noqa: S608 - fixed columns
        names = [d.name for d in cursor.description]
        assert [dict(zip(names, row)) for row in cursor.fetchall()] == ROWS
