"""The parity matrix on PostgreSQL (tests/support/parity_cases.py), through the framework's
own session (UTC, like Redshift's): each exact construct computes Redshift's value."""

from __future__ import annotations

import pytest

from tests.support.parity_cases import CASES, Case, rendered, same

EXACT = [c for c in CASES if not c.refused]


@pytest.fixture(scope="module")
def session(postgres, tmp_path_factory):
    from framework.execute.postgres import connect_postgres

    settings = postgres.settings(postgres.create_database("parity"), str(tmp_path_factory.mktemp("lake")))
    connected = connect_postgres(settings)
    yield connected
    connected.close()


def test_the_session_is_utc(session):
    assert session.execute("SHOW TimeZone").rows == [("UTC",)]


@pytest.mark.parametrize("case", EXACT, ids=[c.name for c in EXACT])
def test_postgres_computes_redshifts_value(case: Case, session):
    text = rendered(case, "postgres")
    actual = session.execute(text).rows[0][0]
    assert same(actual, case), f"{case.sql}\n-> {text}\n= {actual!r}, Redshift: {case.expected!r} ({case.doc})"


def test_every_function_lint_accepts_exists_on_postgres(session):
    """Adversarial round 15 (catalogued_fn_fail_duckdb): ANY_VALUE, DEXP, QUOTE_LITERAL … passed
    lint and stopped a PostgreSQL run at "function does not exist"."""
    from tests.support.parity_cases import functions_missing

    missing, ran = functions_missing("postgres", session.execute, lambda: session.execute("ROLLBACK"))
    assert not missing, missing
    assert ran > 80  # the catalogue was walked, not skipped
