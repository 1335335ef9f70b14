"""Golden files: the exact SQL each target gets, reviewed like code.

`pytest --update-golden` rewrites them; the diff then shows what a change does to the SQL.
"""

from __future__ import annotations

import pytest

from framework.compile.output import step_file_name, step_sql
from framework.sql.dialects import get_dialect
from tests.conftest import FIXTURES, OLIST, REPO
from tests.support.duck import compile_fixture

GOLDEN = REPO / "tests" / "golden"
CASES = {"olist": OLIST, "scd2_case": FIXTURES / "scd2_case", "tiny_shop": FIXTURES / "tiny_shop"}


@pytest.mark.parametrize("target", ["redshift", "duckdb", "postgres"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_sql_matches_golden_files(case, target, update_golden):
    _, manifest = compile_fixture(CASES[case], target)
    folder = GOLDEN / case / target
    dialect = get_dialect(target).sqlglot_dialect
    produced = {step_file_name(i, step): step_sql(step, dialect) for i, step in enumerate(manifest.steps)}
    if update_golden:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.sql"):
            stale.unlink()
        for name, text in produced.items():
            (folder / name).write_text(text)
    expected = {p.name: p.read_text() for p in sorted(folder.glob("*.sql"))}
    assert sorted(produced) == sorted(expected), "steps differ; run pytest --update-golden and review the diff"
    for name, text in produced.items():
        assert text == expected[name], f"{case}/{target}/{name} differs; run pytest --update-golden and review"


def test_redshift_golden_shapes_follow_redshifts_rules():
    """What the allow-list says Redshift accepts, checked on the golden text itself."""
    text = "\n".join(p.read_text() for p in sorted((GOLDEN / "olist" / "redshift").glob("*.sql")))
    assert "MERGE INTO staging.orders\nUSING __dedup_orders\nON orders.order_id = __dedup_orders.order_id" in text
    assert "COPY __load_orders\nFROM %(manifest_url)s\nIAM_ROLE %(iam_role)s\nFORMAT PARQUET\nMANIFEST" in text
    assert "DISTSTYLE" in text and "SORTKEY" in text
    for merge in [chunk for chunk in text.split(";") if "MERGE INTO" in chunk]:
        assert merge.count("WHEN MATCHED") <= 1 and merge.count("WHEN NOT MATCHED") == 1
        assert "MERGE INTO" in merge and " AS " not in merge.split("USING")[0]  # no target alias
    duck = "\n".join(p.read_text() for p in sorted((GOLDEN / "olist" / "duckdb").glob("*.sql")))
    assert "DISTSTYLE" not in duck and "READ_PARQUET($batch_files, union_by_name = TRUE)" in duck


@pytest.mark.parametrize("target", ["redshift", "postgres", "duckdb"])
def test_the_bootstrap_sql_matches_its_golden_file(target, update_golden):
    """What an admin runs once per warehouse (`elt bootstrap`), reviewed like the pipeline's SQL."""
    from framework.compile import compile_bootstrap
    from framework.spec.project import load_project

    project, _ = load_project(str(OLIST))
    statements = compile_bootstrap(project, target, "analytics", ("IAMR:olist-airflow-prod",), ("IAMR:olist-bi",))
    produced = "".join(f"-- {purpose}\n{sql};\n" for purpose, sql in statements)
    path = GOLDEN / "olist" / "bootstrap" / f"{target}.sql"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(produced)
    assert produced == path.read_text(), f"{path} differs; run pytest --update-golden and review"
    if target == "duckdb":
        assert produced == ""  # a DuckDB file has no users
    else:
        assert "GRANT CREATE ON DATABASE analytics TO" in produced and '"IAMR:olist-airflow-prod"' in produced
    if target == "redshift":  # scoped: every current and future table, whoever created it
        assert "GRANT ALL FOR TABLES IN SCHEMA dwh DATABASE analytics TO ROLE elt_writer" in produced
