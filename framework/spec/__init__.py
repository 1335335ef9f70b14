"""Spec layer: YAML text → validated, frozen spec objects (see README.md)."""
