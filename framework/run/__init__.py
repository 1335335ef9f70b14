"""Run a pipeline on the embedded default: detect → load staging → models in order → checks."""
