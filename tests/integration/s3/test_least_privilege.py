"""The S3 lake under the Airflow identity's least-privilege policy (terraform/modules/
airflow_identity), against the local S3 server: the lake's client holds an assumed role with
exactly that policy (moto checks each request's action and resource), and the policy is
evaluated as AWS would, conditions included, for every request the client makes
(tests/support/s3_iam.py: moto cannot evaluate an `s3:prefix` condition). Ingest, the batch
and landing records, and a Redshift run's ledger checks and COPY manifests must all pass; the
old HeadBucket fallback must not."""

from __future__ import annotations

import gzip
import json
import uuid
from contextlib import contextmanager

import pytest

from framework.ingest.s3_landing import ingest_from_s3
from framework.lake import LakeError
from framework.lake.s3 import S3Lake
from framework.run.cache import load_or_compile
from framework.run.runner import OK
from framework.spec.project import load_project
from tests.conftest import OLIST, REPO
from tests.support.recording import Recording
from tests.support.s3_iam import MISSING_KEY_PREFIX, PolicyEnforcer, is_allowed, policy_from_terraform

from .conftest import REGION
from .test_redshift_run import answer_from, run

PREFIX = "olist"  # terraform/main.tf gives the Airflow identity the pipeline's name, the lake's s3_prefix
MODULE = REPO / "terraform" / "modules" / "airflow_identity"
BATCH = "2018-10-17"


def airflow_policy(bucket: str) -> dict:
    return policy_from_terraform(MODULE, "airflow", {"bucket_arn": f"arn:aws:s3:::{bucket}", "prefix": PREFIX})


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    manifest, _ = load_or_compile(str(OLIST), "redshift", str(tmp_path_factory.mktemp("cache")))
    return manifest


@pytest.fixture
def delivered(s3, bucket) -> str:
    """The bundled sample in the landing prefix, one review row bad (so a rejects file exists)."""
    for path in sorted((OLIST / "sample").iterdir()):
        body = path.read_bytes()
        if path.name.startswith("olist_order_reviews"):
            body = gzip.compress(gzip.decompress(body) + b"r-bad,o-bad,five,,,2018-08-15 00:00:00,\n")
        s3.put_object(Bucket=bucket, Key=f"{PREFIX}/landing/{path.name}", Body=body)
    return bucket


@contextmanager
def least_privilege(endpoint: str, bucket: str, missing_key_prefix: str = "key"):
    """An S3 client on an assumed role holding only the Airflow policy, with moto's IAM checks on
    (INITIAL_NO_AUTH_ACTION_COUNT through moto's reset-auth endpoint) and the policy enforcer
    attached; moto's checks are switched off again on the way out (the server is shared)."""
    import boto3
    import requests

    policy = airflow_policy(bucket)
    iam = boto3.client("iam", region_name=REGION, endpoint_url=endpoint)
    name = f"airflow-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="elt-airflow", PolicyDocument=json.dumps(policy))
    sts = boto3.client("sts", region_name=REGION, endpoint_url=endpoint)
    credentials = sts.assume_role(RoleArn=arn, RoleSessionName="airflow")["Credentials"]
    client = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    enforcer = PolicyEnforcer(policy, missing_key_prefix)
    enforcer.attach(client)
    before = requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=10).json()
    try:
        yield client, enforcer
    finally:
        previous = str(before["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]).encode()
        requests.post(f"{endpoint}/moto-api/reset-auth", data=previous, timeout=10)


def s3_call(operation: str, **params) -> tuple[str, str, dict]:
    from tests.support.s3_iam import s3_request

    request = s3_request(operation, params)
    return request.action, request.resource, dict(request.context)


@pytest.mark.parametrize(
    "call, allowed",
    [
        (s3_call("ListObjectsV2", Bucket="b", Prefix="olist/lake/olist/orders/"), True),
        (s3_call("ListObjectsV2", Bucket="b", Prefix="olist/lake/olist/_batches/"), True),
        (s3_call("ListObjectsV2", Bucket="b", Prefix="olist/lake/olist/_landing/"), True),
        (s3_call("ListObjectsV2", Bucket="b", Prefix="olist/landing/", Delimiter="/"), True),
        (
            s3_call("ListObjectsV2", Bucket="b", Prefix="olist/lake/olist/orders/batch_date=D/a.parquet", MaxKeys=1),
            True,
        ),
        (s3_call("ListObjectsV2", Bucket="b"), False),  # the whole bucket
        (s3_call("ListObjectsV2", Bucket="b", Prefix=""), False),
        (s3_call("ListObjectsV2", Bucket="b", Prefix="olistx/"), False),  # a neighbour sharing the name's start
        (s3_call("ListObjectsV2", Bucket="other", Prefix="olist/lake/"), False),
        (s3_call("HeadBucket", Bucket="b"), False),  # s3:ListBucket without s3:prefix
        (s3_call("HeadObject", Bucket="b", Key="olist/lake/olist/orders/batch_date=D/a.parquet"), True),
        (s3_call("GetObject", Bucket="b", Key="olist/landing/olist_orders_dataset.csv"), True),
        (s3_call("PutObject", Bucket="b", Key="olist/manifests/olist/orders/r.manifest"), True),
        (s3_call("PutObject", Bucket="b", Key="elsewhere/a.parquet"), False),
        (s3_call("GetObject", Bucket="b", Key="olistx/a"), False),
        (s3_call("DeleteObject", Bucket="b", Key="olist/lake/olist/_batches/batch_date=D.incomplete"), True),
        (s3_call("DeleteObject", Bucket="b", Key="olist/lake/olist/_batches/batch_date=D.json"), False),
        (s3_call("DeleteObject", Bucket="b", Key="olist/lake/olist/orders/batch_date=D/a.incomplete"), False),
        (("s3:DeleteObject", "arn:aws:s3:::b/olist/lake/a.parquet", {}), False),
        (("s3:PutBucketPolicy", "arn:aws:s3:::b", {}), False),
    ],
)
def test_the_airflow_policy_allows_the_lakes_requests_and_no_more(call, allowed):
    action, resource, context = call
    assert is_allowed(airflow_policy("b"), action, resource, context) is allowed


@pytest.mark.parametrize("missing_key_prefix", MISSING_KEY_PREFIX)
def test_ingest_and_a_redshift_run_need_nothing_beyond_the_policy(compiled, s3_endpoint, delivered, missing_key_prefix):
    bucket = delivered
    project, _ = load_project(str(OLIST))
    with least_privilege(s3_endpoint, bucket, missing_key_prefix) as (client, enforcer):
        lake = S3Lake(bucket, PREFIX, client)
        report = ingest_from_s3(project, lake, bucket, f"{PREFIX}/landing", BATCH)
        assert len(report.files) == 9 and not report.failed, [f.error for f in report.files]
        assert sum(len(f.rejects) for f in report.files) == 1
        assert set(lake.landing_records(PREFIX)) and lake.batch_records(PREFIX)[BATCH].complete
        again = ingest_from_s3(project, lake, bucket, f"{PREFIX}/landing", BATCH)  # a retried task
        assert sum(f.rows for f in again.files) == 0 and not again.failed

        recording = Recording(script=answer_from())
        session_run = run(compiled, lake, recording)  # detection, ledger rows, rejects, COPY manifests
        assert all(o.status in (OK, "warned") for o in session_run.outcomes), [
            (o.step, o.error) for o in session_run.outcomes if o.error
        ]
        assert sum(s.startswith("COPY ") for s in recording.statements) == 10  # 9 sources + 1 rejects file
        for source in project.sources:
            for lake_file in lake.list_files(PREFIX, source.name):
                assert lake.describe(lake_file.path) == lake_file and lake.row_count(lake_file.path) >= 0
        missing = lake.reject_file(PREFIX, "orders", BATCH, "olist_orders_dataset.parquet")
        assert lake.describe(missing) is None and lake.exists(missing) is False

    assert enforcer.denied() == []
    assert {"ListObjectsV2", "HeadObject", "GetObject", "PutObject"} <= enforcer.operations()
    assert "HeadBucket" not in enforcer.operations()
    implicit = [d for d in enforcer.decisions if d.implicit]  # S3's check on each missing key
    assert implicit and all(d.allowed for d in implicit) == (missing_key_prefix == "key")


def test_an_incomplete_batchs_mark_is_set_listed_and_removed_under_the_policy(s3_endpoint, bucket):
    """The mark of an incomplete batch (a refused file) is the one object the lake deletes: when
    an ingest completes the batch, or a run passes it over (--allow-partial)."""
    from framework.lake import BatchRecord

    with least_privilege(s3_endpoint, bucket) as (client, enforcer):
        lake = S3Lake(bucket, PREFIX, client)
        for day in ("2024-01-01", "2024-01-02"):
            lake.write_batch_record(PREFIX, BatchRecord(day, False, failed=(("orders_b.csv", "refused", "orders"),)))
        assert lake.incomplete_batches(PREFIX) == {"2024-01-01", "2024-01-02"}
        lake.write_batch_record(PREFIX, BatchRecord("2024-01-01", True))  # the corrected delivery
        lake.pass_over(PREFIX, "2024-01-02")
        assert lake.incomplete_batches(PREFIX) == set()
        assert lake.batch_dates(PREFIX) == {"2024-01-01", "2024-01-02"}  # the records stay
        assert not lake.batch_records(PREFIX)["2024-01-02"].complete
    assert enforcer.denied() == []
    assert "DeleteObject" in enforcer.operations()


def _head_with_the_old_fallback(self, path, operation):
    """S3Lake._head before this change: HEAD, then HeadBucket to tell a missing key from a
    missing bucket."""
    from botocore.exceptions import ClientError

    from framework.lake.s3 import split_s3

    bucket, key = split_s3(path)
    with self._errors(operation, bucket, key):
        try:
            return self.client.head_object(Bucket=bucket, Key=key)
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] != 404:
                raise
        self.client.head_bucket(Bucket=bucket)
    return None


def test_the_old_head_bucket_fallback_fails_under_the_policy(s3_endpoint, delivered, monkeypatch):
    """The check bites: with the HeadBucket fallback, the first new lake file's put is refused."""
    monkeypatch.setattr(S3Lake, "_head", _head_with_the_old_fallback)
    project, _ = load_project(str(OLIST))
    with least_privilege(s3_endpoint, delivered) as (client, enforcer):
        lake = S3Lake(delivered, PREFIX, client)
        with pytest.raises(LakeError, match="access denied to bucket"):
            lake.describe(lake.batch_file(PREFIX, "orders", BATCH, "missing.parquet"))
        with pytest.raises(LakeError, match=r"S3 put s3://.*\.parquet: access denied to bucket"):
            ingest_from_s3(project, lake, delivered, f"{PREFIX}/landing", BATCH)
    assert {d.request.operation for d in enforcer.denied()} == {"HeadBucket"}


def test_a_lake_outside_the_policys_prefix_is_a_clear_error(s3_endpoint, bucket, tmp_path):
    with least_privilege(s3_endpoint, bucket) as (client, _):
        lake = S3Lake(bucket, "elsewhere", client)
        with pytest.raises(LakeError, match=r"S3 list s3://.*/elsewhere/lake/olist/orders/: access denied"):
            lake.list_files("olist", "orders")
        with pytest.raises(LakeError, match="access denied"):
            lake.describe(lake.batch_file("olist", "orders", BATCH, "a.parquet"))


def test_moto_checks_credentials_inside_the_context_only(s3, s3_endpoint, bucket):
    from botocore.exceptions import ClientError

    with least_privilege(s3_endpoint, bucket):
        with pytest.raises(ClientError, match="InvalidAccessKeyId"):  # the test credentials are no IAM principal
            s3.list_objects_v2(Bucket=bucket)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0  # the shared server answers the test credentials
