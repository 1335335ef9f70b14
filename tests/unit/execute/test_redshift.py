"""The Redshift session through the recording connection (tests/support/recording.py): how the
CLI connects (the arguments bound to redshift_connector.connect's real signature).
"""

from __future__ import annotations

import pytest
import redshift_connector

from framework.errors import ConfigError
from framework.execute.redshift import connect_redshift
from framework.settings import RedshiftSettings
from tests.support.recording import Recording, RecordingDriver

SETTINGS = RedshiftSettings(
    pipeline="olist",
    name="prod",
    project_dir="/nowhere",
    redshift_conn_id="redshift_olist",
    aws_conn_id="aws_olist",
    s3_bucket="olist-lake-prod",
    s3_prefix="olist",
    workgroup="olist",
    database="analytics",
    region="sa-east-1",
    iam_role_arn_env="ELT_OLIST_COPY_ROLE_ARN",
)


@pytest.fixture
def aws_environment(monkeypatch, tmp_path):
    """The boto3 default chain with only what a test sets: no files, no instance metadata."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


def test_the_cli_passes_the_chains_credentials_explicitly_and_no_socket_timeout(aws_environment):
    aws_environment.setenv("AWS_ACCESS_KEY_ID", "ASIACLI")
    aws_environment.setenv("AWS_SECRET_ACCESS_KEY", "cli-secret")
    aws_environment.setenv("AWS_SESSION_TOKEN", "cli-token")
    recording = Recording()
    driver = RecordingDriver(recording)
    aws_environment.setattr(redshift_connector, "connect", driver)
    session = connect_redshift(SETTINGS)
    session.execute("SELECT 1 AS one")
    session.reconnect()  # a retry's new connection: the same arguments
    assert recording.statements == ["SELECT 1 AS one"] and len(driver.calls) == 2
    for kwargs in driver.calls:
        assert kwargs == {
            "iam": True,
            "is_serverless": True,
            "serverless_work_group": "olist",
            "database": "analytics",
            "region": "sa-east-1",
            "access_key_id": "ASIACLI",
            "secret_access_key": "cli-secret",
            "session_token": "cli-token",
        }
        # redshift_connector sets `timeout` on the socket for the connection's life: a COPY
        # longer than it would fail as "connection time out" and be retried as transient.
        assert "timeout" not in kwargs


def test_no_aws_credentials_is_a_configuration_error(aws_environment):
    aws_environment.setattr(redshift_connector, "connect", RecordingDriver(Recording()))
    with pytest.raises(ConfigError, match="no AWS credentials found"):
        connect_redshift(SETTINGS)
