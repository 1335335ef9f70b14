"""Physical names: which schema and table each spec lives in, and the framework's own tables."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from framework.spec import model as m
from framework.sql.expr import table


@dataclass(frozen=True)
class TableSpec:
    """A table the framework itself needs, described like any other spec and compiled the same way."""

    name: str
    columns: tuple[m.Column, ...]
    primary_key: tuple[str, ...]
    description: str = ""
    # Columns added after the table first shipped: an existing warehouse gets them by ALTER TABLE
    # ADD COLUMN at setup (nullable, last), each with an optional backfill of its old rows.
    added: tuple[str, ...] = ()


def _c(name: str, type_text: str, nullable: bool = True) -> m.Column:
    from framework.spec.types import parse_type

    return m.Column(name, type_text, parse_type(type_text), nullable)


INTERNAL_TABLES = (
    TableSpec(
        "file_ledger",
        (
            _c("pipeline", "string", False),
            _c("source", "string", False),
            _c("path", "string", False),
            _c("size_bytes", "bigint", False),
            _c("checksum", "string", False),
            _c("row_count", "bigint", False),
            _c("batch_date", "date", False),
            _c("run_id", "string", False),
            _c("loaded_at", "timestamp", False),
            _c("load_seq", "bigint"),  # the source's load counter: what a model has consumed is a number
        ),
        ("pipeline", "source", "path"),
        "Every lake file loaded into staging: exactly-once loads.",
        added=("load_seq",),
    ),
    TableSpec(
        "run_log",
        (
            _c("run_id", "string", False),
            _c("pipeline", "string", False),
            _c("step", "string", False),
            _c("status", "string", False),
            _c("rows_inserted", "bigint"),
            _c("rows_updated", "bigint"),
            _c("rows_expired", "bigint"),
            _c("rows_rejected", "bigint"),
            _c("started_at", "timestamp", False),
            _c("duration_ms", "double"),
            _c("error", "string"),
            _c("step_kind", "string"),  # load | build | check
            _c("detail", "string"),  # what the step did beyond its figures (files, batches, overrides)
            _c("spec_fingerprint", "string"),  # the compiled specs the run used (manifest source fingerprint)
            _c("dag_run_id", "string"),  # the Airflow DAG run the step belongs to (NULL for `elt run`)
            _c("logical_date", "timestamp"),  # that DAG run's logical date (UTC)
            # a load's load_seq or a build's build_seq: the `_load_seq` / `_build_seq` of the
            # rows it wrote, so any row leads to the run that wrote it
            _c("seq", "bigint"),
            _c("keys_affected", "bigint"),  # a scoped build: the keys it recomputed
        ),
        ("run_id", "step"),
        "One row per step of every run.",
        added=("step_kind", "detail", "spec_fingerprint", "dag_run_id", "logical_date", "seq", "keys_affected"),
    ),
    TableSpec(
        "rejects",
        (
            _c("pipeline", "string", False),
            _c("source", "string", False),
            _c("path", "string", False),
            _c("line", "bigint", False),
            _c("raw", "string"),
            _c("reason", "string", False),
            _c("batch_date", "date", False),
            _c("run_id", "string", False),
            _c("column_name", "string"),  # the column that failed, where one did
            _c("kind", "string"),  # parse (ingest could not read or cast it) | conflict (on_conflict: reject)
        ),
        # path is the landing file as ingest read it; the same name arrives in every batch
        ("pipeline", "source", "batch_date", "path", "line"),
        "Every landing row that was not loaded, with where it was, why, and its raw text (bounded); "
        "loaded in the same transaction as the rows of its batch.",
        added=("column_name", "kind"),
    ),
    TableSpec(
        "model_changes",
        (
            _c("pipeline", "string", False),
            _c("model", "string", False),
            _c("build_seq", "bigint", False),
            _c("key", "string"),  # a key the build rewrote; NULL: it rewrote the whole table
        ),
        (),
        "Which keys each build of a model rewrote: what a model downstream must recompute.",
    ),
    TableSpec(
        "changed_values",
        (
            _c("pipeline", "string", False),
            _c("relation", "string", False),  # the source or model whose rows these were
            _c("seq", "bigint", False),  # the load (load_seq) or build (build_seq) that changed them
            _c("column_name", "string", False),
            _c("value", "string"),
        ),
        (),
        "The values changed rows held in the columns key paths start from (a staging row's before an "
        "upsert replaced it; a model row's before and after a scoped build): a key a row left is revisited too.",
    ),
    TableSpec(
        "model_builds",
        (
            _c("pipeline", "string", False),
            _c("model", "string", False),
            _c("data_fingerprint", "string", False),  # INVALIDATED: by a change upstream
            _c("run_id", "string", False),
            _c("built_at", "timestamp", False),
            _c("table_shape", "string"),  # the shape its table was built with (table fingerprint)
            _c("build_seq", "bigint"),  # the model's build counter
            _c("consumed", "string"),  # JSON {input: its load_seq or build_seq this build had seen}
            _c("relation", "string"),  # schema.table the build (or a source's load) wrote: a move is seen
        ),
        # Insert-only (a build's transaction never reads it, so parallel builds never meet in a
        # serializable conflict): a model's latest row wins, and setup prunes the rows behind its
        # latest build. It replaced elt.model_state, whose DELETE+INSERT did conflict.
        ("pipeline", "model", "built_at"),
        "What each model was built from: a run skips models that are up to date.",
        added=("relation",),
    ),
)


@dataclass(frozen=True)
class Naming:
    schemas: tuple[tuple[str, str], ...]
    layers: tuple[tuple[str, str], ...]  # spec name -> layer ('staging' for sources)

    @classmethod
    def for_project(cls, project: m.Project) -> Naming:
        schemas = project.pipeline.schemas if project.pipeline else tuple(m.DEFAULT_SCHEMAS.items())
        layers = tuple((s.name, "staging") for s in project.sources) + tuple(
            (md.name, md.layer.value) for md in project.models
        )
        return cls(tuple(schemas), layers)

    def schema_of(self, spec_name: str) -> str:
        return dict(self.schemas)[dict(self.layers)[spec_name]]

    def table_of(self, spec_name: str) -> exp.Table:
        return table(spec_name, self.schema_of(spec_name))

    def internal(self, name: str) -> exp.Table:
        return table(name, dict(self.schemas)["internal"])

    @property
    def internal_schema(self) -> str:
        return dict(self.schemas)["internal"]

    def all_schemas(self) -> tuple[str, ...]:
        used = {dict(self.schemas)[layer] for _, layer in self.layers} | {self.internal_schema}
        return tuple(sorted(used))
