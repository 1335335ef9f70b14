"""The strict YAML loader and the schema translation: edge cases users hit."""

from __future__ import annotations

import pytest

from framework.spec.validate import spec_kind, validate_document
from framework.spec.yaml_io import load_document


def load(text: str | bytes):
    return load_document("spec.yml", text if isinstance(text, bytes) else text.encode())


def test_values_keep_their_positions():
    doc, problems = load("version: 1\nhistory:\n  tracked:\n    - a\n    - segmnt\n")
    assert problems == []
    assert doc.where(("history", "tracked", 1)).line == 5
    assert doc.where(("history", "tracked", 1)).col == 7
    assert doc.where(("history",), key=True).line == 2


@pytest.mark.parametrize(
    "text,expected",
    [
        ("d: 2016-09-04", "2016-09-04"),  # dates stay strings
        ("d: 2016-09-04 21:15:19", "2016-09-04 21:15:19"),
        ("d: yes", "yes"),  # YAML 1.1 booleans are not booleans here
        ("d: off", "off"),
        ("d: 1:30", "1:30"),  # no sexagesimal numbers
        ("d: 0o17", "0o17"),
        ("d: ${HOME}", "${HOME}"),  # no environment expansion
        ("d: '007'", "007"),
        ("d: 12", 12),
        ("d: 1.5", 1.5),
        ("d: true", True),
        ("d: ~", None),
    ],
)
def test_scalars_follow_plain_data_rules(text, expected):
    doc, problems = load(text + "\n")
    assert problems == [] and doc.value["d"] == expected
    assert type(doc.value["d"]) is type(expected)


def test_utf8_bom_is_accepted():
    doc, problems = load(b"\xef\xbb\xbfversion: 1\n")
    assert problems == [] and doc.value == {"version": 1}


@pytest.mark.parametrize(
    "text,code,line,col,fragment",
    [
        ("a: 1\nb:\n  c: 1\n  c: 2\n", "E002", 4, 3, "duplicate key 'c' (first defined at line 3)"),
        ("a: 1\n---\nb: 2\n", "E001", 2, 1, "expected a single document"),
        ("a:\n\t- 1\n", "E001", 2, 1, "YAML syntax error"),
        ("a: [1, 2\n", "E001", 2, 1, "YAML syntax error"),
        ("a: 'unterminated\n", "E001", 2, 1, "YAML syntax error"),
        ("a: &anchor {b: 1}\nc: *anchor\n", "E005", 1, 4, "anchors and aliases are not supported"),
        ("base: {b: 1}\nc:\n  <<: {b: 2}\n", "E005", 3, 3, "merge keys"),
        ("a: !include other.yml\n", "E005", 1, 4, "YAML tag '!include' is not allowed"),
        ("", "E004", 1, 1, "the file is empty"),
        ("\n# just a comment\n", "E004", 1, 1, "the file is empty"),
        (b"a: 1\nb: \x80\x81\n", "E003", 2, 4, "not valid UTF-8: byte 0x80"),
        (b"a: \x00\n", "E001", 1, 4, "control characters are not allowed (character #x0000)"),
    ],
)
def test_loader_errors_are_positioned_diagnostics(text, code, line, col, fragment):
    doc, problems = load(text)
    assert doc is None
    (problem,) = problems
    assert (problem.code, problem.line, problem.col) == (code, line, col), problem.format()
    assert fragment in problem.message


MODEL = """version: 1
kind: model
name: m
layer: fact
columns:
  - name: a
    type: string
    tests: [uniq, {type: relationships}, {type: accepted_values, values: []}]
checks:
  - {type: not_null, column: a}
  - {type: expression, name: ok}
keys: [a]
materialization: tabel
"""


def test_schema_findings_are_all_reported_with_positions_and_hints():
    doc, _ = load(MODEL)
    kind, problems = spec_kind(doc)
    assert kind == "model" and problems == []
    found = sorted(validate_document(doc, kind), key=lambda d: (d.line, d.col, d.code))
    got = [(d.line, d.col, d.code, d.key_path, d.message, d.hint) for d in found]
    assert got == [
        (8, 13, "E104", "columns[0].tests[0]", "value 'uniq' is not allowed", "Did you mean 'unique'?"),
        (8, 19, "E102", "columns[0].tests[1]", "missing required field 'to'", ""),
        (8, 74, "E105", "columns[0].tests[2].values", "expected at least 1 item(s)", ""),
        (10, 5, "E102", "checks[0]", "missing required field 'columns'", ""),
        (10, 22, "E101", "checks[0].column", "unknown field 'column'", "Did you mean 'columns'?"),
        (11, 5, "E102", "checks[1]", "missing required field 'condition'", ""),
        (12, 7, "E103", "keys", "expected a mapping, found a list", ""),
        (13, 18, "E104", "materialization", "value 'tabel' is not allowed", "Did you mean 'table'?"),
    ]


@pytest.mark.parametrize(
    "text,code,fragment",
    [
        ("kind: model\n", "E102", "missing required field 'version'"),
        ("version: 1\n", "E102", "missing required field 'kind'"),
        ("version: '1'\nkind: model\n", "E106", "unsupported spec version '1'"),
        ("version: true\nkind: model\n", "E106", "unsupported spec version True"),
        ("version: 1\nkind: sauce\n", "E107", "unknown spec kind 'sauce'"),
        ("- version: 1\n", "E103", "expected a mapping at the top of the file, found a list"),
    ],
)
def test_version_and_kind_come_first(text, code, fragment):
    doc, _ = load(text)
    _, problems = spec_kind(doc)
    assert [p.code for p in problems] == [code] and fragment in problems[0].message


def test_pipeline_targets_are_checked_per_type():
    doc, _ = load("""version: 1
kind: pipeline
name: p
owner: me
schedule: "@daily"
start_date: "2024-01-01"
default_target: prod
targets:
  prod:
    type: redshift
    redshift_conn_id: rs
    aws_conn_id: aws
    s3_bucket: Bad_Bucket
    iam_role_arn_env: copy_role
    workgroup: wg
    database: db
    password: hunter2
  Local:
    type: local
    database: w.duckdb
""")
    found = sorted(validate_document(doc, "pipeline"), key=lambda d: (d.line, d.col))
    got = [(d.line, d.code, d.key_path) for d in found]
    assert got == [
        (13, "E105", "targets.prod.s3_bucket"),
        (14, "E105", "targets.prod.iam_role_arn_env"),
        (17, "E101", "targets.prod.password"),  # no secrets in YAML: not even a field for them
        (18, "E105", "targets.Local"),  # 'Local' is not a lower_snake_case name
        (18, "E102", "targets.Local"),  # a local target needs its lake folder
    ], [d.format() for d in found]


def test_every_pattern_of_the_schemas_has_words_for_its_error():
    """An E105 says what the field takes, never a bare regex (`landing_prefix` showed
    `^[A-Za-z0-9_./-]*$`): every `pattern` and `patternProperties` key of the schemas has a meaning."""
    import json
    from importlib import resources

    from framework.spec.validate import _PATTERN_MEANINGS

    def patterns(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                yield node["pattern"]
            yield from node.get("patternProperties", {})
            for value in node.values():
                yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    folder = resources.files("framework.spec.schemas")
    found = {p for f in folder.iterdir() if f.name.endswith(".json") for p in patterns(json.loads(f.read_text()))}
    assert len(found) >= 10
    assert sorted(found - set(_PATTERN_MEANINGS)) == []
