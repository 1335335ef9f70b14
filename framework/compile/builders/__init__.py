"""Dialect-neutral statement builders: spec objects in, sqlglot expressions out."""
