"""Terraform, checked offline: formatting, and the security properties read from the HCL itself.
(`terraform validate/plan/apply` need provider downloads and an AWS account: not here.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

from tests.conftest import REPO

TF = REPO / "terraform"


def clean(value):
    """python-hcl2 keeps HCL's quotes and block markers; make plain values of them."""
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items() if k not in ("__is_block__", "__comments__")}
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def load(path: Path) -> dict:
    with open(path) as handle:
        return clean(hcl2.load(handle))


def blocks(doc: dict, kind: str) -> dict:
    """{type: {name: body}} merged over the file's list of blocks."""
    merged: dict = {}
    for entry in doc.get(kind, []):
        for type_name, named in entry.items():
            merged.setdefault(type_name, {}).update(named)
    return merged


def module(name: str) -> dict:
    docs = [load(p) for p in sorted((TF / "modules" / name).glob("*.tf"))]
    return {
        "resource": {k: v for d in docs for k, v in blocks(d, "resource").items()},
        "data": {k: v for d in docs for k, v in blocks(d, "data").items()},
        "variable": {k: v for d in docs for e in d.get("variable", []) for k, v in e.items()},
        "output": {k: v for d in docs for e in d.get("output", []) for k, v in e.items()},
    }


def test_terraform_fmt_is_clean():
    if shutil.which("terraform") is None:
        pytest.skip("no terraform binary on this machine")
    result = subprocess.run(["terraform", "fmt", "-check", "-recursive", str(TF)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_lake_bucket_is_private_encrypted_versioned_and_tls_only():
    lake = module("lake_bucket")["resource"]
    block = lake["aws_s3_bucket_public_access_block"]["lake"]
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    sse = lake["aws_s3_bucket_server_side_encryption_configuration"]["lake"]["rule"][0]
    assert "apply_server_side_encryption_by_default" in sse
    assert lake["aws_s3_bucket_versioning"]["lake"]["versioning_configuration"][0]["status"] == "Enabled"
    policy = module("lake_bucket")["data"]["aws_iam_policy_document"]["tls_only"]["statement"][0]
    assert policy["effect"] == "Deny" and policy["condition"][0]["variable"] == "aws:SecureTransport"
    assert policy["condition"][0]["values"] == ["false"]
    rules = lake["aws_s3_bucket_lifecycle_configuration"]["lake"]["rule"]
    assert any("landing" in str(r.get("filter")) and "expiration" in r for r in rules)


def test_the_workgroup_is_not_public_and_the_password_is_managed():
    rs = module("redshift_serverless")["resource"]
    assert rs["aws_redshiftserverless_workgroup"]["this"]["publicly_accessible"] is False
    namespace = rs["aws_redshiftserverless_namespace"]["this"]
    assert namespace["manage_admin_password"] is True and "admin_user_password" not in namespace
    assert "aws_redshiftserverless_usage_limit" in rs


def test_the_copy_role_reads_only_the_lake_prefix():
    role = module("copy_role")["data"]["aws_iam_policy_document"]["read_lake_prefix"]["statement"]
    actions = [a for s in role for a in s["actions"]]
    resources = [r for s in role for r in s["resources"]]
    assert set(actions) <= {"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"}
    assert "s3:*" not in actions and "*" not in resources
    objects = next(s for s in role if "s3:GetObject" in s["actions"])
    assert objects["resources"] == ["${var.bucket_arn}/${var.prefix}/*"]
    listing = next(s for s in role if "s3:ListBucket" in s["actions"])
    assert listing["condition"][0]["values"] == ["${var.prefix}/*"]


def test_the_airflow_identity_is_least_privilege():
    policy = module("airflow_identity")["data"]["aws_iam_policy_document"]["airflow"]["statement"]
    for statement in policy:
        assert "*" not in statement["resources"] and not any(a.endswith(":*") for a in statement["actions"])


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_environment_roots_output_what_the_framework_reads_and_validate_inputs(env):
    docs = [load(p) for p in sorted((TF / "envs" / env).glob("*.tf"))]
    outputs = {k for d in docs for e in d.get("output", []) for k in e}
    assert {
        "bucket",
        "prefix",
        "copy_role_arn",
        "workgroup",
        "database",
        "endpoint",
        "port",
        "region",
        "pipeline",
    } <= outputs
    variables = {k: v for d in docs for e in d.get("variable", []) for k, v in e.items()}
    assert all("description" in v for v in variables.values())
    assert "validation" in variables["region"] and "validation" in variables["pipeline"]


def test_every_module_variable_is_described():
    for name in ("lake_bucket", "copy_role", "redshift_serverless", "airflow_identity"):
        variables = module(name)["variable"]
        assert variables and all("description" in v for v in variables.values()), name


def test_outputs_become_pipeline_settings_and_airflow_connections(tmp_path):
    outputs = {
        name: {"value": value, "type": "string", "sensitive": False}
        for name, value in {
            "pipeline": "olist",
            "region": "sa-east-1",
            "bucket": "olist-lake-prod",
            "prefix": "olist",
            "copy_role_arn": "arn:aws:iam::123456789012:role/olist-prod-redshift-copy",
            "workgroup": "olist-prod",
            "database": "analytics",
            "endpoint": "olist-prod.123456789012.sa-east-1.redshift-serverless.amazonaws.com",
            "port": 5439,
            "airflow_role_arn": "arn:aws:iam::123456789012:role/olist-prod-airflow",
        }.items()
    }
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    result = subprocess.run(
        [sys.executable, str(TF / "outputs_to_settings.py"), "--json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    settings = json.loads(result.stdout)
    target = settings["target"]["prod"]
    assert target["s3_bucket"] == "olist-lake-prod" and target["workgroup"] == "olist-prod"
    assert settings["environment"] == {"ELT_OLIST_COPY_ROLE_ARN": outputs["copy_role_arn"]["value"]}
    redshift = settings["airflow_connections"]["AIRFLOW_CONN_REDSHIFT_OLIST"]
    assert redshift["extra"]["iam"] is True and "password" not in json.dumps(settings).lower()
    # the generated target is a valid pipeline.yml target for the spec format
    import yaml

    from framework.spec.validate import validate_document
    from framework.spec.yaml_io import load_document

    pipeline = yaml.safe_load((REPO / "pipelines" / "olist" / "pipeline.yml").read_text())
    pipeline["targets"] = {"local": pipeline["targets"]["local"], **settings["target"]}
    doc, problems = load_document("pipeline.yml", yaml.safe_dump(pipeline).encode())
    assert problems == [] and validate_document(doc, "pipeline") == []
    text = subprocess.run(
        [sys.executable, str(TF / "outputs_to_settings.py"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "export ELT_OLIST_COPY_ROLE_ARN=arn:aws:iam::123456789012:role/olist-prod-redshift-copy" in text


CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
SKIP_COMMENT = re.compile(r"(?:checkov|bridgecrew):skip=\s*([A-Za-z0-9_,]+)(?::(.*))?")


def checkov_binary() -> Path:
    """checkov lives in its own virtualenv (it pins an old boto3); CI must have it, a user may not."""
    if CHECKOV.exists():
        return CHECKOV
    message = f"checkov is not installed at {CHECKOV}: `make test` builds it from terraform/checkov-requirements.txt"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def test_checkov_finds_no_failed_checks():
    result = subprocess.run(
        [
            str(checkov_binary()),
            "-d",
            str(TF),
            "--framework",
            "terraform",
            "--skip-download",
            "--compact",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    assert [r["check_type"] for r in reports] == ["terraform"], result.stdout[-2000:]
    summary, results = reports[0]["summary"], reports[0]["results"]
    assert summary["parsing_errors"] == 0 and not results.get("parsing_errors"), results.get("parsing_errors")
    assert summary["resource_count"] > 0 and summary["passed"] > 0, summary
    failures = [
        f"{c['check_id']} {c['resource']} terraform{c['file_path']}:{c['file_line_range'][0]} ({c['check_name']})"
        for c in results.get("failed_checks", [])
    ]
    assert summary["failed"] == 0 and failures == [], "checkov failed checks:\n" + "\n".join(failures)
    for check in results.get("skipped_checks", []):
        assert check["check_result"].get("suppress_comment", "").strip(), f"{check['check_id']} skipped without reason"


def test_every_checkov_skip_in_the_hcl_is_justified():
    unjustified = []
    for path in sorted(TF.rglob("*.tf")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = SKIP_COMMENT.search(line)
            if match and len((match.group(2) or "").strip()) < 20:
                unjustified.append(f"{path.relative_to(TF.parent)}:{number}: {line.strip()}")
    assert unjustified == [], "each checkov skip needs a one-line justification after the check id:\n" + "\n".join(
        unjustified
    )
