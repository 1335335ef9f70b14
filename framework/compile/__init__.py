"""Compiler: specs → a plan of sqlglot statements per target → rendered SQL and manifest.json."""
