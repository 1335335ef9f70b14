"""Who the warehouse sees: the Redshift connection of every DAG task that opens one, and of the
CLI, as far as these machines allow. The Airflow connections are exactly what
terraform/outputs_to_settings.py prints; RedshiftSQLHook.get_conn, AwsBaseHook and boto3 are the
real ones; STS (AssumeRole, GetCallerIdentity) and S3 are moto's HTTP server. Replaced: only
`redshift_connector.connect` (its arguments checked against its real signature, recorded, then a
recording connection: Redshift cannot run here; tests/support/recording.py) and the one network call moto does not serve,
redshift-serverless GetCredentials (recorded with the credentials that signed it).
"""

from __future__ import annotations

import datetime
import importlib.util
import json

import boto3
import pytest
import redshift_connector

from tests.conftest import REPO
from tests.integration.s3.conftest import REGION
from tests.integration.s3.test_cli_s3 import prod_workspace
from tests.integration.s3.test_redshift_run import answer_from
from tests.support.recording import Recording, RecordingDriver

AIRFLOW_ROLE = "arn:aws:iam::123456789012:role/olist-prod-airflow"
COPY_ROLE = "arn:aws:iam::123456789012:role/olist-prod-redshift-copy"
ENDPOINT = "olist.123456789012.eu-west-1.redshift-serverless.amazonaws.com"
LOGICAL = datetime.datetime(2018, 10, 17, tzinfo=datetime.UTC)


def printed_settings(bucket: str) -> dict:
    """outputs_to_settings.py's answer for a prod environment whose lake is `bucket`."""
    spec = importlib.util.spec_from_file_location("outputs_to_settings", REPO / "terraform" / "outputs_to_settings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outputs = {
        "pipeline": "olist",
        "region": REGION,
        "bucket": bucket,
        "prefix": "olist",
        "copy_role_arn": COPY_ROLE,
        "workgroup": "olist-prod",
        "database": "analytics",
        "endpoint": ENDPOINT,
        "port": 5439,
        "airflow_role_arn": AIRFLOW_ROLE,
    }
    return module.settings({k: {"value": v} for k, v in outputs.items()}, "prod")


@pytest.fixture
def get_credentials_calls(monkeypatch):
    """redshift-serverless GetCredentials (moto has no Redshift Serverless): its parameters and
    the access key that signed it, answered with a temporary database user and password."""
    import botocore.client

    real, calls = botocore.client.BaseClient._make_api_call, []

    def make_api_call(client, operation, params):
        if client.meta.service_model.service_name == "redshift-serverless" and operation == "GetCredentials":
            signer = client._request_signer._credentials.get_frozen_credentials()
            calls.append({"params": params, "credentials": signer})
            expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
            return {"dbUser": "IAMR:olist-prod-airflow", "dbPassword": "temporary", "expiration": expires}
        return real(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", make_api_call)
    return calls


def caller(s3_endpoint: str, credentials: dict) -> str:
    """The ARN STS answers for these credentials: whose identity they are."""
    sts = boto3.client("sts", region_name=REGION, endpoint_url=s3_endpoint, **credentials)
    return sts.get_caller_identity()["Arn"]


def assert_explicit_identity(kwargs: dict, s3_endpoint: str, role_name: str) -> None:
    """The driver was given an assumed role's temporary credentials (never the environment's
    `testing` keys, which the default chain would find) and no socket timeout."""
    assert kwargs["iam"] is True and kwargs["is_serverless"] is True
    assert kwargs["access_key_id"] != "testing" and kwargs["session_token"]
    explicit = {
        "aws_access_key_id": kwargs["access_key_id"],
        "aws_secret_access_key": kwargs["secret_access_key"],
        "aws_session_token": kwargs["session_token"],
    }
    assert f":assumed-role/{role_name}/" in caller(s3_endpoint, explicit)
    assert "timeout" not in kwargs  # the driver would set it on the socket for every statement


def warehouse_tasks(pipeline_root: str, project_dir: str) -> dict:
    """One task of each kind of the Redshift DAG that opens the warehouse (run_step: loads,
    builds, checks; setup and tables are ensured inside each), by step kind."""
    from dag_factory.build import DagSettings, build_dag
    from framework.run.cache import manifest_for
    from framework.settings import resolve_target

    settings = resolve_target(pipeline_root, "prod", project_dir)
    dag = build_dag(manifest_for(pipeline_root, settings)[0], DagSettings(pipeline_root, settings))
    tasks = {}
    for task in dag.tasks:
        if getattr(task, "python_callable", None) is not None and task.python_callable.__name__ == "run_step":
            tasks.setdefault(task.op_kwargs["step_id"].split(":")[0], task)
    return tasks


def test_every_warehouse_task_connects_as_the_aws_connection_with_the_printed_connections(
    tmp_path, s3_endpoint, bucket, monkeypatch, get_credentials_calls
):
    from dag_factory import callables

    workspace = prod_workspace(tmp_path, bucket)
    printed = printed_settings(bucket)
    for name, connection in printed["airflow_connections"].items():
        monkeypatch.setenv(name, json.dumps(connection))  # exactly as printed
    for name, value in printed["environment"].items():
        monkeypatch.setenv(name, value)
    # The worker's own identity is `testing` (the default chain); STS and S3 are moto's.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", s3_endpoint)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_endpoint)
    recording = Recording(script=answer_from())
    driver = RecordingDriver(recording)
    monkeypatch.setattr(redshift_connector, "connect", driver)

    tasks = warehouse_tasks(str(workspace.pipeline), str(tmp_path))
    assert set(tasks) == {"load", "build", "check"}
    for kind, task in tasks.items():
        before = len(driver.calls), len(get_credentials_calls)
        result = callables.run_step(**task.op_kwargs, logical_date=LOGICAL)
        assert result["status"] in ("ok", "nothing new", "warned"), (kind, result)
        (kwargs,) = driver.calls[before[0] :]
        # The Redshift connection as printed, with the AWS connection's identity passed explicitly.
        assert kwargs["serverless_work_group"] == "olist-prod" and kwargs["region"] == REGION
        assert kwargs["host"] == ENDPOINT and kwargs["port"] == 5439 and kwargs["database"] == "analytics"
        assert_explicit_identity(kwargs, s3_endpoint, "olist-prod-airflow")
        # The provider's own password fetch (get_iam_token) was signed by the same role too.
        (fetch,) = get_credentials_calls[before[1] :]
        assert fetch["params"]["workgroupName"] == "olist-prod" and fetch["params"]["dbName"] == "analytics"
        signer = fetch["credentials"]
        signed_by = caller(
            s3_endpoint,
            {
                "aws_access_key_id": signer.access_key,
                "aws_secret_access_key": signer.secret_key,
                "aws_session_token": signer.token,
            },
        )
        assert ":assumed-role/olist-prod-airflow/" in signed_by, kind
    assert recording.connections == 3 and recording.statements


def test_the_cli_connects_with_the_default_chains_credentials_passed_explicitly(
    tmp_path, s3_endpoint, bucket, monkeypatch
):
    """`elt run --target prod`: the boto3 default chain — here a profile that assumes a role —
    resolved once and handed to the driver, as the DAG hands it the AWS connection's."""
    from framework.cli.main import main

    workspace = prod_workspace(tmp_path, bucket)
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile base]\naws_access_key_id = base-key\naws_secret_access_key = base-secret\n"
        "[profile olist]\nrole_arn = arn:aws:iam::123456789012:role/olist-cli\nsource_profile = base\n"
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_PROFILE", "olist")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", s3_endpoint)
    monkeypatch.setenv("ELT_S3_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("ELT_OLIST_COPY_ROLE_ARN", COPY_ROLE)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # a new process's: it reads this config
    recording = Recording(script=answer_from())
    driver = RecordingDriver(recording)
    monkeypatch.setattr(redshift_connector, "connect", driver)

    code = main(["run", str(workspace.pipeline), "--target", "prod", "--batch-date", "2018-10-17"])
    assert code == 0 and driver.calls and recording.statements
    for kwargs in driver.calls:
        assert kwargs["serverless_work_group"] == "olist-prod" and kwargs["database"] == "analytics"
        assert kwargs["region"] == REGION
        assert_explicit_identity(kwargs, s3_endpoint, "olist-cli")
