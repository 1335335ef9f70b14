"""Compile: round trips, the manifest contract, change detection, targets, and the CLI."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlglot

from framework.compile.changes import compare, format_report
from framework.compile.manifest import MANIFEST_VERSION, Manifest, StepKind
from framework.compile.targets import UnknownTarget, resolve_target
from framework.errors import CompileError
from framework.sql.dialects import UnknownDialect, get_dialect
from framework.sql.kinds import StatementKind
from tests.conftest import FIXTURES, OLIST, REPO
from tests.support.duck import compile_fixture
from tests.unit.cli.test_cli import run


@pytest.fixture(scope="module", params=["redshift", "duckdb"])
def olist(request):
    return compile_fixture(OLIST, request.param)


def test_every_statement_reparses_to_an_equal_tree(olist):
    _, manifest = olist
    dialect = get_dialect(manifest.target).sqlglot_dialect
    count = 0
    for step in manifest.steps:
        texts = (
            [s.sql for s in step.statements] + [c.count_sql for c in step.checks] + [c.sample_sql for c in step.checks]
        )
        for text in texts:
            tree = sqlglot.parse_one(text, read=dialect)
            assert sqlglot.parse_one(tree.sql(dialect=dialect), read=dialect) == tree, text
            count += 1
    assert count > 400


def test_manifest_round_trips_losslessly(olist):
    _, manifest = olist
    text = manifest.to_json()
    again = Manifest.from_json(text)
    assert again == manifest and again.to_json() == text


def test_manifest_carries_graph_fingerprints_and_sql(olist):
    _, manifest = olist
    data = json.loads(manifest.to_json())
    assert data["manifest_version"] == MANIFEST_VERSION == 3 and data["target"] == manifest.target
    # typed: the targets as declared, each with its type; statements with their verb and table
    assert {t["name"]: t["type"] for t in data["pipeline"]["targets"]} == {"local": "local", "prod": "redshift"}
    assert Manifest.from_json(manifest.to_json()) == manifest
    upsert = "MERGE" if get_dialect(manifest.target).upsert_by_merge else "DELETE"
    merge = next(s for s in manifest.step("load:orders").statements if s.verb == upsert)
    assert merge.table == "staging.orders" and merge.kind is StatementKind.EXEC
    assert manifest.step("load:orders").kind is StepKind.LOAD
    assert manifest.step("load:orders").load_method is get_dialect(manifest.target).load_method
    assert {s.verb for s in manifest.step("build:dim_customer").statements} >= {"INSERT", "DELETE"}
    dim_customer = manifest.spec("dim_customer")
    assert set(dict(dim_customer.fingerprints)) == {"data", "physical", "table", "checks", "metadata"}
    assert {"dim_customer", "order_items"} <= set(manifest.spec("fact_order_items").depends_on)
    build = manifest.step("build:fact_order_items")
    assert "check:dim_customer" in build.depends_on and "load:order_items" in build.depends_on
    # a relationship check waits for the model it points at
    assert "build:fact_orders" in manifest.step("check:fact_order_items").depends_on
    ids = [s.id for s in manifest.steps]
    for step in manifest.steps:
        assert all(ids.index(d) < ids.index(step.id) for d in step.depends_on), step.id


def test_a_newer_manifest_version_is_refused(olist):
    _, manifest = olist
    data = json.loads(manifest.to_json())
    data["manifest_version"] = 99
    with pytest.raises(CompileError, match="manifest version 99"):
        Manifest.from_json(json.dumps(data))


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_compare_separates_rebuilds_metadata_and_table_changes(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "scd2_case", root)
    _, old = compile_fixture(root, "duckdb")
    edit(root / "models" / "mart_plans.yml", "Current accounts per plan", "Current accounts by plan")
    edit(
        root / "models" / "dim_account_latest.yml",
        "  - {name: changed_at, type: timestamp, nullable: false}\n",
        "  - {name: changed_at, type: timestamp, nullable: false}\n  - {name: note, type: string}\n",
    )
    edit(
        root / "models" / "dim_account_latest.yml",
        "SELECT region, account_no, plan, owner, changed_at\n  FROM (",
        "SELECT region, account_no, plan, owner, changed_at, CAST(NULL AS VARCHAR) AS note\n  FROM (",
    )
    edit(
        root / "models" / "fact_usage.yml",
        "{type: not_null, columns: [account_sk]}",
        "{type: not_null, columns: [account_sk, events]}",
    )
    edit(root / "models" / "dim_account.yml", "  - {name: owner, type: string}", "  - {name: owner, type: bigint}")
    edit(
        root / "models" / "dim_account.yml",
        "SELECT region, account_no, plan, owner, changed_at",
        "SELECT region, account_no, plan, CAST(NULL AS BIGINT) AS owner, changed_at",
    )
    _, new = compile_fixture(root, "duckdb")
    changes = {c.name: c for c in compare(old, new).changes}
    assert changes["mart_plans"].action == "rebuild_upstream"  # dim_account changed under it
    assert changes["dim_account_latest"].action == "rebuild"
    assert changes["dim_account_latest"].table_change == "additive"
    assert changes["dim_account_latest"].added_columns == ("note",)
    assert changes["dim_account"].table_change == "breaking"
    assert changes["dim_account"].breaking == ("owner string → bigint",)  # adversarial round 22: named
    assert "(owner string → bigint: `elt run --full --select dim_account` recreates the table and rebuilds it" in (
        format_report(compare(old, new))
    )
    # an SCD2 history: the versions staging no longer holds are lost by a recreate (adversarial round 38)
    assert "copy dwh.dim_account first to keep them" in changes["dim_account"].remedy
    assert changes["fact_usage"].action == "rebuild_upstream"
    assert changes["account_events"].action == "unchanged"
    assert changes["agg_daily_events"].action == "unchanged"
    # checks-only and metadata-only changes, without the upstream change around them
    _, base = compile_fixture(FIXTURES / "scd2_case", "duckdb")
    root2 = tmp_path / "q"
    shutil.copytree(FIXTURES / "scd2_case", root2)
    edit(root2 / "models" / "mart_plans.yml", "Current accounts per plan", "Current accounts by plan")
    edit(
        root2 / "models" / "fact_usage.yml",
        "{type: not_null, columns: [account_sk]}",
        "{type: not_null, columns: [account_sk, events]}",
    )
    edit(
        root2 / "models" / "dim_account.yml",
        "  SELECT region",
        "  -- a comment does not change the data\n  SELECT region",
    )
    _, after = compile_fixture(root2, "duckdb")
    actions = {c.name: c.action for c in compare(base, after).changes}
    assert actions["mart_plans"] == "metadata" and actions["fact_usage"] == "recheck"
    assert actions["dim_account"] == "unchanged"


def test_unknown_target_or_dialect_gets_did_you_mean():
    with pytest.raises(UnknownDialect, match="Did you mean 'redshift'"):
        get_dialect("redshfit")
    project, _ = compile_fixture(FIXTURES / "tiny_shop")
    assert resolve_target("dev", project.pipeline).name == "duckdb"
    assert resolve_target(None, project.pipeline).name == "duckdb"
    with pytest.raises(UnknownTarget, match="Did you mean 'dev'"):
        resolve_target("deb", project.pipeline)


def test_cli_compile_writes_sql_files_and_manifest(tmp_path):
    result = run("compile", str(OLIST), "--target", "redshift", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files[0] == "000_setup.sql" and "manifest.json" in files and len(files) == 58
    text = (tmp_path / "out" / "000_setup.sql").read_text()
    assert text.startswith("-- step setup") and "CREATE SCHEMA IF NOT EXISTS dwh;" in text
    manifest = Manifest.from_json((tmp_path / "out" / "manifest.json").read_text())
    assert manifest.target == "redshift" and manifest.pipeline.name == "olist"
    plan = run("plan", str(OLIST), "--target", "redshift", "--compare", str(tmp_path / "out" / "manifest.json"))
    assert plan.returncode == 0 and plan.stdout.strip() == "22 spec(s) unchanged", plan.stdout


def test_cli_compile_refuses_a_broken_pipeline_and_unknown_targets(tiny, tmp_path):
    edit(tiny / "models" / "dim_member.yml", "tracked: [tier, city]", "tracked: [tier, cty]")
    broken = run("compile", str(tiny), "--out", str(tmp_path / "o"))
    assert broken.returncode == 1 and "E203" in broken.stdout and not (tmp_path / "o").exists()
    unknown = run("compile", str(FIXTURES / "tiny_shop"), "--target", "snowflake", "--out", str(tmp_path / "o"))
    assert unknown.returncode == 2 and "unknown target 'snowflake'" in unknown.stderr


def test_compiled_duckdb_sql_keeps_redshift_integer_division(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "scd2_case", root)
    edit(root / "models" / "agg_daily_events.yml", "COUNT(*) AS events", "COUNT(*) * 7 / 2 AS events")
    project, manifest = compile_fixture(root, "duckdb")
    build = manifest.step("build:agg_daily_events").statements[1].sql
    import duckdb

    body = build.split(" AS ", 1)[1]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute(
        "CREATE TABLE staging.account_events (region VARCHAR, account_no INT, plan VARCHAR, owner VARCHAR, "
        "changed_at TIMESTAMP, _batch_date DATE, _source_file VARCHAR, _source_line BIGINT)"
    )
    con.execute(
        "INSERT INTO staging.account_events VALUES ('eu', 1, 'a', 'b', TIMESTAMP '2024-01-01', "
        "DATE '2024-01-01', 'f', 2)"
    )
    assert con.execute(body, {"build_seq": 1}).fetchall()[0][1] == 3  # 1 * 7 / 2 is 3 on Redshift, not 3.5


def test_no_sql_is_assembled_with_fstrings():
    """Neither the library nor the dashboard builds SQL text by interpolation, in any quoting
    (a triple-quoted f-string whose SQL starts on the next line included)."""
    import re

    sql_fstring = re.compile(
        r"""\bf(\"\"\"|\'\'\'|\"|\')\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|CREATE|COPY|WITH)\b""", re.IGNORECASE
    )
    found = []
    for folder in ("framework", "dashboard"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for match in sql_fstring.finditer(path.read_text()):
                found.append(f"{path.relative_to(REPO)}: {match.group(0)[:40]!r}")
    assert found == []


def test_a_file_that_is_not_a_manifest_says_so():
    """Adversarial round 20 (plan_compare_malformed_manifest): `plan --compare` on `[]` ended in
    an internal AttributeError, on a manifest missing a field in a bare 'framework_version'."""
    import json

    import pytest

    from framework.compile.manifest import MANIFEST_VERSION, Manifest
    from framework.errors import CompileError

    with pytest.raises(CompileError, match="not a manifest: a JSON list, not an object"):
        Manifest.from_json("[]")
    with pytest.raises(CompileError, match="not a whole manifest: it lacks 'framework_version'"):
        Manifest.from_json(json.dumps({"manifest_version": MANIFEST_VERSION}))


def test_compare_says_what_the_next_run_does_with_each_kind_of_change(tmp_path):
    """Adversarial round 29 (plan_misleading_advice): the plan's advice must be what the run
    does. A table model's new shape is recreated by its next build; a source whose key changed
    fails its load until a reload; ingest-only settings rebuild nothing; a new column of an SCD2
    history cannot be filled in place."""
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "scd2_case", root)
    _, old = compile_fixture(root, "duckdb")
    edit(root / "models" / "mart_plans.yml", "{name: accounts, type: bigint", "{name: total, type: bigint")
    edit(root / "models" / "mart_plans.yml", "COUNT(*) AS accounts", "COUNT(*) AS total")
    _, renamed = compile_fixture(root, "duckdb")
    change = {c.name: c for c in compare(old, renamed).changes}["mart_plans"]
    assert change.table_change == "replaced" and change.remedy == "its next build recreates the table", change
    assert "replaced (accounts removed" in format_report(compare(old, renamed)), "a table model is made whole anyway"
    # the column it adds is named too (adversarial round 46: a breaking change hid the additions)
    assert "accounts removed; new columns: total: its next build" in format_report(compare(old, renamed))
    assert "--full" not in format_report(compare(old, renamed))

    root = tmp_path / "q"
    shutil.copytree(FIXTURES / "scd2_case", root)
    source = root / "sources" / "account_events.yml"
    edit(source, "load_mode: upsert", "load_mode: upsert\nmax_reject_fraction: 0.2")
    _, lenient = compile_fixture(root, "duckdb")
    changes = {c.name: c for c in compare(old, lenient).changes}
    assert changes["account_events"].action == "next_loads", changes["account_events"]
    assert {c.action for name, c in changes.items() if name != "account_events"} == {"unchanged"}

    edit(source, "primary_key: [region, account_no, changed_at]", "primary_key: [region, account_no]")
    _, rekeyed = compile_fixture(root, "duckdb")
    change = {c.name: c for c in compare(old, rekeyed).changes}["account_events"]
    assert change.action == "rebuild" and "its next load fails until `elt run --full --select account_events+`" in (
        change.reason
    )

    root = tmp_path / "r"
    shutil.copytree(FIXTURES / "scd2_case", root)
    edit(
        root / "models" / "dim_account.yml",
        "  - {name: owner, type: string}",
        "  - {name: owner, type: string}\n  - {name: note, type: string}",
    )
    edit(
        root / "models" / "dim_account.yml",
        "plan, owner, changed_at\n",
        "plan, owner, CAST(NULL AS VARCHAR) AS note, changed_at\n",
    )
    _, noted = compile_fixture(root, "duckdb")
    change = {c.name: c for c in compare(old, noted).changes}["dim_account"]
    # added in place: a recreate would lose the versions staging no longer holds (adversarial round 38)
    assert change.table_change == "additive" and change.added_columns == ("note",), change
    assert "closed versions before, and a current one staging no longer observes, keep NULL" in change.remedy
    assert "--full" not in change.remedy


def test_compare_names_a_changed_grain_where_the_target_declares_primary_keys(tmp_path):
    """Adversarial round 38 (model_key_change_keeps_old_pk): a model's `keys.business` changed
    and `plan --compare` said only "rebuild"; PostgreSQL kept the old PRIMARY KEY and refused
    the rows. Where tables declare keys (PostgreSQL, Redshift) it is breaking, with the command."""
    from framework.compile.changes import compare

    root = tmp_path / "r"
    shutil.copytree(FIXTURES / "scd2_case", root)
    for target, breaking in (("postgres", True), ("redshift", True), ("duckdb", False)):
        _, old = compile_fixture(root, target)
        spec = root / "models" / "fact_usage.yml"
        text = spec.read_text()
        spec.write_text(
            text.replace(
                "business: [region, account_no, usage_date]", "business: [region, account_no, usage_date, account_sk]"
            )
        )
        _, new = compile_fixture(root, target)
        spec.write_text(text)
        change = {c.name: c for c in compare(old, new).changes}["fact_usage"]
        assert (change.table_change == "breaking") == breaking, (target, change)
        if breaking:
            assert (
                "primary key (region, account_no, usage_date) → (region, account_no, usage_date, account_sk)"
                in change.breaking
            )
            assert "`elt run --full --select fact_usage` recreates the table" in change.remedy


def test_a_condition_over_several_lines_stays_inside_its_comment_in_the_compiled_files(tmp_path):
    """Adversarial round 54 (multiline_check_in_sql_comment): `v > 0 /*⏎; DELETE …; --*/` is one
    expression to the parser, and its second line was live SQL in the readable check file."""
    from framework.compile.output import step_sql

    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "tiny_shop", root)
    edit(
        root / "models" / "fact_purchase.yml",
        '{type: expression, name: positive_amount, condition: "amount > 0"}',
        '{type: expression, name: positive_amount, condition: "amount > 0 /*\\n; DELETE FROM staging.members; --*/"}',
    )
    _, manifest = compile_fixture(root, "duckdb")
    text = step_sql(manifest.step("check:fact_purchase"), "duckdb")
    assert "DELETE FROM staging.members" in text  # the condition is shown ...
    statements = [s for s in sqlglot.parse(text, read="duckdb") if s is not None]
    assert statements and not any(s.find(sqlglot.exp.Delete) for s in statements)  # ... never run
