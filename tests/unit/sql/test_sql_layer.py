"""framework.sql: model SQL parsed once and shared by lint and compile, never changed by them."""

from __future__ import annotations

import sqlglot

from framework.compile import compile_project
from framework.lint import lint_project_folder
from framework.sql import SOURCE_DIALECT
from framework.sql.parse import parse_model
from tests.conftest import OLIST


def test_lint_and_compile_share_one_parse_and_leave_the_tree_unchanged():
    project, found = lint_project_folder(str(OLIST))
    assert not [d for d in found if d.severity.value == "error"]
    before = parse_model.cache_info()
    compile_project(project, "duckdb")
    compile_project(project, "redshift")
    after = parse_model.cache_info()
    assert after.misses == before.misses  # compile parsed nothing lint had not parsed
    for spec in project.models:
        parsed = parse_model(spec.sql)
        assert parsed.tree == sqlglot.parse_one(spec.sql.text, read=SOURCE_DIALECT), spec.name


def test_parsed_model_knows_the_tables_it_reads_and_its_ctes():
    project, _ = lint_project_folder(str(OLIST))
    for spec in project.models:
        parsed = parse_model(spec.sql)
        assert parsed.problems == ()
        assert sorted(parsed.referenced_specs({s.name for s in project.specs})) == sorted(spec.depends_on)
        assert not parsed.ctes & set(parsed.tables)
