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
