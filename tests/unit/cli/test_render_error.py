"""SQL a target cannot take as built (sqlglot does not write it back the same way) stops the
run at compile with a message naming the step it was compiled for — a usage error (exit 2), not
an "internal error" with a class name (adversarial round 6: BOOL_OR on DuckDB)."""

from __future__ import annotations

import pytest

from framework.cli.main import main
from framework.compile import render
from tests.conftest import FIXTURES
from tests.support.workspace import Workspace


@pytest.fixture
def broken_fact(monkeypatch):
    """Every statement that reads the purchases' temp table fails its round trip."""
    real = render.check_fixed_point

    def check(text: str, dialect: str) -> str:
        return (
            "the SQL does not survive a parse round trip: …" if "__src_fact_purchase" in text else real(text, dialect)
        )

    monkeypatch.setattr(render, "check_fixed_point", check)


def test_a_statement_that_does_not_round_trip_names_its_step_and_exits_two(tmp_path, broken_fact, capsys):
    workspace = Workspace(tmp_path, FIXTURES / "tiny_shop")
    code = main(
        ["run", str(workspace.pipeline), "--warehouse", str(workspace.warehouse), "--lake", str(workspace.lake)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "build:fact_purchase: the SQL compiled for duckdb cannot be run as built" in err, err
    assert "internal error" not in err
