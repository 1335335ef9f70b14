"""Issue 15: what the testers found passing lint is refused, by `elt lint` and `elt compile` as a
user runs them (exit 1, a positioned `path:line:col: CODE message`, never a traceback), and by
compile itself when a caller skips lint."""

from __future__ import annotations

import pytest

from tests.unit.cli.test_cli import run

CONDITION = 'condition: "amount > 0"'
FROM = "FROM purchases AS p"

# (what the testers wrote, file, old text, new text, the exact first line `elt lint` prints)
ROWS = [
    (
        "a typo of a column in a check",
        "models/fact_purchase.yml",
        CONDITION,
        'condition: "amout > 0"',
        "models/fact_purchase.yml:19:59: E412 checks[2].condition: unknown column 'amout'. Did you mean 'amount'?",
    ),
    (
        "a second statement in a check",
        "models/fact_purchase.yml",
        CONDITION,
        'condition: "amount >= 0; DROP TABLE staging.orders"',
        "models/fact_purchase.yml:19:72: E412 checks[2].condition: a check condition must be one expression, "
        "found 2 statements",
    ),
    (
        "a file read in a check",
        "models/fact_purchase.yml",
        CONDITION,
        "condition: \"EXISTS (SELECT * FROM read_text('/proc/self/environ'))\"",
        "models/fact_purchase.yml:19:81: E411 checks[2].condition: table function 'read_text' reads outside the "
        "pipeline's specs (it reads or writes files on the warehouse's machine). FROM reads specs by name (and the "
        "query's CTEs); declare a source for external data.",
    ),
    (
        "a server file read in a model",
        "models/fact_purchase.sql",
        "SELECT p.purchase_id,",
        "SELECT pg_read_file('/etc/hostname') AS purchase_id,",
        "models/fact_purchase.sql:1:8: E411 function 'pg_read_file' reads outside the pipeline's specs (it reads or "
        "writes files on the warehouse's machine). Read a spec by its name; declare a source for external data.",
    ),
    (
        "the framework's ledger",
        "models/fact_purchase.sql",
        FROM,
        FROM + " CROSS JOIN elt.file_ledger",
        "models/fact_purchase.sql:5:32: E411 'elt.file_ledger' reads outside the pipeline's specs: tables are named "
        "by spec, without a schema. Read a spec by its name; declare a source for external data.",
    ),
    (
        "the catalog",
        "models/fact_purchase.sql",
        FROM,
        FROM + " CROSS JOIN information_schema.tables",
        "models/fact_purchase.sql:5:32: E411 'information_schema.tables' reads outside the pipeline's specs: tables "
        "are named by spec, without a schema. Read a spec by its name; declare a source for external data.",
    ),
    (
        "a spec by its physical name",
        "models/fact_purchase.sql",
        FROM,
        "FROM staging.purchases AS p",
        "models/fact_purchase.sql:5:6: E411 'staging.purchases' reads outside the pipeline's specs: tables are "
        "named by spec, without a schema. Write 'purchases': the framework places each spec in its schema.",
    ),
    (
        "a file-reading table function",
        "models/fact_purchase.sql",
        FROM,
        FROM + " CROSS JOIN read_csv('/etc/passwd')",
        "models/fact_purchase.sql:5:32: E411 table function 'read_csv' reads outside the pipeline's specs (it reads "
        "or writes files on the warehouse's machine). FROM reads specs by name (and the query's CTEs); declare a "
        "source for external data.",
    ),
]

ROWS += [
    (
        "a function Redshift does not have",
        "models/fact_purchase.sql",
        "       p.purchased_at\n",
        "       MAKE_DATE(2024, 1, 2) AS purchased_at\n",
        "models/fact_purchase.sql:4:8: E409 Redshift has no function MAKE_DATE: model SQL is Redshift SQL, and what "
        "runs locally must run in production. Did you mean 'TO_DATE'?",
    ),
    (
        "the clock in a check",
        "models/fact_purchase.yml",
        CONDITION,
        'condition: "amount > 0 AND purchased_at < GETDATE()"',
        "models/fact_purchase.yml:19:89: E409 checks[2].condition: GETDATE depends on when the model runs: the same "
        "data must give the same rows. Use a value of the data instead: for a date, one the data holds (the latest "
        "date of a column, or a source's ingest column _batch_date); for a sample, a hash of a key.",
    ),
]


def edit(root, rel, old, new):
    path = root / rel
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("what,rel,old,new,line", ROWS, ids=[r[0] for r in ROWS])
def test_lint_refuses_it_at_its_position(tiny, what, rel, old, new, line):
    edit(tiny, rel, old, new)
    result = run("lint", ".", cwd=tiny)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [line], result.stdout
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("what,rel,old,new,line", ROWS, ids=[r[0] for r in ROWS])
def test_compile_refuses_it_too(tiny, what, rel, old, new, line):
    edit(tiny, rel, old, new)
    result = run("compile", ".", cwd=tiny)
    assert result.returncode == 1, result.stdout + result.stderr
    assert line in result.stdout.splitlines(), result.stdout
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (tiny / "out").exists()


@pytest.mark.parametrize(
    "rel,old,new,code",
    [row[1:4] + (row[4].split(" ")[1],) for row in ROWS if row[4].split(" ")[1] == "E411" or ";" in row[3]],
)
def test_compile_without_lint_refuses_with_the_findings(tiny, rel, old, new, code):
    """A caller that skips lint (a library user) gets a SpecError with the diagnostics, not SQL."""
    from framework.compile import compile_project
    from framework.errors import SpecError
    from framework.spec.project import load_project

    edit(tiny, rel, old, new)
    project, _ = load_project(str(tiny))
    with pytest.raises(SpecError) as refused:
        compile_project(project, None)
    assert [d.code for d in refused.value.diagnostics] == [code]


def test_the_model_columns_the_framework_fills_are_columns_of_a_check(tiny):
    """SCD2's valid_from/valid_to/is_current are the model's columns too."""
    spec = tiny / "models" / "dim_member.yml"
    spec.write_text(
        spec.read_text()
        + 'checks:\n  - {type: expression, name: open_is_current, condition: "is_current = (valid_to > valid_from)"}\n'
    )
    result = run("lint", ".", cwd=tiny)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_condition_subquery_reads_the_physical_table_of_an_input(tiny):
    """Specs are named by name in a condition too; compile places them, as in model SQL."""
    from framework.compile.builders.checks import compile_checks
    from framework.compile.naming import Naming
    from framework.sql.dialects import get_dialect
    from tests.conftest import lint

    edit(
        tiny,
        "models/fact_purchase.yml",
        CONDITION,
        'condition: "EXISTS (SELECT 1 FROM purchases AS s WHERE s.purchase_id = purchase_id)"',
    )
    assert [d.format() for d in lint(tiny)] == []
    from framework.spec.project import load_project

    project, _ = load_project(str(tiny))
    spec = project.spec("fact_purchase")
    check = next(c for c in compile_checks(spec, Naming.for_project(project)) if c.name.startswith("expression"))
    sql = check.failing_rows.sql(get_dialect("duckdb").sqlglot_dialect)
    assert "FROM staging.purchases AS s" in sql, sql
