"""SCD2 models over snapshot sources that partial runs, failures and never-built models leave
behind: the history ends as the daily runs build it (adversarial round 49). Each case runs the
same deliveries daily (A) and as the case says (C), and compares both histories."""

from __future__ import annotations

import subprocess

import duckdb

from tests.support.workspace import ELT, cli_env

PIPELINE = """version: 1
kind: pipeline
name: skew
owner: t
schedule: '@daily'
start_date: '2024-01-01'
default_target: local
schemas: {staging: staging, dimension: dwh, fact: dwh, mart: mart, internal: elt}
targets:
  local: {type: local, database: wh/a.duckdb, lake: lake, landing: landing, threads: 1}
"""


def source(name: str, key: str, other: str) -> str:
    return f"""version: 1
kind: source
name: {name}
landing: {{path: {name}_*.csv, format: csv}}
columns:
  - {{name: {key}, type: {"integer" if key.endswith("_id") else "string"}, nullable: false}}
  - {{name: {other}, type: string, nullable: false}}
primary_key: [{key}]
load_mode: full_refresh
"""


def scd2(name: str, depends: str, sql: str, tracked: str, extra: str = "", label_nullable: bool = True) -> str:
    columns = [
        "  - {name: hk, type: string, nullable: false}",
        "  - {name: prod_id, type: integer, nullable: false}",
        *(
            f"  - {{name: {c}, type: string{'' if label_nullable or c != 'label' else ', nullable: false'}}}"
            for c in tracked.split(", ")
        ),
        "  - {name: observed_at, type: timestamp}",
        "  - {name: valid_from, type: timestamp}",
        "  - {name: valid_to, type: timestamp}",
        "  - {name: is_current, type: boolean}",
    ]
    return (
        f"version: 1\nkind: model\nname: {name}\nlayer: dimension\nmaterialization: incremental\n"
        f"incremental: {{strategy: merge}}\ndepends_on: [{depends}]\nsql: |\n  {sql}\n"
        f"keys: {{business: [prod_id], surrogate: hk}}\n"
        f"history: {{type: scd2, tracked: [{tracked}], version_start: observed_at, hard_deletes: invalidate}}\n"
        "columns:\n" + "\n".join(columns) + "\n" + extra
    )


def project(folder, *, label_nullable: bool = True, chain: bool = False):
    root = folder / "p"
    (root / "sources").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "pipeline.yml").write_text(PIPELINE)
    (root / "sources" / "prod.yml").write_text(source("prod", "prod_id", "category"))
    (root / "sources" / "catinfo.yml").write_text(source("catinfo", "category", "label"))
    label = "c.label" if not label_nullable else "COALESCE(c.label, '?')"
    (root / "models" / "dim_cat_h.yml").write_text(
        scd2(
            "dim_cat_h",
            "prod, catinfo",
            f"SELECT p.prod_id, p.category, {label} AS label, CAST(GREATEST(p._batch_date, "
            "COALESCE(c._batch_date, p._batch_date)) AS TIMESTAMP) AS observed_at "
            "FROM prod p LEFT JOIN catinfo c ON c.category = p.category",
            "category, label",
            label_nullable=label_nullable,
        )
    )
    if chain:  # the snapshot read through a model: prod → prod_m → dim_prod_h
        (root / "models" / "prod_m.yml").write_text(
            "version: 1\nkind: model\nname: prod_m\nlayer: dimension\nmaterialization: table\n"
            "depends_on: [prod]\nsql: SELECT prod_id, category, _batch_date AS seen FROM prod\n"
            "keys: {business: [prod_id]}\ncolumns:\n  - {name: prod_id, type: integer, nullable: false}\n"
            "  - {name: category, type: string}\n  - {name: seen, type: date}\n"
        )
    (root / "models" / "dim_prod_h.yml").write_text(
        scd2(
            "dim_prod_h",
            "prod_m" if chain else "prod",
            f"SELECT prod_id, category, CAST({'seen' if chain else '_batch_date'} AS TIMESTAMP) AS observed_at "
            f"FROM {'prod_m' if chain else 'prod'}",
            "category",
        )
    )
    return root


def deliver(folder, days: dict[int, tuple[str, str]]):
    for day, (prod, cat) in days.items():
        where = folder / "d" / str(day)
        where.mkdir(parents=True)
        if prod:
            (where / f"prod_{day}.csv").write_text("prod_id,category\n" + prod)
        if cat:
            (where / f"catinfo_{day}.csv").write_text("category,label\n" + cat)


def elt(folder, *args: str, code: int | None = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([ELT, *args], cwd=folder, env=cli_env(), capture_output=True, text=True)
    assert code is None or done.returncode == code, done.stdout + done.stderr
    return done


def ingest(folder, root, day: int) -> None:
    elt(folder, "ingest", str(root), "--from", str(folder / "d" / str(day)), "--batch-date", f"2024-05-0{day}")


def both_then_daily(folder, root, later: tuple[int, ...]) -> None:
    """Day 1 ingested and run on both warehouses; the later days ingested, and run daily on A only."""
    ingest(folder, root, 1)
    for warehouse in ("a.duckdb", "c.duckdb"):
        elt(folder, "run", str(root), "--warehouse", warehouse, "--quiet")
    for day in later:
        ingest(folder, root, day)
        elt(folder, "run", str(root), "--warehouse", "a.duckdb", "--quiet")


def histories(folder, warehouse: str) -> list:
    with duckdb.connect(str(folder / warehouse), read_only=True) as conn:
        return [
            conn.execute(f"SELECT * EXCLUDE (hk, _build_seq, observed_at) FROM dwh.{table} ORDER BY ALL").fetchall()
            for table in ("dim_cat_h", "dim_prod_h")
        ]


def test_a_never_built_model_whose_other_snapshot_input_is_not_delivered_yet_is_caught_up(tmp_path):
    """never_built_reader_skipped_when_other_input_never_delivered: catinfo arrives from day 3;
    the first run left dim_cat_h out, and the next full run started a batch late."""
    root = project(tmp_path)
    deliver(tmp_path, {1: ("1,toys\n", ""), 2: ("1,food\n", ""), 3: ("1,toys\n", "toys,red\n")})
    for day in (1, 2, 3):
        ingest(tmp_path, root, day)
        elt(tmp_path, "run", str(root), "--warehouse", "a.duckdb", "--quiet")
        if day == 1:
            elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--exclude", "dim_cat_h", "--quiet")
    done = elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb")
    assert "batch 2024-05-01 on its own" in done.stdout, done.stdout
    assert histories(tmp_path, "c.duckdb") == histories(tmp_path, "a.duckdb")


def test_a_partial_run_loads_no_snapshot_past_one_another_input_of_the_model_still_waits_with(tmp_path):
    """partial_run_loads_snapshots_of_different_batches (REVERSE): `--select source:prod` loaded
    prod's 05-03 while catinfo's 05-02 waited; the history then paired snapshots that never met."""
    root = project(tmp_path)
    deliver(tmp_path, {1: ("1,toys\n", "toys,red\n"), 2: ("", "toys,blue\n"), 3: ("2,toys\n", "toys,blue\n")})
    both_then_daily(tmp_path, root, later=(2, 3))
    partial = elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--select", "source:prod")
    assert "wait for the run of their batch (this one runs batch 2024-05-02)" in partial.stdout, partial.stdout
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet")
    assert histories(tmp_path, "c.duckdb") == histories(tmp_path, "a.duckdb")


def test_leaving_out_a_model_between_a_snapshot_and_its_history_holds_the_snapshots_back(tmp_path):
    """excluding_intermediate_model_loses_snapshots: `--exclude prod_m` ran the backlog batch by
    batch, and each load replaced a snapshot dim_prod_h could not see through prod_m."""
    root = project(tmp_path, chain=True)
    deliver(tmp_path, {1: ("1,toys\n", "toys,red\n"), 2: ("1,food\n", ""), 3: ("1,toys\n", "")})
    both_then_daily(tmp_path, root, later=(2, 3))
    partial = elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--exclude", "prod_m")
    assert "never built from the snapshot" not in partial.stdout, partial.stdout
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet")
    assert histories(tmp_path, "c.duckdb") == histories(tmp_path, "a.duckdb")


def test_a_history_build_that_fails_on_a_batch_does_not_hold_every_later_run_there(tmp_path):
    """failed_scd2_build_blocks_backlog_forever: dim_cat_h failed (NOT NULL) on 05-02, and every
    later `elt run` ran 05-02 on its own again, failed again and stopped every source. A model
    whose latest build failed is not waited for: the runs move on as the daily ones do."""
    root = project(tmp_path, label_nullable=False)
    deliver(
        tmp_path,
        {
            1: ("1,toys\n", "toys,red\n"),
            2: ("1,food\n", ""),
            3: ("1,toys\n", "toys,red\nfood,green\n"),
            4: ("1,food\n", ""),
        },
    )
    for day in (1, 2, 3, 4):
        ingest(tmp_path, root, day)
        elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet", code=None)
    for _ in range(2):
        elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet", code=None)
    with duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT MAX(_batch_date)::VARCHAR FROM staging.prod").fetchone() == ("2024-05-04",)


def test_a_partial_run_does_not_build_a_history_without_a_snapshot_input_it_leaves_pending(tmp_path):
    """Round 50 (partial_run_builds_scd2_model_with_unselected_snapshot_input): `--select
    source:catinfo+` built dim_cat_h from catinfo's new snapshots and prod's old one while prod's
    05-02 waited; the 05-02 version was lost, `ok`. The model is skipped, saying why, and the
    next full run builds it batch by batch."""
    root = project(tmp_path)
    deliver(tmp_path, {1: ("1,toys\n", "toys,red\nfood,red\n"), 2: ("1,food\n", "food,red\n"), 3: ("", "food,blue\n")})
    both_then_daily(tmp_path, root, later=(2, 3))
    partial = elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--select", "source:catinfo+")
    assert "its input(s) prod have snapshots pending that this partial run does not load" in partial.stdout, (
        partial.stdout
    )
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet")
    assert histories(tmp_path, "c.duckdb") == histories(tmp_path, "a.duckdb")


def test_a_partial_run_leaving_out_one_reader_still_runs_the_others_backlog_batch_by_batch(tmp_path):
    """Round 50 (partial_run_with_cut_off_reader_collapses_other_snapshot_backlog): `--exclude
    dim_prod_h` loaded catinfo's two pending snapshots as one, and dim_cat_h, which it built,
    never saw the first."""
    root = project(tmp_path)
    deliver(tmp_path, {1: ("1,toys\n", "toys,red\n"), 2: ("", "toys,blue\n"), 3: ("1,toys\n2,toys\n", "toys,green\n")})
    both_then_daily(tmp_path, root, later=(2, 3))
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--exclude", "dim_prod_h", "--quiet")
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet")
    assert histories(tmp_path, "c.duckdb") == histories(tmp_path, "a.duckdb")


def test_a_partial_run_dates_its_history_by_the_batches_it_loads(tmp_path):
    """Round 50 (partial_run_closes_deleted_keys_at_unselected_sources_batch): `--select
    source:prod+` took catinfo's later batch (not selected) for its batch time, and dim_prod_h,
    reading prod through prod_m, closed the deleted product a batch late."""
    root = project(tmp_path, chain=True)
    deliver(tmp_path, {1: ("1,toys\n2,food\n", "toys,red\n"), 2: ("1,toys\n", ""), 3: ("", "toys,blue\n")})
    both_then_daily(tmp_path, root, later=(2, 3))
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--select", "source:prod+", "--quiet")
    elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", "--quiet")
    assert histories(tmp_path, "c.duckdb")[1] == histories(tmp_path, "a.duckdb")[1]  # dim_prod_h


def test_a_backlog_runs_past_every_batch_a_history_build_fails_on_in_one_run(tmp_path):
    """Round 50 (backlog_of_failing_batches_needs_one_run_per_batch): dim_cat_h failing on three
    batches in a row took one `elt run` per batch, everything else waiting behind it."""
    root = project(tmp_path, label_nullable=False)
    deliver(tmp_path, {1: ("1,toys\n", ""), 2: ("1,food\n", ""), 3: ("1,toys\n", ""), 4: ("1,food\n", "food,red\n")})
    for day in (1, 2, 3, 4):
        ingest(tmp_path, root, day)
    done = elt(tmp_path, "run", str(root), "--warehouse", "c.duckdb", code=1)  # dim_cat_h fails before 05-04
    assert "run 4 of 4: the rest" in done.stdout, done.stdout
    with duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT MAX(_batch_date)::VARCHAR FROM staging.prod").fetchone() == ("2024-05-04",)
        assert conn.execute("SELECT label FROM dwh.dim_cat_h WHERE is_current").fetchall() == [("red",)]
