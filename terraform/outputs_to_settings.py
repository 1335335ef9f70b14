"""`terraform output -json` → what the pipeline and Airflow need, printed (no secrets).

    terraform -chdir=terraform output -json | python terraform/outputs_to_settings.py --target prod

with terraform/ initialised on that environment's state (envs/prod.s3.tfbackend, see terraform/README.md),
prints (1) the `targets.<name>` block for pipeline.yml, (2) the export of the COPY role ARN under
the environment-variable name pipeline.yml expects, (3) the Airflow connections as
AIRFLOW_CONN_* JSON: an AWS connection (role from the Airflow identity, region) and a Redshift
connection for IAM to the serverless workgroup — no password anywhere. The DAG tasks open the
Redshift connection as the AWS connection the target names (`aws_conn_id`).
"""

from __future__ import annotations

import argparse
import json
import sys

# Outputs of the root module (terraform/outputs.tf) this script needs; `airflow_role_arn` is optional.
REQUIRED_OUTPUTS = (
    "pipeline",
    "region",
    "bucket",
    "prefix",
    "copy_role_arn",
    "workgroup",
    "database",
    "endpoint",
    "port",
)
OPTIONAL_OUTPUTS = ("airflow_role_arn",)


def settings(outputs: dict, target: str) -> dict:
    value = {name: item["value"] for name, item in outputs.items()}
    missing = [k for k in REQUIRED_OUTPUTS if value.get(k) in (None, "")]
    if missing:
        raise SystemExit(f"terraform outputs lack {', '.join(missing)}: apply the environment root first")
    pipeline = value["pipeline"]
    role_env = f"ELT_{pipeline.upper()}_COPY_ROLE_ARN"
    aws_conn, redshift_conn = f"aws_{pipeline}", f"redshift_{pipeline}"
    aws_extra = {"region_name": value["region"]}
    if value.get("airflow_role_arn"):
        aws_extra["role_arn"] = value["airflow_role_arn"]
    return {
        "target": {
            target: {
                "type": "redshift",
                "redshift_conn_id": redshift_conn,
                "aws_conn_id": aws_conn,
                "s3_bucket": value["bucket"],
                "s3_prefix": value["prefix"],
                "iam_role_arn_env": role_env,
                "workgroup": value["workgroup"],
                "database": value["database"],
                "region": value["region"],
                "landing_prefix": f"{value['prefix']}/landing",
            }
        },
        "environment": {role_env: value["copy_role_arn"]},
        "airflow_connections": {
            f"AIRFLOW_CONN_{aws_conn.upper()}": {"conn_type": "aws", "extra": aws_extra},
            f"AIRFLOW_CONN_{redshift_conn.upper()}": {
                "conn_type": "redshift",
                "host": value["endpoint"],
                "port": int(value["port"]),
                "schema": value["database"],
                # Every extra key reaches redshift_connector.connect (RedshiftSQLHook.get_conn), so
                # only the driver's own arguments; the AWS connection is the hook's `aws_conn_id`,
                # given by the DAG task from the target (dag_factory/redshift.py).
                "extra": {
                    "iam": True,
                    "is_serverless": True,
                    "serverless_work_group": value["workgroup"],
                    "region": value["region"],
                },
            },
        },
    }


def render(result: dict) -> str:
    import yaml

    lines = [
        "# pipeline.yml (under targets:)",
        yaml.safe_dump(result["target"], sort_keys=False).rstrip(),
        "",
        "# environment of the Airflow workers",
    ]
    lines += [f"export {k}={v}" for k, v in result["environment"].items()]
    lines += [f"export {k}='{json.dumps(v, separators=(',', ':'))}'" for k, v in result["airflow_connections"].items()]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="prod", help="the target's name in pipeline.yml")
    parser.add_argument("--json", action="store_true", help="print JSON instead of YAML and shell lines")
    parser.add_argument("outputs", nargs="?", help="a file with `terraform output -json` (default: stdin)")
    args = parser.parse_args()
    text = open(args.outputs).read() if args.outputs else sys.stdin.read()
    result = settings(json.loads(text), args.target)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
