"""Airflow 3 DAG generation from compiled manifests (not implemented yet)."""
