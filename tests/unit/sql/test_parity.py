"""The parity matrix on DuckDB (tests/support/parity_cases.py): each construct computes
Redshift's value, or `refusals` names it. PostgreSQL runs the same table in
tests/integration/postgres/test_parity.py."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.parity_cases import CASES, Case, refusal_messages, rendered, same

EXACT = [c for c in CASES if not c.refused]
REFUSED = [c for c in CASES if c.refused]


def test_the_matrix_is_wide():
    assert len(CASES) >= 60 and len(REFUSED) >= 10


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from framework.execute.duckdb import connect_duckdb

    session = connect_duckdb(str(tmp_path_factory.mktemp("parity") / "w.duckdb"))
    yield session
    session.close()


@pytest.mark.parametrize("case", EXACT, ids=[c.name for c in EXACT])
def test_duckdb_computes_redshifts_value(case: Case, warehouse):
    assert refusal_messages(case) == [], case.sql  # an exact construct is never refused
    text = rendered(case, "duckdb")
    actual = warehouse.execute(text).fetchall()[0][0]
    assert same(actual, case), f"{case.sql}\n-> {text}\n= {actual!r}, Redshift: {case.expected!r} ({case.doc})"


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_refused_constructs_are_named(case: Case):
    messages = refusal_messages(case)
    assert messages and all(len(m) > 20 for m in messages), case.sql


def test_refusals_point_at_the_node_with_its_position():
    import sqlglot

    from framework.sql.parity import refusals

    tree = sqlglot.parse_one("SELECT a,\n  TO_CHAR(d, 'FMDD') AS x FROM t", read="redshift")
    [(node, message)] = refusals(tree)
    assert node.meta.get("line") == 2 and "'FMDD'" in message and "TO_CHAR" in message


def test_the_postgres_rendering_keeps_redshifts_format():
    # sqlglot's own PostgreSQL spelling turns MONTH into TMMonth (a different value)
    case = next(c for c in CASES if c.name == "to_char MONTH pads to 9")
    assert "'MONTH'" in rendered(case, "postgres")


def test_months_do_not_collapse_when_grouped(warehouse):
    case = Case("", "SELECT TO_CHAR(DATE '2024-01-15', 'Mon YYYY') = TO_CHAR(DATE '2024-02-15', 'Mon YYYY')", False)
    assert warehouse.execute(rendered(case, "duckdb")).fetchall()[0][0] is False


SCD2_START = """
import duckdb, sys
from framework.execute.duckdb import connect_duckdb
path = sys.argv[1]
raw = duckdb.connect(path)
raw.execute("CREATE TABLE src AS SELECT CAST('2024-01-01 10:00:00+00' AS TIMESTAMPTZ) AS changed_at")
raw.close()
session = connect_duckdb(path)
print(session.execute("SELECT current_setting('TimeZone'), CAST(CAST(changed_at AS TIMESTAMP) AS VARCHAR), "
                      "CAST(CAST('2024-01-01 10:00:00' AS TIMESTAMPTZ) AS VARCHAR) FROM src").fetchall())
"""


def test_a_timestamptz_version_start_is_utc_whatever_the_host_tz(tmp_path):
    """An SCD2 version starting at a timestamptz: the framework's session is UTC even when the
    process runs in São Paulo (DuckDB otherwise takes the host's zone)."""
    env = dict(os.environ, TZ="America/Sao_Paulo", PYTHONPATH=os.getcwd())
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb; print(duckdb.connect().execute(\"SELECT current_setting('TimeZone')\").fetchall())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Sao_Paulo" in probe.stdout  # the host's zone is what DuckDB would use by itself
    done = subprocess.run(
        [sys.executable, "-c", SCD2_START, str(tmp_path / "w.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[('UTC', '2024-01-01 10:00:00', '2024-01-01 10:00:00+00')]"


@pytest.mark.parametrize("divisor_type", ["DECIMAL(10,2)", "DOUBLE PRECISION", "INTEGER"])
def test_a_division_by_zero_fails_as_on_redshift_and_a_guarded_one_does_not(divisor_type, warehouse):
    """Redshift fails the statement on a division by zero; DuckDB's `/` gave infinity, stored
    as such in a double column (adversarial round 11). A division guarded by CASE stays NULL."""
    from framework.errors import WarehouseError

    for_rows = f"(SELECT CAST(7 AS {divisor_type}) AS n, CAST(x AS {divisor_type}) AS y FROM (SELECT 0 AS x UNION ALL SELECT 2)) AS t"
    unguarded = rendered(Case("by zero", f"SELECT n / y FROM {for_rows}"), "duckdb")
    with pytest.raises(WarehouseError, match="division by zero"):
        warehouse.execute(unguarded).fetchall()
    guarded = rendered(
        Case("guarded", f"SELECT CASE WHEN y = 0 THEN NULL ELSE n / y END FROM {for_rows} ORDER BY y"), "duckdb"
    )
    assert [row[0] is None for row in warehouse.execute(guarded).fetchall()] == [True, False]


def test_every_function_lint_accepts_exists_on_duckdb(warehouse):
    """Adversarial round 15 (catalogued_fn_fail_duckdb): DEXP, DATE_PART_YEAR, QUOTE_LITERAL …
    passed lint and stopped the run at "function does not exist"."""
    from tests.support.parity_cases import functions_missing

    missing, ran = functions_missing("duckdb", lambda sql: warehouse.execute(sql).fetchall())
    assert not missing, missing
    assert ran > 80  # the catalogue was walked, not skipped
