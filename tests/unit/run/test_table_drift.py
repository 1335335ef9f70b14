"""A model's spec gains a column its live table lacks (a warehouse built by an older version):
the run names the table and the remedy instead of a database error, and `--full` recreates the
table inside the build's transaction."""

from __future__ import annotations

import duckdb

from tests.conftest import OLIST
from tests.support.workspace import Workspace


def test_a_table_behind_its_spec_fails_clearly_and_full_rebuilds_it(tmp_path):
    workspace = Workspace(tmp_path, OLIST)
    assert not workspace.ingest(OLIST / "sample").failed
    assert workspace.run().ok
    orders = workspace.query("SELECT COUNT(*) FROM dwh.fact_orders")[0][0]
    with duckdb.connect(str(workspace.warehouse)) as conn:  # as an older version left it
        conn.execute("ALTER TABLE dwh.fact_orders DROP COLUMN customer_state")
        conn.execute("ALTER TABLE dwh.fact_orders ADD COLUMN legacy_flag BOOLEAN")
        conn.execute("DELETE FROM elt.model_builds WHERE model = 'fact_orders'")  # its spec changed since

    result = workspace.run()
    outcome = {o.step: o for o in result.outcomes}
    failed = outcome["build:fact_orders"]
    assert failed.status == "failed"
    assert (
        "dwh.fact_orders lacks column(s) customer_state and has column(s) legacy_flag no longer in the spec"
        in failed.error
        and "elt run --full" in failed.error
    )
    assert outcome["build:mart_customer_360"].status == "skipped"
    assert workspace.query("SELECT COUNT(*) FROM dwh.fact_orders")[0][0] == orders  # untouched

    again = workspace.run(full=True)
    assert again.ok, [(o.step, o.error) for o in again.outcomes if o.error]
    columns = [
        r[0]
        for r in workspace.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'dwh' "
            "AND table_name = 'fact_orders' ORDER BY ordinal_position"
        )
    ]
    assert "customer_state" in columns and "legacy_flag" not in columns
    assert workspace.query("SELECT COUNT(*), COUNT(customer_state) FROM dwh.fact_orders")[0] == (orders, orders)


def test_a_run_log_from_an_older_version_gains_step_kind_with_its_old_rows_backfilled(tmp_path):
    """Framework tables grow additively: a column added in a later version (run_log.step_kind) is
    added to an existing warehouse at setup, and the rows written before it are backfilled."""
    from tests.conftest import FIXTURES
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    assert workspace.run().ok
    with duckdb.connect(str(workspace.warehouse)) as conn:  # as the previous version left it
        conn.execute("ALTER TABLE elt.run_log DROP COLUMN step_kind")
        before = conn.execute("SELECT COUNT(*) FROM elt.run_log").fetchall()[0][0]
    assert before > 0
    result = workspace.run()
    assert result.ok
    kinds = dict(workspace.query("SELECT step, step_kind FROM elt.run_log"))
    assert kinds and all(kind == step.split(":")[0] for step, kind in kinds.items())
    assert {kind for kind in kinds.values()} <= {"load", "build", "check"}
    assert workspace.query("SELECT COUNT(*) FROM elt.run_log")[0][0] == before + len(result.outcomes)
    assert workspace.run().ok  # the column is there now: nothing to add, nothing fails


def test_a_run_log_from_before_run_origins_gains_their_columns_and_records_the_spec_fingerprint(tmp_path):
    """run_log.spec_fingerprint, dag_run_id and logical_date came later: an older warehouse gets
    them at setup; the run records the fingerprint of the specs it ran (NULL DAG run: `elt run`)."""
    from tests.conftest import FIXTURES
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    assert workspace.run().ok
    with duckdb.connect(str(workspace.warehouse)) as conn:  # as the previous version left it
        for column in ("spec_fingerprint", "dag_run_id", "logical_date"):
            conn.execute(f"ALTER TABLE elt.run_log DROP COLUMN {column}")
    result = workspace.run()
    assert result.ok
    from framework.sourcefiles import source_fingerprint

    rows = workspace.query(
        f"SELECT DISTINCT spec_fingerprint, dag_run_id, logical_date FROM elt.run_log WHERE run_id = '{result.run_id}'"
    )
    assert rows == [(source_fingerprint(str(workspace.pipeline)), None, None)]


def test_a_table_model_whose_shape_changed_is_recreated_and_otherwise_refilled_in_place(tmp_path):
    """A table model keeps its table (and so its grants and the views on it) from build to build;
    when its spec gives the table another shape — here a Redshift hint — the next run rebuilds it
    into a recreated table, inside the build's transaction, and says so."""
    workspace = Workspace(tmp_path, OLIST)
    assert not workspace.ingest(OLIST / "sample").failed
    assert workspace.run().ok
    dates = workspace.query("SELECT COUNT(*) FROM dwh.dim_date")
    rerun = {o.step: o for o in workspace.run(full=True).outcomes}
    refill = rerun["build:dim_date"]  # refilled in place: it says only what its rebuild changed (nothing)
    assert refill.status == "ok" and refill.detail == "rows of 0 key(s) changed", refill

    spec = workspace.pipeline / "models" / "dim_date.yml"
    spec.write_text(spec.read_text().replace("  diststyle: all\n", "  diststyle: even\n"))
    result = {o.step: o for o in workspace.run().outcomes}
    assert result["build:dim_date"].status == "ok"
    assert "table recreated for its spec's new shape" in result["build:dim_date"].detail
    # its rows before are gone with the old table, not compared: its readers rebuild whole
    assert result["build:mart_category_monthly"].detail == "whole: dim_date was rebuilt whole"
    assert workspace.query("SELECT COUNT(*) FROM dwh.dim_date") == dates
    again = {o.step: o.status for o in workspace.run().outcomes}
    assert again["build:dim_date"] == "up to date"


def purchase_rows(count: int) -> list[dict]:
    """Purchases p1…pN of 1.25, 2.25, … spread over members 1-3."""
    return [
        {"purchase_id": f"p{i}", "member_id": 1 + i % 3, "amount": f"{i}.25", "purchased_at": "2024-01-02 09:00:00"}
        for i in range(1, count + 1)
    ]


def add_amount_cents(pipeline) -> None:
    """The spec of tiny_shop's fact_purchase (incremental delete_insert) gains a column."""
    spec = pipeline / "models" / "fact_purchase.yml"
    spec.write_text(
        spec.read_text().replace(
            '  - {name: amount, type: "decimal(10,2)", nullable: false}\n',
            '  - {name: amount, type: "decimal(10,2)", nullable: false}\n'
            "  - {name: amount_cents, type: bigint, nullable: false, tests: [not_null]}\n",
        )
    )
    sql = pipeline / "models" / "fact_purchase.sql"
    sql.write_text(
        sql.read_text().replace(
            "       p.amount,\n", "       p.amount,\n       CAST(p.amount * 100 AS BIGINT) AS amount_cents,\n"
        )
    )


def test_a_new_column_of_an_incremental_model_is_added_in_place_and_filled(tmp_path):
    """Issue 16: an additive change needs no `--full` — the build adds the column (ALTER TABLE …
    ADD COLUMN in its transaction) and rewrites every row to fill it; the table, its other rows'
    history and the other models stay."""
    from tests.conftest import FIXTURES
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing", rows=purchase_rows(5))
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    assert workspace.run().ok
    members_before = workspace.query("SELECT * FROM dwh.dim_member ORDER BY ALL")

    add_amount_cents(workspace.pipeline)
    result = workspace.run()
    assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
    build = next(o for o in result.outcomes if o.step == "build:fact_purchase")
    assert "gained column(s) amount_cents" in build.detail and "recreated" not in build.detail, build
    assert workspace.query("SELECT purchase_id, amount_cents FROM dwh.fact_purchase ORDER BY 1") == [
        (f"p{i}", i * 100 + 25) for i in range(1, 6)
    ]
    assert workspace.query("SELECT * FROM dwh.dim_member ORDER BY ALL") == members_before
    assert workspace.run().ok  # in place now: nothing to add


def test_a_removed_column_still_needs_a_full_rebuild_of_just_that_model(tmp_path):
    """What cannot be done in place (a column the spec no longer declares) is refused, naming
    `elt run --full --select <model>`."""
    from tests.conftest import FIXTURES
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    assert workspace.run().ok
    with duckdb.connect(str(workspace.warehouse)) as conn:  # a column an older spec had
        conn.execute("ALTER TABLE dwh.fact_purchase ADD COLUMN legacy_flag BOOLEAN")
        conn.execute("DELETE FROM elt.model_builds WHERE model = 'fact_purchase'")  # its spec changed since
    failed = next(o for o in workspace.run().outcomes if o.step == "build:fact_purchase")
    assert failed.status == "failed" and "elt run --full --select fact_purchase" in failed.error


def test_a_model_switching_between_view_and_table_is_made_as_its_new_kind(tmp_path):
    """Adversarial round 9 (materialization_switch): CREATE TABLE cannot replace a view, nor CREATE
    VIEW a table, so a model switched either way failed every run (`--full` too). Setup drops the
    relation of the other kind first; a table made in a view's place is built whole."""
    from tests.conftest import FIXTURES
    from tests.unit.run.test_bad_input import GOOD, HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    spec = workspace.pipeline / "models" / "member_list.yml"
    text = (
        "version: 1\nkind: model\nname: member_list\nlayer: mart\nmaterialization: {kind}\n"
        "depends_on: [dim_member]\nkeys: {{business: [member_id]}}\n"
        "columns:\n  - {{name: member_id, type: bigint, nullable: false}}\n"
        "sql: SELECT member_id FROM dim_member WHERE is_current\n"
    )
    landing(tmp_path / "landing", "members_2024-01-01.csv", [HEADER, *GOOD])
    purchases(tmp_path / "landing")
    assert not workspace.ingest(tmp_path / "landing", "2024-01-01").failed
    kinds = "SELECT table_type FROM information_schema.tables WHERE table_name = 'member_list'"
    for kind, expected in (("view", "VIEW"), ("table", "BASE TABLE"), ("view", "VIEW")):
        spec.write_text(text.format(kind=kind))
        result = workspace.run()
        assert result.ok, [(o.step, o.error) for o in result.outcomes if o.error]
        assert workspace.query(kinds) == [(expected,)]
        assert workspace.query("SELECT COUNT(*) FROM mart.member_list") == [(3,)]


def test_a_source_whose_key_rule_changed_refuses_to_load_until_reloaded(tmp_path):
    """Adversarial round 20 (source_key_change_no_reload): an upsert source's primary_key widened
    from [member_id] to [member_id, updated_at]; the next loads went on, with the rows the old key had
    collapsed gone for good, where a load from scratch keeps them. The load now refuses, naming
    the reload, and the reload equals a load from scratch."""
    from tests.conftest import FIXTURES
    from tests.unit.run.test_bad_input import HEADER, landing, purchases

    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    purchases(tmp_path / "day01")
    for day, rows in (("01", ["1;a@x;gold;Lyon;2024-01-01 10:00:00"]), ("02", ["1;a@x;gold;Nice;2024-01-02 10:00:00"])):
        landing(tmp_path / f"day{day}", f"members_2024-01-{day}.csv", [HEADER, *rows])
        assert not workspace.ingest(tmp_path / f"day{day}", f"2024-01-{day}").failed
    first = workspace.run()
    assert first.ok, [(o.step, o.error) for o in first.outcomes if o.error]
    assert workspace.query("SELECT city FROM staging.members") == [("Nice",)]  # one row per member
    spec = workspace.pipeline / "sources" / "members.yml"
    spec.write_text(spec.read_text().replace("primary_key: [member_id]", "primary_key: [member_id, updated_at]"))
    landing(tmp_path / "day03", "members_2024-01-03.csv", [HEADER, "2;b@x;gold;Faro;2024-01-03 10:00:00"])
    assert not workspace.ingest(tmp_path / "day03", "2024-01-03", only={"members"}).failed
    load = next(o for o in workspace.run().outcomes if o.step == "load:members")
    assert load.status == "failed" and "primary_key or load_mode changed" in load.error
    assert "elt run --full --select members+" in load.error
    assert workspace.query("SELECT COUNT(*) FROM staging.members") == [(1,)]  # untouched
    assert workspace.run(full=True).ok
    rows = "SELECT member_id, city FROM staging.members ORDER BY 1, 2"
    assert workspace.query(rows) == [(1, "Lyon"), (1, "Nice"), (2, "Faro")]  # as a load from scratch keeps them
    assert workspace.run().ok  # the rule is recorded: loads go on
