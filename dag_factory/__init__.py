"""Airflow 3 DAGs from compiled manifests: one DAG per pipeline (see README.md)."""
