"""The Redshift session through the recording connection (tests/support/recording.py): how the
CLI connects (the arguments bound to redshift_connector.connect's real signature), and what a
refused COPY tells.
"""

from __future__ import annotations

import pytest
import redshift_connector

from framework.errors import ConfigError, TerminalWarehouseError
from framework.execute.redshift import LoadFailed, connect_redshift
from framework.settings import RedshiftSettings
from tests.support.recording import Recording, RecordingConnection, RecordingDriver, redshift_error

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


SPECTRUM_DETAIL = """
  -----------------------------------------------
  error:  Spectrum Scan Error
  code:      15007
  context:   File 'https://s3.sa-east-1.amazonaws.com/olist-lake-prod/olist/lake/olist/orders/batch_date=2018-10-17/orders.parquet' has an incompatible Parquet schema for column 's3://olist-lake-prod/olist/lake/olist/orders/batch_date=2018-10-17/orders.parquet.order_status'. Column type: VARCHAR(20), Parquet schema:
optional int64 order_status [i:2 d:1 r:0]
  query:     146667179
  location:  dory_util.cpp:1777
  process:   worker_thread [pid=30296]
  -----------------------------------------------
"""  # noqa: E501 — the server's line, as it sends it

COPY = "COPY __load_orders FROM 's3://olist-lake-prod/olist/manifests/orders.manifest' FORMAT AS PARQUET MANIFEST"


def failed_copy(scan_rows: list[tuple]) -> tuple[LoadFailed, list[str]]:
    """Run the COPY on a recording session where it fails with a Spectrum scan error, and explain it."""

    def script(sql: str):
        if sql.startswith("COPY "):
            return redshift_error("XX000", "Spectrum Scan Error", SPECTRUM_DETAIL)
        if "FROM sys_load_error_detail" in sql:
            return []  # a Parquet COPY refused by Spectrum records none
        if "FROM sys_external_query_error" in sql:
            return scan_rows
        return None

    recording = Recording(script=script)
    session = connect_redshift(SETTINGS, connect=lambda: RecordingConnection(recording))
    with pytest.raises(TerminalWarehouseError) as raised:
        session.execute(COPY)
    return session.explain_failed_load("__load_orders", raised.value), recording.statements


def test_a_spectrum_scan_error_is_explained_from_its_own_detail():
    failed, sent = failed_copy([])
    lines = str(failed).splitlines()
    assert lines[0] == "the load into __load_orders failed: Spectrum Scan Error [code 15007, query 146667179]"
    assert lines[1].startswith("  File 'https://s3.sa-east-1.amazonaws.com/olist-lake-prod/olist/lake/olist/orders/")
    assert "has an incompatible Parquet schema for column" in lines[1]
    assert lines[1].endswith("Column type: VARCHAR(20), Parquet schema: optional int64 order_status [i:2 d:1 r:0]")
    assert len(lines) == 2
    # Rolled back first (the COPY aborted the transaction), then the two views, for this session.
    assert sent[1] == "ROLLBACK"
    assert "FROM sys_load_error_detail" in sent[2] and "PG_BACKEND_PID()" in sent[2]
    assert "FROM sys_external_query_error" in sent[3]
    assert "FROM sys_query_history WHERE session_id = PG_BACKEND_PID() AND query_type = 'COPY'" in sent[3]


def test_the_spectrum_scan_errors_redshift_logged_are_listed():
    row = ("s3://olist-lake-prod/olist/orders.parquet", "1024:0:41", "order_status", "shipped-ish", "TRUNCATE", 156)
    failed, _ = failed_copy([row])
    assert failed.scan_errors[0]["column_name"] == "order_status"
    assert str(failed).splitlines()[2:] == [
        "  1 row(s) in SYS_EXTERNAL_QUERY_ERROR:",
        "  s3://olist-lake-prod/olist/orders.parquet (row 1024:0:41): column order_status: value 'shipped-ish', "
        "TRUNCATE [error 156]",
    ]


def test_an_error_without_detail_keeps_its_own_words():
    def script(sql: str):
        if sql.startswith("COPY "):
            return redshift_error("XX000", "Load into table '__load_orders' failed.")
        return [] if "FROM sys_" in sql else None

    recording = Recording(script=script)
    session = connect_redshift(SETTINGS, connect=lambda: RecordingConnection(recording))
    with pytest.raises(TerminalWarehouseError) as raised:
        session.execute(COPY)
    message = str(session.explain_failed_load("__load_orders", raised.value))
    assert message == (
        "the load into __load_orders failed (Load into table '__load_orders' failed.); "
        "SYS_LOAD_ERROR_DETAIL has no rows for it"
    )
