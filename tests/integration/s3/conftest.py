"""A real S3 for the lake tests: moto's HTTP server on 127.0.0.1, one for this folder (its
threads end with it: ingest elsewhere forks only from a single-threaded process), and a new
bucket per test. Everything talks to it over HTTP with real boto3 clients."""

from __future__ import annotations

import os
import tempfile
import uuid

import pytest

REGION = "eu-west-1"

if "AIRFLOW_HOME" not in os.environ:  # the S3Hook test imports Airflow; never touch ~/airflow
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="airflow-home-s3-")


@pytest.fixture(scope="package")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", REGION)
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            env.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="package")
def s3(s3_endpoint):
    import boto3

    return boto3.client("s3", region_name=REGION, endpoint_url=s3_endpoint)


@pytest.fixture
def bucket(s3) -> str:
    name = f"lake-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


@pytest.fixture
def lake(s3, bucket):
    from framework.lake.s3 import S3Lake

    return S3Lake(bucket, "olist/dev", s3)
