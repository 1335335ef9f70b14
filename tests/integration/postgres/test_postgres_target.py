"""The Redshift statement shapes executed for real on PostgreSQL 15: MERGE without a target
alias from a temp table, delete+insert in a transaction, the SCD2 statements, and the Olist
pipeline end to end — whose star schema must equal DuckDB's row for row.

PostgreSQL, like Redshift and unlike DuckDB, rejects a MERGE that meets a target row twice:
this is where the framework's de-duplication and duplicate-key guards are proven.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import math

import psycopg
import pytest

from framework.errors import TerminalWarehouseError
from framework.execute.postgres import PostgresSession
from framework.execute.steps import StepFailed, execute_step
from framework.run.runner import RunOptions, run_pipeline
from tests.conftest import FIXTURES, OLIST
from tests.support.duck import Warehouse, compile_fixture
from tests.support.workspace import BATCH, Workspace
from tests.unit.compile.test_scd2_duckdb import DIM_SQL, HISTORY, SNAPSHOTS

TABLES_SQL = """SELECT table_schema, table_name FROM information_schema.tables
                WHERE table_schema IN ('staging', 'dwh', 'mart') AND table_type = 'BASE TABLE' ORDER BY 1, 2"""
INGEST_COLUMNS = ("_source_file", "_source_line", "_batch_date", "_load_seq")  # and the load that wrote the row
BUILD_COLUMNS = ("_build_seq",)  # the build that last wrote a model row


def session(server, dbname: str) -> PostgresSession:
    """As the pipeline connects: its ordinary role, never the admin."""
    return PostgresSession(
        lambda: psycopg.connect(host=server.host, port=server.port, user=server.pipeline_user, dbname=dbname)
    )


@pytest.fixture(scope="module")
def olist(postgres, tmp_path_factory):
    """The bundled Olist sample ingested once, run on DuckDB and on PostgreSQL from the same lake."""
    workspace = Workspace(tmp_path_factory.mktemp("olist-pg"), OLIST)
    assert not workspace.ingest(OLIST / "sample").failed
    duck = workspace.run()
    assert duck.ok
    settings = postgres.settings(postgres.create_database("olist"), str(workspace.lake))
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    return workspace, settings, duck, result


def normalized(value):
    """DuckDB and psycopg agree on types except Decimal exponents."""
    return value.normalize() if isinstance(value, decimal.Decimal) else value


def sort_key(row: tuple) -> str:
    """Order by everything but doubles (engines sum floats in different orders)."""
    return repr(tuple(None if isinstance(v, float) else v for v in row)) + repr(row)


def same_row(left: tuple, right: tuple) -> bool:
    """Equal, doubles within 1e-6: a ROUND(AVG(lat), 6) may land on either side of a half."""
    return len(left) == len(right) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1.5e-6) if isinstance(a, float) and isinstance(b, float) else a == b
        for a, b in zip(left, right)
    )


def test_olist_runs_clean_on_postgres_with_the_same_verdicts(olist):
    _, _, duck, pg = olist
    assert pg.ok, [(o.step, o.error) for o in pg.outcomes if o.error]
    assert pg.target == "postgres"
    assert {o.step: o.status for o in pg.outcomes} == {o.step: o.status for o in duck.outcomes}
    by_step = {o.step: o for o in duck.outcomes}
    for outcome in pg.outcomes:
        if outcome.step.startswith("check:"):
            assert {(c.name, c.failures) for c in outcome.checks} == {
                (c.name, c.failures) for c in by_step[outcome.step].checks
            }, outcome.step


def test_olist_star_schema_equals_duckdb_row_for_row(olist, postgres):
    workspace, settings, _, _ = olist
    assert_equal_to_duckdb(postgres, settings.dbname, workspace)


def assert_equal_to_duckdb(postgres, dbname: str, workspace) -> None:
    """Every staging table (ingest columns aside) and model (its build counter aside) on
    PostgreSQL equals DuckDB's."""
    with postgres.connect(dbname) as conn:
        tables = conn.execute(TABLES_SQL).fetchall()
        assert len(tables) == 9 + 12  # nine staging tables, twelve models (the view aside)
        for schema, name in tables:
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                    "ORDER BY ordinal_position",
                    (schema, name),
                ).fetchall()
                if r[0] not in INGEST_COLUMNS + BUILD_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            pg_rows = sorted(
                (
                    tuple(normalized(v) for v in row)
                    for row in conn.execute(f'SELECT {listed} FROM "{schema}"."{name}"').fetchall()
                ),
                key=sort_key,
            )
            duck_rows = sorted(
                (
                    tuple(normalized(v) for v in row)
                    for row in workspace.query(f'SELECT {listed} FROM "{schema}"."{name}"')
                ),
                key=sort_key,
            )
            assert len(pg_rows) == len(duck_rows) > 0, f"{schema}.{name}"
            differing = [(p, d) for p, d in zip(pg_rows, duck_rows) if not same_row(p, d)]
            assert not differing, f"{schema}.{name}: {len(differing)} row(s) differ, first {differing[0]}"


def test_a_rerun_on_postgres_loads_nothing_and_changes_nothing(olist, postgres):
    workspace, settings, _, _ = olist
    with postgres.connect(settings.dbname) as conn:
        before = conn.execute("SELECT COUNT(*), MAX(loaded_at) FROM elt.file_ledger").fetchone()
        customers = conn.execute("SELECT * FROM dwh.dim_customer ORDER BY customer_sk").fetchall()
    again = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert again.ok
    assert {o.status for o in again.outcomes if o.step.startswith("load:")} == {"nothing new"}
    with postgres.connect(settings.dbname) as conn:
        assert conn.execute("SELECT COUNT(*), MAX(loaded_at) FROM elt.file_ledger").fetchone() == before
        assert conn.execute("SELECT * FROM dwh.dim_customer ORDER BY customer_sk").fetchall() == customers


# --- statement shapes, scenario by scenario ------------------------------------------------------


@pytest.fixture(scope="module")
def scd2_case():
    return compile_fixture(FIXTURES / "scd2_case", "postgres")


@pytest.fixture
def pg_warehouse(postgres, scd2_case, tmp_path, request):
    name = postgres.create_database("t_" + request.node.name.lower()[:40].replace("[", "_").replace("]", ""))
    conn = session(postgres, name)
    yield Warehouse(*scd2_case, tmp_path, conn=conn)
    conn.close()


def test_scd2_history_scenarios_on_postgres(pg_warehouse):
    for label, batch_date, observations, expected in HISTORY:
        pg_warehouse.load("account_events", batch_date, observations)
        pg_warehouse.build("dim_account")
        assert pg_warehouse.rows(DIM_SQL.format(model="dim_account")) == expected, label
        assert pg_warehouse.failing_checks("dim_account") == {}, label


def test_scd2_hard_delete_scenarios_on_postgres(pg_warehouse):
    for label, batch_date, batch_ts, observations, expected in SNAPSHOTS:
        pg_warehouse.load("account_events", batch_date, observations)
        pg_warehouse.build("dim_account_snapshot", batch_ts)
        assert pg_warehouse.rows(DIM_SQL.format(model="dim_account_snapshot")) == expected, label


def test_postgres_rejects_a_merge_that_meets_a_row_twice(pg_warehouse):
    """The premise: without de-duplication this server fails, as Redshift does (DuckDB would not)."""
    conn = pg_warehouse.conn
    conn.execute("CREATE TEMPORARY TABLE twice (k INTEGER, v TEXT)")
    conn.execute("INSERT INTO twice VALUES (1, 'a'), (1, 'b')")
    conn.execute("CREATE TABLE once (k INTEGER, v TEXT)")
    conn.execute("INSERT INTO once VALUES (1, 'x')")
    with pytest.raises(TerminalWarehouseError, match="cannot affect row a second time") as raised:
        conn.execute(
            "MERGE INTO once USING twice ON once.k = twice.k "
            "WHEN MATCHED THEN UPDATE SET v = twice.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (twice.k, twice.v)"
        )
    assert isinstance(raised.value.__cause__, psycopg.errors.CardinalityViolation)  # the session maps the driver's


def test_a_batch_repeating_a_key_is_deduplicated_before_the_merge(pg_warehouse):
    """One primary key twice in one batch (and already staged): the upsert's MERGE meets it once,
    the later line wins, no server error."""
    base = {"region": "eu", "account_no": 7, "owner": "ann", "changed_at": datetime.datetime(2024, 2, 1, 9)}
    pg_warehouse.load("account_events", "2024-02-01", [{**base, "plan": "basic"}])
    reports = pg_warehouse.load("account_events", "2024-02-02", [{**base, "plan": "pro"}, {**base, "plan": "gold"}])
    assert (reports["rows_read"], reports["rows_kept"]) == (2, 1)
    assert pg_warehouse.rows("SELECT plan FROM staging.account_events WHERE account_no = 7") == [("gold",)]
    pg_warehouse.build("dim_account_latest")
    assert pg_warehouse.rows("SELECT plan FROM dwh.dim_account_latest WHERE account_no = 7") == [("gold",)]


def test_a_model_select_returning_a_key_twice_fails_on_the_guard_and_rolls_back(pg_warehouse):
    pg_warehouse.load("account_events", "2024-01-01", HISTORY[0][2])
    pg_warehouse.build("dim_account_latest")
    before = pg_warehouse.rows("SELECT * FROM dwh.dim_account_latest ORDER BY 1, 2")
    pg_warehouse.load("account_events", "2024-01-02", HISTORY[1][2])
    step = pg_warehouse.manifest.step("build:dim_account_latest")
    # The same model with its SELECT loosened to two rows per account: a key now comes twice.
    broken = dataclasses.replace(
        step,
        statements=tuple(
            dataclasses.replace(s, sql=s.sql.replace("WHERE latest.rn = 1", "WHERE latest.rn <= 2"))
            for s in step.statements
        ),
    )
    assert broken.statements != step.statements
    with pytest.raises(StepFailed, match="several rows for one key"):
        execute_step(pg_warehouse.conn, broken, {"build_seq": 2})
    assert pg_warehouse.rows("SELECT * FROM dwh.dim_account_latest ORDER BY 1, 2") == before
    execute_step(pg_warehouse.conn, step, {"build_seq": 2})  # the session is usable after the rollback
    assert pg_warehouse.rows("SELECT COUNT(*) FROM dwh.dim_account_latest") == [(3,)]


def test_the_cli_runs_a_postgres_target_named_in_pipeline_yml(postgres, tmp_path):
    """What a user types: a `postgres` target in pipeline.yml (password by variable name only),
    `elt lint`, `elt ingest`, `elt run`, and a rerun that finds nothing new."""
    workspace = Workspace(tmp_path, OLIST)
    dbname = postgres.create_database("olist_cli")
    config = workspace.pipeline / "pipeline.yml"
    config.write_text(
        config.read_text().replace(
            "targets:\n",
            (
                "targets:\n  pg:\n    type: postgres\n    host: 127.0.0.1\n"
                f"    port: {postgres.port}\n    dbname: {dbname}\n    user: {postgres.pipeline_user}\n"
                "    password_env: ELT_TEST_PG_PASSWORD\n    lake: lake\n"
            ),
            1,
        )
    )
    assert workspace.cli("lint", str(workspace.pipeline)).returncode == 0
    ingest = workspace.cli(
        "ingest",
        str(workspace.pipeline),
        "--target",
        "pg",
        "--from",
        str(OLIST / "sample"),
        "--batch-date",
        "2018-10-17",
        "--quiet",
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    first = workspace.cli("run", str(workspace.pipeline), "--target", "pg", "--batch-date", "2018-10-17")
    assert first.returncode == 0, first.stdout + first.stderr
    label = f"postgresql://{postgres.pipeline_user}@127.0.0.1:{postgres.port}/{dbname}"
    assert "success" in first.stdout and label in first.stdout
    again = workspace.cli("run", str(workspace.pipeline), "--target", "pg", "--format", "json")
    import json

    report = json.loads(again.stdout)
    steps = report["steps"]
    assert {s["status"] for s in steps if s["step"].startswith("load:")} == {"nothing new"}
    with postgres.connect(dbname) as conn:
        assert conn.execute("SELECT COUNT(*) FROM mart.mart_customer_360").fetchone()[0] > 0
        # the summary's rows per table, counted on the server (every staging and model table)
        assert (
            report["tables"]["mart.mart_customer_profile"]
            == conn.execute("SELECT COUNT(*) FROM mart.mart_customer_profile").fetchone()[0]
        )
        assert report["tables"]["staging.orders"] == conn.execute("SELECT COUNT(*) FROM staging.orders").fetchone()[0]
    assert "staging.orders" in first.stdout and "mart.mart_customer_profile" in first.stdout
    assert "mart.mart_customer_360" not in report["tables"]  # a view: not counted
    assert len(report["tables"]) == 9 + 12  # nine staging tables, the twelve models that are tables


def test_an_unreachable_postgres_target_is_one_clear_line(tmp_path):
    workspace = Workspace(tmp_path, OLIST)
    config = workspace.pipeline / "pipeline.yml"
    config.write_text(
        config.read_text().replace(
            "targets:\n",
            ("targets:\n  pg:\n    type: postgres\n    host: 127.0.0.1\n    port: 9\n    dbname: x\n    lake: lake\n"),
            1,
        )
    )
    done = workspace.cli("run", str(workspace.pipeline), "--target", "pg")
    assert done.returncode == 2
    assert "cannot connect to target 'pg' (postgres)" in done.stderr and "Traceback" not in done.stderr


def test_rejected_and_conflicting_rows_reach_the_rejects_table_as_on_duckdb(postgres, tmp_path):
    """The rejects file is streamed through COPY FROM STDIN and `on_conflict: reject` runs its
    SQL on PostgreSQL: the rejects table and staging equal DuckDB's from the same lake."""
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(spec.read_text() + "max_reject_fraction: 0.5\non_conflict: reject\n")
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "members_2024-01-01.csv").write_text(
        "member_id;email;tier;city;updated_at\n"
        "1;ann@example.com;gold;Lisbon;2024-01-01 10:00:00\n"
        "x7;e@x;gold;Rome;2024-01-02 10:00:00\n"
        "2;bob@example.com;silver;Porto;2024-01-01 11:00:00\n"
        "2;bob@example.com;gold;Porto;2024-01-01 11:00:00\n"
        "3;cid@example.com;bronze;Faro;2024-01-01 12:00:00\n"
    )
    assert not workspace.ingest(landing, "2024-01-01", only={"members"}).failed
    duck = workspace.run()
    settings = postgres.settings(postgres.create_database("rejects"), str(workspace.lake))
    pg = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    loads = [next(o for o in r.outcomes if o.step == "load:members") for r in (duck, pg)]
    assert [(o.status, o.rows_rejected) for o in loads] == [("warned", 3)] * 2, loads
    rejects = "SELECT source, path, line, column_name, kind, reason, raw, batch_date FROM elt.rejects ORDER BY line"
    members = "SELECT member_id, tier FROM staging.members ORDER BY 1"
    with postgres.connect(settings.dbname) as conn:
        on_postgres = conn.execute(rejects).fetchall(), conn.execute(members).fetchall()
    assert on_postgres == (workspace.query(rejects), workspace.query(members))
    assert [(r[2], r[4]) for r in on_postgres[0]] == [(3, "parse"), (4, "conflict"), (5, "conflict")]
    assert on_postgres[1] == [(1, "gold"), (3, "bronze")]


def test_a_table_model_rebuilt_keeps_its_grants_and_the_views_on_it(olist, postgres):
    """Issue 13, item 10: a table model is refilled in place (DELETE + INSERT in its build's
    transaction), never dropped and renamed — PostgreSQL, like Redshift, refuses to drop a table
    a view depends on, and a dropped table loses its grants."""
    workspace, settings, _, _ = olist
    with postgres.connect(settings.dbname) as conn:
        conn.execute("DROP ROLE IF EXISTS bi_reader")
        conn.execute("CREATE ROLE bi_reader")
        conn.execute("GRANT SELECT ON mart.mart_daily_sales TO bi_reader")
        conn.execute("CREATE VIEW public.daily_revenue AS SELECT SUM(revenue) AS revenue FROM mart.mart_daily_sales")
        revenue = conn.execute("SELECT revenue FROM public.daily_revenue").fetchone()
    try:
        again = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH, full=True))
        assert again.ok, [(o.step, o.error) for o in again.outcomes if o.error]
        rebuilt = next(o for o in again.outcomes if o.step == "build:mart_daily_sales")
        assert rebuilt.status == "ok" and rebuilt.rows_inserted > 0 and not rebuilt.detail
        with postgres.connect(settings.dbname) as conn:
            assert conn.execute("SELECT revenue FROM public.daily_revenue").fetchone() == revenue
            granted = conn.execute(
                "SELECT has_table_privilege('bi_reader', 'mart.mart_daily_sales', 'SELECT')"
            ).fetchone()
            assert granted == (True,)
    finally:
        with postgres.connect(settings.dbname) as conn:
            conn.execute("DROP VIEW IF EXISTS public.daily_revenue")
            conn.execute("REVOKE ALL ON mart.mart_daily_sales FROM bi_reader")
            conn.execute("DROP ROLE IF EXISTS bi_reader")


def test_after_the_bootstrap_two_writers_and_a_reader_share_the_warehouse_without_superuser(olist, postgres):
    """Issue 13, item 5: `elt bootstrap`'s SQL, run once by the admin, is all two ordinary login
    users need to run the pipeline in turn — one creates the tables, the other recreates one of
    them (a DROP only the owner may do) — and a third may read the published layers, not write."""
    from framework.compile import compile_bootstrap
    from framework.spec.project import load_project

    workspace, _, _, _ = olist
    dbname = postgres.create_database("bootstrapped", owner=postgres.user)  # the admin's, as on a real server
    users = ("pipeline_a", "pipeline_b", "bi_user")
    with postgres.connect() as conn:
        for user in users:
            conn.execute(f"DROP ROLE IF EXISTS {user}")  # test-owned names
            conn.execute(f"CREATE ROLE {user} LOGIN")
        for role in ("elt_reader", "elt_writer"):
            conn.execute(f"DROP OWNED BY {role}") if conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)
            ).fetchone() else None
            conn.execute(f"DROP ROLE IF EXISTS {role}")
    project, _ = load_project(str(workspace.pipeline))
    statements = compile_bootstrap(project, "postgres", dbname, ("pipeline_a", "pipeline_b"), ("bi_user",))
    with postgres.connect(dbname) as admin:
        for _, sql in statements:
            admin.execute(sql)
    as_a = dataclasses.replace(postgres.settings(dbname, str(workspace.lake)), user="pipeline_a")
    first = run_pipeline(str(workspace.pipeline), as_a, RunOptions(BATCH))
    assert first.ok, [(o.step, o.error) for o in first.outcomes if o.error]

    spec = workspace.pipeline / "models" / "dim_date.yml"
    original = spec.read_text()
    spec.write_text(original.replace("  diststyle: all\n", "  diststyle: even\n"))  # a new shape: recreate
    try:
        as_b = dataclasses.replace(as_a, user="pipeline_b")
        second = run_pipeline(str(workspace.pipeline), as_b, RunOptions(BATCH))
    finally:
        spec.write_text(original)
    rebuilt = next(o for o in second.outcomes if o.step == "build:dim_date")
    assert second.ok and "table recreated" in rebuilt.detail, [(o.step, o.error) for o in second.outcomes if o.error]

    with postgres.connect(dbname) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('dwh', 'mart', 'staging', 'elt')"
        )
        assert owners.fetchall() == [("elt_writer",)]
    reader = psycopg.connect(host=postgres.host, port=postgres.port, user="bi_user", dbname=dbname, autocommit=True)
    with reader:
        assert reader.execute("SELECT COUNT(*) FROM mart.mart_daily_sales").fetchone()[0] > 0
        assert reader.execute("SELECT COUNT(*) FROM elt.run_log").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("DELETE FROM mart.mart_daily_sales")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute("SELECT COUNT(*) FROM staging.orders")


def test_history_cut_into_random_batches_on_postgres_equals_one_full_load(olist, postgres, tmp_path):
    """Issue 14: scoped builds on PostgreSQL — months delivered in order, runs at random points —
    end equal, table for table, to one full load (the DuckDB one from the same sample)."""
    import random

    from tests.integration.run.test_replay import load_replay

    full, _, _, _ = olist
    batches = load_replay().replay(str(OLIST / "sample"), str(tmp_path / "batches"), "month")
    rng = random.Random(7)
    runs_after = set(rng.sample(range(len(batches) - 1), k=5)) | {len(batches) - 1}
    workspace = Workspace(tmp_path / "ws", OLIST)
    settings = postgres.settings(postgres.create_database("olist_batches"), str(workspace.lake))
    scoped = 0
    for index, batch in enumerate(batches):
        assert not workspace.ingest(tmp_path / "batches" / batch, batch).failed
        if index in runs_after:
            result = run_pipeline(str(workspace.pipeline), settings, RunOptions(datetime.datetime.fromisoformat(batch)))
            assert result.ok, (batch, [(o.step, o.error) for o in result.outcomes if o.error])
            scoped += sum(1 for o in result.outcomes if o.detail.startswith("scoped"))
    assert scoped > 0
    assert_equal_to_duckdb(postgres, settings.dbname, full)


def test_a_row_moving_to_another_parent_on_postgres_rebuilds_the_parent_it_left(postgres, tmp_path):
    """The scoped build on PostgreSQL follows the customer the replaced order row held (kept by
    the load in elt.changed_values) to the person it left; it ends equal to DuckDB rebuilding
    everything from the same lake."""
    from tests.integration.run.test_incremental import an_order_moved_to_another_person, deliver

    workspace = Workspace(tmp_path / "ws", OLIST)
    assert not workspace.ingest(OLIST / "sample", "2018-10-17").failed
    assert workspace.run().ok
    settings = postgres.settings(postgres.create_database("olist_moved"), str(workspace.lake))
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(datetime.datetime(2018, 10, 17))).ok
    moved, _, _ = an_order_moved_to_another_person(workspace)
    deliver(tmp_path / "delta", [moved])
    assert not workspace.ingest(tmp_path / "delta", "2018-10-18").failed
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(datetime.datetime(2018, 10, 18)))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    profile = next(o for o in result.outcomes if o.step == "build:mart_customer_profile")
    assert profile.keys_affected == 2 and profile.detail.startswith("scoped"), profile
    assert workspace.run(datetime.datetime(2018, 10, 18), full=True).ok  # DuckDB: everything recomputed
    assert_equal_to_duckdb(postgres, settings.dbname, workspace)


def test_the_pipeline_runs_as_an_ordinary_role(olist, postgres):
    """Issue 15: the pipeline's role is no superuser and holds none of the server-file roles; what
    it built, it owns."""
    _, settings, _, _ = olist
    assert settings.user == postgres.pipeline_user != postgres.user
    with postgres.connect(settings.dbname) as conn:
        flags = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", (settings.user,)
        ).fetchone()
        assert flags == (False, False, False)
        server_roles = conn.execute(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
            (settings.user,),
        ).fetchall()
        assert server_roles == []
        owners = conn.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('dwh', 'mart', 'elt')")
        assert owners.fetchall() == [(settings.user,)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT pg_read_file('/etc/hostname')",
        "SELECT pg_ls_dir('.')",
        "SELECT lo_import('/etc/hostname')",
        "COPY (SELECT 1) TO '/tmp/elt-should-not-exist'",
    ],
)
def test_the_server_refuses_the_pipeline_role_what_lint_refuses(olist, postgres, sql):
    """Defence in depth: were lint bypassed (E411 refuses these first), the pipeline's role
    cannot read or write the server's files either."""
    _, settings, _, _ = olist
    with postgres.connect(settings.dbname, user=postgres.pipeline_user) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)


def tiny_shop_run(postgres, tmp_path, name: str):
    """tiny_shop with one day (3 members, 3 purchases) run on a database of its own: (workspace, database, settings)."""
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases
    from tests.unit.run.test_table_drift import purchase_rows

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing", rows=purchase_rows(3))
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    dbname = postgres.create_database(name)
    settings = postgres.settings(dbname, str(workspace.lake))
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH)).ok
    return workspace, dbname, settings


def test_a_new_column_is_added_in_place_on_postgres(postgres, tmp_path):
    """Issue 16: the additive change on PostgreSQL, as the pipeline's ordinary role: ALTER TABLE …
    ADD COLUMN inside the build's transaction, every row filled by that build."""
    from tests.unit.run.test_table_drift import add_amount_cents

    workspace, dbname, settings = tiny_shop_run(postgres, tmp_path, "additive")
    add_amount_cents(workspace.pipeline)
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:fact_purchase")
    assert "gained column(s) amount_cents" in build.detail, build
    conn = session(postgres, dbname)
    try:
        rows = conn.execute("SELECT purchase_id, amount_cents FROM dwh.fact_purchase ORDER BY 1").fetchall()
    finally:
        conn.close()
    assert rows == [(f"p{i}", i * 100 + 25) for i in range(1, 4)]


def test_a_model_whose_grain_changed_is_recreated_with_its_new_primary_key_on_postgres(postgres, tmp_path):
    """Adversarial round 38 (model_key_change_keeps_old_pk): `keys.business` changed, the table
    kept PRIMARY KEY (purchase_id); a build of two rows per old key failed on it, `--full` too,
    and `plan --compare` named nothing. The run now names the key drift and `--full` recreates the
    table with the new key."""
    workspace, dbname, settings = tiny_shop_run(postgres, tmp_path, "grain")
    spec = workspace.pipeline / "models" / "fact_purchase.yml"
    spec.write_text(
        spec.read_text().replace("keys: {business: [purchase_id]}", "keys: {business: [purchase_id, amount]}")
    )
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    build = next(o for o in result.outcomes if o.step == "build:fact_purchase")
    assert build.status == "failed", build
    assert "has primary key (purchase_id) where the spec declares (purchase_id, amount)" in build.error, build
    assert "`elt run --full --select fact_purchase` recreates the table" in build.error, build
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH, full=True))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    conn = session(postgres, dbname)
    try:
        key = conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = 'dwh.fact_purchase'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)"
        ).fetchall()
    finally:
        conn.close()
    assert key == [("purchase_id",), ("amount",)]
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH)).ok  # and it stays so


def test_freshness_reads_the_ledger_on_postgres(olist, postgres):
    """`elt freshness`'s check on PostgreSQL: the ledger's load times against each source's
    thresholds — fresh just after the run, past error_after a week later."""
    from framework.run.cache import load_or_compile
    from framework.run.freshness import FreshnessStatus, any_error, check_freshness, utc_now

    workspace, settings, _, result = olist
    assert result.ok
    manifest, _ = load_or_compile(str(workspace.pipeline), "postgres", str(workspace.folder / ".elt-pg"))
    conn = session(postgres, settings.dbname)
    try:
        now = check_freshness(manifest, conn)
        later = check_freshness(manifest, conn, utc_now() + datetime.timedelta(days=7))
    finally:
        conn.close()
    thresholds = {f.source for f in now if f.status is not FreshnessStatus.NO_THRESHOLD}
    assert thresholds and all(f.status is FreshnessStatus.FRESH for f in now if f.source in thresholds), now
    assert all(f.loaded_at is not None for f in now)
    assert any_error(later) and not any_error(now)


def test_a_retyped_source_column_is_told_and_reloaded_from_the_lake_on_postgres(postgres, tmp_path):
    """PostgreSQL describes a column as `numeric` with its precision apart: the run still tells
    decimal(10,2) from the spec's decimal(14,2), and `--full` reloads the source from the lake —
    dropped and created when its shape changed, emptied in place (its views stay) when not."""
    from framework.compile.selection import SelectionRequest
    from tests.integration.run.test_reload import DAYS, DELIVERIES, _delivery, _widen

    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    settings = postgres.settings(postgres.create_database("retyped"), str(workspace.lake))

    def run(day: str, full: bool = False, select: tuple[str, ...] = ()) -> dict:
        options = RunOptions(datetime.datetime.fromisoformat(day), full, selection=SelectionRequest.parse(select))
        return {o.step: o for o in run_pipeline(str(workspace.pipeline), settings, options).outcomes}

    for day, (date, purchases) in enumerate(zip(DAYS, DELIVERIES, strict=True), start=1):
        if day == 3:
            _widen(workspace)
        assert not workspace.ingest(_delivery(tmp_path / f"d{day}", day, purchases), date).failed
        outcomes = run(date)
    load = outcomes["load:purchases"]
    assert "staging.purchases has column amount as decimal(10,2) where the spec declares decimal(14,2)" in load.error

    reloaded = run(DAYS[2], full=True, select=("purchases+",))
    assert [(o.step, o.error) for o in reloaded.values() if o.error] == []
    assert reloaded["load:purchases"].detail.startswith("reloaded from the lake: 3 file(s), 4 row(s)")
    with postgres.connect(settings.dbname) as conn:
        described = conn.execute(
            "SELECT table_schema, numeric_precision, numeric_scale FROM information_schema.columns "
            "WHERE column_name = 'amount' ORDER BY 1"
        ).fetchall()
        assert described == [("dwh", 14, 2), ("staging", 14, 2)]
        assert conn.execute("SELECT SUM(amount) FROM dwh.fact_purchase").fetchone() == (
            decimal.Decimal("123456849.50"),
        )
        conn.execute("CREATE VIEW public.purchase_count AS SELECT COUNT(*) AS n FROM staging.purchases")
    try:
        again = run(DAYS[2], full=True, select=("purchases",))
        assert again["load:purchases"].status == "ok", again["load:purchases"]
        with postgres.connect(settings.dbname) as conn:
            assert conn.execute("SELECT n FROM public.purchase_count").fetchone() == (4,)
    finally:
        with postgres.connect(settings.dbname) as conn:
            conn.execute("DROP VIEW IF EXISTS public.purchase_count")


def test_strings_sort_by_their_bytes_on_a_database_with_a_language_collation(postgres, tmp_path):
    """Adversarial round 6 (pg_collation_order): on a database made with a language collation
    ('a' < 'B'), a load's keep-last by file name and a model's MIN over strings followed that
    collation, unlike DuckDB and Redshift, which compare bytes ('B' < 'a'). Every string column
    the framework makes on PostgreSQL is COLLATE "C": both targets keep the same rows."""
    from tests.unit.run.test_bad_input import HEADER, landing

    workspace = Workspace(tmp_path / "w", FIXTURES / "tiny_shop")
    folder = tmp_path / "landing"
    # one member in two files of one batch, same updated_at: the later file by name wins
    landing(folder, "members_a.csv", [HEADER, "1;from_a@x;gold;a-town;2024-01-01 10:00:00"])
    landing(
        folder,
        "members_B.csv",
        [HEADER, "1;from_B@x;gold;B-town;2024-01-01 10:00:00", "2;z@x;gold;B-town;2024-01-01 10:00:00"],
    )
    assert not workspace.ingest(folder, "2024-01-01", only={"members"}).failed
    duck = workspace.run()
    assert not [o for o in duck.outcomes if o.step == "load:members" and o.error]
    expected = workspace.query("SELECT email FROM staging.members WHERE member_id = 1")
    assert expected == [("from_a@x",)]  # 'members_a.csv' > 'members_B.csv' byte for byte
    dbname = postgres.create_database("language_collation", icu_locale="en")
    with postgres.connect(dbname) as conn:  # the database does sort as a language would
        assert conn.execute("SELECT 'a' < 'B'").fetchone() == (True,)
    settings = postgres.settings(dbname, str(workspace.lake))
    run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    with postgres.connect(dbname) as conn:
        assert conn.execute("SELECT email FROM staging.members WHERE member_id = 1").fetchall() == expected
        assert conn.execute("SELECT MIN(city) FROM dwh.dim_member").fetchone() == ("B-town",)
        assert conn.execute("SELECT city < 'a' FROM staging.members WHERE member_id = 2").fetchone() == (True,)


def test_a_second_run_of_a_pipeline_on_postgres_is_refused_while_one_holds_it(postgres, tmp_path):
    """Adversarial round 6 (pg_concurrent_runs_not_refused): two `elt run` at once interleaved on
    PostgreSQL (raw unique-key errors). A run holds the pipeline's advisory lock for its session's
    life: a second run is refused before it touches anything, a DAG's step tasks share it among
    themselves but not with a run, and the server frees it when the holder's connection ends."""
    from framework.errors import WarehouseBusy
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01", only={"members"}).failed
    settings = postgres.settings(postgres.create_database("one_writer"), str(workspace.lake))
    holder = session(postgres, settings.dbname)
    try:
        assert holder.claim_run("tiny_shop", exclusive=True)  # as a run in progress holds it
        with pytest.raises(WarehouseBusy, match="in use by another run of pipeline 'tiny_shop'"):
            run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
        with postgres.connect(settings.dbname) as conn:  # refused before anything was created
            assert conn.execute("SELECT to_regclass('elt.file_ledger')").fetchone() == (None,)
        step = session(postgres, settings.dbname)
        try:
            assert not step.claim_run("tiny_shop", exclusive=False)  # a DAG's step waits for the run too
            assert session(postgres, settings.dbname).claim_run("other_pipeline", exclusive=True)
        finally:
            step.close()
    finally:
        holder.close()  # the run ends: its lock goes with its connection
    shared = [session(postgres, settings.dbname) for _ in range(2)]
    try:
        assert all(s.claim_run("tiny_shop", exclusive=False) for s in shared)  # steps run side by side
        with pytest.raises(WarehouseBusy):
            run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    finally:
        for s in shared:
            s.close()
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH)).tables["staging.members"] == 3


@pytest.mark.parametrize("schema", ["staging", "dwh"])  # a load's commit, a build's
def test_a_step_whose_commit_went_through_before_the_connection_dropped_is_not_run_again(
    postgres, tmp_path, monkeypatch, schema
):
    """Adversarial round 8 (retry_reloads_ledgered_files): a load is retried whole after a
    transient error, with the plan made before its first attempt. When the connection drops
    during COMMIT after the server committed, the retry loaded every row and recorded every
    file a second time. The retry reads the ledger again first: the files are there, so the step
    is done — each row once, each file recorded once, and the run says why. A build likewise
    (its state row read again: recorded once, not refused by the state's key)."""
    from framework.errors import TransientWarehouseError
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    settings = postgres.settings(postgres.create_database("lost_commit"), str(workspace.lake))
    original = PostgresSession.execute
    state = {"ledger": False, "dropped": 0}

    def execute(self, sql, params=None):
        if sql.startswith((f"INSERT INTO {schema}.", f"MERGE INTO {schema}.")):
            state["ledger"] = True
        result = original(self, sql, params)
        if sql == "COMMIT" and state["ledger"] and not state["dropped"]:
            state["dropped"] += 1  # the server committed; its answer never arrived
            self.close()
            raise TransientWarehouseError("server closed the connection unexpectedly")
        return result

    monkeypatch.setattr(PostgresSession, "execute", execute)
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert state["dropped"] == 1
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    (retried,) = [o for o in result.outcomes if "the earlier attempt's commit went through" in o.detail]
    assert retried.step.startswith("load:" if schema == "staging" else "build:"), retried
    with postgres.connect(settings.dbname) as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT member_id) FROM staging.members").fetchone() == (3, 3)
        assert conn.execute("SELECT COUNT(*) FROM staging.purchases").fetchone() == (1,)
        assert conn.execute("SELECT source, COUNT(*) FROM elt.file_ledger GROUP BY 1 ORDER BY 1").fetchall() == [
            ("members", 1),
            ("purchases", 1),
        ]
        assert conn.execute("SELECT COUNT(*) FROM dwh.fact_purchase").fetchone() == (1,)
        builds = conn.execute(
            "SELECT model, COUNT(*) FROM elt.model_builds WHERE data_fingerprint <> 'source' GROUP BY 1 ORDER BY 1"
        ).fetchall()
        assert builds == [("dim_member", 1), ("fact_purchase", 1)], builds


VIEW_YAML = """version: 1
kind: model
name: v_member
layer: mart
description: Members as a view.
materialization: view
depends_on: [dim_member]
keys:
  business: [member_id]
columns:
  - {{name: member_id, type: bigint, nullable: false}}
  - {{name: {second}, type: string}}
sql: |
  SELECT member_id, tier AS {second} FROM dim_member WHERE is_current
"""
SWAPPED_VIEW_YAML = VIEW_YAML.replace(
    "  - {{name: member_id, type: bigint, nullable: false}}\n  - {{name: {second}, type: string}}",
    "  - {{name: {second}, type: string}}\n  - {{name: member_id, type: bigint, nullable: false}}",
).replace("SELECT member_id, tier AS {second}", "SELECT tier AS {second}, member_id")


def test_a_view_whose_columns_change_is_made_anew_on_postgres(postgres, tmp_path):
    """Adversarial round 8 (view_column_change): PostgreSQL's CREATE OR REPLACE VIEW takes only
    the same columns (it may add some at the end): a view model whose column was renamed failed
    its build on every run. Its columns, read from the warehouse, differ from the spec's: the
    build drops the view and creates it, in its transaction."""
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    view = workspace.pipeline / "models" / "v_member.yml"
    view.write_text(VIEW_YAML.format(second="tier"))
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    settings = postgres.settings(postgres.create_database("view_change"), str(workspace.lake))
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH)).ok
    view.write_text(VIEW_YAML.format(second="member_tier"))
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:v_member")
    assert "view recreated" in build.detail, build
    with postgres.connect(settings.dbname) as conn:
        rows = conn.execute("SELECT member_id, member_tier FROM mart.v_member ORDER BY 1").fetchall()
    assert rows == [(1, "gold"), (2, "silver"), (3, "bronze")]
    appended = (
        VIEW_YAML.format(second="member_tier")
        .replace(
            "  - {name: member_tier, type: string}\n",
            "  - {name: member_tier, type: string}\n  - {name: city, type: string}\n",
        )
        .replace("tier AS member_tier FROM", "tier AS member_tier, city FROM")
    )
    view.write_text(appended)  # a column more at the end: replaced in place, not dropped
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    assert "view recreated" not in next(o for o in result.outcomes if o.step == "build:v_member").detail
    view.write_text(SWAPPED_VIEW_YAML.format(second="member_tier"))  # the same columns, in another order
    result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH))
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    with postgres.connect(settings.dbname) as conn:
        assert conn.execute("SELECT * FROM mart.v_member ORDER BY 2").fetchall() == [
            ("gold", 1),
            ("silver", 2),
            ("bronze", 3),
        ]


def test_a_session_the_server_refuses_fails_at_once_naming_the_unset_password_variable(postgres, tmp_path, monkeypatch):
    """Adversarial round 8 (pg_bad_password_retried_as_transient): libpq gives no SQLSTATE for a
    refused connection, so an authentication failure (a role, a password) was retried as
    transient — minutes of backoff for a bad secret. The server's refusal is terminal, and a
    password_env variable that is not set is named."""
    import dataclasses

    from framework.errors import TerminalWarehouseError, TransientWarehouseError
    from framework.run.warehouses import open_warehouse

    monkeypatch.delenv("ELT_TEST_PG_PASSWORD", raising=False)
    settings = dataclasses.replace(
        postgres.settings(postgres.create_database("refused"), str(tmp_path / "lake")),
        user="nobody_at_all",
        password_env="ELT_TEST_PG_PASSWORD",
    )
    with pytest.raises(TerminalWarehouseError) as refused:
        open_warehouse(settings)
    assert not isinstance(refused.value, TransientWarehouseError)
    message = str(refused.value)
    assert 'role "nobody_at_all" does not exist' in message, message
    assert "the environment variable ELT_TEST_PG_PASSWORD, password_env of target 'pg', is not set" in message


def test_a_connection_dropped_while_the_run_log_is_written_is_retried(postgres, tmp_path):
    """Adversarial round 9 (dropped_conn_outside_step): the run_log rows written after a step
    committed were not retried: a connection dropped there ended the run (exit 2), nothing
    downstream built. They are retried like a step, after reconnecting (a row a lost commit did
    write is replaced, not doubled)."""
    import threading
    import time

    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    settings = postgres.settings(postgres.create_database("log_dropped"), str(workspace.lake))
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH, full=True)).ok  # the tables exist
    terminated = []
    admin = postgres.connect(settings.dbname)
    admin.execute("BEGIN")
    admin.execute("LOCK TABLE elt.run_log IN EXCLUSIVE MODE")  # the run's first log INSERT waits on it

    def drop_the_log_writer():  # then its session ends, as a dropped connection does
        with postgres.connect(settings.dbname) as watch:
            watch.autocommit = True
            for _ in range(1500):
                row = watch.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'INSERT INTO elt.run_log%'"
                ).fetchone()
                if row:
                    watch.execute("SELECT pg_terminate_backend(%s)", row)
                    terminated.append(row[0])
                    break
                time.sleep(0.02)
        admin.execute("ROLLBACK")

    watcher = threading.Thread(target=drop_the_log_writer)
    watcher.start()
    try:
        result = run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH, full=True))
    finally:
        watcher.join()
        admin.close()
    assert terminated, "the run log write was not caught"
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    with postgres.connect(settings.dbname) as conn:
        runs = conn.execute(
            "SELECT step, COUNT(*) FROM elt.run_log WHERE run_id = %s GROUP BY step HAVING COUNT(*) > 1",
            [result.run_id],
        ).fetchall()
        assert runs == []  # one row per step
        assert conn.execute("SELECT COUNT(*) FROM dwh.fact_purchase").fetchone() == (1,)


TABLE_YAML = """version: 1
kind: model
name: tier_counts
layer: mart
materialization: table
depends_on: [dim_member]
keys: {{business: [tier]}}
columns:
  - {{name: tier, type: string, nullable: false}}
  - {{name: members, type: bigint, nullable: false}}{extra_column}
sql: SELECT tier, COUNT(*) AS members{extra_select} FROM dim_member WHERE is_current GROUP BY tier
"""

ON_TABLE_VIEW = """version: 1
kind: model
name: v_tiers
layer: mart
materialization: view
depends_on: [tier_counts]
columns:
  - {name: tier, type: string, nullable: false}
  - {name: members, type: bigint, nullable: false}
sql: SELECT tier, members FROM tier_counts
"""

ON_VIEW_VIEW = """version: 1
kind: model
name: v_big_tiers
layer: mart
materialization: view
depends_on: [v_tiers]
columns:
  - {name: tier, type: string, nullable: false}
sql: SELECT tier FROM v_tiers WHERE members > 0
"""


def test_a_table_read_by_views_is_recreated_with_them_on_postgres(postgres, tmp_path):
    """Adversarial round 9 (table_reshape_under_view, view_on_view_reshape): PostgreSQL will not
    drop a table (or view) a view reads, so a table model given a new shape — and a view whose
    columns changed under another view — failed every run, `--full` too. The build drops the
    pipeline's views reading it first and makes them again after it, in its transaction."""
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    models = workspace.pipeline / "models"
    (models / "tier_counts.yml").write_text(TABLE_YAML.format(extra_column="", extra_select=""))
    (models / "v_tiers.yml").write_text(ON_TABLE_VIEW)
    (models / "v_big_tiers.yml").write_text(ON_VIEW_VIEW)
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    settings = postgres.settings(postgres.create_database("views_on_tables"), str(workspace.lake))
    assert run_pipeline(str(workspace.pipeline), settings, RunOptions(BATCH)).ok
    (models / "tier_counts.yml").write_text(
        TABLE_YAML.format(
            extra_column="\n  - {name: cities, type: bigint, nullable: false}",
            extra_select=", COUNT(DISTINCT city) AS cities",
        )
    )
    from framework.compile.selection import SelectionRequest

    only = RunOptions(BATCH, selection=SelectionRequest.parse(["tier_counts"]))  # the views' builds do not run
    result = run_pipeline(str(workspace.pipeline), settings, only)
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:tier_counts")
    assert "table recreated" in build.detail, build
    with postgres.connect(settings.dbname) as conn:
        assert conn.execute("SELECT tier, cities FROM mart.tier_counts ORDER BY 1").fetchall() == [
            ("bronze", 1),
            ("gold", 1),
            ("silver", 1),
        ]
        assert conn.execute("SELECT COUNT(*) FROM mart.v_big_tiers").fetchone() == (3,)  # both views made again


def test_a_role_that_may_not_create_the_schemas_is_told_about_the_bootstrap(olist, postgres):
    """Adversarial round 26: a pipeline role without CREATE on its database (the bootstrap not
    run) ended the run with the driver's words alone ("InsufficientPrivilege: permission denied
    for database …"): no step, nothing about what to do. It is named as the run's setup, with
    the bootstrap to run."""
    import dataclasses

    from framework.errors import TerminalWarehouseError

    workspace, settings, _, _ = olist
    foreign = dataclasses.replace(settings, dbname=postgres.create_database("not_ours", owner=postgres.user))
    with pytest.raises(TerminalWarehouseError) as refused:
        run_pipeline(str(workspace.pipeline), foreign, RunOptions(BATCH))
    message = str(refused.value)
    assert message.startswith("setup (the pipeline's schemas and tables, the framework's own) failed:"), message
    assert "permission denied for database not_ours" in message and "`elt bootstrap`" in message


@pytest.mark.parametrize("source", ["members", "purchases"])  # an upsert source, an append one
def test_two_dag_runs_loading_the_same_files_at_once_load_them_once(postgres, tmp_path, source):
    """Adversarial round 30 (backfill_concurrent_runs): the load tasks of two DAG runs (a backfill
    runs several at once) loaded the same pending files side by side; the one that committed
    second failed on PostgreSQL's unique key of the ledger (UniqueViolation, no retry). Its
    transaction rolls back; the ledger, read again, records the files: the step is done, says
    so, and every row and file is there once."""
    import threading

    from framework.lake.local import LocalLake
    from framework.run.cache import manifest_for
    from framework.run.runner import run_one_step, setup_warehouse
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01", only={source}).failed
    settings = postgres.settings(postgres.create_database(f"two_runs_{source}"), str(workspace.lake))
    manifest, _ = manifest_for(str(workspace.pipeline), settings)
    first = session(postgres, settings.dbname)
    setup_warehouse(manifest, first)
    first.close()
    outcomes, failures = [], []

    def load() -> None:
        conn = session(postgres, settings.dbname)
        try:
            outcomes.append(
                run_one_step(
                    manifest, conn, LocalLake(str(workspace.lake)), RunOptions(BATCH), f"load:{source}", ensure=False
                )
            )
        except Exception as err:  # noqa: BLE001 - the test reports it
            failures.append(err)
        finally:
            conn.close()

    with postgres.connect(settings.dbname) as blocker:  # both loads plan, then wait on the table
        blocker.execute("BEGIN")
        blocker.execute(f"LOCK TABLE staging.{source} IN ACCESS EXCLUSIVE MODE")
        threads = [threading.Thread(target=load) for _ in range(2)]
        for thread in threads:
            thread.start()
        import time

        time.sleep(2.0)
        blocker.execute("COMMIT")
        for thread in threads:
            thread.join(60)
    assert not failures, failures
    assert sorted(str(o.status) for o in outcomes) == ["ok", "ok"], outcomes
    told = [o for o in outcomes if "another run loaded the same files at the same time" in o.detail]
    assert len(told) == 1, [o.detail for o in outcomes]
    with postgres.connect(settings.dbname) as conn:
        rows = 3 if source == "members" else 1
        assert conn.execute(f"SELECT COUNT(*) FROM staging.{source}").fetchone() == (rows,)
        assert conn.execute("SELECT COUNT(*) FROM elt.file_ledger").fetchone() == (1,)
