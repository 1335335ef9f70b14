"""Terraform, checked offline: formatting, and the security properties read from the HCL itself.
(`terraform validate/plan/apply` need provider downloads and an AWS account: not here.)"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import posixpath
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
        return {
            clean(k): clean(v)
            for k, v in value.items()
            if k not in ("__is_block__", "__comments__", "__inline_comments__")
        }
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


def configuration(directory: Path) -> dict:
    """The blocks of one Terraform module directory (its *.tf files, not its subdirectories)."""
    docs = [load(p) for p in sorted(directory.glob("*.tf"))]
    return {
        "resource": {k: v for d in docs for k, v in blocks(d, "resource").items()},
        "data": {k: v for d in docs for k, v in blocks(d, "data").items()},
        "variable": {k: v for d in docs for e in d.get("variable", []) for k, v in e.items()},
        "output": {k: v for d in docs for e in d.get("output", []) for k, v in e.items()},
        "module": {k: v for d in docs for e in d.get("module", []) for k, v in e.items()},
        "provider": {k: v for d in docs for e in d.get("provider", []) for k, v in e.items()},
        "terraform": [t for d in docs for t in d.get("terraform", [])],
        "locals": {k: v for d in docs for e in d.get("locals", []) for k, v in e.items()},
    }


def module(name: str) -> dict:
    return configuration(TF / "modules" / name)


MODULES = ("lake_bucket", "copy_role", "redshift_serverless", "airflow_identity")
# an environment is envs/<env>.tfvars.example plus envs/<env>.s3.tfbackend
ENVIRONMENTS = tuple(sorted(p.name.removesuffix(".tfvars.example") for p in TF.glob("envs/*.tfvars.example")))


def tfvars(env: str) -> dict:
    """An environment's variables (the committed example; the real file is copied from it and not committed)."""
    return load(TF / "envs" / f"{env}.tfvars.example")


def regex_validations(variable: dict) -> list[str]:
    """The patterns of a variable's `can(regex("...", var.x))` validations."""
    found = []
    for rule in variable.get("validation", []):
        match = re.fullmatch(r'\$\{can\(regex\("(.*)", var\.\w+\)\)\}', rule["condition"])
        if match:
            found.append(match.group(1))
    return found


INTERPOLATION = re.compile(r'\$\{(?:var\.(\w+)|replace\(var\.(\w+), "([^"]*)", "([^"]*)"\))\}')


def render(template, values: dict):
    """A root argument built only from `${var.x}` and `${replace(var.x, "a", "b")}`, evaluated; None otherwise."""
    if not isinstance(template, str) or re.search(r"\$\{", INTERPOLATION.sub("", template)):
        return None
    whole = INTERPOLATION.fullmatch(template)
    if whole and whole.group(1):
        return values.get(whole.group(1))

    def evaluate(match: re.Match) -> str:
        plain, replaced, old, new = match.groups()
        return str(values[plain]) if plain else str(values[replaced]).replace(old, new)

    return INTERPOLATION.sub(evaluate, template)


def holds(expression: str, values: dict) -> bool:
    """An HCL validation condition evaluated with the variables' values: booleans, comparisons, null,
    `var.x`, length(), startswith(), endswith(), contains([...], x), can(regex("...", x)) and
    alltrue([for v in x : ...]). Anything
    else fails to translate and raises, so no test passes on an expression it did not evaluate."""
    text = expression.removeprefix("${").removesuffix("}").replace('\\"', '"')
    if "?" in text:
        raise ValueError(f"conditional expressions are not evaluated: {expression}")
    text = re.sub(
        r'can\(regex\("((?:[^"\\]|\\.)*)", ([^()]+)\)\)', lambda m: f"_re({m.group(1)!r}, {m.group(2)})", text
    )
    text = re.sub(r"alltrue\(\[for (\w+) in ([^:]+) : (.+)\]\)", r"all([\3 for \1 in \2])", text)
    text = re.sub(r"contains\((\[[^\]]*\]), ([^()]+)\)", r"(\2 in \1)", text)
    text = re.sub(r"\bvar\.(\w+)", r'V["\1"]', text)
    text = re.sub(r"\bnull\b", "None", text)
    text = re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", text))
    text = text.replace("||", " or ").replace("&&", " and ").replace("length(", "len(")
    text = re.sub(r"!(?!=)", " not ", text)
    scope = {
        "V": values,
        "len": len,
        "all": all,
        "startswith": str.startswith,
        "endswith": str.endswith,
        "_re": lambda pattern, value: isinstance(value, str) and re.search(pattern, value) is not None,
    }
    return bool(eval(text, {"__builtins__": {}, **scope}))  # noqa: S307 - our own HCL, translated above


def violated(declared: dict, values: dict) -> list[str]:
    """The error messages of the validations of the variables given in `values` that fail (the other
    variables keep their defaults)."""
    scope = {name: body.get("default") for name, body in declared.items()} | values
    return [
        rule["error_message"]
        for name in values
        for rule in declared[name].get("validation", [])
        if not holds(rule["condition"], scope)
    ]


IF_SET = re.compile(r"\$\{var\.(\w+) == null \? \[\] : \[var\.\1\]\}")


def statements(document: dict, values: dict) -> list[dict]:
    """An aws_iam_policy_document's statements as Terraform renders them for these values: the static ones,
    and each `dynamic "statement"` whose for_each (`var.x == null ? [] : [var.x]`) has an element."""
    found = list(document.get("statement", []))
    for block in document.get("dynamic", []):
        dynamic = block["statement"]
        match = IF_SET.fullmatch(dynamic["for_each"])
        assert match, f"unexpected for_each {dynamic['for_each']}"
        if values.get(match.group(1)) is not None:
            content = json.dumps(dynamic["content"][0]).replace("${statement.value}", values[match.group(1)])
            found.append(json.loads(content))
    return found


def test_terraform_fmt_is_clean():
    if shutil.which("terraform") is None:
        pytest.skip("no terraform binary on this machine")
    result = subprocess.run(["terraform", "fmt", "-check", "-recursive", str(TF)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # `fmt -recursive` skips *.tfvars.example and *.tfbackend: check them through stdin
    others = sorted(TF.glob("envs/*.tfvars.example")) + sorted(TF.glob("envs/*.tfbackend"))
    assert len(others) == 2 * len(ENVIRONMENTS), others
    for path in others:
        check = subprocess.run(
            ["terraform", "fmt", "-check", "-"], input=path.read_text(), capture_output=True, text=True
        )
        assert check.returncode == 0, f"{path} is not terraform-fmt formatted"


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


class _Recorder:
    """A boto3 S3 client stand-in that only records the keys written."""

    def __init__(self):
        self.keys: list[str] = []

    def put_object(self, **kwargs):
        self.keys.append(kwargs["Key"])


def lake_keys(prefix: str) -> dict[str, list[str]]:
    """The keys the framework writes (framework/lake/s3.py), by who reads them: COPY reads the lake files
    (rejects included) through a manifest; nobody but ingest reads landing files."""
    from framework.lake.s3 import S3Lake

    client = _Recorder()
    lake = S3Lake("bucket", prefix, client)
    manifest = lake.write_copy_manifest("olist", "orders", "run-1", [])
    copy = [
        lake.batch_file("olist", "orders", "2018-10-17", "part-0.parquet"),
        lake.reject_file("olist", "orders", "2018-10-17", "rejects-0.parquet"),
        manifest,
    ]
    return {
        "copy": [uri.removeprefix("s3://bucket/") for uri in copy] + client.keys,
        "landing": [f"{prefix}/landing/olist_orders_dataset.csv"],
    }


def test_the_copy_role_reads_only_lake_files_and_manifests():
    documents = module("copy_role")["data"]["aws_iam_policy_document"]
    role = statements(documents["read_lake_prefix"], {"kms_key_arn": None})
    actions = {a for s in role for a in s["actions"]}
    assert actions == {"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"}, "no GetObjectVersion, no writes"
    assert "*" not in {r for s in role for r in s["resources"]}
    objects = next(s for s in role if "s3:GetObject" in s["actions"])
    listing = next(s for s in role if "s3:ListBucket" in s["actions"])
    assert listing["resources"] == ["${var.bucket_arn}"] and listing["condition"][0]["variable"] == "s3:prefix"
    # what the role grants, rendered for the olist prefix, against the keys the framework really uses
    values = {"bucket_arn": "arn:aws:s3:::bucket", "prefix": "olist"}
    readable = [render(r, values).removeprefix("arn:aws:s3:::bucket/") for r in objects["resources"]]
    listable = [render(v, values) for v in listing["condition"][0]["values"]]
    keys = lake_keys("olist")
    for key in keys["copy"]:
        assert any(fnmatch.fnmatchcase(key, p) for p in readable), f"COPY cannot read {key}"
        assert any(fnmatch.fnmatchcase(posixpath.dirname(key) + "/", p) for p in listable), f"COPY cannot list {key}"
    for key in keys["landing"]:
        assert not any(fnmatch.fnmatchcase(key, p) for p in readable), f"COPY may read raw landing file {key}"
    assert readable == ["olist/lake/*", "olist/manifests/*"]


def test_only_redshift_of_this_account_assumes_the_copy_role():
    trust = module("copy_role")["data"]["aws_iam_policy_document"]["trust"]["statement"]
    assert len(trust) == 1 and trust[0]["actions"] == ["sts:AssumeRole"]
    assert trust[0]["principals"] == [
        {"type": "Service", "identifiers": ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]}
    ]
    (condition,) = trust[0]["condition"]
    assert condition == {
        "test": "StringEqualsIfExists",
        "variable": "aws:SourceAccount",
        "values": ["${data.aws_caller_identity.current.account_id}"],
    }
    assert "current" in module("copy_role")["data"]["aws_caller_identity"]


KEY = "arn:aws:kms:sa-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("key", [None, KEY], ids=["sse-s3", "sse-kms"])
def test_the_roles_get_the_lake_key_exactly_when_there_is_one(key):
    """With SSE-KMS, COPY decrypts and Airflow decrypts and generates data keys, through S3 only; without a
    key nobody gets a KMS permission."""
    expected = {"copy_role": ["kms:Decrypt"], "airflow_identity": ["kms:Decrypt", "kms:GenerateDataKey"]}
    for name, document in (("copy_role", "read_lake_prefix"), ("airflow_identity", "airflow")):
        policy = statements(module(name)["data"]["aws_iam_policy_document"][document], {"kms_key_arn": key})
        kms = [s for s in policy if any(a.startswith("kms:") for a in s["actions"])]
        if key is None:
            assert kms == [], name
            continue
        (statement,) = kms
        assert statement["actions"] == expected[name] and statement["resources"] == [KEY], name
        assert statement["condition"] == [
            {
                "test": "StringEquals",
                "variable": "kms:ViaService",
                "values": ["s3.${data.aws_region.current.name}.amazonaws.com"],
            }
        ], name
        assert violated(module(name)["variable"], {"kms_key_arn": key}) == []
    assert violated(module("copy_role")["variable"], {"kms_key_arn": "alias/lake"}), "an alias is no key ARN"
    # the root gives every module that touches lake objects the bucket's key
    calls = configuration(TF)["module"]
    assert {name: call.get("kms_key_arn") for name, call in calls.items()} == {
        "lake": "${var.kms_key_arn}",
        "copy_role": "${var.kms_key_arn}",
        "redshift": "${var.kms_key_arn}",
        "airflow": "${var.kms_key_arn}",
    }


def test_the_airflow_identity_is_least_privilege():
    policy = module("airflow_identity")["data"]["aws_iam_policy_document"]["airflow"]["statement"]
    for statement in policy:
        assert "*" not in statement["resources"] and not any(a.endswith(":*") for a in statement["actions"])
    # exactly what a task calls (adversarial round 8: the Data API actions were never used): the
    # lake's objects and listing, and temporary database credentials (its connection carries the
    # workgroup's endpoint, so the driver never calls GetWorkgroup)
    actions = {a for statement in policy for a in statement["actions"]}
    assert actions == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "redshift-serverless:GetCredentials",
    }
    # the one delete: the mark of an incomplete batch (framework.lake.LakeRecords), nothing else
    (deletes,) = [s for s in policy if "s3:DeleteObject" in s["actions"]]
    assert deletes["actions"] == ["s3:DeleteObject"]
    assert deletes["resources"] == ["${var.bucket_arn}/${var.prefix}/lake/*/_batches/*.incomplete"]


def test_copy_has_a_route_to_s3_through_exactly_one_gateway_endpoint():
    """Enhanced VPC routing keeps COPY's S3 traffic in the VPC: the workgroup's route tables need an S3
    gateway endpoint, either the VPC's existing one (checked at plan) or one created here."""
    rs = module("redshift_serverless")
    assert rs["resource"]["aws_redshiftserverless_workgroup"]["this"]["enhanced_vpc_routing"] is True
    created = rs["resource"]["aws_vpc_endpoint"]["s3"]
    assert created["count"] == "${var.create_s3_gateway_endpoint ? 1 : 0}"
    assert created["vpc_endpoint_type"] == "Gateway" and created["route_table_ids"] == "${var.route_table_ids}"
    assert created["service_name"] == "${data.aws_vpc_endpoint_service.s3.service_name}"
    assert created["vpc_id"] == "${data.aws_subnet.workgroup.vpc_id}"
    assert rs["data"]["aws_vpc_endpoint_service"]["s3"] == {"service": "s3", "service_type": "Gateway"}
    assert rs["data"]["aws_subnet"]["workgroup"]["id"] == "${var.subnet_ids[0]}"
    given = rs["data"]["aws_vpc_endpoint"]["s3"]
    assert given["count"] == "${var.s3_gateway_endpoint_id == null ? 0 : 1}"
    checks = " ".join(c["condition"] for c in given["lifecycle"][0]["postcondition"])
    facts = (
        'self.vpc_endpoint_type == "Gateway"',
        "self.service_name == data.aws_vpc_endpoint_service.s3.service_name",
        "self.vpc_id == data.aws_subnet.workgroup.vpc_id",
        "contains(self.route_table_ids, id)",
    )
    for fact in facts:
        assert fact in checks, f"the given endpoint is not checked for {fact}"
    # exactly one of the two inputs, route tables to create on
    declared = rs["variable"]
    choice = ("s3_gateway_endpoint_id", "create_s3_gateway_endpoint", "route_table_ids")
    cases = {
        (None, False, ()): False,
        ("vpce-0123456789abcdef0", False, ()): True,
        ("vpce-0123456789abcdef0", False, ("rtb-0123456789abcdef0",)): True,
        (None, True, ("rtb-0123456789abcdef0",)): True,
        (None, True, ()): False,
        ("vpce-0123456789abcdef0", True, ("rtb-0123456789abcdef0",)): False,
        ("vpc-0123", False, ()): False,
        (None, True, ("subnet-0123",)): False,
    }
    for case, valid in cases.items():
        assert (violated(declared, dict(zip(choice, [*case[:2], list(case[2])]))) == []) is valid, case
    root = configuration(TF)
    assert all(root["module"]["redshift"][name] == f"${{var.{name}}}" for name in choice)
    for env in ENVIRONMENTS:
        values = {name: tfvars(env)[name] for name in choice if name in tfvars(env)}
        assert values and violated(declared, values) == [], f"{env} gives COPY no valid route to S3"
    assert "s3_gateway_endpoint_id" in (TF / "README.md").read_text()


def test_the_usage_limit_never_switches_production_off_by_default():
    """The limit records (or emits a metric) unless deactivate is chosen, sits above the README's cost
    estimate, and a daily CloudWatch alarm (optionally to SNS) warns long before the month is spent."""
    rs = module("redshift_serverless")
    limit = rs["resource"]["aws_redshiftserverless_usage_limit"]["compute"]
    assert limit["breach_action"] == "${var.usage_limit_breach_action}"
    action = rs["variable"]["usage_limit_breach_action"]
    assert action["default"] == "log"
    assert violated(rs["variable"], {"usage_limit_breach_action": "emit-metric"}) == []
    assert violated(rs["variable"], {"usage_limit_breach_action": "deactivate"}) == []
    assert violated(rs["variable"], {"usage_limit_breach_action": "stop"})
    root = configuration(TF)
    call = root["module"]["redshift"]
    assert call["usage_limit_breach_action"] == "${var.usage_limit_breach_action}"
    assert call["alarm_sns_topic_arn"] == "${var.alarm_sns_topic_arn}"
    defaults = {name: body.get("default") for name, body in root["variable"].items()}
    assert defaults["usage_limit_breach_action"] == "log"
    for env in ENVIRONMENTS:
        values = defaults | tfvars(env)
        assert values["usage_limit_breach_action"] != "deactivate" or env != "prod", "prod deactivates itself"
    # the README's monthly estimate stays under the limit
    estimate = re.search(r"= (\d+)–(\d+) RPU-hours", (REPO / "README.md").read_text())
    assert estimate and int(estimate.group(2)) < defaults["usage_limit_rpu_hours"], "the limit is hit in a normal month"
    assert defaults["usage_limit_rpu_hours"] == rs["variable"]["usage_limit_rpu_hours"]["default"]
    alarm = rs["resource"]["aws_cloudwatch_metric_alarm"]["daily_rpu_hours"]
    assert (alarm["namespace"], alarm["metric_name"], alarm["statistic"]) == (
        "AWS/Redshift-Serverless",
        "ComputeSeconds",
        "Sum",
    )
    assert alarm["dimensions"] == {"Workgroup": "${aws_redshiftserverless_workgroup.this.workgroup_name}"}
    assert alarm["period"] == 86400 and alarm["evaluation_periods"] == 1
    assert alarm["comparison_operator"] == "GreaterThanThreshold" and alarm["treat_missing_data"] == "notBreaching"
    assert alarm["threshold"] == "${local.daily_rpu_hours * 3600}"
    assert rs["locals"]["daily_rpu_hours"] == (
        "${var.usage_limit_rpu_hours / local.days_per_period[var.usage_limit_period]}"
    )
    assert rs["locals"]["days_per_period"] == {"daily": 1, "weekly": 7, "monthly": 30}
    sns = "${var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]}"
    assert alarm["alarm_actions"] == sns and alarm["ok_actions"] == sns
    assert violated(rs["variable"], {"alarm_sns_topic_arn": "arn:aws:sns:sa-east-1:123456789012:data-alerts"}) == []
    assert violated(rs["variable"], {"alarm_sns_topic_arn": "data-alerts"})


def test_the_workgroup_takes_only_tls_connections():
    workgroup = module("redshift_serverless")["resource"]["aws_redshiftserverless_workgroup"]["this"]
    assert {"parameter_key": "require_ssl", "parameter_value": "true"} in workgroup["config_parameter"]


def test_audit_logs_are_kept_for_a_bounded_time():
    """Redshift exports to /aws/redshift/<namespace>/<log type>, creating never-expiring groups unless they
    exist: the module creates them first, with a retention (and the pipeline's key)."""
    rs = module("redshift_serverless")
    namespace = rs["resource"]["aws_redshiftserverless_namespace"]["this"]
    assert namespace["log_exports"] == "${local.log_exports}"
    assert sorted(rs["locals"]["log_exports"]) == ["connectionlog", "useractivitylog", "userlog"]
    groups = rs["resource"]["aws_cloudwatch_log_group"]["audit"]
    assert groups["for_each"] == "${toset(local.log_exports)}"
    assert groups["name"] == "/aws/redshift/${var.namespace_name}/${each.key}"
    assert groups["retention_in_days"] == "${var.log_retention_days}" and groups["kms_key_id"] == "${var.kms_key_arn}"
    assert "${aws_cloudwatch_log_group.audit}" in namespace["depends_on"], "groups exist before the first export"
    assert rs["variable"]["log_retention_days"]["default"] == 365
    assert violated(rs["variable"], {"log_retention_days": 400}) == []
    assert violated(rs["variable"], {"log_retention_days": 0}) and violated(rs["variable"], {"log_retention_days": 100})
    assert configuration(TF)["module"]["redshift"]["log_retention_days"] == "${var.log_retention_days}"


def test_manifests_expire_and_old_lake_versions_do_not_pile_up():
    lake = module("lake_bucket")
    rules = {r["id"]: r for r in lake["resource"]["aws_s3_bucket_lifecycle_configuration"]["lake"]["rule"]}
    manifests, versions = rules["expire-copy-manifests"], rules["expire-noncurrent-lake-versions"]
    assert manifests["status"] == versions["status"] == "Enabled"
    assert manifests["filter"][0]["prefix"] == "${var.prefix}/manifests/"
    assert manifests["expiration"][0]["days"] == "${var.manifest_retention_days}"
    assert "noncurrent_version_expiration" in manifests
    assert versions["filter"][0]["prefix"] == "${var.prefix}/lake/"
    assert versions["noncurrent_version_expiration"][0]["noncurrent_days"] == "${var.lake_noncurrent_version_days}"
    assert "expiration" not in versions, "the current lake files are kept"
    # the filters name the framework's real key layout
    keys = lake_keys("olist")
    for rule, wanted in ((manifests, ".manifest"), (versions, ".parquet")):
        prefix = render(rule["filter"][0]["prefix"], {"prefix": "olist"})
        assert any(k.startswith(prefix) and k.endswith(wanted) for k in keys["copy"]), (prefix, keys["copy"])
    landing = render(rules["expire-raw-landing"]["filter"][0]["prefix"], {"prefix": "olist"})
    assert all(k.startswith(landing) for k in keys["landing"])
    assert violated(lake["variable"], {"manifest_retention_days": 0, "lake_noncurrent_version_days": 0})
    call = configuration(TF)["module"]["lake"]
    assert call["manifest_retention_days"] == "${var.manifest_retention_days}"
    assert call["lake_noncurrent_version_days"] == "${var.lake_noncurrent_version_days}"


def test_the_prod_target_in_pipeline_yml_names_what_terraform_creates():
    """pipeline.yml's redshift target for an environment (prod) names the workgroup, database, bucket, prefix
    and region that environment's Terraform values produce."""
    import yaml

    root = configuration(TF)
    targets = yaml.safe_load((REPO / "pipelines" / "olist" / "pipeline.yml").read_text())["targets"]
    environments = [name for name, t in targets.items() if t["type"] == "redshift" and name in ENVIRONMENTS]
    assert environments == ["prod"]
    for env in environments:
        values = {name: body.get("default") for name, body in root["variable"].items()} | tfvars(env)
        calls = root["module"]
        produced = {
            "workgroup": render(calls["redshift"]["workgroup_name"], values),
            "database": render(calls["redshift"]["database"], values),
            "s3_bucket": render(calls["lake"]["bucket_name"], values),
            "s3_prefix": render(calls["lake"]["prefix"], values),
            "region": values["region"],
            "landing_prefix": render(calls["lake"]["prefix"], values) + "/landing",
        }
        assert None not in produced.values(), produced
        assert {key: targets[env][key] for key in produced} == produced
        assert produced["workgroup"] == "olist-prod"


def test_every_state_is_encrypted_and_locked():
    """S3 native locking (a lock file beside the state, use_lockfile) is GA from Terraform 1.11, which the
    root requires; no DynamoDB table."""
    backends = {env: load(TF / "envs" / f"{env}.s3.tfbackend") for env in ENVIRONMENTS}
    for env, backend in backends.items():
        assert backend["encrypt"] is True and backend["use_lockfile"] is True, env
        assert "dynamodb_table" not in backend, env
    (required,) = [t["required_version"] for t in configuration(TF)["terraform"] if "required_version" in t]
    minimum = re.fullmatch(r">= (\d+)\.(\d+)", required)
    assert minimum and (int(minimum.group(1)), int(minimum.group(2))) >= (1, 11), required
    if shutil.which("terraform"):
        version = json.loads(subprocess.run(["terraform", "version", "-json"], capture_output=True, text=True).stdout)
        installed = tuple(int(part) for part in version["terraform_version"].split(".")[:2])
        assert installed >= (1, 11), f"terraform {version['terraform_version']} cannot use this configuration"


def test_one_root_module_serves_every_environment():
    """terraform/ is the only root; envs/ holds values and backend settings, no configuration."""
    assert sorted(p.relative_to(TF).as_posix() for p in TF.glob("envs/**/*.tf")) == []
    assert [p for p in (TF / "envs").iterdir() if p.is_dir()] == []
    root = configuration(TF)
    assert [t["backend"] for t in root["terraform"] if "backend" in t] == [[{"s3": {}}]], "one partial S3 backend"
    sources = {name: call["source"] for name, call in root["module"].items()}
    assert sorted(sources.values()) == sorted(f"./modules/{m}" for m in MODULES), sources
    assert sorted(p.name for p in (TF / "modules").iterdir() if p.is_dir()) == sorted(MODULES)


def test_the_root_passes_each_module_exactly_its_inputs():
    """What `terraform validate` would say about the module calls, offline: no unknown argument, no required one missing."""
    meta = {"source", "count", "for_each", "depends_on", "providers", "version"}
    for name, call in configuration(TF)["module"].items():
        declared = module(call["source"].removeprefix("./modules/"))["variable"]
        passed = set(call) - meta
        assert passed <= set(declared), f"module {name} gets undeclared {passed - set(declared)}"
        required = {v for v, body in declared.items() if "default" not in body}
        assert required <= passed, f"module {name} lacks {required - passed}"


def test_the_root_outputs_what_the_framework_reads_and_validates_inputs():
    spec = importlib.util.spec_from_file_location("outputs_to_settings", TF / "outputs_to_settings.py")
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)
    root = configuration(TF)
    assert set(reader.REQUIRED_OUTPUTS) | set(reader.OPTIONAL_OUTPUTS) <= set(root["output"])
    assert all("description" in o for o in root["output"].values())
    variables = root["variable"]
    assert all("description" in v for v in variables.values())
    for name in ("environment", "region", "pipeline"):
        assert regex_validations(variables[name]), f"variable {name} lost its validation"
    assert "default" not in variables["environment"], "the environment is always chosen explicitly"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_environment_values_set_declared_variables_that_pass_validation(env):
    variables = configuration(TF)["variable"]
    values = tfvars(env)
    assert values["environment"] == env, "the file's name and its environment agree"
    assert set(values) <= set(variables), f"undeclared: {set(values) - set(variables)}"
    required = {name for name, body in variables.items() if "default" not in body}
    assert required <= set(values), f"missing: {required - set(values)}"
    for name, value in values.items():
        for pattern in regex_validations(variables[name]):
            assert re.fullmatch(pattern, value), f"{env}: {name} = {value!r} fails {pattern}"


@pytest.mark.parametrize("pipeline", [None, "my_shop"])
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_gets_names_the_modules_accept(env, pipeline):
    """The names the root builds from pipeline and environment satisfy the modules' own validations
    (also for a lower_snake_case pipeline name: Redshift names take no underscores)."""
    root = configuration(TF)
    values = {name: body.get("default") for name, body in root["variable"].items()} | tfvars(env)
    if pipeline:
        assert all(re.fullmatch(p, pipeline) for p in regex_validations(root["variable"]["pipeline"]))
        values["pipeline"] = pipeline
    checked = 0
    for call in root["module"].values():
        declared = module(call["source"].removeprefix("./modules/"))["variable"]
        for argument, template in call.items():
            value = render(template, values)
            for pattern in regex_validations(declared.get(argument, {})) if isinstance(value, str) else []:
                assert re.fullmatch(pattern, value), f"{env}: {argument} = {value!r} fails {pattern}"
                checked += 1
    assert checked >= 6, checked  # bucket, prefix, copy role, namespace, workgroup, airflow role names at least


def test_environments_differ_only_in_their_identity_and_never_share_names_or_state():
    root = configuration(TF)
    dev, prod = tfvars("dev"), tfvars("prod")
    assert {k for k in dev.keys() | prod.keys() if dev.get(k) != prod.get(k)} == {"environment", "bucket_name"}
    # every name the root gives a module carries the environment, so two environments fit in one account
    names = {
        f"{m}.{a}": v
        for m, call in root["module"].items()
        for a, v in call.items()
        if a.endswith("_name") and a != "bucket_name"
    }
    assert set(names) == {
        "copy_role.role_name",
        "redshift.namespace_name",
        "redshift.workgroup_name",
        "airflow.role_name",
    }
    assert all("${var.environment}" in v for v in names.values()), names
    assert root["provider"]["aws"]["default_tags"][0]["tags"]["environment"] == "${var.environment}"
    # one state per environment: its own key (dev and prod keep the keys of the former per-environment roots)
    assert {"dev", "prod"} <= set(ENVIRONMENTS)
    assert sorted(p.name.removesuffix(".s3.tfbackend") for p in TF.glob("envs/*.tfbackend")) == list(ENVIRONMENTS)
    backends = {env: load(TF / "envs" / f"{env}.s3.tfbackend") for env in ENVIRONMENTS}
    assert {env: b["key"] for env, b in backends.items()} == {env: f"elt/{env}.tfstate" for env in ENVIRONMENTS}
    assert all(b["encrypt"] is True and "bucket" not in b for b in backends.values()), (
        "the state bucket is given at init"
    )


def guard_block() -> str:
    """The environment guard's HCL, cut out of main.tf."""
    text = (TF / "main.tf").read_text()
    start = text.index('resource "terraform_data" "environment_guard" {')
    depth = 0
    for end in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0 and text[end] == "}":
            return text[start : end + 1]
    raise AssertionError("unbalanced braces")


def test_a_state_refuses_another_environments_variables(tmp_path):
    """The state records its environment: applying other variables to it must fail at plan, changing nothing."""
    guard = configuration(TF)["resource"]["terraform_data"]["environment_guard"]
    assert guard["triggers_replace"] == "${var.environment}" and guard["lifecycle"][0]["prevent_destroy"] is True
    if shutil.which("terraform") is None:
        pytest.skip("no terraform binary on this machine")
    # the guard alone, on a local state: the built-in terraform_data provider needs no download
    (tmp_path / "main.tf").write_text('variable "environment" {\n  type = string\n}\n\n' + guard_block() + "\n")
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}

    def terraform(*args: str) -> subprocess.CompletedProcess:
        command = ["terraform", f"-chdir={tmp_path}", *args, "-input=false", "-no-color"]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    assert terraform("init").returncode == 0
    assert terraform("apply", "-auto-approve", "-var=environment=prod").returncode == 0
    same = terraform("plan", "-detailed-exitcode", "-var=environment=prod")
    assert same.returncode == 0, same.stdout + same.stderr  # 0: no changes
    other = terraform("plan", "-var=environment=dev")
    assert other.returncode == 1 and "Instance cannot be destroyed" in other.stderr, other.stdout + other.stderr


def test_every_module_variable_is_described():
    for name in MODULES:
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
    # the endpoint given: the driver never looks it up (GetWorkgroup is not in the Airflow identity)
    assert (redshift["host"], redshift["port"]) == (outputs["endpoint"]["value"], int(outputs["port"]["value"]))
    # RedshiftSQLHook.get_conn passes every extra key to redshift_connector.connect: only its own
    # arguments (the AWS connection is the hook's aws_conn_id, from the target: not in the extra).
    import inspect

    import redshift_connector

    inspect.signature(redshift_connector.connect).bind(**redshift["extra"])
    assert redshift["extra"] == {
        "iam": True,
        "is_serverless": True,
        "serverless_work_group": "olist-prod",
        "region": "sa-east-1",
    }
    aws = settings["airflow_connections"]["AIRFLOW_CONN_AWS_OLIST"]
    assert aws["extra"] == {"region_name": "sa-east-1", "role_arn": outputs["airflow_role_arn"]["value"]}
    assert target["aws_conn_id"] == "aws_olist" and target["redshift_conn_id"] == "redshift_olist"
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
