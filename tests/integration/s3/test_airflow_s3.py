"""The Redshift DAG's S3 side through Airflow's own code paths against a real local S3: the
deferrable sensor's check, and the ingest task, with credentials from an Airflow connection."""

from __future__ import annotations

import datetime
import json
import logging

from tests.conftest import OLIST
from tests.integration.s3.conftest import REGION
from tests.integration.s3.test_cli_s3 import prod_workspace


def airflow_aws_connection(monkeypatch, endpoint: str) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_AWS_OLIST",
        json.dumps(
            {
                "conn_type": "aws",
                "login": "testing",
                "password": "testing",
                "extra": {"endpoint_url": endpoint, "region_name": REGION},
            }
        ),
    )
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")  # the connection's credentials, not the environment's
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")


def test_the_sensor_sees_landing_objects_and_the_ingest_task_fills_the_s3_lake(
    tmp_path, s3, s3_endpoint, bucket, monkeypatch, caplog
):
    from airflow.providers.amazon.aws.sensors.s3 import S3KeySensor

    from dag_factory import callables

    workspace = prod_workspace(tmp_path, bucket)
    airflow_aws_connection(monkeypatch, s3_endpoint)
    sensor = S3KeySensor(
        task_id="detect", bucket_name=bucket, bucket_key="olist/landing/*", wildcard_match=True, aws_conn_id="aws_olist"
    )
    assert sensor.poke({}) is False  # nothing landed yet
    for path in sorted((OLIST / "sample").iterdir()):
        s3.upload_file(str(path), bucket, f"olist/landing/{path.name}")
    assert sensor.poke({}) is True

    logical = datetime.datetime(2018, 10, 17, tzinfo=datetime.UTC)
    result = callables.ingest_landing(str(workspace.pipeline), "prod", str(tmp_path), logical_date=logical)
    assert result["files"] == 9 and result["rows"] > 10_000
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="olist/lake/olist/")["Contents"]]
    data = [k for k in keys if not any(f"/{part}/" in k for part in ("_rejects", "_batches", "_landing"))]
    assert len(data) == 9 and all("batch_date=2018-10-17" in k for k in data)
    assert len([k for k in keys if "/_landing/" in k]) == 9  # each landing object recorded as consumed
    assert "olist/lake/olist/_batches/batch_date=2018-10-17.json" in keys  # the batch record, written last
    # A retried task, or the next day's run on the same landing objects, ingests nothing again:
    # the lake (and so the ledger's checksums) does not change.
    before = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="olist/lake/")["Contents"]}
    for day in (logical, logical + datetime.timedelta(days=1)):
        callables.log.addHandler(caplog.handler)  # Airflow's logging config may stop propagation
        try:
            with caplog.at_level(logging.INFO, logger=callables.log.name):
                again = callables.ingest_landing(str(workspace.pipeline), "prod", str(tmp_path), logical_date=day)
        finally:
            callables.log.removeHandler(caplog.handler)
        assert again == {"files": 9, "rows": 0}
        # the task log says why (round 8b: it read as nine empty deliveries)
        assert "olist_orders_dataset.csv.gz: not read again: already ingested in batch 2018-10-17" in caplog.text
    after = {o["Key"]: o["ETag"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="olist/lake/")["Contents"]}
    assert after == before
