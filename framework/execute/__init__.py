"""Execution: run the manifest's steps against a warehouse connection."""
