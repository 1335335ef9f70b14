"""Declarative YAML-driven ELT framework. Importing this package loads nothing heavy."""

__version__ = "0.1.0"
