"""The CLI on the redshift target, through a real local S3 server: `elt ingest --target prod`
pulls landing objects and writes the typed lake to S3; `elt run --target prod` refuses clearly
when the COPY role is not configured (Redshift itself cannot be reached from here)."""

from __future__ import annotations

import json
import os

from tests.conftest import OLIST
from tests.integration.s3.conftest import REGION
from tests.support.workspace import Workspace


def prod_workspace(tmp_path, bucket) -> Workspace:
    workspace = Workspace(tmp_path, OLIST)
    config = workspace.pipeline / "pipeline.yml"
    config.write_text(config.read_text().replace("olist-lake-prod", bucket).replace("sa-east-1", REGION))
    return workspace


def cli_env(endpoint: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ELT_"))}
    return {
        **env,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "ELT_S3_ENDPOINT_URL": endpoint,
    }


def ingest_json(workspace: Workspace, endpoint: str) -> list[dict]:
    """`elt ingest --target prod --format json` of the workspace's pipeline: its files, each with its result."""
    import subprocess

    from tests.support.workspace import ELT

    done = subprocess.run(
        [ELT, "ingest", str(workspace.pipeline), "--target", "prod", "--batch-date", "2018-10-17", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=cli_env(endpoint),
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)["files"]


def test_elt_ingest_reads_s3_landing_and_writes_the_s3_lake(tmp_path, s3, s3_endpoint, bucket):
    for path in sorted((OLIST / "sample").iterdir()):
        s3.upload_file(str(path), bucket, f"olist/landing/{path.name}")
    workspace = prod_workspace(tmp_path, bucket)
    files = ingest_json(workspace, s3_endpoint)
    assert len(files) == 9 and all(f["error"] is None for f in files)
    assert all(f["landing"].startswith(f"s3://{bucket}/olist/landing/") for f in files)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="olist/lake/")["Contents"]]
    data = [k for k in keys if not any(f"/{part}/" in k for part in ("_rejects", "_batches", "_landing"))]
    assert sorted(f["lake"] for f in files) == sorted(f"s3://{bucket}/{k}" for k in data)
    assert all("/batch_date=2018-10-17/" in k for k in data)
    # the batch record, written last: the delivery is complete, every file with its rows and ETag
    record = json.loads(
        s3.get_object(Bucket=bucket, Key="olist/lake/olist/_batches/batch_date=2018-10-17.json")["Body"].read()
    )
    assert record["complete"] is True and len(record["files"]) == 9 and not record["failed"]
    etags = {k: s3.head_object(Bucket=bucket, Key=k)["ETag"].strip('"') for k in data}
    assert {key: etag for key, _, etag in record["files"]} == {"/".join(k.split("/")[-4:]): e for k, e in etags.items()}


def test_elt_ingest_reads_s3_landing_objects_in_sub_folders_as_a_landing_folders(tmp_path, s3, s3_endpoint, bucket):
    """A pattern with a `/` reaches into the landing prefix's sub-folders on S3 as in a landing
    folder; before, S3 listed only the objects directly below and found nothing."""
    for path in sorted((OLIST / "sample").iterdir()):
        folder = "2018-10/" if path.name.startswith("olist_orders_dataset") else ""
        s3.upload_file(str(path), bucket, f"olist/landing/{folder}{path.name}")
    workspace = prod_workspace(tmp_path, bucket)
    spec = workspace.pipeline / "sources" / "orders.yml"
    spec.write_text(spec.read_text().replace("path: olist_orders_dataset", "path: 2018-*/olist_orders_dataset"))
    files = ingest_json(workspace, s3_endpoint)
    assert len(files) == 9 and all(f["error"] is None for f in files)
    orders = [f for f in files if f["source"] == "orders"]
    assert [f["landing"] for f in orders] == [f"s3://{bucket}/olist/landing/2018-10/olist_orders_dataset.csv.gz"]
    assert orders[0]["rows"] > 0


def test_elt_run_on_redshift_without_the_copy_role_says_what_to_set(tmp_path, s3_endpoint, bucket):
    workspace = prod_workspace(tmp_path, bucket)
    import subprocess

    from tests.support.workspace import ELT

    done = subprocess.run(
        [ELT, "run", str(workspace.pipeline), "--target", "prod"],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(s3_endpoint),
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "ELT_OLIST_COPY_ROLE_ARN" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_elt_ingest_names_a_missing_bucket(tmp_path, s3_endpoint):
    import subprocess

    from tests.support.workspace import ELT

    workspace = prod_workspace(tmp_path, "no-such-bucket-here")
    done = subprocess.run(
        [ELT, "ingest", str(workspace.pipeline), "--target", "prod"],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(s3_endpoint),
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no-such-bucket-here" in done.stderr and "Traceback" not in done.stderr + done.stdout
