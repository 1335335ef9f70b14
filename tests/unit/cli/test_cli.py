"""The `elt` console script as a user runs it: exit codes, formats, help, schemas, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.support.workspace import cli_env

ELT = [str(Path(sys.executable).parent / "elt")]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(ELT + list(args), cwd=cwd, capture_output=True, text=True, timeout=60, env=cli_env())


def test_clean_pipeline_exits_zero():
    result = run("lint", str(FIXTURES / "tiny_shop"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_findings_exit_one_and_every_diagnostic_is_collected(tiny):
    (tiny / "models" / "dim_member.yml").write_text(
        (tiny / "models" / "dim_member.yml")
        .read_text()
        .replace("layer: dimension", "layer: dimention")
        .replace("tracked: [tier, city]", "tracked: [tier, cty]")
    )
    (tiny / "models" / "fact_purchase.yml").write_text(
        (tiny / "models" / "fact_purchase.yml").read_text().replace("type: string}", "type: strng}", 1)
    )
    result = run("lint", ".", cwd=tiny)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "models/dim_member.yml:4:8: E104 layer: value 'dimention' is not allowed. Did you mean 'dimension'?",
        "models/fact_purchase.yml:12:29: E201 columns[1].type: invalid type 'strng'; expected one of string, "
        "string(n), integer, bigint, double, decimal(p,s), boolean, date, timestamp, timestamptz. "
        "Did you mean 'string'?",
    ], result.stdout
    assert "Traceback" not in result.stderr
    # dim_member failed its schema, so its semantic errors (cty) wait for the next run; nothing cascades.
    assert "E301" not in result.stdout and "E303" not in result.stdout


def test_json_format_carries_the_same_data(tiny):
    (tiny / "models" / "dim_member.yml").write_text(
        (tiny / "models" / "dim_member.yml").read_text().replace("tracked: [tier, city]", "tracked: [tier, cty]")
    )
    result = run("lint", ".", "--format", "json", cwd=tiny)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["summary"] == {"errors": 1, "warnings": 0}
    (item,) = payload["diagnostics"]
    assert item == {
        "path": "models/dim_member.yml",
        "line": 14,
        "col": 19,
        "code": "E203",
        "message": "unknown column 'cty'",
        "key_path": "history.tracked[1]",
        "hint": "Did you mean 'city'?",
        "severity": "error",
    }


def test_warnings_exit_zero_unless_strict(tiny):
    (tiny / "sources" / "unused.yml").write_text(
        "version: 1\nkind: source\nname: unused\nlanding: {path: u.csv, format: csv}\n"
        "columns: [{name: id, type: string}]\nload_mode: append\n"
    )
    assert run("lint", ".", cwd=tiny).returncode == 0
    strict = run("lint", ".", "--strict", cwd=tiny)
    assert strict.returncode == 1 and "W501" in strict.stdout


def test_spec_file_path_lints_its_pipeline(tiny):
    result = run("lint", "models/dim_member.yml", cwd=tiny)
    assert result.returncode == 0 and "1 pipeline(s), 5 file(s) checked" in result.stdout


@pytest.mark.parametrize(
    "args", [["lint", "no/such/folder"], ["frobnicate"], ["lint", "--format", "xml"], ["schema", "modle"], []]
)
def test_usage_errors_exit_two(args, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["lint", "schema"])
def test_every_subcommand_has_help(command):
    result = run(command, "--help")
    assert result.returncode == 0 and f"usage: elt {command}" in result.stdout


@pytest.mark.parametrize("kind", ["pipeline", "source", "model"])
def test_schema_command_prints_the_shipped_draft_2020_12_schema(kind):
    import jsonschema

    result = run("schema", kind)
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert schema["properties"]["kind"] == {"const": kind}


def test_list_rules_and_the_docs_page_agree():
    listed = run("lint", "--list-rules", "--format", "markdown")
    assert listed.returncode == 0
    assert (REPO / "docs" / "lint-rules.md").read_text() == listed.stdout, (
        "docs/lint-rules.md is stale: regenerate with `elt lint --list-rules --format markdown > docs/lint-rules.md`"
    )
    text = run("lint", "--list-rules").stdout
    assert "E302  error    dependency cycle" in text and "W501  warning  unused source" in text


def test_internal_error_is_a_message_not_a_traceback(tmp_path):
    # A folder that cannot be read: a permission problem surfaces as a diagnostic or message.
    root = tmp_path / "p"
    root.mkdir()
    (root / "pipeline.yml").write_text((FIXTURES / "tiny_shop" / "pipeline.yml").read_text())
    locked = root / "models.yml"
    locked.write_text("version: 1\n")
    os.chmod(locked, 0)
    result = run("lint", ".", cwd=root)
    if os.geteuid() == 0:  # root reads anything; the file then just misses its kind
        assert "E102" in result.stdout
    else:
        assert "E003" in result.stdout
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_a_lake_url_given_to_lake_is_refused_not_made_a_local_folder(tmp_path):
    """Adversarial round 55: `--lake s3://bucket/pre` made a local folder named `s3:`."""
    for command in ("ingest", "run"):
        result = run(command, str(FIXTURES / "tiny_shop"), "--lake", "s3://bucket/pre", cwd=tmp_path)
        assert result.returncode == 2 and "--lake takes a folder" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []
