"""A scoped build's unique check on columns other than the key: it reads the table's rows that
share a value with the rows the build rewrote, not the whole table, and still finds every
duplicate a rewritten row is part of — a NULL in one of the columns included."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from framework.compile.builders.checks import compile_checks
from framework.compile.builders.scoping import audit_name, scoped_checks
from framework.compile.naming import Naming
from framework.spec import model as m
from framework.sql.lineage import KeyScope
from tests.conftest import OLIST
from tests.support.duck import compile_fixture


@pytest.fixture(scope="module")
def olist():
    return compile_fixture(OLIST, "duckdb")


@pytest.fixture()
def conn(olist):
    project, _ = olist
    conn = duckdb.connect()
    conn.execute("CREATE SCHEMA dwh")
    conn.execute(
        "CREATE TABLE dwh.dim_customer AS SELECT * FROM (VALUES "
        "('sk1', 'p1', '01', 'x'), ('sk1', 'p2', '01', 'x'), "  # an old duplicate, no row of it rewritten
        "('sk3', 'p3', NULL, 'y'), ('sk4', 'p4', NULL, 'y'), "  # p4 rewritten: its city is shared, its zip NULL
        "('sk5', 'p5', '02', 'z')"  # rewritten, no duplicate
        ") AS t(customer_sk, customer_unique_id, zip_code_prefix, city)"
    )
    audit = audit_name(project.spec("dim_customer"))  # the rows the scoped build rewrote
    conn.execute(
        f"CREATE TEMPORARY TABLE {audit} AS SELECT * FROM dwh.dim_customer WHERE customer_unique_id IN ('p4', 'p5')"
    )
    return conn


def test_the_scoped_unique_check_on_the_surrogate_key_reads_the_rewritten_values(olist, conn):
    _, manifest = olist
    (check,) = [c for c in manifest.step("check:dim_customer").scoped_checks if c.name == "unique(customer_sk)"]
    assert conn.execute(check.count_sql).fetchone()[0] == 0  # sk1's duplicate holds no rewritten row
    conn.execute("UPDATE dwh.dim_customer SET customer_sk = 'sk1' WHERE customer_unique_id = 'p5'")
    conn.execute("UPDATE __audit_dim_customer SET customer_sk = 'sk1' WHERE customer_unique_id = 'p5'")
    assert conn.execute(check.count_sql).fetchone()[0] == 1  # p5 now duplicates sk1: found with the old rows
    assert conn.execute(check.sample_sql).fetchall() == [("sk1", 3)]


def test_a_duplicate_with_a_null_column_is_found_through_the_other_column(olist, conn):
    project, _ = olist
    spec = project.spec("dim_customer")
    unique = m.Check(
        type=m.CheckType.UNIQUE, severity=m.CheckSeverity.ERROR, key_path=(), columns=("zip_code_prefix", "city")
    )
    naming = Naming.for_project(project)
    (whole,) = compile_checks(dataclasses.replace(spec, checks=(unique,), history=None), naming)
    (scoped,) = scoped_checks([whole], spec, KeyScope("customer_unique_id", ()), naming)
    everywhere = {tuple(r[:2]) for r in conn.execute(whole.failing_rows.sql("duckdb")).fetchall()}
    assert everywhere == {("01", "x"), (None, "y")}
    found = {tuple(r[:2]) for r in conn.execute(scoped.failing_rows.sql("duckdb")).fetchall()}
    assert found == {(None, "y")}  # p4's group, though its zip is NULL; not the old ('01', 'x') pair
